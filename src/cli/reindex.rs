//! `git chant reindex`: recover from history what the hooks did not record.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;

/// Recover commits: entries and note events from history.
///
/// Scan the commits reachable from the local branches for `chant(<id>): …` subjects and
/// `Chant-Spec:` trailers, and add the `commits:` entries and note events that are missing
/// (merges, cherry-picks, commits made where no hook ran). Entries for commits no branch
/// reaches any more (rewritten or squashed away) are dropped. Running it twice changes
/// nothing.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant reindex\n  git chant reindex --since v1.0     only commits after a tag"
)]
pub struct ReindexArgs {
    /// Only commits not reachable from this revision (and no dropping).
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// The report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: ReindexArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let since = match &args.since {
        Some(rev) => Some(store.resolve_rev(rev)?),
        None => None,
    };
    let report = ops::reindex(store, since, ops::Scope::Everything, |n| {
        ctx.ui.progress(Some(&format!("scanned {n} commits…")));
    })?;
    if report.scanned >= 1000 {
        ctx.ui.progress(None);
    }
    if args.json {
        ctx.ui.json(&report)?;
    } else {
        ctx.ui.line(&format!(
            "scanned {} commits: {} commits linked, {} dropped, {} specs changed",
            report.scanned, report.linked, report.dropped, report.specs
        ))?;
    }
    Ok(Exit::Ok)
}
