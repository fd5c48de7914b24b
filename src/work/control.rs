//! Taking a run back: `takeover` stops a running agent (its whole process group, TERM then
//! KILL) and leaves the spec paused; `resume` continues in the same worktree (the agent's
//! session when it keeps one); `reset` puts a failed, needs-attention or stale spec back to
//! pending. What identifies a run is its record in `.git/chant/runs/` (`store::runs`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{work, Options, RunOutcome, WorkError};
use crate::error::Error;
use crate::lifecycle::{LifecycleError, Status};
use crate::ops::{self, Target};
use crate::store::runs::{self, Run};
use crate::store::{git_cli, Store};

/// What a continued run is told first when its agent has no session to resume.
pub const CONTINUE: &str = "You are continuing earlier work on this spec: the worktree already holds what was done so far (see `git log` and `git status` there). Carry on from where it stopped; do not start over.";

/// The transition that puts a spec back at `status` (after a run that never started).
pub fn target_of(status: &str) -> Option<Target> {
    match Status::of(status) {
        Status::Pending => Some(Target::Reopen),
        Status::Paused => Some(Target::Pause),
        Status::Failed => Some(Target::Fail),
        Status::NeedsAttention => Some(Target::NeedsAttention),
        _ => None,
    }
}

/// What `takeover` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TakenOver {
    pub id: String,
    /// A running agent was stopped (else the run was already gone).
    pub stopped: bool,
    pub status: String,
    pub worktree: PathBuf,
    /// The end of what the agent printed.
    pub tail: String,
}

/// Sends `signal` (`TERM`, `INT`, …) to the process group `pgid` (an agent and whatever
/// it started), with the shell's builtin `kill`: no unsafe code, and no procps needed.
pub(crate) fn signal_group(pgid: u32, signal: &str) {
    let _ = std::process::Command::new("sh")
        .args([
            "-c",
            "kill -s \"$1\" -- -\"$2\"",
            "sh",
            signal,
            &pgid.to_string(),
        ])
        .stderr(std::process::Stdio::null())
        .status();
}

fn wait_until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

/// Stops spec `short`'s agent and leaves the spec paused with the worktree as it is.
pub fn takeover(store: &Store, short: &str) -> Result<TakenOver, Error> {
    let id = ops::resolve(store, &store.snapshot()?, short)?;
    crate::spec::id::validate(&id)?;
    let run = runs::load(store, &id);
    let log = std::fs::read(runs::log_path(store, &id)).unwrap_or_default();
    let mut stopped = false;
    if let Some(run) = run.as_ref().filter(|r| r.agent_process.alive()) {
        let marker = runs::takeover_path(store, &id);
        std::fs::write(&marker, b"").map_err(|source| Error::Write {
            path: marker.clone(),
            source,
        })?;
        let pgid = run.agent_process.pid;
        signal_group(pgid, "TERM");
        if !wait_until(Duration::from_secs(5), || !run.agent_process.alive()) {
            signal_group(pgid, "KILL");
        }
        stopped = true;
        // The `work` that ran it records the outcome (paused) and the transcript.
        wait_until(Duration::from_secs(30), || {
            runs::load(store, &id).is_none() || !run.work_process.alive()
        });
    }
    let (_, spec) = ops::load(&store.snapshot()?, &id)?;
    if Status::InProgress.is(spec.status()) {
        // No `work` is left to record it: pause it here, keeping what the agent printed.
        ops::transition(
            store,
            &id,
            Target::Pause,
            false,
            Some("taken over"),
            &ops::now(),
        )?;
        if !log.is_empty() {
            let on = ops::transcript::last_ledger_commit_naming(store, &id)?;
            let note = format!(
                "---\nspec: {id}\nend: {}\nexit_code: null\n---\n{}",
                ops::now(),
                String::from_utf8_lossy(&log)
            );
            ops::transcript::attach_note(store, &id, on, &note)?;
        }
    }
    runs::remove(store, &id);
    let status = ops::load(&store.snapshot()?, &id)?.1.status().to_owned();
    let text = String::from_utf8_lossy(&log);
    let lines: Vec<&str> = text.lines().collect();
    Ok(TakenOver {
        tail: lines[lines.len().saturating_sub(20)..].join("\n"),
        worktree: run.map_or_else(|| store.agent_worktree(&id), |r| r.worktree),
        status,
        stopped,
        id,
    })
}

