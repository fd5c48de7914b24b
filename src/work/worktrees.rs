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

/// Removes what `worktrees --prune` removes: landed specs' worktrees and branches, and
/// cancelled specs' worktrees (their branches may hold work someone wants). The ids.
pub fn prune(store: &Store) -> Result<Vec<String>, Error> {
    let mut removed = Vec::new();
    for w in worktrees(store)? {
        let cancelled = crate::lifecycle::Status::Cancelled.is(&w.status);
        if !w.landed && !cancelled {
            continue;
        }
        if let Some(path) = &w.path {
            git_cli::worktree_remove(store, path)?;
        }
        if w.landed {
            if let Some(tip) = store.ref_tip(&format!("refs/heads/{}", w.branch))? {
                git_cli::delete_branch(store, &w.branch, tip)?;
            }
        }
        if w.path.is_some() || w.landed {
            removed.push(w.id);
        }
    }
    Ok(removed)
}
