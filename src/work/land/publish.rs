//! Sharing landed work: pushing the target without force (a lost race fetches the remote's
//! branch, lands it into ours the way a pull would, and pushes again), or pushing the
//! spec's branch and opening a pull request with `gh` when it is installed.

use std::process::Command;

use serde::Serialize;

use super::advance::{advance, Advanced};
use super::error::LandError;
use super::plan::{plan, Planned, Strategy};
use super::target::{branch_of, full_branch, landing_target};
use crate::error::Error;
use crate::ops;
use crate::store::git_cli::{self, Pushed};
use crate::store::Store;

const ATTEMPTS: u32 = 8;

/// Pushes `target` (`refs/heads/…`) to `remote` without force; when the remote moved,
/// merges its branch into ours (fast-forward when possible) and tries again.
pub fn push_target(store: &Store, remote: &str, target: &str, id: &str) -> Result<(), Error> {
    let short = target.trim_start_matches("refs/heads/");
    let tracking = format!("refs/remotes/{remote}/{short}");
    for _ in 0..ATTEMPTS {
        match git_cli::push_refs(store, remote, &[format!("{target}:{target}")])? {
            Pushed::Done => return Ok(()),
            Pushed::Refused(said) => {
                return Err(Error::PushRefused {
                    remote: remote.to_owned(),
                    said,
                })
            }
            Pushed::Moved => {}
        }
        git_cli::fetch_refs(store, remote, &[format!("+{target}:{tracking}")])?;
        let theirs = store
            .ref_tip(&tracking)?
            .ok_or_else(|| LandError::TargetMissing {
                id: id.to_owned(),
                target: tracking.clone(),
            })?;
        let Some(ours) = store.ref_tip(target)? else {
            continue;
        };
        let message = format!("Merge {remote}/{short} into {short}\n");
        match plan(store, ours, theirs, Strategy::Merge, &message)? {
            // A merge never refuses to fast-forward.
            Planned::Landed | Planned::NotFastForward => {}
            Planned::Land(p) => {
                if let Advanced::Raced | Advanced::Busy(_) =
                    advance(store, id, target, ours, p.new)?
                {
                    continue;
                }
            }
            Planned::Unrelated => {
                return Err(LandError::Unrelated {
                    id: id.to_owned(),
                    target: format!("{remote}/{short}"),
                }
                .into())
            }
            // The spec has landed here; only the push is left, and it is the user's merge.
            Planned::Conflict(paths) => {
                return Err(LandError::PushConflict {
                    id: id.to_owned(),
                    target: short.to_owned(),
                    remote: remote.to_owned(),
                    paths,
                }
                .into())
            }
        }
    }
    Err(Error::SyncGaveUp {
        remote: remote.to_owned(),
        attempts: ATTEMPTS,
    })
}

/// What `--pr` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullRequest {
    pub id: String,
    pub branch: String,
    pub target: String,
    /// The `gh` command line, run when `gh` is installed, else for the user to run.
    pub command: Vec<String>,
    /// Whether `gh` ran (and succeeded); what it printed (the pull request's address).
    pub opened: bool,
    pub said: String,
}

/// Pushes `chant/<id>` to `remote` and opens a pull request into its target with `gh`
/// when it is on PATH; otherwise the command to run is in the report.
pub fn open_pr(
    store: &Store,
    short: &str,
    remote: &str,
    into: Option<&str>,
) -> Result<PullRequest, Error> {
    let snapshot = store.snapshot()?;
    let id = ops::resolve(store, &snapshot, short)?;
    crate::spec::id::validate(&id)?;
    let (_, spec) = ops::load(&snapshot, &id)?;
    let branch = branch_of(&id);
    if store.ref_tip(&full_branch(&branch))?.is_none() {
        return Err(LandError::NoBranch { id }.into());
    }
    let target = landing_target(store, &id, into)?;
    let short_target = target.trim_start_matches("refs/heads/").to_owned();
    match git_cli::push_refs(
        store,
        remote,
        &[format!("refs/heads/{branch}:refs/heads/{branch}")],
    )? {
        Pushed::Done => {}
        Pushed::Moved => {
            return Err(Error::PushRejected {
                remote: remote.to_owned(),
            })
        }
        Pushed::Refused(said) => {
            return Err(Error::PushRefused {
                remote: remote.to_owned(),
                said,
            })
        }
    }
    // The title and body are the ledger's text: passed as arguments, never to a shell.
    let title = format!("chant({id}): {}", spec.title().unwrap_or(&id));
    let body = format!(
        "Lands spec {id} (`git chant show {id}`).\n\n{}",
        spec.body().trim()
    );
    let command: Vec<String> = [
        "gh",
        "pr",
        "create",
        "--base",
        &short_target,
        "--head",
        &branch,
        "--title",
        &title,
        "--body",
        &body,
    ]
    .map(str::to_owned)
    .to_vec();
    let mut pr = PullRequest {
        id,
        branch,
        target: short_target,
        command: command.clone(),
        opened: false,
        said: String::new(),
    };
    let run = Command::new(&command[0])
        .args(&command[1..])
        .current_dir(store.repo().workdir().unwrap_or(store.repo().git_dir()))
        .output();
    if let Ok(out) = run {
        pr.opened = out.status.success();
        let said = if pr.opened { out.stdout } else { out.stderr };
        pr.said = String::from_utf8_lossy(&said).trim().to_owned();
    }
    Ok(pr)
}
