//! `git chant search`: find specs whose title or body contains a text.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;

use super::list::Order;
use crate::ops::query::Item;

/// Search titles and bodies, live and archived specs, case-insensitively.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant search \"race condition\"\n  git chant search store.py --json\n  git chant search flaky --sort updated --limit 5"
)]
pub struct SearchArgs {
    /// The text to look for.
    text: String,
    #[command(flatten)]
    order: Order,
    /// A JSON array (the same objects as `list --json`).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: SearchArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let snapshot = store.snapshot()?;
    let found = crate::ops::search::search(store, &snapshot, &args.text)?;
    let mut rows = found.rows();
    args.order.apply(store, &mut rows)?;
    if args.json {
        let items: Vec<Item> = rows.iter().map(Item::of).collect();
        ctx.ui.json(&items)?;
    } else {
        for row in &rows {
            let s = row.spec;
            let archived = if s.archived { " (archived)" } else { "" };
            ctx.ui.text(&format!(
                "{:<24} {:<15} {}{archived}\n",
                s.id,
                row.state(),
                s.title
            ))?;
        }
    }
    Ok(Exit::Ok)
}
