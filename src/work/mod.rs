//! Working a spec: a worktree of its own on branch `chant/<id>`, the prompt, the agent run,
//! and the outcome recorded (status, events, and the whole transcript as a note on the last
//! commit the run made, or on the ledger commit recording a run that made none).

mod agent;
mod ask;
mod board;
mod builtin;
mod control;
pub mod detach;
mod error;
pub mod land;
mod lease;
mod members;
mod prep;
pub mod prompt;
mod resolve;
mod run;
pub mod schedule;
pub mod split;
mod verdict;
pub mod verify;
mod worktrees;

pub use crate::ops::transcript::{attach, transcripts};
pub use agent::{agents, Agent, Preset};
pub use control::{reset, resume, takeover, Reset, TakenOver};
pub use error::WorkError;
pub use prep::prep;
pub use resolve::resolve;
pub use worktrees::{prune, worktrees, Listed, Pruned};

use std::path::PathBuf;

use gix::ObjectId;
use serde::Serialize;

use crate::error::Error;
use crate::lifecycle::{LifecycleError, Status};
use crate::ops::{self, Target};
use crate::store::runs::{self, Process};
use crate::store::{git_cli, Store};
use land::Start;

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The agent (`--agent`): a preset's name or a command line; else `git config
    /// chant.agent`; never a command from the ledger.
    pub agent: Option<String>,
    /// The prompt template name, else the spec's `prompt`, else `standard`.
    pub prompt: Option<String>,
    pub force: bool,
    /// Prefix every output line (parallel runs).
    pub prefix: bool,
    /// The branch the work lands in (`--target`), else `git config chant.target`, else
    /// the branch HEAD is on.
    pub target: Option<String>,
    /// Land each spec as it completes (`--merge`), this way.
    pub land: Option<land::Options>,
    /// Continue an earlier run in its worktree (`resume`): the session to resume, if the
    /// agent keeps sessions.
    pub resume: Option<String>,
    /// This run continues earlier work (the prompt says so).
    pub continuing: bool,
    /// Claim the spec first, renew the lease while it runs (`--claim`, `chant.claim`).
    pub claim: bool,
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunOutcome {
    pub id: String,
    pub status: String,
    pub exit_code: Option<i32>,
    pub commits: Vec<String>,
    /// The commit that carries the transcript.
    pub transcript_on: String,
    pub worktree: PathBuf,
    /// How long the agent ran.
    pub seconds: f64,
    /// The branch the work is on, and the one it lands in (short, `main`).
    pub branch: String,
    pub target: Option<String>,
    /// The agent's session, when its output named one.
    pub session: Option<String>,
    /// What landing it did (`work --merge`).
    pub landed: Option<land::Landed>,
}

