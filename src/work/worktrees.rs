//! What `git chant worktrees` lists and prunes: each agent worktree and `chant/<id>`
//! branch with its spec's status, its target and whether it has landed.

use std::path::PathBuf;

use serde::Serialize;

use super::land;
use crate::error::Error;
use crate::ops::lookup;
use crate::store::{git_cli, Store};

/// One agent worktree or `chant/<id>` branch, as `worktrees` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listed {
    pub id: String,
    pub status: String,
    pub branch: String,
    /// The branch it lands in (short), when known.
    pub target: Option<String>,
    pub landed: bool,
    pub path: Option<PathBuf>,
}

/// Every agent worktree and every `chant/<id>` branch, by id.
pub fn worktrees(store: &Store) -> Result<Vec<Listed>, Error> {
    let snapshot = store.snapshot()?;
    let mut ids: Vec<(String, Option<PathBuf>)> = store
        .agent_worktrees()
        .into_iter()
        .map(|(id, path)| (id, Some(path)))
        .collect();
    for (id, _) in land::branches(store)? {
        if !ids.iter().any(|(known, _)| *known == id) {
            ids.push((id, None));
        }
    }
    ids.sort();
    let mut listed = Vec::new();
    for (id, path) in ids {
        let status =
            lookup::summary(&snapshot, &id)?.map_or("(no such spec)".to_owned(), |s| s.status);
        let target = land::landing_target(store, &id, None).ok();
        let tip = match &target {
            Some(t) => store.ref_tip(t)?,
            None => None,
        };
        let landed =
            crate::lifecycle::Status::Completed.is(&status) && land::is_landed(store, &id, tip)?;
        listed.push(Listed {
            branch: land::branch_of(&id),
            target: target.map(|t| t.trim_start_matches("refs/heads/").to_owned()),
            landed,
            path,
            status,
            id,
        });
    }
    Ok(listed)
}

/// What `worktrees --prune` did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Pruned {
    /// The specs whose worktree (and, landed, branch) went.
    pub removed: Vec<String>,
    /// Worktrees it would have removed that hold uncommitted work, kept with their branch.
    pub kept: Vec<(String, PathBuf)>,
}

/// Removes what `worktrees --prune` removes: landed specs' worktrees and branches, and
/// cancelled specs' worktrees (their branches may hold work someone wants); a worktree
/// holding uncommitted work stays, with its branch.
pub fn prune(store: &Store) -> Result<Pruned, Error> {
    let mut pruned = Pruned::default();
    for w in worktrees(store)? {
        let cancelled = crate::lifecycle::Status::Cancelled.is(&w.status);
        if !w.landed && !cancelled {
            continue;
        }
        if let Some(path) = &w.path {
            if !git_cli::uncommitted_paths(path)?.is_empty() {
                pruned.kept.push((w.id, path.clone()));
                continue;
            }
            git_cli::worktree_remove(store, path)?;
        }
        if w.landed {
            if let Some(tip) = store.ref_tip(&format!("refs/heads/{}", w.branch))? {
                git_cli::delete_branch(store, &w.branch, tip)?;
            }
        }
        if w.path.is_some() || w.landed {
            pruned.removed.push(w.id);
        }
    }
    Ok(pruned)
}
