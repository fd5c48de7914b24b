//! The checks of a ledger update: layout, `FORMAT`, every changed spec (parses, valid id in
//! its shard, known status, one copy, dependencies that exist, no cycle), each status
//! change commit by commit, sizes, and who may write.

use std::collections::BTreeMap;

use gix::ObjectId;

use super::validate::{
    check_format, check_spec_file, load_spec, spec_exists, transition_ok, Add, Policy,
};
use crate::lifecycle;
use crate::spec::Spec;
use crate::store::diff::{classify, diff_trees, FileChange, LedgerPath};
use crate::store::paths::spec_path;
use crate::store::{Context, Store, StoreError};

pub(crate) fn check_ledger(
    store: &Store,
    add: &mut Add<'_>,
    new: ObjectId,
    new_tree: ObjectId,
    changes: &[FileChange],
    old: Option<ObjectId>,
    policy: &Policy,
) -> Result<(), StoreError> {
    let repo = store.repo();
    check_format(repo, add, new_tree)?;
    let mut changed: Vec<(String, Spec)> = Vec::new();
    for change in changes {
        let Some(blob) = change.new else { continue };
        let size = repo.find_header(blob).map(|h| h.size()).unwrap_or(0);
        if size > policy.max_spec_bytes {
            add(
                None,
                None,
                "size",
                format!(
                    "{} is {size} bytes, more than chant.maxSpecBytes={}",
                    change.path, policy.max_spec_bytes
                ),
            );
            continue;
        }
        match classify(&change.path) {
            LedgerPath::Format | LedgerPath::Config | LedgerPath::Prompt => {}
            LedgerPath::Other => add(
                None,
                None,
                "path",
                format!("{} does not belong in the ledger", change.path),
            ),
            LedgerPath::Spec {
                id,
                archived,
                shard_ok,
            } => {
                let spec = load_spec(repo, &id, blob)?;
                check_spec_file(add, &change.path, &id, shard_ok, &spec);
                let twin = spec_path(&id, !archived);
                if repo
                    .find_tree(new_tree)
                    .ok()
                    .and_then(|t| t.lookup_entry_by_path(&twin).ok().flatten())
                    .is_some()
                {
                    add(
                        Some(&id),
                        None,
                        "unique",
                        format!("{id} is both live and archived ({twin})"),
                    );
                }
                if let Ok(spec) = spec {
                    for dep in spec.depends_on() {
                        if !spec_exists(repo, Some(new_tree), dep)? {
                            add(
                                Some(&id),
                                Some("depends_on"),
                                "dependency",
                                format!("depends on {dep}, which is not in the ledger"),
                            );
                        }
                    }
                    changed.push((id, spec));
                }
            }
        }
    }
    check_cycles(repo, add, new_tree, &changed)?;
    check_commits(repo, add, new, old, policy)
}

/// A cycle through a changed spec: walk `depends_on` from it in the new tree.
fn check_cycles(
    repo: &gix::Repository,
    add: &mut Add<'_>,
    tree: ObjectId,
    changed: &[(String, Spec)],
) -> Result<(), StoreError> {
    let mut cache: BTreeMap<String, Vec<String>> = changed
        .iter()
        .map(|(id, s)| {
            (
                id.clone(),
                s.depends_on().into_iter().map(str::to_owned).collect(),
            )
        })
        .collect();
    let tree_obj = repo
        .find_tree(tree)
        .context(|| "reading the ledger tree".to_owned())?;
    let mut deps_of = |id: &str| -> Vec<String> {
        if let Some(d) = cache.get(id) {
            return d.clone();
        }
        let deps: Vec<String> = [false, true]
            .iter()
            .find_map(|a| {
                tree_obj
                    .lookup_entry_by_path(spec_path(id, *a))
                    .ok()
                    .flatten()
            })
            .and_then(|e| load_spec(repo, id, e.object_id()).ok())
            .and_then(Result::ok)
            .map(|s| s.depends_on().into_iter().map(str::to_owned).collect())
            .unwrap_or_default();
        cache.insert(id.to_owned(), deps.clone());
        deps
    };
    for (id, _) in changed {
        for dep in deps_of(id) {
            if let Some(path) = lifecycle::path_between(&dep, id, &mut deps_of) {
                let cycle = format!("{id} -> {}", path.join(" -> "));
                add(
                    Some(id),
                    Some("depends_on"),
                    "cycle",
                    format!("dependency cycle: {cycle}"),
                );
                break;
            }
        }
    }
    Ok(())
}

