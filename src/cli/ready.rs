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
/// `--sort` says otherwise. A claimed spec is still listed, with its claim (`--json`: the
/// `claim` field). `--claim` takes the first one nobody holds an unexpired claim on, as
/// `git chant claim` does (pushed at once; if another machine's claim on it lands first,
/// the next one), and prints its id; exit 3 when none is left.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant ready\n  git chant ready --limit 1\n  git chant ready --sort title\n  git chant ready --json | jq -r '.[0].id'\n  id=$(git chant ready --claim) && git chant work \"$id\""
)]
pub struct ReadyArgs {
    #[command(flatten)]
    order: Order,
    /// A JSON array (the same objects as `list --json`); with `--claim`, the claim report.
    #[arg(long)]
    json: bool,
    /// Claim the first ready spec without an unexpired claim and print its id.
    #[arg(long, conflicts_with_all = ["sort", "limit"])]
    claim: bool,
    /// With `--claim`: how long the claim lasts (30m, 2h, …; default `chant.claim.lease`,
    /// else 2h).
    #[arg(long, value_name = "DURATION", requires = "claim", value_parser = super::claim::parse_lease)]
    lease: Option<crate::spec::claim::Lease>,
    /// With `--claim`: push to this remote instead of origin.
    #[arg(long, value_name = "REMOTE", requires = "claim")]
    remote: Option<String>,
}

pub fn run(ctx: &Ctx, args: ReadyArgs) -> Result<Exit, Error> {
    if args.claim {
        let store = ctx.store()?;
        let report = crate::ops::claim::claim_next(store, args.lease, args.remote.as_deref())?;
        if args.json {
            return super::claim::print(ctx, &report, true);
        }
        for c in &report.lost {
            ctx.ui.warn(&format!(
                "{}: claimed first by {} (until {}); took the next",
                c.id, c.claim.by, c.claim.until
            ));
        }
        if report.remote.is_none() {
            ctx.ui.warn(
                "claimed locally only: no remote to push to (add one, then `git chant sync`)",
            );
        }
        ctx.ui.line(&report.id)?;
        return Ok(Exit::Ok);
    }
    let store = ctx.store()?;
    let (picked, index);
    let mut rows = if args.order.sort.is_none() {
        // The index holds the ready specs in this order: read only those shown.
        picked = crate::ops::partial::ready(store, args.order.limit)?;
        picked.rows()
    } else {
        index = ctx.index()?.1;
        let filter = Filter {
            statuses: vec!["ready".to_owned()],
            ..Filter::default()
        };
        let mut rows = query::select(&index, &filter);
        query::dependency_order(&index, &mut rows);
        rows
    };
    args.order.apply(store, &mut rows)?;
    if args.json {
        let items: Vec<Item> = rows.iter().map(Item::of).collect();
        ctx.ui.json(&items)?;
    } else {
        let now = crate::clock::now_time();
        for row in &rows {
            let s = row.spec;
            let claimed = match s.claim.as_ref().filter(|c| c.is_held_at(now)) {
                Some(c) => format!("  (claimed by {} until {})", c.by, c.until),
                None => String::new(),
            };
            ctx.ui.text(&format!(
                "{:<24} {:<13} {}{claimed}\n",
                s.id, s.kind, s.title
            ))?;
        }
    }
    Ok(Exit::Ok)
}
