//! Working a spec: a worktree of its own on branch `chant/<id>`, the prompt, the agent run,
//! and the outcome recorded (status, events, and the whole transcript as a note on the last
//! commit the run made, or on the ledger commit recording a run that made none).

mod board;
mod error;
pub mod land;
pub mod prompt;
mod resolve;
mod run;
pub mod schedule;

pub use crate::ops::transcript::{attach, transcripts};
pub use error::WorkError;
pub use resolve::resolve;

use std::path::PathBuf;

use gix::ObjectId;
use serde::Serialize;

use crate::error::Error;
use crate::lifecycle::LifecycleError;
use crate::ops::{self, lookup, Target};
use crate::store::{git_cli, Store};
use land::Start;

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The agent command (`--agent`), else `git config chant.agent`; never the ledger's.
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
    /// What landing it did (`work --merge`).
    pub landed: Option<land::Landed>,
}

/// The agent command, from the local side only: `--agent`, else `git config chant.agent`
/// (any level, `git -c` included). The ledger's config.md was written by whoever could
/// push, so an `agent:` there is never run: the error only names it, saying what to set.
fn agent_command(store: &Store, opts: &Options) -> Result<String, Error> {
    if let Some(setting) = opts
        .agent
        .clone()
        .or_else(|| store.config_string("chant.agent"))
    {
        return Ok(preset(&setting).unwrap_or(setting));
    }
    let snapshot = store.snapshot()?;
    let config = snapshot
        .file(crate::store::paths::CONFIG_PATH)?
        .unwrap_or_default();
    let named = crate::spec::Spec::parse("config.md", &config)
        .ok()
        .and_then(|c| c.text("agent").map(str::to_owned));
    if let Some(command) = named.as_deref().and_then(preset) {
        return Ok(command);
    }
    Err(WorkError::NoAgent {
        ledger_names: named,
    }
    .into())
}

/// The built-in agent preset called `name` (`claude`, … once they exist; none do yet): the
/// one place a name, local or from the ledger, may stand for a command line. That command
/// line is this binary's, never the ledger's text, so the ledger can only choose among them.
fn preset(_name: &str) -> Option<String> {
    None
}

/// Works one spec to an outcome.
pub fn work(store: &Store, short: &str, opts: &Options) -> Result<RunOutcome, Error> {
    let snapshot = store.snapshot()?;
    let id = ops::resolve(store, &snapshot, short)?;
    // The id names the worktree, branch and prompt file: one a push without the server's
    // checks planted (`..`, a `/`) must not lead outside `.git/chant/`.
    crate::spec::id::validate(&id)?;
    let (_, spec) = ops::load(&snapshot, &id)?;
    let argv = prompt::split_command(&agent_command(store, opts)?);
    let template_name = opts
        .prompt
        .clone()
        .or_else(|| spec.prompt().map(str::to_owned))
        .unwrap_or_else(|| "standard".into());
    let template = snapshot
        .file(&format!("prompts/{template_name}.md"))?
        .or_else(|| prompt::built_in(&template_name).map(|t| t.as_bytes().to_vec()))
        .ok_or_else(|| LifecycleError::BadField {
            id: id.clone(),
            why: format!("no prompt template `{template_name}` in the ledger"),
            help:
                "use `--prompt <name>` with one of the ledger's prompts/ (see `git chant export`)"
                    .into(),
        })?;
    let project = snapshot
        .file(crate::store::paths::CONFIG_PATH)?
        .and_then(|c| crate::spec::Spec::parse("config.md", &c).ok())
        .and_then(|c| {
            c.frontmatter()
                .get("project")
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str().map(str::to_owned))
        })
        .unwrap_or_else(|| "project".into());

    let path = store.agent_worktree(&id);
    let branch = land::branch_of(&id);
    // Where a new branch starts (its target plus its dependencies' unlanded work), worked
    // out before anything changes: dependencies that conflict stop the run here.
    let start = match store.ref_tip(&format!("refs/heads/{branch}"))? {
        Some(_) => None,
        None => Some(land::start_point(
            store,
            &id,
            &spec,
            opts.target.as_deref(),
        )?),
    };
    // Starting refuses a spec that is not ready (unless forced) before anything is created.
    if !crate::lifecycle::Status::InProgress.is(spec.status()) {
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
    let text = prompt::render(
        &String::from_utf8_lossy(&template),
        &prompt::Context {
            id: &id,
            spec: &spec,
            project: &project,
            worktree: &path,
            branch: &branch,
            limit: crate::files::Limits::from_store(store).spec,
        },
    );
    let prompt_file = store.cache_dir().join("prompts").join(format!("{id}.md"));
    let io = |source| Error::Write {
        path: prompt_file.clone(),
        source,
    };
    std::fs::create_dir_all(prompt_file.parent().unwrap_or(&path)).map_err(io)?;
    std::fs::write(&prompt_file, &text).map_err(io)?;

    let started = ops::now();
    let clock = std::time::Instant::now();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let line = format!("{id}: agent started in {}\n", path.display());
        board::board().write(true, line.as_bytes());
    }
    let env = [
        ("CHANT_SPEC_ID", id.clone()),
        ("CHANT_WORKTREE", path.display().to_string()),
        ("CHANT_BRANCH", branch.clone()),
        ("CHANT_PROMPT_FILE", prompt_file.display().to_string()),
    ];
    let prefix = if opts.prefix {
        format!("[{id}] ")
    } else {
        String::new()
    };
    let finished =
        run::run(&id, &argv, &path, &env, &text, &prefix).map_err(|source| Error::Read {
            path: argv.first().map(PathBuf::from).unwrap_or_default(),
            source,
        })?;
    let ended = ops::now();

    let end_tip = store.ref_tip(&format!("refs/heads/{branch}"))?;
    let commits = commits_between(store, start_tip, end_tip)?;
    let (_, after) = ops::load(&store.snapshot()?, &id)?;
    let target = if finished.interrupted {
        Target::Pause
    } else if finished.code != Some(0) {
        Target::Fail
    } else if after.criteria().iter().all(|c| c.checked) {
        Target::Done
    } else {
        Target::NeedsAttention
    };
    let reason = match finished.code {
        Some(code) => format!("agent exited {code}"),
        None => "agent interrupted".into(),
    };
    let recorded = match ops::transition(store, &id, target, false, Some(&reason), &ended) {
        Ok(outcome) => outcome.commit,
        Err(Error::Lifecycle(LifecycleError::Unchanged { .. })) => None,
        Err(e) => return Err(e),
    };
    let header = format!(
        "---\nspec: {id}\nstart: {started}\nend: {ended}\nbranch: {branch}\n{}command: {}\nexit_code: {}\n{}---\n",
        lands_in
            .as_deref()
            .map(|t| format!("target: {t}\n"))
            .unwrap_or_default(),
        serde_yaml::to_string(&argv.join(" "))
            .unwrap_or_default()
            .trim_end(),
        finished.code.map_or("null".into(), |c| c.to_string()),
        after
            .model()
            .map(|m| format!("model: {m}\n"))
            .unwrap_or_default(),
    );
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
    let status = ops::load(&store.snapshot()?, &id)?.1.status().to_owned();
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
