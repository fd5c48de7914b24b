//! Property tests of the whole-ledger merge on real git objects: merging theirs into ours
//! and ours into theirs give byte-identical trees; merging again changes nothing; a spec
//! changed, added, archived or deleted on one side only ends up as that side has it.

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
        any::<u8>().prop_map(Op::Add),
        (0usize..4).prop_map(Op::Delete),
        (0usize..4).prop_map(Op::Archive),
        (
            0usize..4,
            prop::sample::select(vec!["in_progress", "completed", "cancelled"])
        )
            .prop_map(|(i, s)| Op::Status(i, s)),
        (0usize..4, prop::sample::select(vec!["x", "y", "z"])).prop_map(|(i, l)| Op::Label(i, l)),
        (0usize..4, 1usize..=3).prop_map(|(i, n)| Op::Tick(i, n)),
        (
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

        // A spec only one side touched is exactly as that side has it.
        let state = |ledger: &Ledger, id: &str| ledger.iter().find(|(i, _, _)| i == id).map(|(_, a, t)| (*a, t.clone()));
        let mut ids: Vec<String> = base.iter().chain(&ours).chain(&theirs).map(|(i, _, _)| i.clone()).collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            let (bs, os, ts) = (state(&base, &id), state(&ours, &id), state(&theirs, &id));
            let expected = if os == bs { ts } else if ts == bs { os } else { continue };
            for archived in [false, true] {
                let want = expected.as_ref().filter(|(a, _)| *a == archived).map(|(_, t)| t.clone().into_bytes());
                prop_assert_eq!(file(repo, m1, &spec_path(&id, archived)), want, "{} (archived: {})", id, archived);
            }
        }
    }
}
