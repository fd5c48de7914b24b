//! `git chant log`: a spec's ledger history and the code commits that advanced it.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;
use crate::store::trailer::Trailer;

/// A spec's ledger history and the code commits that advanced it.
///
/// The ledger commits that changed a spec (operation, author, date), newest first, then the
/// code commits listed in its `commits:` with their status events.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  git chant log 003-root-cause\n  git chant log 003 --json")]
pub struct LogArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// One JSON object: `ledger` (commits) and `commits` (code commits with events).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: LogArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let log = ops::reports::log(store, &args.id)?;
    if args.json {
        ctx.ui.json(&log.to_json())?;
        return Ok(Exit::Ok);
    }
    let (ledger, code) = (&log.ledger, &log.code);
    // Authors, reasons and events came with the ledger: `print` escapes them.
    let mut text = String::new();
    for c in ledger {
        let op = c.trailer(Trailer::Op).next().unwrap_or(c.subject.as_str());
        let forced = if c.trailer(Trailer::Forced).next().is_some() {
            " (forced)"
        } else {
            ""
        };
        text.push_str(&format!(
            "{} {} {:<20} {op}{forced}\n",
            &c.id[..12],
            c.date,
            c.author
        ));
        for reason in c.trailer(Trailer::Reason) {
            text.push_str(&format!("    reason: {reason}\n"));
        }
    }
    if !code.is_empty() {
        text.push_str("\ncode commits:\n");
        for (short, full, events) in code {
            let missing = if full.is_none() {
                " (not in this repository)"
            } else {
                ""
            };
            text.push_str(&format!("  {short}{missing}\n"));
            for event in events {
                text.push_str(&format!("    {}\n", event.to_display()));
            }
        }
    }
    ctx.ui.page(store, &text)?;
    Ok(Exit::Ok)
}
