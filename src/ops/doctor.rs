//! `git chant doctor [--fix]`: what a killed writer, an old version or a hook-less remote
//! left behind, and what stops git chant working here — stale ref locks, temporary files,
//! the caches, the notes config, the hooks, agent worktrees, misplaced spec files — each a
//! [`Check`]; with `fix`, the safe repairs are made (never a lock a running git may hold).

use serde::Serialize;

use crate::error::Error;
use crate::hooks::install;
use crate::store::git_cli;
use crate::store::locks::{self, STALE_AFTER};
use crate::store::trailer::Trailer;
use crate::store::{Change, Store};

/// How one area stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Ok,
    /// Something is wrong; `next` says what to run.
    Problem,
    /// Was wrong, and `--fix` repaired it.
    Fixed,
    /// Not wrong, but worth knowing; `next` says what to run.
    Advice,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub area: &'static str,
    pub state: State,
    pub message: String,
    pub next: Option<String>,
}

impl Check {
    fn new(area: &'static str, state: State, message: impl Into<String>) -> Check {
        Check {
            area,
            state,
            message: message.into(),
            next: None,
        }
    }

    fn next(mut self, command: impl Into<String>) -> Check {
        self.next = Some(command.into());
        self
    }

    /// A problem `--fix` repairs: `Fixed` when it just did.
    fn fixable(area: &'static str, fixed: bool, message: String) -> Check {
        if fixed {
            Check::new(area, State::Fixed, message)
        } else {
            Check::new(area, State::Problem, message).next("git chant doctor --fix")
        }
    }
}

/// Runs every check; with `fix`, repairs what can be repaired safely.
pub fn doctor(store: &Store, fix: bool) -> Result<Vec<Check>, Error> {
    let mut checks = Vec::new();
    check_locks(store, fix, &mut checks);
    check_temp_files(store, fix, &mut checks);
    check_notes_config(store, fix, &mut checks)?;
    check_hooks(store, &mut checks);
    check_worktrees(store, fix, &mut checks)?;
    check_layout(store, fix, &mut checks)?;
    Ok(checks)
}

fn check_locks(store: &Store, fix: bool, checks: &mut Vec<Check>) {
    let present = locks::present(store);
    if present.is_empty() {
        checks.push(Check::new("locks", State::Ok, "no lock files left behind"));
        return;
    }
    let running = present.iter().any(|l| l.is_stale()) && locks::writer_running(store);
    for lock in present {
        let path = lock.path.display().to_string();
        let age = lock.age.as_secs();
        if !lock.is_stale() {
            let message = format!("{path} is {age} s old: a write is probably under way");
            checks.push(Check::new("locks", State::Advice, message).next("git chant doctor"));
        } else if running {
            let message = format!("{path} is {age} s old, but a git or git-chant is running in this repository; left in place");
            checks.push(
                Check::new("locks", State::Problem, message)
                    .next("git chant doctor --fix, once it has finished"),
            );
        } else {
            // Looked at again just before: a writer may have taken the lock anew since.
            let fixed = fix
                && locks::Lock::at(&lock.path).is_some_and(|l| l.is_stale())
                && std::fs::remove_file(&lock.path).is_ok();
            let message = format!("{path} is {age} s old and no writer is running: a killed writer left it, and every write waits for it{}", if fixed { "; removed" } else { "" });
            checks.push(Check::fixable("locks", fixed, message));
        }
    }
}

/// Temporary files of cache writes (`.tmpXXXX`) whose writer died before the rename.
fn check_temp_files(store: &Store, fix: bool, checks: &mut Vec<Check>) {
    let Ok(entries) = std::fs::read_dir(store.cache_dir()) else {
        checks.push(Check::new("temp files", State::Ok, "no cache folder yet"));
        return;
    };
    let leftover: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().unwrap_or_default() >= STALE_AFTER)
        })
        .map(|e| e.path())
        .collect();
    if leftover.is_empty() {
        checks.push(Check::new(
            "temp files",
            State::Ok,
            "no leftover temporary files",
        ));
        return;
    }
    let removed = fix && leftover.iter().all(|p| std::fs::remove_file(p).is_ok());
    let message = format!(
        "{} leftover temporary files in {}{}",
        leftover.len(),
        store.cache_dir().display(),
        if removed { "; removed" } else { "" }
    );
    checks.push(Check::fixable("temp files", removed, message));
}

/// `init`'s notes settings: `git log` shows status events, amend and rebase carry notes.
fn check_notes_config(store: &Store, fix: bool, checks: &mut Vec<Check>) -> Result<(), Error> {
    let wrong = store.notes_config_changes();
    if wrong.is_empty() {
        checks.push(Check::new(
            "notes config",
            State::Ok,
            "notes.displayRef and notes.rewriteRef set",
        ));
        return Ok(());
    }
    let fixed = fix && {
        store.ensure_notes_config()?;
        true
    };
    let message = format!("not as init sets it: {}", wrong.join(", "));
    checks.push(Check::fixable("notes config", fixed, message));
    Ok(())
}

