//! Moving a target branch forward to a landed commit without touching anyone's work: by
//! compare-and-swap when no checkout has it, else by bringing that checkout along as a
//! fast-forward pull would, after making sure none of its uncommitted files (untracked and
//! ignored ones too) is a path the landing changes. No checkout's branch is ever switched.

use std::path::PathBuf;

use gix::ObjectId;

use super::error::LandError;
use super::plan::tree_of;
use crate::error::Error;
use crate::store::git_cli::{self, FastForward};
use crate::store::{Context, Store};

/// How the target moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advanced {
    /// Moved; the checkout brought along, if the target was checked out.
    Moved { checkout: Option<PathBuf> },
    /// The target is no longer at the commit the landing was computed on: compute again.
    Raced,
    /// A git command is at work in the target's checkout (it holds `index.lock`): try
    /// again shortly.
    Busy(PathBuf),
}

/// Moves `target` from `old` to `new` (a descendant of `old`) for spec `id`, one landing
/// at a time (`git_cli::with_checkout_lock`).
pub fn advance(
    store: &Store,
    id: &str,
    target: &str,
    old: ObjectId,
    new: ObjectId,
) -> Result<Advanced, Error> {
    git_cli::with_checkout_lock(store, || advance_locked(store, id, target, old, new))
}

fn advance_locked(
    store: &Store,
    id: &str,
    target: &str,
    old: ObjectId,
    new: ObjectId,
) -> Result<Advanced, Error> {
    let checkouts = git_cli::worktrees(store)?;
    // A rebase of the target in progress ends by moving it from where it started: moved
    // under it, the rebase fails there, and `rebase --abort` puts the target back, the
    // landing gone from it.
    if let Some(w) = checkouts
        .iter()
        .find(|w| !w.prunable && w.rebasing.as_deref() == Some(target))
    {
        return Err(LandError::BeingRebased {
            id: id.to_owned(),
            target: target.trim_start_matches("refs/heads/").to_owned(),
            worktree: w.path.clone(),
        }
        .into());
    }
    let mut holding: Vec<_> = checkouts
        .into_iter()
        .filter(|w| !w.bare && !w.prunable && w.branch.as_deref() == Some(target))
        .collect();
    // Checked out twice (`git worktree add --force`): only one checkout can be brought
    // along, and the other's index would then undo the landing in its next commit.
    if holding.len() > 1 {
        return Err(LandError::CheckedOutTwice {
            id: id.to_owned(),
            target: target.trim_start_matches("refs/heads/").to_owned(),
            worktrees: holding.into_iter().map(|w| w.path).collect(),
        }
        .into());
    }
    let Some(checkout) = holding.pop() else {
        let edit =
            crate::store::commit::ref_edit(target, Some(old), new, &format!("merge chant/{id}"))?;
        return match store.edit_refs(vec![edit]) {
            Ok(()) => Ok(Advanced::Moved { checkout: None }),
            Err(e) if e.is_conflict() || e.is_retryable() => Ok(Advanced::Raced),
            Err(e) => Err(crate::store::StoreError::Git {
                context: format!("moving {target}"),
                source: e,
            }
            .into()),
        };
    };
    if store.ref_tip(target)? != Some(old) {
        return Ok(Advanced::Raced);
    }
    // On a case-insensitive file system (`core.ignoreCase`, as git sets it) `readme.md`
    // is the file a landing writes as `README.md`, and git overwrites an ignored one.
    let fold = store.config_bool("core.ignorecase");
    let key = |p: &str| {
        if fold {
            p.to_ascii_lowercase()
        } else {
            p.to_owned()
        }
    };
    let touched: Vec<String> = touched_paths(store, old, new)?
        .iter()
        .map(|t| key(t))
        .collect();
    let dirty = git_cli::dirty_paths(&checkout.path)?;
    let mut blocked: Vec<String> = dirty
        .into_iter()
        .filter(|d| touched.iter().any(|t| overlaps(&key(d), t)))
        .collect();
    blocked.sort();
    blocked.dedup();
    if !blocked.is_empty() {
        return Err(LandError::DirtyCheckout {
            id: id.to_owned(),
            target: target.trim_start_matches("refs/heads/").to_owned(),
            worktree: checkout.path,
            paths: blocked,
        }
        .into());
    }
    match git_cli::fast_forward(&checkout.path, new)? {
        FastForward::Done => Ok(Advanced::Moved {
            checkout: Some(checkout.path),
        }),
        FastForward::Refused(said) => {
            // Something else moved the branch, or a git command is at work in this
            // checkout right now (it holds the index.lock): compute again.
            if store.ref_tip(target)? != Some(old) {
                Ok(Advanced::Raced)
            } else if said.contains("index.lock") {
                std::thread::sleep(std::time::Duration::from_millis(100));
                Ok(Advanced::Busy(checkout.path))
            } else {
                Err(LandError::CheckoutRefused {
                    id: id.to_owned(),
                    worktree: checkout.path,
                    said,
                }
                .into())
            }
        }
    }
}

/// Whether a dirty path `dirty` (a folder ends with `/`) and a changed path `changed`
/// are the same file, or one is inside the other.
fn overlaps(dirty: &str, changed: &str) -> bool {
    let dirty = dirty.trim_end_matches('/');
    dirty == changed
        || changed
            .strip_prefix(dirty)
            .is_some_and(|rest| rest.starts_with('/'))
        || dirty
            .strip_prefix(changed)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The files (blobs, links, submodules) that differ between commits `old` and `new`. A
/// folder is not a path the landing touches: a changed `src/` tree would block every
/// uncommitted file in `src/`, while the files changed in it are listed themselves (an
/// added or removed folder lists all it holds). Renames are not followed: both paths are
/// there anyway.
pub fn touched_paths(store: &Store, old: ObjectId, new: ObjectId) -> Result<Vec<String>, Error> {
    let repo = store.repo();
    let tree = |commit| -> Result<gix::Tree<'_>, Error> {
        let id = tree_of(store, commit)?;
        Ok(repo
            .find_tree(id)
            .context(|| format!("reading tree {id}"))?)
    };
    let (before, after) = (tree(old)?, tree(new)?);
    let changes = repo
        .diff_tree_to_tree(Some(&before), Some(&after), gix::diff::Options::default())
        .context(|| format!("comparing {old} with {new}"))?;
    let mut paths = Vec::new();
    for change in changes {
        let (mode, _) = change.entry_mode_and_id();
        let (source_mode, _) = change.source_entry_mode_and_id();
        if !mode.is_tree() || !source_mode.is_tree() {
            paths.push(change.location().to_string());
            paths.push(change.source_location().to_string());
        }
    }
    paths.sort();
    paths.dedup();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::overlaps;

    #[test]
    fn a_dirty_file_or_folder_blocks_what_it_holds_or_is() {
        assert!(overlaps("src/a.rs", "src/a.rs"));
        assert!(overlaps("src/", "src/a.rs"));
        assert!(overlaps("src/a.rs/x", "src/a.rs"));
        assert!(!overlaps("src/a.rs", "src/a.rs.orig"));
        assert!(!overlaps("sr", "src/a.rs"));
    }
}
