//! `git chant archive`: move finished specs out of the default listings.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;

/// Move finished specs to the archive.
///
/// Move specs to archive/ in the ledger. Archived specs no longer list by default but still
/// resolve, show and satisfy dependencies (`list --archived` shows them).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant archive 003-root-cause\n  git chant archive --completed     every completed spec"
)]
pub struct ArchiveArgs {
    /// Spec ids (short forms resolve).
    #[arg(required_unless_present = "completed")] // tidy: the --completed flag
    ids: Vec<String>,
    /// Archive every live completed spec.
    #[arg(long)]
    completed: bool,
    /// Archive specs that are not completed or cancelled too.
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Ctx, args: ArchiveArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let moved = ops::archive(store, &args.ids, args.completed, args.force)?;
    match moved.len() {
        0 => ctx.ui.line("nothing to archive")?,
        n => ctx
            .ui
            .line(&format!("archived {n}: {}", moved.join(", ")))?,
    }
    Ok(Exit::Ok)
}