/// The session of spec `id`'s last run: its record, else its newest transcript's header.
fn last_session(store: &Store, id: &str) -> Result<Option<String>, Error> {
    if let Some(session) = runs::load(store, id).and_then(|r| r.session) {
        return Ok(Some(session));
    }
    let (_, spec) = ops::load(&store.snapshot()?, id)?;
    let notes = ops::transcript::transcripts(store, id, &spec)?;
    Ok(notes.last().and_then(|(_, note)| {
        let header = note.strip_prefix("---\n")?.split("\n---\n").next()?;
        header
            .lines()
            .find_map(|l| l.strip_prefix("session: "))
            .map(|s| s.trim().to_owned())
            // Passed back to the agent as a flag's value: a plain token only.
            .filter(|s| {
                !s.is_empty()
                    && s.len() <= 128
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
                    && !s.starts_with('-')
            })
    }))
}

/// Continues spec `short` in its worktree: the agent's session when it keeps one, else a
/// new run told to carry on.
pub fn resume(store: &Store, short: &str, opts: &Options) -> Result<RunOutcome, Error> {
    let id = ops::resolve(store, &store.snapshot()?, short)?;
    crate::spec::id::validate(&id)?;
    let (_, spec) = ops::load(&store.snapshot()?, &id)?;
    let live = runs::load(store, &id).filter(|r| !r.is_stale());
    if live.is_some() {
        return Err(WorkError::Running { id }.into());
    }
    let resumable = matches!(
        Status::of(spec.status()),
        Status::Paused | Status::Failed | Status::NeedsAttention | Status::InProgress
    );
    if !resumable {
        return Err(LifecycleError::BadField {
            id: id.clone(),
            why: format!("it is {}: there is no run to resume", spec.status()),
            help: format!("`git chant work {id}` starts one"),
        }
        .into());
    }
    if !store.agent_worktree(&id).exists() {
        return Err(WorkError::NoWorktree { id }.into());
    }
    let agent = super::agent::agents(store, opts.agent.as_deref())?;
    let keeps_sessions = agent.first().is_some_and(|a| a.resumes_sessions());
    let session = if keeps_sessions {
        last_session(store, &id)?
    } else {
        None
    };
    runs::remove(store, &id);
    let run = Options {
        resume: session,
        continuing: true,
        ..opts.clone()
    };
    work(store, &id, &run)
}

/// What `reset` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reset {
    pub id: String,
    pub from: String,
    /// Its worktree and branch were removed (`--worktree`).
    pub removed: bool,
}

/// Puts spec `short` back to pending: one that failed, needs attention, is paused, or is
/// in progress with its run gone (a live run must be taken over first).
pub fn reset(store: &Store, short: &str, remove_worktree: bool) -> Result<Reset, Error> {
    let id = ops::resolve(store, &store.snapshot()?, short)?;
    crate::spec::id::validate(&id)?;
    let (_, spec) = ops::load(&store.snapshot()?, &id)?;
    let from = spec.status().to_owned();
    let run: Option<Run> = runs::load(store, &id);
    if run.as_ref().is_some_and(|r| !r.is_stale()) {
        return Err(WorkError::Running { id }.into());
    }
    match Status::of(&from) {
        Status::Failed | Status::NeedsAttention => {
            ops::transition(
                store,
                &id,
                Target::Reopen,
                false,
                Some("reset"),
                &ops::now(),
            )?;
        }
        Status::InProgress | Status::Paused => {
            // Not in the table: the run is gone, so the status is only a leftover.
            ops::transition(store, &id, Target::Reopen, true, Some("reset"), &ops::now())?;
        }
        Status::Pending => {}
        _ => {
            return Err(LifecycleError::BadField {
                id: id.clone(),
                why: format!("it is {from}"),
                help: format!("`git chant reopen {id}` puts a finished spec back to pending"),
            }
            .into())
        }
    }
    runs::remove(store, &id);
    let mut removed = false;
    if remove_worktree {
        let path = store.agent_worktree(&id);
        if path.exists() {
            git_cli::worktree_remove(store, &path)?;
        }
        let branch = super::land::branch_of(&id);
        if let Some(tip) = store.ref_tip(&format!("refs/heads/{branch}"))? {
            git_cli::delete_branch(store, &branch, tip)?;
        }
        removed = true;
    }
    Ok(Reset { id, from, removed })
}
