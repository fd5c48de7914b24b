//! `git chant merge`: land completed specs' branches into their target.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::work::land::{self, LandError, Strategy};
use crate::work::{self, Options};

/// Land completed specs' branches into their target branch.
///
/// Each spec's branch chant/<id> lands in the branch its run started from (or --into),
/// computed in the object database: a fast-forward when possible, else a merge commit
/// `Merge chant/<id>: <title>` (or --ff-only, --rebase, --squash; the default strategy is
/// git config chant.merge.strategy: merge, ff-only, rebase or squash). Specs land in dependency order. A checkout of the target that
/// is clean is brought along as a fast-forward pull would; one with uncommitted changes in
/// the paths the landing touches is refused and left as it is. No checkout's branch is
/// ever switched. A conflict leaves the target unchanged and the spec needs_attention with
/// its conflicting_files; --resolve merges the target into the spec's worktree and has
/// the agent resolve it there. Afterwards the worktree and branch are removed (--keep
/// keeps them). To merge another ledger, use `git chant sync --from <rev>`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant merge 003-root-cause              land one spec (chant/003-root-cause works too)\n  git chant merge --all-completed             every completed spec not landed yet\n  git chant merge 003 --squash --push         one commit on main, then push main\n  git chant merge 003 --resolve --agent claude   have the agent resolve a conflict\n  git chant merge 003 --pr                    push chant/003 and open a pull request"
)]
pub struct MergeArgs {
    /// Specs to land (short ids and `chant/<id>` resolve).
    #[arg(required_unless_present = "all_completed")]
    ids: Vec<String>,
    /// Every completed spec whose branch has not landed.
    #[arg(long, conflicts_with = "ids")]
    all_completed: bool,
    /// Fast-forward only; anything else is refused.
    #[arg(long, conflicts_with_all = ["rebase", "squash"])]
    ff_only: bool,
    /// Replay the branch's commits on the target.
    #[arg(long, conflicts_with = "squash")]
    rebase: bool,
    /// One commit `chant(<id>): <title>` with the branch's whole change.
    #[arg(long)]
    squash: bool,
    /// The target branch (default: the branch the run started from).
    #[arg(long, value_name = "BRANCH")]
    into: Option<String>,
    /// Keep the worktree and the branch after landing.
    #[arg(long)]
    keep: bool,
    /// Push the target to REMOTE afterwards, without force (default origin).
    #[arg(long, value_name = "REMOTE", num_args = 0..=1, default_missing_value = "origin")]
    push: Option<String>,
    /// Push chant/<id> to REMOTE and open a pull request (with `gh`, else print the
    /// command) instead of landing locally.
    #[arg(long, value_name = "REMOTE", num_args = 0..=1, default_missing_value = "origin", conflicts_with = "push")]
    pr: Option<String>,
    /// Merge the target into the spec's worktree and have the agent resolve the conflict
    /// there (prompt `merge-conflict`), then land.
    #[arg(long)]
    resolve: bool,
    /// The agent for --resolve (else git config chant.agent).
    #[arg(long)]
    agent: Option<String>,
    /// The reports as JSON.
    #[arg(long)]
    json: bool,
}

impl MergeArgs {
    fn strategy(&self) -> Option<Strategy> {
        if self.ff_only {
            Some(Strategy::FfOnly)
        } else if self.rebase {
            Some(Strategy::Rebase)
        } else if self.squash {
            Some(Strategy::Squash)
        } else {
            None
        }
    }
}

