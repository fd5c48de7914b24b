//! Why a spec's branch did not land (or a run could not start from its dependencies):
//! each names the spec, what is in the way and the command that gets past it.

use std::path::PathBuf;

use miette::Diagnostic;
use thiserror::Error;

use crate::exit::{Exit, ExitCode};

#[derive(Debug, Error, Diagnostic)]
pub enum LandError {
    #[error("{id} is {status}, not completed: there is nothing to land yet")]
    #[diagnostic(
        code(chant::merge::not_completed),
        help("`git chant work {id}` runs it; `git chant show {id}` shows where it stands")
    )]
    NotCompleted { id: String, status: String },

    #[error("{id} has no branch chant/{id} to land")]
    #[diagnostic(
        code(chant::merge::no_branch),
        help("its work was landed and the branch removed, or never made by `git chant work`; `git log --grep 'chant({id})'` finds its commits")
    )]
    NoBranch { id: String },

    #[error("{id}: no target branch to land in (HEAD is not on a branch)")]
    #[diagnostic(
        code(chant::merge::no_target),
        help("pass `--into <branch>`, or `git config chant.target <branch>`")
    )]
    NoTarget { id: String },

    #[error("{id}: the target branch `{target}` does not exist")]
    #[diagnostic(
        code(chant::merge::target_missing),
        help("pass `--into <branch>` naming a local branch (`git branch` lists them)")
    )]
    TargetMissing { id: String, target: String },

    #[error("{id}: chant/{id} conflicts with {target} in {}", paths.join(", "))]
    #[diagnostic(
        code(chant::merge::conflict),
        help("{target} is unchanged and {id} needs attention; `git chant merge {id} --resolve` has the agent resolve it in the spec's worktree, or resolve it there yourself and run `git chant merge {id}`")
    )]
    Conflict {
        id: String,
        target: String,
        paths: Vec<String>,
    },

    #[error("{id} landed in {target}, but {target} was not pushed: {remote}/{target} conflicts with it in {}", paths.join(", "))]
    #[diagnostic(
        code(chant::merge::push_conflict),
        help("merge {remote}/{target} into {target} yourself (`git pull --no-rebase {remote} {target}` in its checkout), then `git push {remote} {target}`")
    )]
    PushConflict {
        id: String,
        target: String,
        remote: String,
        paths: Vec<String>,
    },

    #[error("{id}: {target} has commits chant/{id} lacks, and --ff-only was asked")]
    #[diagnostic(
        code(chant::merge::not_fast_forward),
        help("`git chant merge {id}` makes a merge commit; `--rebase` replays the branch on {target}")
    )]
    NotFastForward { id: String, target: String },

    #[error("{id}: chant/{id} and {target} share no history")]
    #[diagnostic(
        code(chant::merge::unrelated),
        help("nothing was changed; land it with git yourself (`git merge --allow-unrelated-histories chant/{id}`) if that is what you mean")
    )]
    Unrelated { id: String, target: String },

    #[error("{id}: {target} is checked out in {} with uncommitted changes in {}", worktree.display(), paths.join(", "))]
    #[diagnostic(
        code(chant::merge::dirty_checkout),
        help("nothing was changed; commit or stash those files there (`git -C {} status`), then run `git chant merge {id}` again", worktree.display())
    )]
    DirtyCheckout {
        id: String,
        target: String,
        worktree: PathBuf,
        paths: Vec<String>,
    },

    #[error("{id}: {target} is being rebased in {}", worktree.display())]
    #[diagnostic(
        code(chant::merge::being_rebased),
        help("nothing was changed; finish the rebase there (`git -C {} rebase --continue`, or `--abort`), then run `git chant merge {id}` again", worktree.display())
    )]
    BeingRebased {
        id: String,
        target: String,
        worktree: PathBuf,
    },

    #[error("{id}: {target} is checked out in {}", worktrees.iter().map(|w| w.display().to_string()).collect::<Vec<_>>().join(" and "))]
    #[diagnostic(
        code(chant::merge::checked_out_twice),
        help("nothing was changed; only one checkout can be brought along: switch the others to another branch, then run `git chant merge {id}` again")
    )]
    CheckedOutTwice {
        id: String,
        target: String,
        worktrees: Vec<PathBuf>,
    },

    #[error("{id}: git would not bring the checkout {} along:\n{said}", worktree.display())]
    #[diagnostic(
        code(chant::merge::checkout_refused),
        help("nothing was changed there; see `git -C {} status`, then run `git chant merge {id}` again", worktree.display())
    )]
    CheckoutRefused {
        id: String,
        worktree: PathBuf,
        said: String,
    },

    #[error("{id}: a git command kept the checkout {} busy (its index.lock)", worktree.display())]
    #[diagnostic(
        code(chant::merge::checkout_busy),
        help("nothing was changed; when that git command is done, run `git chant merge {id}` again (if none runs, remove the stale lock: `git -C {} rev-parse --git-path index.lock` names it)", worktree.display())
    )]
    CheckoutBusy { id: String, worktree: PathBuf },

    #[error("{target} kept moving: gave up landing {id} after {attempts} attempts")]
    #[diagnostic(
        code(chant::merge::gave_up),
        help("nothing is lost; run `git chant merge {id}` again")
    )]
    GaveUp {
        id: String,
        target: String,
        attempts: u32,
    },

    #[error("{id}: its dependencies' branches conflict in {}", paths.join(", "))]
    #[diagnostic(
        code(chant::work::dependencies_conflict),
        help("the run did not start; land them first (`git chant merge {}`), then run `git chant work {id}` again", deps.join(" "))
    )]
    DependenciesConflict {
        id: String,
        deps: Vec<String>,
        paths: Vec<String>,
    },

    #[error("`{arg}` is {what}, not a spec")]
    #[diagnostic(code(chant::merge::not_a_spec), help("{hint}"))]
    NotASpec {
        arg: String,
        what: String,
        hint: String,
    },

    #[error("{id}: the conflict is not resolved in {}: {}", worktree.display(), paths.join(", "))]
    #[diagnostic(
        code(chant::merge::unresolved),
        help("resolve and commit there (`git -C {} status`), then run `git chant merge {id}`", worktree.display())
    )]
    Unresolved {
        id: String,
        worktree: PathBuf,
        paths: Vec<String>,
    },
}

impl ExitCode for LandError {
    fn exit(&self) -> Exit {
        match self {
            LandError::Conflict { .. }
            | LandError::PushConflict { .. }
            | LandError::DependenciesConflict { .. }
            | LandError::GaveUp { .. }
            | LandError::Unresolved { .. } => Exit::Conflict,
            _ => Exit::User,
        }
    }
}
