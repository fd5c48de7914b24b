//! `git chant prime`: the context an agent needs at the start of a session.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::prime;
use crate::store::index::Index;

/// Print the context an agent needs at the start of a session.
///
/// Under 1,500 tokens: how to work with git chant here; the spec this worktree is for (CHANT_SPEC_ID, which
/// `git chant work` sets, else the branch `chant/<id>`) with its open acceptance criteria
/// numbered as `check` takes them; the claimed and the in-progress specs; and the first
/// ready ones. Long lists are cut, saying how many more there are. `init --agent claude`
/// runs it from a Claude Code SessionStart hook.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant prime\n  CHANT_SPEC_ID=003-root-cause git chant prime\n  git chant prime --json | jq '.spec.open'"
)]
pub struct PrimeArgs {
    /// The same as one JSON object: instructions, ledger, spec (id, source, found, title,
    /// status, criteria, open, open_total), claimed, in_progress and ready (items, total).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: PrimeArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let snapshot = store.snapshot_or_empty()?;
    let index = Index::load(store, &snapshot)?;
    let here = prime::here(store, std::env::var("CHANT_SPEC_ID").ok());
    let report = prime::prime(&snapshot, &index, here, crate::clock::now_time())?;
    if args.json {
        ctx.ui.json(&report)?;
    } else {
        ctx.ui.text(&report.render())?;
    }
    Ok(Exit::Ok)
}
