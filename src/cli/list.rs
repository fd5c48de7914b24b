//! `git chant list`: the specs, as a table or JSON, from the index cache.

use clap::Args;
use serde::Serialize;

use crate::error::Error;
use crate::exit::Exit;
use crate::lifecycle;
use crate::store::index::{Index, Summary};
use crate::store::Store;

/// List specs (live ones by default).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant list\n  git chant list --status pending --label bug\n  git chant list --ready --json | jq -r '.[].id'"
)]
pub struct ListArgs {
    /// Only these statuses; repeatable.
    #[arg(long)]
    status: Vec<String>,
    /// Only specs with any of these labels; repeatable.
    #[arg(long)]
    label: Vec<String>,
    /// Only this type.
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Only specs ready to be worked.
    #[arg(long)]
    ready: bool,
    /// Only pending specs that are not ready.
    #[arg(long)]
    blocked: bool,
    /// Archived specs instead of live ones.
    #[arg(long, conflicts_with = "all")]
    archived: bool,
    /// Live and archived specs.
    #[arg(long)]
    all: bool,
    /// A JSON array instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: ListArgs) -> Result<Exit, Error> {
    let store = Store::open(".")?;
    let snapshot = store.snapshot()?;
    let index = Index::load(&store, &snapshot)?;
    let lookup = |id: &str| index.get(id);
    let rows: Vec<(&Summary, bool)> = index
        .specs
        .iter()
        .filter(|s| args.all || s.archived == args.archived)
        .filter(|s| args.status.is_empty() || args.status.contains(&s.status))
        .filter(|s| args.label.is_empty() || s.labels.iter().any(|l| args.label.contains(l)))
        .filter(|s| args.kind.as_ref().is_none_or(|k| &s.kind == k))
        .map(|s| (s, lifecycle::is_ready(s, lookup)))
        .filter(|(_, ready)| !args.ready || *ready)
        .filter(|(s, ready)| !args.blocked || (s.status == "pending" && !ready))
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let items: Vec<Item> = rows.iter().map(|(s, ready)| Item::new(s, *ready)).collect();
        crate::cli::print_json(&mut out, &items)?;
    } else {
        for (s, ready) in rows {
            let status = if ready { "ready" } else { s.status.as_str() };
            let line = format!(
                "{:<24} {:<15} {:<13} {:>2}/{:<2} {}\n",
                s.id, status, s.kind, s.checked, s.total, s.title
            );
            crate::cli::print(&mut out, &line)?;
        }
    }
    crate::cli::flush(&mut out)?;
    Ok(Exit::Ok)
}

/// One spec in the JSON shape DESIGN.md fixes for `list`, `ready` and `search` (fields may
/// be added, never renamed).
#[derive(Serialize)]
pub struct Item<'a> {
    id: &'a str,
    title: &'a str,
    status: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    labels: &'a [String],
    depends_on: &'a [String],
    ready: bool,
    archived: bool,
    criteria: Criteria,
}

#[derive(Serialize)]
pub struct Criteria {
    checked: usize,
    total: usize,
}

impl<'a> Item<'a> {
    pub fn new(s: &'a Summary, ready: bool) -> Item<'a> {
        Item {
            id: &s.id,
            title: &s.title,
            status: &s.status,
            kind: &s.kind,
            labels: &s.labels,
            depends_on: &s.depends_on,
            ready,
            archived: s.archived,
            criteria: Criteria {
                checked: s.checked,
                total: s.total,
            },
        }
    }
}