fn check_hooks(store: &Store, checks: &mut Vec<Check>) {
    let dir = install::hooks_dir(store);
    let status = install::status(&dir, install::CLIENT_HOOKS);
    let installed = status.iter().filter(|(_, on, _)| *on).count();
    let check = if installed == 0 {
        Check::new(
            "hooks",
            State::Advice,
            "the client hooks are not installed: commits naming a spec do not advance it",
        )
        .next("git chant hooks install")
    } else if installed < status.len() || status.iter().any(|(_, on, exec)| *on && !exec) {
        Check::new(
            "hooks",
            State::Problem,
            format!(
                "only some hooks are installed and executable in {}",
                dir.display()
            ),
        )
        .next("git chant hooks install")
    } else if install::find_on_path(std::env::var_os("PATH").as_deref()).is_none() {
        Check::new(
            "hooks",
            State::Problem,
            "installed, but git-chant is not on PATH: the hooks let commits through unrecorded",
        )
        .next("put git-chant on PATH, then git chant reindex")
    } else {
        Check::new(
            "hooks",
            State::Ok,
            format!("installed in {}", dir.display()),
        )
    };
    checks.push(check);
}

fn check_worktrees(store: &Store, fix: bool, checks: &mut Vec<Check>) -> Result<(), Error> {
    let stale: Vec<String> = git_cli::worktrees(store)?
        .into_iter()
        .filter(|w| w.prunable)
        .map(|w| w.path.display().to_string())
        .collect();
    if !stale.is_empty() {
        let fixed = fix && git_cli::worktree_prune(store).is_ok();
        let message = format!(
            "git keeps worktrees whose folders are gone: {}",
            stale.join(", ")
        );
        checks.push(Check::fixable("worktrees", fixed, message));
    }
    let snapshot = store.snapshot_or_empty()?;
    let mut finished = Vec::new();
    for (id, _) in store.agent_worktrees() {
        let status = crate::ops::lookup::summary(&snapshot, &id)?.map(|s| s.status);
        if status.is_none_or(|s| crate::lifecycle::Status::of(&s).is_done()) {
            finished.push(id);
        }
    }
    if !finished.is_empty() {
        let message = format!("agent worktrees of finished specs: {}", finished.join(", "));
        checks.push(
            Check::new("worktrees", State::Advice, message).next("git chant worktrees --prune"),
        );
    } else if stale.is_empty() {
        checks.push(Check::new(
            "worktrees",
            State::Ok,
            "no stale agent worktrees",
        ));
    }
    let gone: Vec<String> = crate::store::runs::stale(store)
        .into_iter()
        .filter(|id| {
            crate::ops::lookup::summary(&snapshot, id)
                .ok()
                .flatten()
                .is_some_and(|s| crate::lifecycle::Status::InProgress.is(&s.status))
        })
        .collect();
    if !gone.is_empty() {
        let message = format!(
            "in progress, but their agent runs are gone (stale): {}",
            gone.join(", ")
        );
        let next = format!("git chant resume {0}, or git chant reset {0}", gone[0]);
        checks.push(Check::new("runs", State::Advice, message).next(&next));
    }
    Ok(())
}

/// Files under `specs/` and `archive/` no command reads; `fix` moves a spec stored in the
/// wrong shard to its place, in one ledger commit.
fn check_layout(store: &Store, fix: bool, checks: &mut Vec<Check>) -> Result<(), Error> {
    let snapshot = store.snapshot_or_empty()?;
    let strays = snapshot.strays()?;
    if strays.is_empty() {
        checks.push(Check::new(
            "layout",
            State::Ok,
            "every spec file is where its id puts it",
        ));
        return Ok(());
    }
    let movable: Vec<_> = strays
        .iter()
        .filter(|s| s.belongs.is_some())
        .cloned()
        .collect();
    let moved = fix && !movable.is_empty() && {
        store.update(|snapshot| {
            let mut change = Change::new("doctor: move misplaced specs");
            let mut moved = Vec::new();
            for stray in snapshot.strays()? {
                let Some((id, place)) = stray.belongs else {
                    continue;
                };
                if snapshot.file(&place)?.is_some() {
                    continue; // the right place is taken: reported below
                }
                let Some(bytes) = snapshot.file(&stray.path)? else {
                    continue;
                };
                change.remove(stray.path).write(place, bytes);
                moved.push(id);
            }
            // The last moved first: the order doctor's ledger commits have always had.
            for id in moved.iter().rev() {
                change.trailer(Trailer::Spec, id);
            }
            change.trailer(Trailer::Op, "doctor");
            Ok::<_, Error>((change, ()))
        })?;
        true
    };
    let remaining = if moved {
        store.snapshot_or_empty()?.strays()?
    } else {
        strays
    };
    for stray in &remaining {
        let check = match &stray.belongs {
            Some((_, place)) if !moved => Check::fixable(
                "layout",
                false,
                format!("{} belongs at {place}: no command sees it", stray.path),
            ),
            Some((_, place)) => Check::new(
                "layout",
                State::Problem,
                format!(
                    "{} belongs at {place}, which holds another version",
                    stray.path
                ),
            )
            .next(format!(
                "git chant show {} and remove one with a ledger commit",
                place
            )),
            None => Check::new(
                "layout",
                State::Problem,
                format!(
                    "{} is not a spec file where the layout allows one",
                    stray.path
                ),
            )
            .next("git chant lint"),
        };
        checks.push(check);
    }
    if moved {
        let message = format!(
            "{} misplaced specs moved to their shards",
            movable.len() - remaining.iter().filter(|s| s.belongs.is_some()).count()
        );
        checks.push(Check::new("layout", State::Fixed, message));
    }
    Ok(())
}
