//! `git chant activity`: the feed of what happened to the specs, newest first.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::{self, activity};

/// What happened to the specs, newest first.
///
/// Created, started, ticked, paused, completed, failed, needs attention, cancelled,
/// reopened, approved, rejected, landed, conflict and archived events, read from the ledger
/// commits' trailers and the notes' `landed` events. Each line: when, who, spec, what,
/// title.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant activity --since 1d\n  git chant activity --by alice --limit 20\n  git chant activity --spec 003 --json"
)]
pub struct ActivityArgs {
    /// Only events this recent: `30m`, `2h`, `1d`, `1w`, a date (`2026-01-05`, UTC) or an
    /// RFC 3339 time.
    #[arg(long, value_name = "WHEN", value_parser = parse_since)]
    since: Option<String>,
    /// Only events by someone whose `Name <email>` contains this (any case).
    #[arg(long, value_name = "WHO")]
    by: Option<String>,
    /// Only this spec's events (short forms resolve).
    #[arg(long, value_name = "ID")]
    spec: Option<String>,
    /// Show at most N events (the newest).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// A JSON array of `{at, by, email, spec, event, title, detail, commit}`.
    #[arg(long)]
    json: bool,
}

fn parse_since(text: &str) -> Result<String, String> {
    crate::clock::since(text, crate::clock::now_time()).ok_or_else(|| {
        format!("`{text}` is not a span (30m, 2h, 1d, 1w), a date (YYYY-MM-DD) or an RFC 3339 time")
    })
}

/// Columns of the human feed: who and the title are cut (by characters) to these.
const WHO_WIDTH: usize = 16;
const TITLE_WIDTH: usize = 60;

pub fn run(ctx: &Ctx, args: ActivityArgs) -> Result<Exit, Error> {
    let (store, index) = ctx.index()?;
    let spec = match &args.spec {
        Some(short) => Some(ops::resolve(store, &store.snapshot()?, short)?),
        None => None,
    };
    let query = activity::Query {
        since: args.since,
        by: args.by,
        spec,
    };
    let feed = activity::feed(store, &index, &query, args.limit)?;
    if args.json {
        ctx.ui.json(&feed)?;
        return Ok(Exit::Ok);
    }
    // Names, titles and details came with the ledger: `page` escapes them.
    let mut text = String::new();
    for e in &feed {
        let detail = if e.detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.detail)
        };
        text.push_str(&format!(
            "{} {:<w$} {:<24} {:<15} {}{detail}\n",
            e.at,
            activity::fit(&e.by, WHO_WIDTH),
            e.spec,
            e.kind.name(),
            activity::fit(&e.title, TITLE_WIDTH),
            w = WHO_WIDTH
        ));
    }
    ctx.ui.page(store, &text)?;
    Ok(Exit::Ok)
}