/// Works one spec to an outcome.
pub fn work(store: &Store, short: &str, opts: &Options) -> Result<RunOutcome, Error> {
    let prepared = prep::prepare(store, short, opts)?;
    let agent = agent::agents(store, opts.agent.as_deref())?
        .into_iter()
        .next()
        .ok_or(WorkError::NoAgent { ledger_names: None })?;
    let argv = prepared.argv(store, &agent, opts.resume.as_deref());
    let id = prepared.id.clone();
    let (path, branch) = (prepared.worktree.clone(), prepared.branch.clone());
    // Where a new branch starts (its target plus its dependencies' unlanded work), worked
    // out before anything changes: dependencies that conflict stop the run here, and so
    // does an agent that is not installed.
    let start = match store.ref_tip(&format!("refs/heads/{branch}"))? {
        Some(_) => None,
        None => {
            if store.repo().head_id().is_err() {
                return Err(WorkError::NoCommit.into());
            }
            let target = opts.target.as_deref();
            Some(land::start_point(store, &id, &prepared.spec, target)?)
        }
    };
    prepared.check_agent(store, &agent, &argv)?;
    if opts.claim {
        lease::claim(store, &id)?;
    }
    // Starting refuses a spec that is not ready (unless forced) before anything is created.
    if !Status::InProgress.is(prepared.spec.status()) {
        ops::transition(store, &id, Target::Start, opts.force, None, &ops::now())?;
    }
    run::catch_interrupts();
    if !path.exists() {
        let start = start.as_ref().map(|s| s.commit.to_string());
        git_cli::worktree_add(store, &path, &branch, start.as_deref().unwrap_or(&branch))?;
    }
    if let Some(Start {
        target: Some(target),
        ..
    }) = &start
    {
        git_cli::set_upstream(store, &branch, target.trim_start_matches("refs/heads/"))?;
    }
    // The store's config was read before the upstream was recorded.
    let lands_in = match start.and_then(|s| s.target) {
        Some(t) => Some(t),
        None => land::landing_target(store, &id, None).ok(),
    }
    .map(|t| t.trim_start_matches("refs/heads/").to_owned());
    land::record_branch(store, &id, &branch, lands_in.as_deref())?;
    let start_tip = store.ref_tip(&format!("refs/heads/{branch}"))?;
    let (_, spec) = ops::load(&store.snapshot()?, &id)?;
    let mut text = prepared.prompt(store, &spec);
    if opts.continuing && opts.resume.is_none() {
        text = format!("{}\n\n{text}", control::CONTINUE);
    }
    let prompt_file = run::prompt_file(store, &id, &text)?;

    let started = ops::now();
    let clock = std::time::Instant::now();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let line = format!("{id}: agent started in {}\n", path.display());
        board::board().write(true, line.as_bytes());
    }
    let mut env = vec![
        ("CHANT_SPEC_ID", id.clone()),
        ("CHANT_WORKTREE", path.display().to_string()),
        ("CHANT_BRANCH", branch.clone()),
        ("CHANT_PROMPT_FILE", prompt_file.display().to_string()),
    ];
    if let Some(m) = &prepared.model {
        env.push(("CHANT_MODEL", m.clone()));
    }
    let prefix = if opts.prefix {
        format!("[{id}] ")
    } else {
        String::new()
    };
    let log = runs::log_path(store, &id);
    let io = |source| Error::Write {
        path: log.clone(),
        source,
    };
    std::fs::create_dir_all(runs::dir(store)).map_err(io)?;
    let _ = std::fs::remove_file(runs::takeover_path(store, &id));
    let mut record = runs::Run {
        id: id.clone(),
        agent_process: Process::me(),
        work_process: Process::me(),
        agent: agent.label(),
        session: opts.resume.clone(),
        worktree: path.clone(),
        started: started.clone(),
    };
    let output = run::Output {
        prefix: &prefix,
        log: Some(&log),
        all_to_stderr: false,
    };
    let spawned = |pid| {
        record.agent_process = Process::of(pid);
        // Without the record `tail` and `takeover` cannot find the run; the run itself
        // goes on.
        let _ = runs::save(store, &record);
    };
    let renewal = match opts.claim {
        true => Some(lease::renew_while_running(store, &id)?),
        false => None,
    };
    let finished = run::run(&id, &argv, &path, &env, &text, &output, spawned);
    drop(renewal);
    let finished = match finished {
        Ok(f) => f,
        Err(source) => {
            // Checked on PATH above, so a race or a program that cannot execute: the spec
            // goes back to where it was.
            runs::remove(store, &id);
            let reason = format!("agent could not start: {source}");
            if let Some(back) = control::target_of(prepared.spec.status()) {
                ops::transition(store, &id, back, true, Some(&reason), &ops::now())?;
            }
            return Err(Error::Read {
                path: argv.first().map(PathBuf::from).unwrap_or_default(),
                source,
            });
        }
    };
    let ended = ops::now();
    let taken_over = runs::takeover_path(store, &id).exists();
    let session = crate::session::session_id(&finished.transcript).or(opts.resume.clone());

    let end_tip = store.ref_tip(&format!("refs/heads/{branch}"))?;
    let commits = commits_between(store, start_tip, end_tip)?;
    let (_, after) = ops::load(&store.snapshot()?, &id)?;
    let target = if finished.interrupted || taken_over {
        Target::Pause
    } else if finished.code != Some(0) {
        Target::Fail
    } else if after.criteria().iter().all(|c| c.checked) {
        Target::Done
    } else {
        Target::NeedsAttention
    };
    let reason = match finished.code {
        _ if taken_over => "taken over".to_owned(),
        Some(code) => format!("agent exited {code}"),
        None => "agent interrupted".into(),
    };
    let recorded = match ops::transition(store, &id, target, false, Some(&reason), &ended) {
        Ok(outcome) => outcome.commit,
        Err(Error::Lifecycle(LifecycleError::Unchanged { .. })) => None,
        Err(e) => return Err(e),
    };
    let header = run::header(&[
        ("spec", Some(id.clone())),
        ("start", Some(started.clone())),
        ("end", Some(ended.clone())),
        ("branch", Some(branch.clone())),
        ("target", lands_in.clone()),
        // A preset's name; a command line is the `command:` itself.
        (
            "agent",
            matches!(agent, Agent::Preset(_)).then(|| agent.label()),
        ),
        ("command", Some(run::yaml_scalar(&argv.join(" ")))),
        (
            "exit_code",
            Some(finished.code.map_or("null".into(), |c| c.to_string())),
        ),
        ("model", prepared.model.clone()),
        ("session", session.clone()),
    ]);
    let transcript = format!("{header}{}", String::from_utf8_lossy(&finished.transcript));
    // Without a commit of its own, the run's transcript goes on the ledger commit that
    // recorded its end (whose `Chant-Spec` trailer lets `show` find it).
    let on = match commits.last().copied().or(recorded) {
        Some(c) => c,
        // The status was already where the run left it (the agent moved it): the newest
        // ledger commit that names the spec, so `show` still finds the transcript there.
        None => ops::transcript::last_ledger_commit_naming(store, &id)?,
    };
    ops::transcript::attach_note(store, &id, on, &transcript)?;
    runs::remove(store, &id);
    let status = ops::load(&store.snapshot()?, &id)?.1.status().to_owned();
    if opts.claim {
        lease::release_if_done(store, &id, &status);
    }
    Ok(RunOutcome {
        id,
        status,
        exit_code: finished.code,
        commits: commits.iter().map(|c| c.to_string()).collect(),
        transcript_on: on.to_string(),
        worktree: path,
        seconds: clock.elapsed().as_secs_f64(),
        branch,
        target: lands_in,
        session,
        landed: None,
    })
}

/// Commits on the run's branch after `start`, oldest first.
fn commits_between(
    store: &Store,
    start: Option<ObjectId>,
    end: Option<ObjectId>,
) -> Result<Vec<ObjectId>, Error> {
    let Some(end) = end else {
        return Ok(Vec::new());
    };
    if Some(end) == start {
        return Ok(Vec::new());
    }
    Ok(crate::store::range::between(store.repo(), end, start)?)
}

/// Ready specs in the order `ready` shows them.
pub fn next_ready(store: &Store, skip: &[String]) -> Result<Option<String>, Error> {
    let snapshot = store.snapshot()?;
    let index = crate::store::index::Index::load(store, &snapshot)?;
    Ok(index
        .specs
        .iter()
        .filter(|s| !s.archived && !skip.contains(&s.id))
        .find(|s| crate::lifecycle::is_ready(s, |id| index.get(id)))
        .map(|s| s.id.clone()))
}
