//! `git chant start | done | fail | pause | cancel | reopen`: the lifecycle transitions.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::{self, Target};

/// Move a spec through its lifecycle.
///
/// Move a spec through its lifecycle:
/// pending -> in_progress (start) -> completed (done) | failed (fail) | paused (pause);
/// cancel from pending, in_progress or paused; reopen a completed, cancelled or failed spec.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant start 003-root-cause\n  git chant done 003            refused while a criterion is unticked\n  git chant fail 003 --reason \"tests flake\"\n  git chant start 004 --force   start although a dependency is open (recorded as forced)"
)]
pub struct LifecycleArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Bypass the transition table and the preconditions; recorded as forced.
    #[arg(long)]
    force: bool,
    /// Why; recorded in the ledger commit and the note.
    #[arg(long)]
    reason: Option<String>,
}

pub fn run(ctx: &Ctx, target: Target, args: LifecycleArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let outcome = ops::transition(
        store,
        &args.id,
        target,
        args.force,
        args.reason.as_deref(),
        &ops::now(),
    )?;
    let forced = if outcome.forced { " (forced)" } else { "" };
    ctx.ui.line(&format!(
        "{}: {} -> {}{forced}",
        outcome.id, outcome.from, outcome.to
    ))?;
    for message in outcome.messages {
        ctx.ui.line(&message)?;
    }
    Ok(Exit::Ok)
}
