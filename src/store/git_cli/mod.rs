//! The only module that runs `git`: network transfer (fetch and push), which gix cannot do
//! for pushes, and checkouts (`worktree.rs`: linked worktrees for agent runs; `checkout.rs`:
//! what is uncommitted in one, and bringing it along when its branch lands), which gix
//! cannot update safely; signed ledger commits (`sign.rs`), which gix cannot sign; and
//! commit signatures, which only git verifies.
//! Progress goes to the terminal when there is one.

mod checkout;
mod sign;
mod worktree;

pub(crate) use sign::commit_tree_signed;

pub use checkout::{
    dirty_paths, fast_forward, merge_into, merging, uncommitted_paths, unmerged_paths, FastForward,
};
pub use worktree::{
    set_upstream, with_checkout_lock, worktree_add, worktree_add_detached, worktree_discard,
    worktree_prune, worktree_remove, worktrees, Worktree,
};

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
    fetch_refs(store, remote, &fetch_refspecs(remote))
}

/// Pushes the local ledger and notes refs that exist, without force.
pub fn push(store: &Store, remote: &str) -> Result<Pushed, StoreError> {
    push_at(store, remote, None)
}

/// [`push`], with the ledger pushed as `ledger` (a commit the local ledger holds) rather
/// than whatever the ref holds when git reads it: another process of this clone may move
/// the ledger meanwhile, and the caller must know exactly what the remote accepted.
pub fn push_at(
    store: &Store,
    remote: &str,
    ledger: Option<gix::ObjectId>,
) -> Result<Pushed, StoreError> {
    let mut args = vec![
        "push".to_owned(),
        "--porcelain".to_owned(),
        remote.to_owned(),
    ];
    for name in [LEDGER_REF, NOTES_REF, OUTPUT_REF] {
        match ledger.filter(|_| name == LEDGER_REF) {
            Some(commit) => args.push(format!("{commit}:{name}")),
            None if store.ref_tip(name)?.is_some() => args.push(format!("{name}:{name}")),
            None => {}
        }
    }
    pushed(remote, &git(store, &args)?)
}

/// How `git push --porcelain` ended: done, lost a race, or refused by the remote.
fn pushed(remote: &str, out: &std::process::Output) -> Result<Pushed, StoreError> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        return Ok(Pushed::Done);
    }
    let rejected: Vec<&str> = stdout.lines().filter(|l| l.starts_with('!')).collect();
    if rejected.is_empty() {
        // Processes of one clone pushing and fetching at once: git's pack-objects can find
        // an object another process's fetch is still bringing, then fail to read it
        // ("Could not read …" / "could not parse commit …"; seen 1 in 5 runs of 10 `ready
        // --claim` processes over two clones). Nothing was sent: fetch and try again.
        if stderr.contains("could not parse commit") || stderr.contains("Could not read ") {
            return Ok(Pushed::Moved);
        }
        return Err(failed(&format!("git push {remote}"), out));
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

/// Pushes `refspecs` to `remote` without force (a branch landed, or one for a pull request).
pub fn push_refs(store: &Store, remote: &str, refspecs: &[String]) -> Result<Pushed, StoreError> {
    let mut args = vec![
        "push".to_owned(),
        "--porcelain".to_owned(),
        remote.to_owned(),
    ];
    args.extend(refspecs.iter().cloned());
    pushed(remote, &git(store, &args)?)
}

/// Fetches `refspecs` from `remote`.
pub fn fetch_refs(store: &Store, remote: &str, refspecs: &[String]) -> Result<(), StoreError> {
    let mut args = vec!["fetch".to_owned(), "--no-write-fetch-head".to_owned()];
    if !std::io::stderr().is_terminal() {
        args.push("--quiet".into());
    }
    args.push(remote.to_owned());
    args.extend(refspecs.iter().cloned());
    // Processes of one clone fetching at once (`ready --claim` in several terminals) meet
    // on the remote-tracking refs' locks, held for milliseconds: wait and fetch again.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let out = git(store, &args)?;
        if out.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let locked = stderr.contains("cannot lock ref") || stderr.contains(".lock': File exists");
        if !locked || attempt >= FETCH_ATTEMPTS {
            return Err(failed(&format!("git fetch {remote}"), &out));
        }
        std::thread::sleep(std::time::Duration::from_millis(10 * u64::from(attempt)));
    }
}

