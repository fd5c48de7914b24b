//! `git chant list`: the specs, as a table or JSON, from the index cache.

use clap::builder::PossibleValuesParser;
use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::lifecycle::Status;
use crate::ops::query::{self, Filter, Item, Row, Scope, SortKey};
use crate::ops::{list_json, partial};
use crate::store::index::Borrowed;
use crate::store::Store;

/// List specs (live ones by default).
///
/// List specs as a table (id, state, type, criteria ticked, title) or a JSON array. The
/// state is the stored status, or for a pending spec `ready` or `blocked`. Filters combine
/// (all must match); a repeated filter matches any of its values.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant list\n  git chant list --status pending --label bug\n  git chant list --status blocked --type code\n  git chant list --sort updated --limit 10\n  git chant list --ready --json | jq -r '.[].id'\n  git chant list --approval pending        specs waiting for `git chant approve`"
)]
pub struct ListArgs {
    /// Only these statuses, or the computed `ready`/`blocked` (`pending` is both); repeatable.
    #[arg(long, value_name = "STATUS", value_parser = PossibleValuesParser::new(query::status_values()))]
    status: Vec<String>,
    /// Only specs with any of these labels; repeatable.
    #[arg(long)]
    label: Vec<String>,
    /// Only this type.
    #[arg(long = "type", value_name = "TYPE", value_parser = PossibleValuesParser::new(crate::spec::TYPES))]
    kind: Option<String>,
    /// Only specs whose approval is in this state (pending, approved, rejected); repeatable.
    #[arg(long, value_name = "STATE", value_parser = PossibleValuesParser::new(query::APPROVAL_STATES))]
    approval: Vec<String>,
    /// Only specs ready to be worked (the same as `--status ready`).
    #[arg(long)]
    ready: bool,
    /// Only pending specs that are not ready (the same as `--status blocked`).
    #[arg(long)]
    blocked: bool,
    /// Archived specs instead of live ones.
    #[arg(long, conflicts_with = "all")]
    archived: bool,
    /// Live and archived specs.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    order: Order,
    /// A JSON array instead of a table.
    #[arg(long)]
    json: bool,
}

/// `--sort` and `--limit`, shared by `list`, `ready` and `search`.
#[derive(Debug, Args)]
pub struct Order {
    /// Order by this key, ties by id (`updated`: the newest change on the ledger first).
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<SortKey>,
    /// Show at most N specs (after sorting).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

impl Order {
    /// Sorts (when asked) and cuts `rows`.
    pub fn apply(&self, store: &Store, rows: &mut Vec<Row<'_>>) -> Result<(), Error> {
        if let Some(key) = self.sort {
            query::sort(store, rows, key)?;
        }
        query::limit(rows, self.limit);
        Ok(())
    }
}

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let filter = Filter {
        statuses: args.status.clone(),
        labels: args.label.clone(),
        kind: args.kind.clone(),
        scope: match (args.archived, args.all) {
            (_, true) => Scope::All,
            (true, _) => Scope::Archived,
            _ => Scope::Live,
        },
        approval: args.approval.clone(),
    };
    // The flags are filters of their own, on top of any `--status`.
    let mut filters = vec![filter.clone()];
    for (flag, state) in [(args.ready, "ready"), (args.blocked, "blocked")] {
        if flag {
            filters.push(Filter {
                statuses: vec![state.to_owned()],
                ..filter.clone()
            });
        }
    }
    // Compact JSON in index order is written straight from the index file.
    if args.json && args.order.sort.is_none() && !ctx.ui.json_pretty() {
        let out = |bytes: &[u8]| ctx.ui.raw(bytes);
        if list_json::write(store, &filters, args.order.limit, &out)? {
            return Ok(Exit::Ok);
        }
    }
    // So is the whole table in index order.
    if !args.json && args.order.sort.is_none() && args.order.limit.is_none() {
        let stale = crate::store::runs::stale(store);
        let table = |picked: &mut dyn Iterator<Item = Borrowed<'_>>| {
            for b in picked {
                let counts = (b.checked, b.total);
                ctx.ui.text(&line(
                    &stale, b.id, b.status, b.ready, b.kind, counts, b.title,
                ))?;
            }
            Ok(())
        };
        if list_json::visit(store, &filters, None, table)? {
            return Ok(Exit::Ok);
        }
    }
    let (picked, index);
    let mut rows = match (args.order.sort, args.order.limit) {
        // In index order, the first N read only what they show.
        (None, Some(n)) => {
            picked = partial::first(store, &filters, n)?;
            picked.rows()
        }
        _ => {
            index = ctx.index()?.1;
            let mut rows = query::select(&index, &filter);
            rows.retain(|row| filters.iter().all(|f| f.matches(row)));
            rows
        }
    };
    args.order.apply(store, &mut rows)?;
    if args.json {
        let items: Vec<Item> = rows.iter().map(Item::of).collect();
        ctx.ui.json(&items)?;
    } else {
        // A spec in progress whose run on this machine is gone shows as stale.
        let stale = crate::store::runs::stale(ctx.store()?);
        for row in &rows {
            let s = row.spec;
            let counts = (s.checked as u32, s.total as u32);
            let shown = line(
                &stale, &s.id, &s.status, row.ready, &s.kind, counts, &s.title,
            );
            ctx.ui.text(&shown)?;
        }
    }
    Ok(Exit::Ok)
}

/// One line of the table. A spec in progress whose run on this machine is gone shows as
/// stale.
fn line(
    stale: &[String],
    id: &str,
    status: &str,
    ready: bool,
    kind: &str,
    (checked, total): (u32, u32),
    title: &str,
) -> String {
    let state = if stale.iter().any(|s| s == id) && Status::InProgress.is(status) {
        "stale"
    } else {
        crate::lifecycle::state(status, ready)
    };
    format!("{id:<24} {state:<15} {kind:<13} {checked:>2}/{total:<2} {title}\n")
}
