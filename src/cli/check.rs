//! `git chant check`: tick acceptance criteria by number.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;

/// Tick (or with --uncheck, clear) acceptance criteria, numbered from 1 as `show` lists them.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant check 003-root-cause 1 2\n  git chant check 003 3 --uncheck"
)]
pub struct CheckArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Criterion numbers (1-based).
    #[arg(required = true)]
    numbers: Vec<usize>,
    /// Clear the boxes instead of ticking them.
    #[arg(long)]
    uncheck: bool,
}

pub fn run(ctx: &Ctx, args: CheckArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let written = ops::check(store, &args.id, &args.numbers, !args.uncheck)?;
    let list: Vec<String> = args.numbers.iter().map(usize::to_string).collect();
    let verb = match (args.uncheck, written.changed) {
        (false, true) => "ticked",
        (true, true) => "cleared",
        (false, false) => "unchanged: already ticked:",
        (true, false) => "unchanged: already clear:",
    };
    ctx.ui
        .line(&format!("{}: {verb} {}", written.id, list.join(", ")))?;
    Ok(Exit::Ok)
}
