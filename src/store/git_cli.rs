//! The only module that runs `git`: network transfer (fetch and push), which gix cannot do
//! for pushes, and linked worktrees for agent runs, which gix cannot create. Progress goes
//! to the terminal when there is one.

use std::io::IsTerminal;
use std::process::{Command, Stdio};

use super::paths::{LEDGER_REF, NOTES_REF, OUTPUT_REF};
use super::{Store, StoreError};

/// How a push ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// Every ref was accepted or already up to date.
    Done,
    /// The remote moved since the last fetch, or another push held the ref while ours
    /// arrived: fetch, merge, try again.
    Moved,
    /// The remote refused the push (its pre-receive checks); what it said.
    Refused(String),
}

fn git(store: &Store, args: &[String]) -> Result<std::process::Output, StoreError> {
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir").arg(store.repo().git_dir()).args(args);
    if std::io::stderr().is_terminal() && !args.iter().any(|a| a == "--porcelain") {
        cmd.stderr(Stdio::inherit());
    }
    run(cmd)
}

fn run(mut cmd: Command) -> Result<std::process::Output, StoreError> {
    cmd.stdin(Stdio::null())
        .output()
        .map_err(|source| StoreError::Io {
            context: "running git".into(),
            source,
        })
}

fn failed(what: &str, out: &std::process::Output) -> StoreError {
    StoreError::Io {
        context: what.to_owned(),
        source: std::io::Error::other(String::from_utf8_lossy(&out.stderr).trim().to_owned()),
    }
}

/// The remote-tracking ref of the remote's ledger.
pub fn remote_ledger(remote: &str) -> String {
    format!("refs/remotes/{remote}/chant/specs")
}

/// The remote-tracking ref of one of the remote's notes refs (under `refs/notes/` so the
/// notes CLI accepts it).
pub fn remote_notes(remote: &str, notes_ref: &str) -> String {
    let name = notes_ref.trim_start_matches("refs/notes/");
    format!("refs/notes/remotes/{remote}/{name}")
}

/// The refspecs that fetch a remote's ledger and notes into remote-tracking refs only.
pub fn fetch_refspecs(remote: &str) -> [String; 2] {
    [
        format!("+refs/chant/*:refs/remotes/{remote}/chant/*"),
        format!("+refs/notes/chant*:refs/notes/remotes/{remote}/chant*"),
    ]
}

/// Fetches the remote's ledger and notes (forced, into remote-tracking refs only).
pub fn fetch(store: &Store, remote: &str) -> Result<(), StoreError> {
    let mut args = vec!["fetch".to_owned(), "--no-write-fetch-head".to_owned()];
    if !std::io::stderr().is_terminal() {
        args.push("--quiet".into());
    }
    args.push(remote.to_owned());
    args.extend(fetch_refspecs(remote));
    let out = git(store, &args)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(&format!("git fetch {remote}"), &out))
    }
}

/// Pushes the local ledger and notes refs that exist, without force.
pub fn push(store: &Store, remote: &str) -> Result<Pushed, StoreError> {
    let mut args = vec![
        "push".to_owned(),
        "--porcelain".to_owned(),
        remote.to_owned(),
    ];
    for name in [LEDGER_REF, NOTES_REF, OUTPUT_REF] {
        if store.ref_tip(name)?.is_some() {
            args.push(format!("{name}:{name}"));
        }
    }
    let out = git(store, &args)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        return Ok(Pushed::Done);
    }
    let rejected: Vec<&str> = stdout.lines().filter(|l| l.starts_with('!')).collect();
    if rejected.is_empty() {
        return Err(failed(&format!("git push {remote}"), &out));
    }
    if rejected.iter().all(|l| lost_race(l)) {
        return Ok(Pushed::Moved);
    }
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("remote:"))
        .collect();
    Ok(Pushed::Refused(said.join("\n")))
}

/// Whether a rejected ref in `git push --porcelain` output (`!\t<src>:<dst>\t[…] (reason)`)
/// lost a race rather than being refused: the remote moved since our fetch (`[rejected]`,
/// non-fast-forward or fetch first), or another push held or moved the ref while ours was
/// received (`[remote rejected]` with receive-pack's lock and compare-and-swap reasons).
/// Anything else, a hook's `declined` above all, is a refusal.
fn lost_race(line: &str) -> bool {
    const RACES: [&str; 5] = [
        "cannot lock ref",
        "failed to lock",
        "failed to update ref",
        "incorrect old value",
        "but expected",
    ];
    line.contains("\t[rejected]")
        || (line.contains("\t[remote rejected]")
            && !line.contains("declined")
            && RACES.iter().any(|r| line.contains(r)))
}

