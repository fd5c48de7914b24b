//! Property tests of the whole-ledger merge on real git objects: merging theirs into ours
//! and ours into theirs give byte-identical trees; merging again changes nothing; a spec
//! changed, added, archived or deleted on one side only ends up as that side has it; and a
//! spec both sides changed loses nothing (docs/DESIGN.md, "Sync and merge"): a change
//! beats a deletion and is recorded, an archive on either side stays, labels merge as
//! sets, ticks from both sides survive a clean body merge, a status both sides changed
//! keeps one and records the other, and only a spec both sides changed has a conflict.

use git_chant::merge::ledger::merge_trees;
use git_chant::spec::Spec;
use git_chant::store::paths::spec_path;
use git_chant::store::Store;
use gix::objs::tree::EntryKind;
use gix::ObjectId;
use proptest::prelude::*;
use serde_yaml::Value;

use crate::harness::Repo;

#[derive(Debug, Clone)]
enum Op {
    Add(u8),
    Delete(usize),
    Archive(usize),
    Status(usize, &'static str),
    Label(usize, &'static str),
    Tick(usize, usize),
    /// Rewrites criterion `n`'s text (suffixed with `n`, so a line's text is only ever
    /// found at its own place): both sides doing so is a body conflict.
    Reword(usize, usize, &'static str),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => any::<u8>().prop_map(Op::Add),
        1 => (0usize..4).prop_map(Op::Delete),
        1 => (0usize..4).prop_map(Op::Archive),
        // Weighted, and on the first two specs, so both sides often set one spec's status.
        3 => (
            0usize..2,
            prop::sample::select(vec!["in_progress", "completed", "cancelled"])
        )
            .prop_map(|(i, s)| Op::Status(i, s)),
        1 => (0usize..4, prop::sample::select(vec!["x", "y", "z"])).prop_map(|(i, l)| Op::Label(i, l)),
        1 => (0usize..4, 1usize..=3).prop_map(|(i, n)| Op::Tick(i, n)),
        1 => (
            0usize..4,
            1usize..=3,
            prop::sample::select(vec!["aaa", "mmm", "zzz"])
        )
            .prop_map(|(i, n, t)| Op::Reword(i, n, t)),
    ]
}

fn spec_text(title: &str) -> String {
    Spec::new(
        vec![("status", Value::from("pending"))],
        format!("# {title}\n\n## Acceptance Criteria\n\n- [ ] one\n- [ ] two\n- [ ] three\n"),
    )
    .render()
}

/// A ledger as `(id, archived, text)`, in a fixed order.
type Ledger = Vec<(String, bool, String)>;

fn apply(ledger: &Ledger, ops: &[Op], side: &str) -> Ledger {
    let mut out = ledger.clone();
    for op in ops {
        let live: Vec<usize> = (0..out.len()).filter(|i| !out[*i].1).collect();
        let pick = |k: usize| live.get(k % live.len().max(1)).copied();
        match op {
            Op::Add(n) => {
                let id = format!("{side}-{n}");
                if !out.iter().any(|(i, _, _)| *i == id) {
                    out.push((id.clone(), false, spec_text(&id)));
                }
            }
            Op::Delete(k) => {
                if let Some(i) = pick(*k) {
                    out.remove(i);
                }
            }
            Op::Archive(k) => {
                if let Some(i) = pick(*k) {
                    out[i].1 = true;
                }
            }
            Op::Status(k, status) | Op::Label(k, status) => {
                if let Some(i) = pick(*k) {
                    let mut spec = Spec::parse("s", out[i].2.as_bytes()).unwrap();
                    if matches!(op, Op::Status(..)) {
                        spec.set_text("status", status);
                    } else {
                        let mut labels: Vec<String> =
                            spec.labels().iter().map(|s| s.to_string()).collect();
                        labels.push(status.to_string());
                        spec.set_list("labels", &labels);
                    }
                    out[i].2 = spec.render();
                }
            }
            Op::Tick(k, n) => {
                if let Some(i) = pick(*k) {
                    let mut spec = Spec::parse("s", out[i].2.as_bytes()).unwrap();
                    spec.set_criterion(*n, true);
                    out[i].2 = spec.render();
                }
            }
            Op::Reword(k, n, text) => {
                if let Some(i) = pick(*k) {
                    let old = ["one", "two", "three"][*n - 1];
                    out[i].2 =
                        out[i]
                            .2
                            .replacen(&format!("] {old}\n"), &format!("] {text}{n}\n"), 1);
                }
            }
        }
    }
    out
}

fn write_tree(repo: &gix::Repository, ledger: &Ledger) -> ObjectId {
    let mut editor = repo
        .edit_tree(ObjectId::empty_tree(repo.object_hash()))
        .unwrap();
    editor
        .upsert(
            "FORMAT",
            EntryKind::Blob,
            repo.write_blob(b"chant-ledger 1\n").unwrap(),
        )
        .unwrap();
    for (id, archived, text) in ledger {
        let blob = repo.write_blob(text.as_bytes()).unwrap();
        editor
            .upsert(spec_path(id, *archived), EntryKind::Blob, blob)
            .unwrap();
    }
    editor.write().unwrap().detach()
}

fn merged_tree(
    repo: &gix::Repository,
    base: ObjectId,
    ours: ObjectId,
    theirs: ObjectId,
) -> ObjectId {
    let merged = merge_trees(repo, Some(base), ours, theirs).unwrap();
    let mut editor = repo.edit_tree(ours).unwrap();
    for (path, bytes) in merged.writes {
        match bytes {
            Some(bytes) => {
                let blob = repo.write_blob(&bytes).unwrap();
                editor.upsert(path.as_str(), EntryKind::Blob, blob).unwrap();
            }
            None => {
                editor.remove(path.as_str()).unwrap();
            }
        }
    }
    editor.write().unwrap().detach()
}

fn file(repo: &gix::Repository, tree: ObjectId, path: &str) -> Option<Vec<u8>> {
    let tree = repo.find_tree(tree).unwrap();
    let entry = tree.lookup_entry_by_path(path).unwrap()?;
    Some(repo.find_blob(entry.object_id()).unwrap().data.clone())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ledger_merges_are_symmetric_idempotent_and_keep_one_sided_changes(
        ours_ops in prop::collection::vec(op(), 0..6),
        theirs_ops in prop::collection::vec(op(), 0..6),
    ) {
        let holder = Repo::new();
        let store = Store::open(&holder.path).unwrap();
        let repo = store.repo();
        let base: Ledger = (0..4).map(|i| (format!("s{i}"), false, spec_text(&format!("Spec {i}")))).collect();
        let (ours, theirs) = (apply(&base, &ours_ops, "o"), apply(&base, &theirs_ops, "t"));
        let (b, o, t) = (write_tree(repo, &base), write_tree(repo, &ours), write_tree(repo, &theirs));

        // Every recorded body conflict names what the merged file holds: the kept text is
        // in it, the lost text is not, and the kept text is the one that sorts last.
        for conflict in merge_trees(repo, Some(b), o, t).unwrap().conflicts {
            if !conflict.field.starts_with("line ") {
                continue;
            }
            let path = [false, true].into_iter().map(|a| spec_path(&conflict.spec, a)).find(|p| file(repo, merged_tree(repo, b, o, t), p).is_some()).unwrap();
            let merged = String::from_utf8(file(repo, merged_tree(repo, b, o, t), &path).unwrap()).unwrap();
            prop_assert!(merged.contains(&conflict.kept), "{:?} in {}", conflict, merged);
            prop_assert!(!merged.contains(&conflict.lost), "{:?} in {}", conflict, merged);
            prop_assert!(conflict.kept > conflict.lost, "{:?}", conflict);
        }
        let m1 = merged_tree(repo, b, o, t);
        let m2 = merged_tree(repo, b, t, o);
        prop_assert_eq!(m1, m2, "the same tree whichever side merges");
        prop_assert_eq!(merged_tree(repo, o, m1, o), m1, "merging again changes nothing");
        prop_assert_eq!(merged_tree(repo, t, m1, t), m1, "merging again changes nothing");

        // A spec only one side touched (or both the same way) is exactly as that side has it.
        let state = |ledger: &Ledger, id: &str| ledger.iter().find(|(i, _, _)| i == id).map(|(_, a, t)| (*a, t.clone()));
        let mut ids: Vec<String> = base.iter().chain(&ours).chain(&theirs).map(|(i, _, _)| i.clone()).collect();
        ids.sort();
        ids.dedup();
        let conflicts = merge_trees(repo, Some(b), o, t).unwrap().conflicts;
        for id in ids {
            let (bs, os, ts) = (state(&base, &id), state(&ours, &id), state(&theirs, &id));
            let merged = merged_state(repo, m1, &id);
            let recorded: Vec<_> = conflicts.iter().filter(|c| c.spec == id).collect();
            if os == bs || ts == bs || os == ts {
                let expected = if os == bs { ts } else { os };
                prop_assert_eq!(merged, expected, "{}", id);
                prop_assert!(recorded.is_empty(), "a conflict on {}, which one side changed: {:?}", id, recorded);
                continue;
            }
            match (&os, &ts) {
                // Deleted on one side, changed on the other: the change survives, recorded.
                (Some(kept), None) | (None, Some(kept)) => {
                    prop_assert_eq!(merged.as_ref(), Some(kept), "{}: the change beats the deletion", id);
                    prop_assert!(recorded.iter().any(|c| c.field == "(file)" && c.kept == "changed" && c.lost == "deleted"), "{}: {:?}", id, recorded);
                }
                (Some(ours_state), Some(theirs_state)) => {
                    let merged = merged.unwrap_or_else(|| panic!("{id}: changed on both sides, gone"));
                    let both_sided = BothSided { id: &id, base: &bs.as_ref().unwrap().1, ours: ours_state, theirs: theirs_state, merged: &merged, recorded: &recorded };
                    both_sided.check()?;
                }
                (None, None) => unreachable!("both deleted is the same on both sides"),
            }
        }
    }
}

/// Where spec `id` is in `tree` and what it holds: `(archived, text)`.
fn merged_state(repo: &gix::Repository, tree: ObjectId, id: &str) -> Option<(bool, String)> {
    let found: Vec<(bool, String)> = [false, true]
        .into_iter()
        .filter_map(|archived| {
            let bytes = file(repo, tree, &spec_path(id, archived))?;
            Some((archived, String::from_utf8(bytes).unwrap()))
        })
        .collect();
    assert!(found.len() <= 1, "{id} is both live and archived");
    found.into_iter().next()
}

/// A spec both sides kept and changed differently, and what the merge made of it.
struct BothSided<'a> {
    id: &'a str,
    base: &'a str,
    ours: &'a (bool, String),
    theirs: &'a (bool, String),
    merged: &'a (bool, String),
    recorded: &'a [&'a git_chant::merge::spec::FieldConflict],
}

