//! Three-way merge of two ledger trees against their merge base: per spec and per file,
//! only what changed. A change on one side is taken as it is; a spec changed on both sides
//! is merged field by field. The result is the same whichever side runs the merge.

use std::collections::BTreeMap;

use gix::ObjectId;

use super::spec::{merge_spec, FieldConflict};
use super::text::{merge3, Prefer};
use crate::spec::Spec;
use crate::store::diff::{classify, diff_trees, LedgerPath};
use crate::store::paths::spec_path;
use crate::store::{Context, StoreError};

/// The writes that turn "ours" into the merged tree, and what was decided on the way.
#[derive(Debug, Default)]
pub struct Merged {
    pub writes: Vec<(String, Option<Vec<u8>>)>,
    pub conflicts: Vec<FieldConflict>,
    /// Specs and files the merge changed in "ours".
    pub changed: Vec<String>,
}

/// What a key (a spec id, or a file path) is in one tree: its path and blob, or absent.
type State = Option<(String, ObjectId)>;

/// Groups changed paths by spec id (so an archived move is one change) or file path.
fn keys(changes: &[crate::store::diff::FileChange]) -> Vec<String> {
    changes
        .iter()
        .map(|c| match classify(&c.path) {
            LedgerPath::Spec { id, .. } => format!("spec:{id}"),
            _ => format!("file:{}", c.path),
        })
        .collect()
}

fn state_of(
    repo: &gix::Repository,
    tree: Option<ObjectId>,
    key: &str,
) -> Result<State, StoreError> {
    let Some(tree) = tree else { return Ok(None) };
    let tree = repo
        .find_tree(tree)
        .context(|| "reading a ledger tree".to_owned())?;
    let paths: Vec<String> = match key.split_once(':') {
        Some(("spec", id)) => vec![spec_path(id, false), spec_path(id, true)],
        Some((_, path)) => vec![path.to_owned()],
        None => Vec::new(),
    };
    for path in paths {
        if let Some(entry) = tree.lookup_entry_by_path(&path).ok().flatten() {
            if !entry.mode().is_tree() {
                return Ok(Some((path, entry.object_id())));
            }
        }
    }
    Ok(None)
}

fn bytes(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, StoreError> {
    Ok(repo
        .find_blob(id)
        .context(|| format!("reading {id}"))?
        .data
        .clone())
}

/// Merges `theirs` into `ours` against `base` (`None`: unrelated histories).
pub fn merge_trees(
    repo: &gix::Repository,
    base: Option<ObjectId>,
    ours: ObjectId,
    theirs: ObjectId,
) -> Result<Merged, StoreError> {
    // Every key looks its paths up in the same few root, folder and shard trees: without
    // an object cache each lookup inflated them again (most of a 1,000-per-side sync).
    let mut repo = repo.clone();
    repo.object_cache_size_if_unset(16 << 20);
    let repo = &repo;
    let mut ours_changed = keys(&diff_trees(repo, base, Some(ours))?);
    ours_changed.sort();
    ours_changed.dedup();
    let mut all = keys(&diff_trees(repo, base, Some(theirs))?);
    all.sort();
    all.dedup();
    let mut merged = Merged::default();
    for key in &all {
        let b = state_of(repo, base, key)?;
        let one_sided = ours_changed.binary_search(key).is_err();
        // A key ours did not change has the base's paths and blobs in ours.
        let o = if one_sided {
            b.clone()
        } else {
            state_of(repo, Some(ours), key)?
        };
        let t = state_of(repo, Some(theirs), key)?;
        if o == t {
            continue;
        }
        let result: State = if one_sided {
            t.clone()
        } else {
            both_sided(repo, key, &b, &o, &t, &mut merged.conflicts)?
        };
        if result == o {
            continue;
        }
        // Remove ours, write the result (its path may differ: archived on one side).
        if let Some((path, _)) = &o {
            merged.writes.push((path.clone(), None));
        }
        if let Some((path, blob)) = &result {
            merged
                .writes
                .push((path.clone(), Some(bytes(repo, *blob)?)));
        }
        merged.changed.push(
            key.split_once(':')
                .map_or(key.as_str(), |(_, k)| k)
                .to_owned(),
        );
    }
    Ok(merged)
}

/// A key both sides changed, differently.
fn both_sided(
    repo: &gix::Repository,
    key: &str,
    base: &State,
    ours: &State,
    theirs: &State,
    conflicts: &mut Vec<FieldConflict>,
) -> Result<State, StoreError> {
    let name = key.split_once(':').map_or(key, |(_, k)| k);
    let (o, t) = match (ours, theirs) {
        (Some(o), Some(t)) => (o, t),
        // Deleted on one side, changed on the other: keep the change, say so.
        (Some(kept), None) | (None, Some(kept)) => {
            conflicts.push(FieldConflict {
                spec: name.into(),
                field: "(file)".into(),
                kept: "changed".into(),
                lost: "deleted".into(),
            });
            return Ok(Some(kept.clone()));
        }
        (None, None) => return Ok(None),
    };
    let base_bytes = match base {
        Some((_, blob)) => Some(bytes(repo, *blob)?),
        None => None,
    };
    let (ob, tb) = (bytes(repo, o.1)?, bytes(repo, t.1)?);
    // Archived on either side (and not undone): the spec stays archived.
    let path = if o.0 == t.0 {
        o.0.clone()
    } else if base.as_ref().is_some_and(|b| b.0 == o.0) {
        t.0.clone()
    } else if base.as_ref().is_some_and(|b| b.0 == t.0) {
        o.0.clone()
    } else {
        o.0.clone().max(t.0.clone())
    };
    let text = if key.starts_with("spec:") {
        let parse = |b: &[u8]| Spec::parse(name, b).ok();
        match (parse(&ob), parse(&tb)) {
            (Some(os), Some(ts)) => {
                let bs = base_bytes.as_deref().and_then(parse);
                let (spec, found) = merge_spec(name, bs.as_ref(), &os, &ts);
                conflicts.extend(found);
                spec.render().into_bytes()
            }
            // A side that does not parse cannot be merged by field: keep the larger.
            _ => {
                conflicts.push(FieldConflict {
                    spec: name.into(),
                    field: "(file)".into(),
                    kept: "one version".into(),
                    lost: "a version that does not parse".into(),
                });
                ob.clone().max(tb.clone())
            }
        }
    } else {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let result = merge3(
            &base_bytes.as_deref().map(text).unwrap_or_default(),
            &text(&ob),
            &text(&tb),
            Prefer::Greater,
        );
        conflicts.extend(super::spec::text_conflicts(
            name,
            "line",
            "",
            result.conflicts,
        ));
        result.text.into_bytes()
    };
    let blob = repo
        .write_blob(&text)
        .context(|| "writing a merged file".to_owned())?
        .detach();
    Ok(Some((path, blob)))
}

/// Merge conflicts as the values of `Chant-Conflict` trailers: `<spec> <field> <json>`,
/// one per spec and field.
pub fn conflict_trailers(conflicts: &[FieldConflict]) -> Vec<String> {
    let mut grouped: BTreeMap<(String, String), &FieldConflict> = BTreeMap::new();
    for c in conflicts {
        grouped.insert((c.spec.clone(), c.field.clone()), c);
    }
    grouped
        .values()
        .map(|c| {
            let json = serde_json::json!({"kept": c.kept, "lost": c.lost});
            format!("{} {} {json}", c.spec, c.field.replace(' ', "_"))
        })
        .collect()
}