/// Runs `f` holding `.git/chant/worktrees.lock`. `git worktree add` reads every other
/// worktree's admin files while a concurrent `add` is still writing its own, and fails
/// ("failed to read .git/worktrees/<x>/commondir"): parallel runs, in one process or
/// several, must take turns. The wait has no deadline (a big `worktree remove` may hold
/// it for a while); after a few seconds it says what it waits for.
fn with_worktree_lock<T>(
    store: &Store,
    f: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    use gix::lock::{acquire::Fail, Marker};
    use std::time::{Duration, Instant};
    let dir = store.cache_dir();
    let resource = dir.join("worktrees");
    std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
        context: format!("creating {}", dir.display()),
        source,
    })?;
    let lock = resource.with_extension("lock");
    let started = Instant::now();
    let (mut said, mut failures) = (false, 0);
    let _held = loop {
        let err = match Marker::acquire_to_hold_resource(&resource, Fail::Immediately, None, 0) {
            Ok(marker) => break marker,
            Err(err) => err,
        };
        // A lock file that is not there (freed just now) is worth a retry or two; a lock
        // that cannot be created at all is an error.
        if !lock.exists() {
            failures += 1;
            if failures > 3 {
                return Err(StoreError::Io {
                    context: format!("taking {}", lock.display()),
                    source: std::io::Error::other(err.to_string()),
                });
            }
        }
        if !said && started.elapsed() > Duration::from_secs(5) {
            // tidy: the one message from below the Ui: a wait with no deadline, inside a
            // call, on another process; the caller cannot speak until it returns.
            eprintln!(
                "git chant: waiting for {}: another `git chant work` is changing worktrees \
                 (if none runs, `git chant doctor --fix` removes it)",
                lock.display()
            );
            said = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    f()
}

/// Creates a linked worktree at `path` on `branch`: a new branch from `start`, or the
/// existing branch of an earlier run. Only the registration takes the lock; the checkout,
/// which may be large and runs the repository's `post-checkout` hook, happens after it.
pub fn worktree_add(
    store: &Store,
    path: &std::path::Path,
    branch: &str,
    start: &str,
) -> Result<(), StoreError> {
    let exists = store.ref_tip(&format!("refs/heads/{branch}"))?.is_some();
    let mut args = vec![
        "worktree".to_owned(),
        "add".into(),
        "--quiet".into(),
        "--no-checkout".into(),
    ];
    if exists {
        args.extend([path.display().to_string(), branch.to_owned()]);
    } else {
        args.extend([
            "-b".into(),
            branch.to_owned(),
            path.display().to_string(),
            start.to_owned(),
        ]);
    }
    let what = format!("git worktree add {}", path.display());
    let out = with_worktree_lock(store, || git(store, &args))?;
    if !out.status.success() {
        return Err(failed(&what, &out));
    }
    // The new worktree's own git dir, not one the environment may name.
    let mut checkout = Command::new("git");
    checkout
        .arg("-C")
        .arg(path)
        .args(["checkout", "--quiet", "--force"])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    let out = run(checkout)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(&what, &out))
    }
}

/// Removes a linked worktree (its branch stays).
pub fn worktree_remove(store: &Store, path: &std::path::Path) -> Result<(), StoreError> {
    let args = vec![
        "worktree".to_owned(),
        "remove".into(),
        "--force".into(),
        path.display().to_string(),
    ];
    let out = with_worktree_lock(store, || git(store, &args))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(
            &format!("git worktree remove {}", path.display()),
            &out,
        ))
    }
}

/// Worktrees git still lists whose folders are gone (what `git worktree prune` removes).
pub fn worktrees_prunable(store: &Store) -> Result<Vec<String>, StoreError> {
    let args = ["worktree", "list", "--porcelain"].map(str::to_owned);
    let out = git(store, &args)?;
    if !out.status.success() {
        return Err(failed("git worktree list", &out));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .split("\n\n")
        .filter(|block| block.lines().any(|l| l.starts_with("prunable")))
        .filter_map(|block| {
            block
                .lines()
                .next()?
                .strip_prefix("worktree ")
                .map(str::to_owned)
        })
        .collect())
}

/// `git worktree prune`: forgets worktrees whose folders are gone.
pub fn worktree_prune(store: &Store) -> Result<(), StoreError> {
    let args = ["worktree", "prune"].map(str::to_owned);
    let out = with_worktree_lock(store, || git(store, &args))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed("git worktree prune", &out))
    }
}

/// The pager git would start for this repository's output, from `git var GIT_PAGER`
/// (`GIT_PAGER`, then `core.pager`, then `PAGER`, then git's default); `None` for `cat`,
/// an empty value, or when git cannot say. `git --no-pager chant …` sets `GIT_PAGER=cat`.
pub fn pager(store: &Store) -> Option<String> {
    let out = git(store, &["var".to_owned(), "GIT_PAGER".to_owned()]).ok()?;
    let pager = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (out.status.success() && !pager.is_empty() && pager != "cat").then_some(pager)
}