pub fn run(ctx: &Ctx, args: MergeArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let ids = if args.all_completed {
        land::unlanded(store)?
    } else {
        let mut ids = Vec::new();
        for arg in &args.ids {
            ids.push(spec_named(store, arg)?);
        }
        land::landing_order(store, ids)?
    };
    if let Some(remote) = &args.pr {
        let mut opened = Vec::new();
        for id in &ids {
            let pr = land::open_pr(store, id, remote, args.into.as_deref())?;
            if !args.json {
                let line = if pr.opened {
                    format!(
                        "{}: pull request {} -> {}: {}",
                        pr.id, pr.branch, pr.target, pr.said
                    )
                } else {
                    format!(
                        "{}: pushed {} to {remote}; gh is not available ({}), so open the pull request with:\n  {}",
                        pr.id,
                        pr.branch,
                        if pr.said.is_empty() { "not on PATH" } else { pr.said.as_str() },
                        shell_words(&pr.command)
                    )
                };
                ctx.ui.line(&line)?;
            }
            opened.push(pr);
        }
        if args.json {
            ctx.ui.json(&opened)?;
        }
        return Ok(Exit::Ok);
    }
    let opts = land::Options {
        strategy: args.strategy(),
        into: args.into.clone(),
        keep: args.keep,
        push: args.push.clone(),
    };
    let mut landed = Vec::new();
    let mut failed = None;
    if ids.is_empty() && !args.json {
        ctx.ui
            .line("nothing to land: no completed spec has an unlanded branch")?;
    }
    for id in &ids {
        let result = if args.resolve {
            let work_opts = Options {
                agent: args.agent.clone(),
                ..Options::default()
            };
            work::resolve(store, id, &work_opts, &opts)
        } else {
            land::land(store, id, &opts)
        };
        match result {
            Ok(l) => {
                if !args.json {
                    ctx.ui.line(&describe(&l))?;
                }
                landed.push(l);
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    if args.json {
        ctx.ui.json(&landed)?;
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(Exit::Ok),
    }
}

/// One line per landing.
fn describe(l: &land::Landed) -> String {
    if l.already {
        return format!("{}: already in {}", l.id, l.target);
    }
    let how = if l.fast_forward {
        "fast-forward".to_owned()
    } else {
        l.strategy.name().to_owned()
    };
    let mut line = format!(
        "{}: landed {} in {} ({how}) at {}",
        l.id,
        l.branch,
        l.target,
        &l.commit[..12]
    );
    if let Some(path) = &l.checkout {
        line.push_str(&format!("; checkout {} updated", path.display()));
    }
    if l.removed {
        line.push_str("; worktree and branch removed");
    }
    if let Some(why) = &l.kept {
        line.push_str(&format!("; worktree and branch kept: {why}"));
    }
    if let Some(remote) = &l.pushed {
        line.push_str(&format!("; pushed to {remote}"));
    }
    line
}

/// The spec `arg` names (`chant/<id>` as a branch name too); anything else is refused
/// saying what it is and what to run.
fn spec_named(store: &crate::store::Store, arg: &str) -> Result<String, Error> {
    let snapshot = store.snapshot()?;
    let short = arg
        .strip_prefix("refs/heads/")
        .unwrap_or(arg)
        .strip_prefix("chant/")
        .unwrap_or(arg.strip_prefix("refs/heads/").unwrap_or(arg));
    match crate::ops::resolve(store, &snapshot, short) {
        Ok(id) => Ok(id),
        Err(unknown) => {
            let (what, hint) = if store.ledger_rev(arg).is_ok() {
                (
                    "a ledger revision".to_owned(),
                    format!("to merge another ledger into ours, run `git chant sync --from {arg}`"),
                )
            } else if store.resolve_rev(arg).is_ok() {
                (
                    "a git revision".to_owned(),
                    format!("`git chant merge` lands specs' branches (`git chant merge <id>`); to merge {arg} into your checkout, run `git merge {arg}`"),
                )
            } else {
                return Err(unknown);
            };
            Err(LandError::NotASpec {
                arg: crate::escape::escape(arg).into_owned(),
                what,
                hint,
            }
            .into())
        }
    }
}

/// A command line as a shell would read it back (each word single-quoted when needed).
fn shell_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let plain = !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:@".contains(c));
            if plain {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
