//! Linked worktrees for agent runs (created, listed, removed, each change taking turns
//! under a lock), the checkouts git knows of, and a branch's upstream.

use std::path::{Path, PathBuf};

use gix::ObjectId;

use super::checkout::in_checkout;
use super::{failed, git, run};
use crate::store::{Store, StoreError};

/// One checkout git knows of (`git worktree list --porcelain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worktree {
    pub path: PathBuf,
    pub head: Option<ObjectId>,
    /// The branch checked out (`refs/heads/…`); `None` when detached or bare.
    pub branch: Option<String>,
    pub bare: bool,
    /// Its folder is gone (what `git worktree prune` removes).
    pub prunable: bool,
    /// The branch a rebase in progress there moves when it ends (`refs/heads/…`): HEAD is
    /// detached meanwhile, but that branch is as good as checked out.
    pub rebasing: Option<String>,
}

/// Every checkout of the repository, the main one first.
pub fn worktrees(store: &Store) -> Result<Vec<Worktree>, StoreError> {
    let args = ["worktree", "list", "--porcelain", "-z"].map(str::to_owned);
    let out = git(store, &args)?;
    if !out.status.success() {
        return Err(failed("git worktree list", &out));
    }
    // `-z`: each attribute ends with NUL, each worktree with an empty attribute.
    let text = String::from_utf8_lossy(&out.stdout);
    let mut all = Vec::new();
    let mut current: Option<Worktree> = None;
    for attr in text.split('\0') {
        if attr.is_empty() {
            all.extend(current.take());
            continue;
        }
        let (key, value) = attr.split_once(' ').unwrap_or((attr, ""));
        if key == "worktree" {
            all.extend(current.take());
            current = Some(Worktree {
                path: PathBuf::from(value),
                head: None,
                branch: None,
                bare: false,
                prunable: false,
                rebasing: None,
            });
            continue;
        }
        let Some(w) = current.as_mut() else { continue };
        match key {
            "HEAD" => w.head = ObjectId::from_hex(value.as_bytes()).ok(),
            "branch" => w.branch = Some(value.to_owned()),
            "bare" => w.bare = true,
            "prunable" => w.prunable = true,
            _ => {}
        }
    }
    all.extend(current);
    for w in all.iter_mut().filter(|w| w.branch.is_none() && !w.bare) {
        w.rebasing = rebasing(&w.path);
    }
    Ok(all)
}

/// The branch a rebase in progress in the checkout at `path` will move when it ends, read
/// where git keeps it (`rebase-merge/head-name`, or `rebase-apply/head-name` for `git
/// rebase --apply`; `git am` keeps HEAD on its branch) in that checkout's git dir.
fn rebasing(path: &Path) -> Option<String> {
    let dot_git = path.join(".git");
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        path.join(text.strip_prefix("gitdir:")?.trim())
    };
    ["rebase-merge", "rebase-apply"].iter().find_map(|state| {
        let name = std::fs::read_to_string(git_dir.join(state).join("head-name")).ok()?;
        let name = name.trim();
        name.starts_with("refs/heads/").then(|| name.to_owned())
    })
}

/// Records `upstream` (a local branch) as `branch`'s upstream, as `git branch -u` does:
/// `git status` in the agent's worktree then says how far it is ahead of its target.
pub fn set_upstream(store: &Store, branch: &str, upstream: &str) -> Result<(), StoreError> {
    let args = [
        "branch".to_owned(),
        "--quiet".into(),
        format!("--set-upstream-to={upstream}"),
        branch.to_owned(),
    ];
    let out = super::config_write(store, &args)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(&format!("git branch -u {upstream} {branch}"), &out))
    }
}

/// Runs `f` holding `.git/chant/worktrees.lock`. `git worktree add` reads every other
/// worktree's admin files while a concurrent `add` is still writing its own, and fails
/// ("failed to read .git/worktrees/<x>/commondir"): parallel runs, in one process or
/// several, must take turns.
fn with_worktree_lock<T>(
    store: &Store,
    f: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    with_lock(
        store,
        "worktrees",
        "`git chant work` is changing worktrees",
        f,
    )
}

/// Runs `f` holding `.git/chant/checkouts.lock`: landings take turns moving a target and
/// bringing its checkout along. `git merge --ff-only` writes the checkout's index and
/// files first and moves the branch last, from the commit it read when it started: two at
/// once in one checkout leave the loser's files and index behind while the winner's
/// branch stays (staged changes nobody made).
pub fn with_checkout_lock<T, E: From<StoreError>>(
    store: &Store,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    with_lock(store, "checkouts", "`git chant merge` is landing", f)
}

/// Runs `f` holding `.git/chant/<name>.lock`. The wait has no deadline (a big `worktree
/// remove` or checkout update may hold it for a while); after a few seconds it says what
/// it waits for: another git chant that `doing`.
fn with_lock<T, E: From<StoreError>>(
    store: &Store,
    name: &str,
    doing: &str,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    use gix::lock::{acquire::Fail, Marker};
    use std::time::{Duration, Instant};
    let dir = store.cache_dir();
    let resource = dir.join(name);
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
                }
                .into());
            }
        }
        if !said && started.elapsed() > Duration::from_secs(5) {
            // tidy: the one message from below the Ui: a wait with no deadline, inside a
            // call, on another process; the caller cannot speak until it returns.
            eprintln!(
                "git chant: waiting for {}: another {doing} \
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
    path: &Path,
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
    let mut checkout = in_checkout(path);
    checkout.args(["checkout", "--quiet", "--force"]);
    let out = run(checkout)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(&what, &out))
    }
}

/// Creates a throwaway linked worktree at `path` with `commit` checked out and no branch
/// (`verify` looks at landed work there; nothing is committed in it).
pub fn worktree_add_detached(store: &Store, path: &Path, commit: &str) -> Result<(), StoreError> {
    let args = [
        "worktree",
        "add",
        "--quiet",
        "--detach",
        &path.display().to_string(),
        commit,
    ]
    .map(str::to_owned);
    let what = format!("git worktree add --detach {}", path.display());
    let out = with_worktree_lock(store, || git(store, &args))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(&what, &out))
    }
}

/// Removes a throwaway worktree [`worktree_add_detached`] made, with `--force`: what a
/// verification left in it (build output, a test's files) is nobody's work.
pub fn worktree_discard(store: &Store, path: &Path) -> Result<(), StoreError> {
    let args = [
        "worktree",
        "remove",
        "--force",
        "--force",
        &path.display().to_string(),
    ]
    .map(str::to_owned);
    let out = with_worktree_lock(store, || git(store, &args))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(
            &format!("git worktree remove --force {}", path.display()),
            &out,
        ))
    }
}

/// Removes a linked worktree (its branch stays), never with `--force`: git refuses one
/// holding uncommitted work (see `uncommitted_paths`) rather than throw it away.
pub fn worktree_remove(store: &Store, path: &Path) -> Result<(), StoreError> {
    let args = vec![
        "worktree".to_owned(),
        "remove".into(),
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
