//! `merge <id> --resolve`: a landing that conflicted is resolved where the spec's work
//! lives, never in the user's checkout: the target is merged into the spec's own worktree,
//! the agent resolves what conflicts there (prompt `merge-conflict`), and the branch,
//! which now contains the target, lands.

use crate::error::Error;
use crate::lifecycle::Status;
use crate::ops;
use crate::store::{git_cli, Store};

use super::land::{self, LandError, Landed};
use super::{work, Options};

/// Resolves spec `short`'s conflict with its target by `opts`'s agent, then lands it.
pub fn resolve(
    store: &Store,
    short: &str,
    opts: &Options,
    landing: &land::Options,
) -> Result<Landed, Error> {
    let snapshot = store.snapshot()?;
    let id = ops::resolve(store, &snapshot, short)?;
    crate::spec::id::validate(&id)?;
    let (_, spec) = ops::load(&snapshot, &id)?;
    let status = Status::of(spec.status());
    if !matches!(status, Status::Completed | Status::NeedsAttention) {
        return Err(LandError::NotCompleted {
            id,
            status: spec.status().to_owned(),
        }
        .into());
    }
    let branch = land::branch_of(&id);
    if store.ref_tip(&format!("refs/heads/{branch}"))?.is_none() {
        return Err(LandError::NoBranch { id }.into());
    }
    let target = land::landing_target(store, &id, landing.into.as_deref())?;
    let short_target = target.trim_start_matches("refs/heads/").to_owned();
    let path = store.agent_worktree(&id);
    if !path.exists() {
        git_cli::worktree_add(store, &path, &branch, &branch)?;
    }
    let message = format!("Merge {short_target} into {branch}");
    if git_cli::merge_into(&path, &target, &message)? {
        // Merged cleanly (the target moved on since): nothing for an agent to do.
        if Status::NeedsAttention.is(spec.status()) {
            let now = ops::now();
            let why = Some("merged its target cleanly");
            ops::transition(store, &id, ops::Target::Start, false, why, &now)?;
            ops::transition(store, &id, ops::Target::Done, false, why, &now)?;
        }
    } else {
        let run = Options {
            prompt: Some("merge-conflict".into()),
            ..opts.clone()
        };
        let outcome = work(store, &id, &run)?;
        let left = git_cli::unmerged_paths(&path)?;
        if git_cli::merging(&path)? || !left.is_empty() || !Status::Completed.is(&outcome.status) {
            return Err(LandError::Unresolved {
                id,
                worktree: path,
                paths: left,
            }
            .into());
        }
    }
    let mut landing = landing.clone();
    landing.into = Some(target);
    land::land(store, &id, &landing)
}