/// Fetches tried while another fetch of this clone holds a ref lock.
const FETCH_ATTEMPTS: u32 = 20;

/// Runs a git command that writes `.git/config`, again while another writer holds
/// `config.lock`: git gives up at once ("could not lock config file"), and parallel runs
/// record their branches' upstreams at the same moment.
pub(crate) fn config_write(
    store: &Store,
    args: &[String],
) -> Result<std::process::Output, StoreError> {
    let mut tries = 0;
    loop {
        let out = git(store, args)?;
        let busy = String::from_utf8_lossy(&out.stderr).contains("could not lock config file");
        if out.status.success() || !busy || tries >= 100 {
            return Ok(out);
        }
        tries += 1;
        std::thread::sleep(std::time::Duration::from_millis(10 + 5 * tries));
    }
}

/// `git config <key> <value>` in the repository's own config.
pub fn set_config(store: &Store, key: &str, value: &str) -> Result<(), StoreError> {
    let out = config_write(
        store,
        &["config".to_owned(), key.to_owned(), value.to_owned()],
    )?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(&format!("git config {key}"), &out))
    }
}

/// Deletes `branch` if it is still at `expected` (`git update-ref -d`, a compare-and-swap)
/// and forgets its config section (upstream, landed mark) as `git branch -d` would.
pub fn delete_branch(
    store: &Store,
    branch: &str,
    expected: gix::ObjectId,
) -> Result<(), StoreError> {
    let args = [
        "update-ref".to_owned(),
        "-d".into(),
        format!("refs/heads/{branch}"),
        expected.to_string(),
    ];
    let out = git(store, &args)?;
    if !out.status.success() {
        return Err(failed(&format!("deleting branch {branch}"), &out));
    }
    // No section (nothing was recorded) is not an error.
    let _ = config_write(
        store,
        &[
            "config".to_owned(),
            "--remove-section".into(),
            format!("branch.{branch}"),
        ],
    );
    Ok(())
}

/// The pager git would start for this repository's output, from `git var GIT_PAGER`
/// (`GIT_PAGER`, then `core.pager`, then `PAGER`, then git's default); `None` for `cat`,
/// an empty value, or when git cannot say. `git --no-pager chant …` sets `GIT_PAGER=cat`.
pub fn pager(store: &Store) -> Option<String> {
    let out = git(store, &["var".to_owned(), "GIT_PAGER".to_owned()]).ok()?;
    let pager = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (out.status.success() && !pager.is_empty() && pager != "cat").then_some(pager)
}

/// git's verdict on a commit's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// `%G?`: `G` good and trusted, `B` bad, `U` good but by a key nobody vouches for (for
    /// ssh: not in the allowed signers file), `X`/`Y` expired, `R` revoked, `E` cannot be
    /// checked, `N` none.
    pub code: char,
    /// `%GS`: the signer (for ssh the principal the allowed signers file names, for OpenPGP
    /// the key's user id); meaningful only with `G`.
    pub signer: String,
}

/// Verifies `commit`'s signature with `git log -1 --format=%G?%x00%GS` (the objects of a
/// push in quarantine are visible to it through the environment git gives the hook).
pub fn signature(store: &Store, commit: gix::ObjectId) -> Result<Signature, StoreError> {
    let args = [
        "-c".to_owned(),
        "log.showSignature=false".to_owned(),
        "log".to_owned(),
        "-1".to_owned(),
        "--no-notes".to_owned(),
        "--format=%G?%x00%GS".to_owned(),
        commit.to_string(),
        "--".to_owned(),
    ];
    let out = git(store, &args)?;
    if !out.status.success() {
        return Err(failed(&format!("checking the signature of {commit}"), &out));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let (code, signer) = text
        .trim_end_matches('\n')
        .split_once('\0')
        .unwrap_or(("E", ""));
    Ok(Signature {
        code: code.chars().next().unwrap_or('E'),
        signer: signer.to_owned(),
    })
}
