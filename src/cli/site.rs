//! `git chant site`: build the static site of the ledger (`build`) or serve it on
//! 127.0.0.1, rebuilt when the ledger or notes move (`serve`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;

/// Build or serve a static website of the specs: a board, spec pages, graph, search.
///
/// `site build` writes a static site from the ledger and notes: a board (index.html) with
/// the live specs in columns by state and filters by label and type, a page per spec
/// (its rendered markdown, numbered criteria, dependencies, events, commits, approval and
/// transcripts), a page per label, the activity feed, the dependency graph as SVG and a
/// search page (`search.html?q=word`). It needs no network to view: one
/// CSS and one JS file of its own, a Content-Security-Policy that allows nothing else, and
/// spec text rendered with raw HTML shown as text and only http, https, mailto and
/// relative links kept. `site serve` serves it read-only on 127.0.0.1.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant site build                   into .git/chant/site\n  git chant site build --out public      e.g. for GitHub Pages\n  git chant site serve --port 8080       http://127.0.0.1:8080/"
)]
pub struct SiteArgs {
    #[command(subcommand)]
    command: SiteCommand,
}

#[derive(Debug, Subcommand)]
enum SiteCommand {
    Build(BuildArgs),
    Serve(ServeArgs),
}

/// Serve the site on 127.0.0.1, read-only, rebuilt when the ledger or notes move.
///
/// Serves the site on 127.0.0.1 only (never another interface), GET and HEAD only (any
/// other method is refused with 405). Before answering a request it compares the tips of
/// refs/chant/* and refs/notes/* with those of the last build and rebuilds when one moved,
/// so a page reloaded after `git chant done` shows it. Runs until interrupted.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant site serve               on port 8080\n  git chant site serve --port 0      any free port (printed)\n  git chant site serve --out /tmp/site"
)]
struct ServeArgs {
    /// The port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The folder the site is built into (default: .git/chant/site).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Write the static site (default folder: .git/chant/site).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant site build\n  git chant site build --out public\n  git chant site build --json"
)]
struct BuildArgs {
    /// The folder to write (created; earlier pages are replaced).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// What was written, as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: SiteArgs) -> Result<Exit, Error> {
    match args.command {
        SiteCommand::Build(args) => build(ctx, args),
        SiteCommand::Serve(args) => serve(ctx, args),
    }
}

fn serve(ctx: &Ctx, args: ServeArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let out = args.out.unwrap_or_else(|| crate::site::default_out(store));
    let (listener, addr) = crate::site::serve::bind(args.port)?;
    ctx.ui.line(&format!(
        "serving http://{addr}/ from {} (read-only; Ctrl-C stops)",
        out.display()
    ))?;
    ctx.ui.flush()?;
    let open = || Ok(crate::store::Store::open(".")?);
    crate::site::serve::serve(listener, &out, open, |report| {
        ctx.ui.warn(&format!(
            "built {} spec pages ({} bytes of board)",
            report.specs, report.board_bytes
        ));
    })?;
    Ok(Exit::Ok)
}

fn build(ctx: &Ctx, args: BuildArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let out = args.out.unwrap_or_else(|| crate::site::default_out(store));
    let report = crate::site::build(store, &out)?;
    if args.json {
        ctx.ui.json(&report)?;
    } else {
        ctx.ui.line(&format!(
            "wrote {} spec pages and {} label pages to {} (open {})",
            report.specs,
            report.labels,
            report.out.display(),
            report.out.join("index.html").display()
        ))?;
    }
    Ok(Exit::Ok)
}
