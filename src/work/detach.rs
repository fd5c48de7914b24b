//! Runs started in the background (the MCP server's `work` tool): `git-chant work <id>
//! --json` as a child in a process group of its own, so it outlives the server and no
//! signal meant for the client reaches it. Its standard output (the agent's output, then
//! the outcome as JSON) goes to `.git/chant/runs/<id>.output`, its standard error to
//! `<id>.work.log`, and `<id>.launch` records the child, so any later process can tell
//! starting, running, finished and failed apart (the run's own record, `<id>.json`,
//! exists only while the agent runs).

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::Options;
use crate::error::Error;
use crate::store::runs::{self, Process};
use crate::store::Store;

/// A background `work` this machine started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    pub id: String,
    /// The `git-chant work` process.
    pub process: Process,
    pub started: String,
    /// Its standard output: what the agent prints as it runs, then the `work --json`
    /// outcomes as the last line.
    pub output: PathBuf,
    /// Its standard error: progress and, when it fails, the diagnostic.
    pub log: PathBuf,
}

/// A launch and where it got to.
#[derive(Debug, Clone, Serialize)]
pub struct Launched {
    #[serde(flatten)]
    pub launch: Launch,
    /// `starting` (no agent yet), `running`, `finished` (an outcome) or `failed` (it ended
    /// without one: the error is the end of its log).
    pub state: &'static str,
    /// The `work --json` outcome of the run, once finished.
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
}

fn launch_path(store: &Store, id: &str) -> PathBuf {
    runs::dir(store).join(format!("{id}.launch"))
}

/// Starts `git-chant work <id> --json` in the background with `opts` (agent, prompt,
/// force, target, claim; `merge` lands it once completed) and records it.
pub fn start(store: &Store, id: &str, opts: &Options, merge: bool) -> Result<Launch, Error> {
    crate::spec::id::validate(id)?;
    let exe = std::env::current_exe().map_err(|source| Error::Read {
        path: "git-chant".into(),
        source,
    })?;
    let dir = runs::dir(store);
    let io = |path: &PathBuf| {
        let path = path.clone();
        move |source| Error::Write { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let output = dir.join(format!("{id}.output"));
    let log = dir.join(format!("{id}.work.log"));
    let out = std::fs::File::create(&output).map_err(io(&output))?;
    let err = std::fs::File::create(&log).map_err(io(&log))?;
    let mut cmd = Command::new(&exe);
    cmd.args(["work", id, "--json"]);
    for (flag, value) in [
        ("--agent", &opts.agent),
        ("--prompt", &opts.prompt),
        ("--target", &opts.target),
    ] {
        if let Some(value) = value {
            cmd.arg(flag).arg(value);
        }
    }
    for (flag, on) in [
        ("--force", opts.force),
        ("--claim", opts.claim),
        ("--merge", merge),
    ] {
        if on {
            cmd.arg(flag);
        }
    }
    let workdir = store
        .repo()
        .workdir()
        .unwrap_or(store.repo().git_dir())
        .to_owned();
    let mut child = cmd
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0)
        .spawn()
        .map_err(|source| Error::Read { path: exe, source })?;
    let launch = Launch {
        id: id.to_owned(),
        process: Process::of(child.id()),
        started: crate::clock::now(),
        output,
        log,
    };
    // Reaped when it ends, so it never lingers as a zombie of a long-lived server.
    std::thread::spawn(move || child.wait());
    let path = launch_path(store, id);
    let text = serde_json::to_string_pretty(&launch).unwrap_or_default();
    std::fs::write(&path, text).map_err(io(&path))?;
    Ok(launch)
}

/// Every launch recorded here, by id, with its state now.
pub fn launches(store: &Store) -> Vec<Launched> {
    let Ok(entries) = std::fs::read_dir(runs::dir(store)) else {
        return Vec::new();
    };
    let mut found: Vec<Launched> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".launch"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter_map(|text| serde_json::from_str::<Launch>(&text).ok())
        .map(|launch| state(store, launch))
        .collect();
    found.sort_by(|a, b| a.launch.id.cmp(&b.launch.id));
    found
}

/// Whether a launch is still starting or running, or how it ended.
fn state(store: &Store, launch: Launch) -> Launched {
    let alive = launch.process.alive();
    let running = runs::load(store, &launch.id).is_some_and(|r| !r.is_stale());
    let ended = |state, result, error| Launched {
        launch: launch.clone(),
        state,
        result,
        error,
    };
    if alive {
        return ended(if running { "running" } else { "starting" }, None, None);
    }
    // The agent's output streams through `work`'s standard output; the outcomes follow
    // as the last line.
    let output = std::fs::read_to_string(&launch.output).unwrap_or_default();
    let first = output
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| serde_json::from_str::<Vec<serde_json::Value>>(l).ok())
        .and_then(|all| all.into_iter().next());
    match first {
        Some(result) => ended("finished", Some(result), None),
        None => {
            let log = std::fs::read_to_string(&launch.log).unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(20)..].join("\n");
            // tidy: a launch's state, not a spec's status
            ended("failed", None, Some(tail))
        }
    }
}
