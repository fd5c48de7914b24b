//! `git chant ready`: what can be worked now, in dependency order.

use clap::Args;

use crate::error::Error;
use crate::exit::Exit;
use crate::ops::query::{self, Filter};

use super::list::{Item, Order};

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

pub fn run(args: ReadyArgs) -> Result<Exit, Error> {
    let (store, index) = super::open_index()?;
    let filter = Filter {
        statuses: vec!["ready".to_owned()],
        ..Filter::default()
    };
    let mut rows = query::select(&index, &filter);
    query::dependency_order(&index, &mut rows);
    args.order.apply(&store, &mut rows)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let items: Vec<Item> = rows.iter().map(Item::of).collect();
        super::print_json(&mut out, &items)?;
    } else {
        for row in &rows {
            let s = row.spec;
            super::print(
                &mut out,
                &format!("{:<24} {:<13} {}\n", s.id, s.kind, s.title),
            )?;
        }
    }
    super::flush(&mut out)?;
    Ok(Exit::Ok)
}
