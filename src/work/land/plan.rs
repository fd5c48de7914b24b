//! What landing a branch on a target makes, computed in the object database only (gix's
//! merge base and tree merge): the target's new tip for each strategy, the commits a
//! rebase or squash rewrote, and the paths a conflict stops on. Nothing here moves a ref.

use gix::merge::tree::TreatAsUnresolved;
use gix::ObjectId;

use crate::error::Error;
use crate::store::{range, Context, Store};

/// How a branch lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Fast-forward when possible, else a merge commit.
    Merge,
    /// Fast-forward only; anything else is refused.
    FfOnly,
    /// The branch's commits replayed on the target (merge commits dropped, as `git rebase`
    /// does by default).
    Rebase,
    /// One commit holding the branch's whole change.
    Squash,
}

impl Strategy {
    /// The strategy `git config chant.merge.strategy` names.
    pub fn named(name: &str) -> Option<Strategy> {
        match name.to_ascii_lowercase().as_str() {
            "merge" => Some(Strategy::Merge),
            "ff-only" => Some(Strategy::FfOnly),
            "rebase" => Some(Strategy::Rebase),
            "squash" => Some(Strategy::Squash),
            _ => None,
        }
    }

    /// The name, as config and reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Merge => "merge",
            Strategy::FfOnly => "ff-only",
            Strategy::Rebase => "rebase",
            Strategy::Squash => "squash",
        }
    }
}

/// The target's new tip, and what it rewrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub new: ObjectId,
    /// The target's tip was an ancestor of the branch: the ref just moves forward.
    pub fast_forward: bool,
    /// Rebased or squashed commits, old to new (a squash maps each to the one commit).
    pub rewritten: Vec<(ObjectId, ObjectId)>,
}

/// What the computation found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    Land(Plan),
    /// The branch is already in the target (nothing to do).
    Landed,
    /// These paths conflict; nothing was written anywhere that matters.
    Conflict(Vec<String>),
    /// `--ff-only`, and the target has commits the branch lacks.
    NotFastForward,
    /// The branch and the target share no history.
    Unrelated,
}

/// What landing `branch` on `target` with `strategy` makes; `message` is the merge or
/// squash commit's.
pub fn plan(
    store: &Store,
    target: ObjectId,
    branch: ObjectId,
    strategy: Strategy,
    message: &str,
) -> Result<Planned, Error> {
    let repo = store.repo();
    let Some(base) = repo
        .merge_base(target, branch)
        .context(|| "finding the merge base".to_owned())?
    else {
        return Ok(Planned::Unrelated);
    };
    let base = base.detach();
    if base == branch {
        return Ok(Planned::Landed);
    }
    let fast_forward = base == target;
    if fast_forward && strategy != Strategy::Squash {
        return Ok(Planned::Land(Plan {
            new: branch,
            fast_forward,
            rewritten: Vec::new(),
        }));
    }
    match strategy {
        Strategy::FfOnly => Ok(Planned::NotFastForward),
        Strategy::Merge => Ok(match merged_tree(store, target, branch)? {
            Err(paths) => Planned::Conflict(paths),
            Ok(tree) => Planned::Land(Plan {
                new: store.write_commit(message, tree, [target, branch])?,
                fast_forward,
                rewritten: Vec::new(),
            }),
        }),
        Strategy::Squash => {
            let tree = if fast_forward {
                tree_of(store, branch)?
            } else {
                match merged_tree(store, target, branch)? {
                    Err(paths) => return Ok(Planned::Conflict(paths)),
                    Ok(tree) => tree,
                }
            };
            if tree == tree_of(store, target)? {
                return Ok(Planned::Landed);
            }
            let new = store.write_commit(message, tree, [target])?;
            let rewritten = own_commits(store, target, branch)?
                .into_iter()
                .map(|old| (old, new))
                .collect();
            Ok(Planned::Land(Plan {
                new,
                fast_forward: false,
                rewritten,
            }))
        }
        Strategy::Rebase => rebase(store, target, branch),
    }
}

/// Replays the branch's own commits (not merges) on `target`, each keeping its author
/// and message; one whose change the target has already (a dependency's commit that
/// landed rebased or cherry-picked) or that changes nothing there any more is dropped, as
/// git drops it.
fn rebase(store: &Store, target: ObjectId, branch: ObjectId) -> Result<Planned, Error> {
    let repo = store.repo();
    let mut onto = target;
    let mut rewritten = Vec::new();
    let own = own_commits(store, target, branch)?;
    let upstream: std::collections::HashSet<Vec<String>> = if own.is_empty() {
        Default::default()
    } else {
        own_commits(store, branch, target)?
            .into_iter()
            .filter_map(|c| change_of(store, c).transpose())
            .collect::<Result<_, _>>()?
    };
    for old in own {
        let commit = repo
            .find_commit(old)
            .context(|| format!("reading commit {old}"))?;
        let Some(parent) = commit.parent_ids().next().map(|p| p.detach()) else {
            continue;
        };
        if change_of(store, old)?.is_some_and(|change| upstream.contains(&change)) {
            continue;
        }
        let (base, ours, theirs) = (
            tree_of(store, parent)?,
            tree_of(store, onto)?,
            tree_of(store, old)?,
        );
        let tree = match three_way(store, base, ours, theirs)? {
            Err(paths) => return Ok(Planned::Conflict(paths)),
            Ok(tree) if tree == ours => continue,
            Ok(tree) => tree,
        };
        let decoded = commit
            .decode()
            .context(|| format!("reading commit {old}"))?;
        let message = decoded.message.to_string();
        let author = decoded
            .author()
            .context(|| format!("reading the author of {old}"))?;
        onto = store.write_commit_by(Some(author), &message, tree, [onto])?;
        rewritten.push((old, onto));
    }
    if onto == target {
        return Ok(Planned::Landed);
    }
    Ok(Planned::Land(Plan {
        new: onto,
        fast_forward: false,
        rewritten,
    }))
}