impl BothSided<'_> {
    fn check(&self) -> Result<(), TestCaseError> {
        let id = self.id;
        let parse = |text: &str| Spec::parse(id, text.as_bytes()).unwrap();
        let (b, o, t) = (parse(self.base), parse(&self.ours.1), parse(&self.theirs.1));
        let m = parse(&self.merged.1);
        // No side un-archives, so archived on either side stays archived.
        prop_assert_eq!(
            self.merged.0,
            self.ours.0 || self.theirs.0,
            "{}: archived",
            id
        );
        // Labels are only added here: the merge holds every label of either side.
        let labels = |s: &Spec| {
            s.labels()
                .iter()
                .map(|l| l.to_string())
                .collect::<std::collections::BTreeSet<_>>()
        };
        let union: std::collections::BTreeSet<String> =
            labels(&o).union(&labels(&t)).cloned().collect();
        prop_assert_eq!(labels(&m), union, "{}: labels merge as sets", id);
        // A status both sides changed, differently: one kept, the other recorded as lost.
        let (bst, ost, tst, mst) = (b.status(), o.status(), t.status(), m.status());
        if ost != bst && tst != bst && ost != tst {
            prop_assert!(
                mst == ost || mst == tst,
                "{}: status {} from neither side",
                id,
                mst
            );
            let lost = if mst == ost { tst } else { ost };
            prop_assert!(
                self.recorded
                    .iter()
                    .any(|c| c.field == "status" && c.kept == mst && c.lost == lost),
                "{}: {:?}",
                id,
                self.recorded
            );
        } else {
            let expected = if ost == bst { tst } else { ost };
            prop_assert_eq!(mst, expected, "{}: status changed on one side", id);
        }
        // A body merged without a conflict keeps every tick and every reworded line.
        prop_assert!(!self.merged.1.contains("<<<<<<<"), "{}", self.merged.1);
        if self.recorded.iter().any(|c| c.field.starts_with("body")) {
            return Ok(());
        }
        let (bc, oc, tc, mc) = (b.criteria(), o.criteria(), t.criteria(), m.criteria());
        prop_assert_eq!(mc.len(), bc.len(), "{}: {}", id, self.merged.1);
        for n in 0..bc.len() {
            prop_assert_eq!(
                mc[n].checked,
                oc[n].checked || tc[n].checked,
                "{}: tick {}",
                id,
                n + 1
            );
            let text = if oc[n].text != bc[n].text {
                &oc[n].text
            } else {
                &tc[n].text
            };
            prop_assert_eq!(&mc[n].text, text, "{}: criterion {}", id, n + 1);
        }
        Ok(())
    }
}
