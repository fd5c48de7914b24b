//! `git chant fetch | push | sync | conflicts`: sharing the ledger and its notes.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::conflicts;
use crate::ops::sync::{self, Merge};
use crate::store::git_cli::{self, Pushed};

/// A remote name (default: origin).
#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// The remote.
    #[arg(default_value = "origin")]
    remote: String,
}

/// Fetch, merge and push the ledger; or, with `--from`, merge another ledger commit.
///
/// Fetches the remote's ledger and notes, merges them into ours (three-way, per spec and
/// field; what both sides changed differently is kept by a rule and listed by `git chant
/// conflicts`), and pushes without force, again while the remote moves. `--from <rev>`
/// merges a ledger commit you already have (no network, nothing pushed).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant sync\n  git chant sync upstream\n  git chant sync --from origin/chant/specs      merge what `git chant fetch` brought\n  git chant sync --from refs/remotes/alice/chant/specs"
)]
pub struct SyncArgs {
    /// The remote.
    #[arg(default_value = "origin")]
    remote: String,
    /// Merge this ledger commit (a remote-tracking ledger ref, usually) instead: no
    /// fetch, no push.
    #[arg(long, value_name = "REV")]
    from: Option<String>,
}

/// List merge conflicts not resolved yet.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant conflicts\n  git chant conflicts --json\n\nResolve one with `git chant set` or `git chant edit`; it then no longer lists."
)]
pub struct ConflictsArgs {
    /// A JSON array (`spec`, `field`, `kept`, `lost`, `commit`, `date`).
    #[arg(long)]
    json: bool,
}

/// What a merge did, as progress lines (a failing stdout is noticed by the next write).
fn say(ctx: &Ctx, merge: &Merge) {
    let _ = match merge {
        Merge::UpToDate => ctx.ui.line("ledger: up to date"),
        Merge::FastForward => ctx.ui.line("ledger: fast-forwarded"),
        Merge::Merged { changed, conflicts } => {
            let mut text = format!("ledger: merged ({changed} specs or files changed)");
            for c in conflicts {
                text.push_str(&format!(
                    "\n  conflict: {} {}: kept {:?}, the other side had {:?} (git chant conflicts)",
                    c.spec, c.field, c.kept, c.lost
                ));
            }
            ctx.ui.line(&text)
        }
    };
}

/// `fetch`: the remote's ledger into refs/remotes/<remote>/chant/specs and its notes into
/// refs/notes/remotes/<remote>/…; a clone with no ledger (or notes ref) of its own starts
/// from the remote's, and nothing else local changes.
pub fn fetch(ctx: &Ctx, args: RemoteArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    store.check_remote(&args.remote)?;
    git_cli::fetch(store, &args.remote)?;
    let tracking = git_cli::remote_ledger(&args.remote);
    let adopted = crate::ops::adopt::adopt(store, &args.remote)?;
    if store.ref_tip(&tracking)?.is_none() {
        ctx.ui
            .line(&format!("fetched {}: it has no ledger yet", args.remote))?;
    } else {
        ctx.ui
            .line(&format!("fetched {} into {tracking}", args.remote))?;
    }
    if adopted.ledger {
        ctx.ui.line(&format!(
            "refs/chant/specs: created from {}'s ledger (this clone had none)",
            args.remote
        ))?;
    }
    for notes_ref in &adopted.notes {
        ctx.ui
            .line(&format!("{notes_ref}: created from {}'s", args.remote))?;
    }
    Ok(Exit::Ok)
}

/// `push`: the ledger and notes, never forced.
pub fn push(ctx: &Ctx, args: RemoteArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    store.check_remote(&args.remote)?;
    match git_cli::push(store, &args.remote)? {
        Pushed::Done => {
            ctx.ui.line(&format!("pushed to {}", args.remote))?;
            Ok(Exit::Ok)
        }
        Pushed::Moved => Err(Error::PushRejected {
            remote: args.remote,
        }),
        Pushed::Refused(said) => Err(Error::PushRefused {
            remote: args.remote,
            said,
        }),
    }
}

/// `sync`: fetch, merge, push; again while the remote moves. `sync --from <rev>`: the
/// three-way merge of another ledger commit into ours, nothing else.
pub fn sync(ctx: &Ctx, args: SyncArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    if let Some(rev) = &args.from {
        let theirs = store.ledger_rev(rev)?;
        say(ctx, &sync::merge_ledger(store, theirs, rev)?);
        return Ok(Exit::Ok);
    }
    store.check_remote(&args.remote)?;
    let synced = sync::sync(store, &args.remote, |merge| say(ctx, merge))?;
    for y in &synced.yielded {
        ctx.ui.line(&format!(
            "claim: {} is claimed by {} on {} (until {}); this clone's claim was dropped",
            y.spec, y.kept.by, args.remote, y.kept.until
        ))?;
    }
    ctx.ui.line(&format!("in sync with {}", args.remote))?;
    Ok(Exit::Ok)
}

pub fn conflicts(ctx: &Ctx, args: ConflictsArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let found = conflicts::unresolved(store)?;
    if args.json {
        ctx.ui.json(&found)?;
    } else if found.is_empty() {
        ctx.ui.line("no unresolved conflicts")?;
    } else {
        for c in &found {
            ctx.ui.line(&format!(
                "{} {}: kept {:?}; lost {:?} (merge {} on {})",
                c.spec,
                c.field,
                c.kept,
                c.lost,
                &c.commit[..12],
                c.date
            ))?;
        }
    }
    Ok(Exit::Ok)
}
