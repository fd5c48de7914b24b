//! The registry of agent runs on this machine, `.git/chant/runs/`: one `<id>.json` per
//! running spec (the agent's pid with its start time, so a reused pid is never taken for
//! it; the `work` process's; agent, session, worktree) and `<id>.log`, the transcript as it
//! arrives, for `tail`, `takeover` and `resume`; a run whose processes are gone is stale.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Store;

/// One process, as the kernel knows it: a pid alone could be reused after a reboot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub pid: u32,
    /// Field 22 of `/proc/<pid>/stat` (clock ticks after boot); `None` when unreadable.
    pub start: Option<u64>,
}

impl Process {
    pub fn of(pid: u32) -> Process {
        Process {
            pid,
            start: start_time(pid),
        }
    }

    /// This process.
    pub fn me() -> Process {
        Process::of(std::process::id())
    }

    /// Still the same process, still running: the pid exists with the same start time
    /// and is not a zombie (an exited process nobody reaped yet).
    pub fn alive(&self) -> bool {
        match (stat(self.pid), self.start) {
            (Some((state, _)), _) if state == 'Z' || state == 'X' => false,
            (Some((_, now)), Some(then)) => now == then,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// A process's state and start time, from `/proc/<pid>/stat`: the fields after the `)`
/// that closes its name (which may hold spaces or parentheses itself), the state first
/// and the start time 20 fields on.
fn stat(pid: u32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?.chars().next()?;
    Some((state, fields.nth(18)?.parse().ok()?))
}

fn start_time(pid: u32) -> Option<u64> {
    stat(pid).map(|(_, start)| start)
}

/// A run in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub id: String,
    /// The agent process.
    pub agent_process: Process,
    /// The `git chant work` that records the outcome.
    pub work_process: Process,
    /// The agent, as configured (`claude`, or the command line).
    pub agent: String,
    /// The agent's session, once its output names one.
    pub session: Option<String>,
    pub worktree: PathBuf,
    pub started: String,
}

impl Run {
    /// Neither the agent nor the `work` that watches it is running any more.
    pub fn is_stale(&self) -> bool {
        !self.agent_process.alive() && !self.work_process.alive()
    }
}

/// `.git/chant/runs/`.
pub fn dir(store: &Store) -> PathBuf {
    store.cache_dir().join("runs")
}

/// The live transcript of `id`'s run.
pub fn log_path(store: &Store, id: &str) -> PathBuf {
    dir(store).join(format!("{id}.log"))
}

/// The marker `takeover` leaves so the run ends as paused, not failed.
pub fn takeover_path(store: &Store, id: &str) -> PathBuf {
    dir(store).join(format!("{id}.takeover"))
}

fn record_path(store: &Store, id: &str) -> PathBuf {
    dir(store).join(format!("{id}.json"))
}

/// Records `run` (replacing an earlier record of the spec).
pub fn save(store: &Store, run: &Run) -> std::io::Result<()> {
    let path = record_path(store, &run.id);
    std::fs::create_dir_all(dir(store))?;
    let text = serde_json::to_string_pretty(run).map_err(std::io::Error::other)?;
    // Written whole, then renamed: a reader never sees half a record.
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, path)
}

/// The record of `id`'s run, if there is one (a record that does not parse is none).
pub fn load(store: &Store, id: &str) -> Option<Run> {
    let text = std::fs::read_to_string(record_path(store, id)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Forgets `id`'s run: its record, live transcript and takeover marker.
pub fn remove(store: &Store, id: &str) {
    for path in [
        record_path(store, id),
        log_path(store, id),
        takeover_path(store, id),
    ] {
        let _ = std::fs::remove_file(path);
    }
}

/// Every recorded run, by id.
pub fn all(store: &Store) -> Vec<Run> {
    let Ok(entries) = std::fs::read_dir(dir(store)) else {
        return Vec::new();
    };
    let mut runs: Vec<Run> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let id = name.strip_suffix(".json")?;
            load(store, id)
        })
        .collect();
    runs.sort_by(|a, b| a.id.cmp(&b.id));
    runs
}

/// The ids of runs whose processes are gone (a crash, a reboot, a killed `work`).
pub fn stale(store: &Store) -> Vec<String> {
    all(store)
        .into_iter()
        .filter(Run::is_stale)
        .map(|r| r.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_changed_start_time_is_not() {
        let me = Process::me();
        assert!(me.start.is_some() && me.alive());
        let reused = Process {
            pid: me.pid,
            start: me.start.map(|s| s + 1),
        };
        assert!(!reused.alive());
        assert!(!Process {
            pid: u32::MAX - 1,
            start: None
        }
        .alive());
    }
}
