//! Lock files a killed writer leaves behind: git's `<ref>.lock` for the ledger and notes
//! refs (and `packed-refs.lock`), and git chant's own `.git/chant/*.lock`. While one is
//! there every write waits, then fails; `doctor --fix` removes the stale ones.
//!
//! A write holds a ref lock for milliseconds (write the new value, rename), and the
//! longest wait for one is about 11 s of retries: a lock older than [`STALE_AFTER`] is not
//! being held by a write in progress. Before removing one, `doctor` also looks for a running
//! `git` or `git-chant` in this repository (Linux `/proc`), and leaves the lock when there is.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::paths::{LEDGER_REF, NOTES_REF, OUTPUT_REF};
use super::Store;

/// Older than this, a lock is left over from a writer that is gone.
pub const STALE_AFTER: Duration = Duration::from_secs(30);

/// A lock file that exists, and how old it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub path: PathBuf,
    pub age: Duration,
}

impl Lock {
    /// The lock at `path` as it is now, `None` when there is none.
    pub fn at(path: &Path) -> Option<Lock> {
        let modified = std::fs::metadata(path).ok()?.modified().ok()?;
        Some(Lock {
            path: path.to_owned(),
            age: modified.elapsed().unwrap_or_default(),
        })
    }

    pub fn is_stale(&self) -> bool {
        self.age >= STALE_AFTER
    }
}

/// The lock files of the refs git chant writes that exist now: what a write waits for.
pub fn ref_locks(store: &Store) -> Vec<Lock> {
    let common = store.repo().common_dir();
    [LEDGER_REF, NOTES_REF, OUTPUT_REF]
        .iter()
        .map(|name| common.join(format!("{name}.lock")))
        .chain([common.join("packed-refs.lock")])
        .filter_map(|path| Lock::at(&path))
        .collect()
}

/// Those and the locks of git chant's own caches (`.git/chant/*.lock`).
pub fn present(store: &Store) -> Vec<Lock> {
    let mut found = ref_locks(store);
    if let Ok(entries) = std::fs::read_dir(store.cache_dir()) {
        found.extend(
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "lock"))
                .filter_map(|path| Lock::at(&path)),
        );
    }
    found
}

/// Another `git` or `git-chant` process whose working directory is inside this repository
/// (its work tree or git dir): one that might still hold a lock. `false` where `/proc`
/// cannot tell (not Linux), so the age alone decides there.
pub fn writer_running(store: &Store) -> bool {
    let repo = store.repo();
    let places: Vec<PathBuf> = [Some(repo.common_dir()), repo.workdir()]
        .into_iter()
        .flatten()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return false;
    };
    // Not this process, nor the `git` that runs it as `git chant`.
    let us = [std::process::id(), std::os::unix::process::parent_id()].map(|p| p.to_string());
    procs.filter_map(|e| e.ok()).any(|entry| {
        let pid = entry.file_name();
        let pid = pid.to_string_lossy();
        if us.iter().any(|u| *u == pid) || !pid.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        if !matches!(comm.trim(), "git" | "git-chant") {
            return false;
        }
        std::fs::read_link(entry.path().join("cwd"))
            .is_ok_and(|cwd| places.iter().any(|p| cwd.starts_with(p)))
    })
}
