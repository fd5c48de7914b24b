//! `git chant ready`: what can be worked now, in dependency order.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::query::{self, Filter};

use super::list::Order;
use crate::ops::query::Item;

/// List the specs ready to be worked, in dependency order.
///
/// List the specs ready to be worked: pending, dependencies done, no pending approval.
/// Ordered by depth in the dependency graph (what others wait for first), then id, unless
/// `--sort` says otherwise.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant ready\n  git chant ready --limit 1\n  git chant ready --sort title\n  git chant ready --json | jq -r '.[0].id'"
)]
pub struct ReadyArgs {
    #[command(flatten)]
    order: Order,
    /// A JSON array (the same objects as `list --json`).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: ReadyArgs) -> Result<Exit, Error> {
    let (store, index) = ctx.index()?;
    let filter = Filter {
        statuses: vec!["ready".to_owned()],
        ..Filter::default()
    };
    let mut rows = query::select(&index, &filter);
    query::dependency_order(&index, &mut rows);
    args.order.apply(store, &mut rows)?;
    if args.json {
        let items: Vec<Item> = rows.iter().map(Item::of).collect();
        ctx.ui.json(&items)?;
    } else {
        for row in &rows {
            let s = row.spec;
            ctx.ui
                .text(&format!("{:<24} {:<13} {}\n", s.id, s.kind, s.title))?;
        }
    }
    Ok(Exit::Ok)
}