/// Status changes commit by commit over `old..new` (against the first parent; a merge may
/// also keep any parent's status), and who committed.
fn check_commits(
    repo: &gix::Repository,
    add: &mut Add<'_>,
    new: ObjectId,
    old: Option<ObjectId>,
    policy: &Policy,
) -> Result<(), StoreError> {
    let walk = repo
        .rev_walk([new])
        .with_hidden(old)
        .all()
        .context(|| "walking the pushed ledger commits".to_owned())?;
    for info in walk {
        let info = info.context(|| "walking the pushed ledger commits".to_owned())?;
        let commit = info.object().context(|| format!("reading {}", info.id))?;
        let short = info.id.to_hex_with_len(12).to_string();
        if !policy.allowed_writers.is_empty() {
            let email = commit
                .committer()
                .map(|c| c.email.to_string())
                .unwrap_or_default();
            if !policy.allowed_writers.contains(&email) {
                add(
                    None,
                    None,
                    "writer",
                    format!("commit {short} is by {email}, who is not in chant.allowedWriters"),
                );
            }
        }
        let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        let Some(first) = parents.first() else {
            continue;
        };
        let tree = commit
            .tree_id()
            .context(|| format!("reading the tree of {short}"))?
            .detach();
        let parent_trees: Vec<ObjectId> = parents
            .iter()
            .map(|p| {
                repo.find_commit(*p)
                    .ok()
                    .and_then(|c| c.tree_id().ok())
                    .map(|t| t.detach())
            })
            .collect::<Option<_>>()
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("a parent of {short} is missing"),
            })?;
        let message = commit.message_raw_sloppy().to_string();
        let first_tree = repo
            .find_commit(*first)
            .context(|| format!("reading {first}"))?
            .tree_id()
            .context(|| "parent tree".to_owned())?
            .detach();
        for (id, before, after) in status_changes(repo, first_tree, tree)? {
            if transition_ok(&before, &after, &message) {
                continue;
            }
            let kept_from_a_parent = parent_trees.iter().skip(1).any(|t| {
                status_in(repo, *t, &id)
                    .ok()
                    .flatten()
                    .is_some_and(|s| s == after || lifecycle::is_allowed(&s, &after))
            });
            if !kept_from_a_parent {
                add(Some(&id), Some("status"), "transition", format!("commit {short} moves it {before} -> {after}, which is not allowed without --force"));
            }
        }
    }
    Ok(())
}

/// `(id, status before, status after)` for specs whose status differs between two trees.
fn status_changes(
    repo: &gix::Repository,
    before: ObjectId,
    after: ObjectId,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut by_id: BTreeMap<String, (Option<ObjectId>, Option<ObjectId>)> = BTreeMap::new();
    for change in diff_trees(repo, Some(before), Some(after))? {
        if let LedgerPath::Spec { id, .. } = classify(&change.path) {
            let entry = by_id.entry(id).or_default();
            entry.0 = entry.0.or(change.old);
            entry.1 = entry.1.or(change.new);
        }
    }
    let mut out = Vec::new();
    for (id, (old, new)) in by_id {
        let (Some(old), Some(new)) = (old, new) else {
            continue;
        };
        let status = |blob| {
            load_spec(repo, &id, blob)
                .ok()
                .and_then(Result::ok)
                .map(|s| s.status().to_owned())
        };
        if let (Some(from), Some(to)) = (status(old), status(new)) {
            if from != to {
                out.push((id, from, to));
            }
        }
    }
    Ok(out)
}

fn status_in(
    repo: &gix::Repository,
    tree: ObjectId,
    id: &str,
) -> Result<Option<String>, StoreError> {
    let tree = repo
        .find_tree(tree)
        .context(|| "reading a parent tree".to_owned())?;
    let entry = [false, true]
        .iter()
        .find_map(|a| tree.lookup_entry_by_path(spec_path(id, *a)).ok().flatten());
    Ok(match entry {
        Some(e) => load_spec(repo, id, e.object_id())?
            .ok()
            .map(|s| s.status().to_owned()),
        None => None,
    })
}