/// The branch's commits the target lacks, oldest first, merge commits left out.
fn own_commits(store: &Store, target: ObjectId, branch: ObjectId) -> Result<Vec<ObjectId>, Error> {
    let mut own = Vec::new();
    for id in range::between(store.repo(), branch, Some(target))? {
        let commit = store
            .repo()
            .find_commit(id)
            .context(|| format!("reading commit {id}"))?;
        if commit.parent_ids().count() <= 1 {
            own.push(id);
        }
    }
    Ok(own)
}

/// What non-merge commit `commit` changes against its parent, entry by entry (path,
/// and the mode and object before and after); `None` for a root commit. Two commits with
/// the same change are the same patch, as `git rebase` finds with patch ids (this finds
/// only the exact ones: the same blobs before and after).
fn change_of(store: &Store, commit: ObjectId) -> Result<Option<Vec<String>>, Error> {
    use gix::object::tree::diff::ChangeDetached as Change;
    let repo = store.repo();
    let found = repo
        .find_commit(commit)
        .context(|| format!("reading commit {commit}"))?;
    let Some(parent) = found.parent_ids().next().map(|p| p.detach()) else {
        return Ok(None);
    };
    let tree = |c| -> Result<gix::Tree<'_>, Error> {
        let id = tree_of(store, c)?;
        Ok(repo
            .find_tree(id)
            .context(|| format!("reading tree {id}"))?)
    };
    let (before, after) = (tree(parent)?, tree(commit)?);
    let changes = repo
        .diff_tree_to_tree(Some(&before), Some(&after), gix::diff::Options::default())
        .context(|| format!("comparing {commit} with its parent"))?;
    let mut entries: Vec<String> = changes
        .iter()
        .filter(|c| !c.entry_mode().is_tree())
        .map(|c| match c {
            Change::Addition {
                location,
                entry_mode,
                id,
                ..
            } => {
                format!("+ {location} {entry_mode:?} {id}")
            }
            Change::Deletion {
                location,
                entry_mode,
                id,
                ..
            } => {
                format!("- {location} {entry_mode:?} {id}")
            }
            Change::Modification {
                location,
                previous_entry_mode,
                previous_id,
                entry_mode,
                id,
            } => {
                format!("M {location} {previous_entry_mode:?} {previous_id} {entry_mode:?} {id}")
            }
            Change::Rewrite {
                location,
                entry_mode,
                id,
                ..
            } => {
                format!("R {location} {entry_mode:?} {id}")
            }
        })
        .collect();
    entries.sort();
    Ok(Some(entries))
}

pub(crate) fn tree_of(store: &Store, commit: ObjectId) -> Result<ObjectId, Error> {
    Ok(crate::store::ledger::commit_tree(store.repo(), commit)?)
}

/// The tree merging commits `ours` and `theirs` (over their merge base), or the paths
/// that conflict.
pub(crate) fn merged_tree(
    store: &Store,
    ours: ObjectId,
    theirs: ObjectId,
) -> Result<Result<ObjectId, Vec<String>>, Error> {
    let repo = store.repo();
    let mut outcome = repo
        .merge_commits(
            ours,
            theirs,
            Default::default(),
            merge_options(store)?.into(),
        )
        .context(|| format!("merging {theirs} into {ours}"))?;
    written(&mut outcome.tree_merge)
}

/// The repository's tree-merge settings (rename detection and such, as git reads them).
fn merge_options(store: &Store) -> Result<gix::merge::tree::Options, Error> {
    Ok(store
        .repo()
        .tree_merge_options()
        .context(|| "reading the merge options".to_owned())?)
}

/// The three-way merge of trees, or the paths that conflict.
fn three_way(
    store: &Store,
    base: ObjectId,
    ours: ObjectId,
    theirs: ObjectId,
) -> Result<Result<ObjectId, Vec<String>>, Error> {
    let repo = store.repo();
    let mut outcome = repo
        .merge_trees(
            base,
            ours,
            theirs,
            Default::default(),
            merge_options(store)?,
        )
        .context(|| format!("merging tree {theirs} into {ours}"))?;
    written(&mut outcome)
}

fn written(
    outcome: &mut gix::merge::tree::Outcome<'_>,
) -> Result<Result<ObjectId, Vec<String>>, Error> {
    if outcome.has_unresolved_conflicts(TreatAsUnresolved::git()) {
        let mut paths: Vec<String> = outcome
            .conflicts
            .iter()
            .filter(|c| c.is_unresolved(TreatAsUnresolved::git()))
            .flat_map(|c| {
                [
                    c.ours.location().to_string(),
                    c.theirs.location().to_string(),
                ]
            })
            .collect();
        paths.sort();
        paths.dedup();
        return Ok(Err(paths));
    }
    let tree = outcome
        .tree
        .write()
        .context(|| "writing the merged tree".to_owned())?;
    Ok(Ok(tree.detach()))
}
