//! What git chant does inside a checkout, where gix cannot do it safely: ask which paths
//! hold uncommitted work, bring the checkout along a fast-forward of its branch, and merge
//! into it (`merge --resolve`, in the spec's own worktree).

use std::path::Path;
use std::process::Command;

use gix::ObjectId;

use super::{failed, run};
use crate::store::StoreError;

/// `git` run inside the checkout at `path`, on that checkout's own git dir (never one
/// the environment names: hooks set `GIT_DIR` and `GIT_INDEX_FILE`).
pub(super) fn in_checkout(path: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(path)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    cmd
}

/// The paths in the checkout at `path` that differ from its HEAD or index, untracked and
/// ignored ones included (a landing must not overwrite any of them): modified, staged or
/// deleted files, and untracked or ignored files and folders.
pub fn dirty_paths(path: &Path) -> Result<Vec<String>, StoreError> {
    status_paths(path, true)
}

/// The paths in the checkout at `path` holding work nobody committed, ignored files left
/// out: what `git worktree remove` would not throw away without `--force`.
pub fn uncommitted_paths(path: &Path) -> Result<Vec<String>, StoreError> {
    status_paths(path, false)
}

fn status_paths(path: &Path, ignored: bool) -> Result<Vec<String>, StoreError> {
    let mut cmd = in_checkout(path);
    cmd.args([
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--no-renames",
    ]);
    if ignored {
        cmd.arg("--ignored=traditional");
    }
    let out = run(cmd)?;
    if !out.status.success() {
        return Err(failed(&format!("git status in {}", path.display()), &out));
    }
    Ok(out
        .stdout
        .split(|b| *b == 0)
        .filter(|entry| entry.len() > 3)
        .map(|entry| String::from_utf8_lossy(&entry[3..]).into_owned())
        .collect())
}

/// How bringing a checkout along ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FastForward {
    Done,
    /// git refused (its branch moved meanwhile, or a file in the way appeared): what it
    /// said. Nothing in the checkout changed.
    Refused(String),
}

/// Brings the checkout at `path` to `new` as `git merge --ff-only` does: index and files
/// updated, its branch moved from the commit it is on (git's own compare-and-swap), HEAD
/// still on that branch; git refuses, changing nothing, if local changes are in the way
/// or `new` does not contain the branch's tip. `--no-autostash`: changes are never
/// stashed and re-applied behind the user's back.
pub fn fast_forward(path: &Path, new: ObjectId) -> Result<FastForward, StoreError> {
    let mut cmd = in_checkout(path);
    cmd.args([
        "merge",
        "--ff-only",
        "--no-autostash",
        "--quiet",
        "--no-stat",
    ])
    .arg(new.to_string());
    let out = run(cmd)?;
    if out.status.success() {
        Ok(FastForward::Done)
    } else {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        Ok(FastForward::Refused(said))
    }
}

/// Merges `rev` into the branch checked out at `path` (`git merge --no-edit`); `Ok(true)`
/// when it committed, `Ok(false)` when it stopped on conflicts, left in the checkout to
/// resolve.
pub fn merge_into(path: &Path, rev: &str, message: &str) -> Result<bool, StoreError> {
    let mut cmd = in_checkout(path);
    cmd.args([
        "merge",
        "--no-edit",
        "--no-autostash",
        "--quiet",
        "-m",
        message,
        rev,
    ]);
    let out = run(cmd)?;
    if out.status.success() {
        return Ok(true);
    }
    if unmerged_paths(path)?.is_empty() {
        Err(failed(
            &format!("git merge {rev} in {}", path.display()),
            &out,
        ))
    } else {
        Ok(false)
    }
}

/// The paths with unresolved conflicts in the checkout at `path`.
pub fn unmerged_paths(path: &Path) -> Result<Vec<String>, StoreError> {
    let mut cmd = in_checkout(path);
    cmd.args(["diff", "--name-only", "-z", "--diff-filter=U"]);
    let out = run(cmd)?;
    if !out.status.success() {
        return Err(failed(&format!("git diff in {}", path.display()), &out));
    }
    Ok(out
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect())
}

/// Whether the checkout at `path` is in the middle of a merge (`MERGE_HEAD` exists).
pub fn merging(path: &Path) -> Result<bool, StoreError> {
    let mut cmd = in_checkout(path);
    cmd.args(["rev-parse", "-q", "--verify", "MERGE_HEAD"]);
    Ok(run(cmd)?.status.success())
}
