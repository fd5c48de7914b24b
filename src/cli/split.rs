//! `git chant split`: a pending spec broken into members by the agent.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::work::split::{self, Options};

/// Split a pending spec into member specs, by the agent.
///
/// The agent gets upstream's `split` prompt (the ledger's prompts/split.md replaces it)
/// with the spec, in a throwaway checkout of HEAD (never yours), and answers in upstream's format: a
/// `## Member N: <title>` section per member, numbered in order, with its description and
/// `### Acceptance Criteria`, an optional `**Affected Files:**` list (its target_files)
/// and a `**Dependencies:** Member 1, Member 2` line (or `None`). One ledger commit writes
/// the members `<id>.1`…`<id>.N`, pending, depending only on each other, and makes `<id>`
/// a driver, which waits for its members; no member depends on it. An answer with no
/// member, a member it does not have, a dependency cycle or a bad title or path writes
/// nothing (exit 4) and is kept in .git/chant/split/<id>.md.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant split 003-big-refactor\n  git chant split 003 --dry-run        the members it would write\n  git chant split 003 --agent codex --json"
)]
pub struct SplitArgs {
    /// The spec to split (a short id resolves).
    id: String,
    /// Print the members it would write; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The agent: `claude`, `codex`, `gemini` or a command line (no shell); else git
    /// config chant.agent (never the ledger's config.md).
    #[arg(long)]
    agent: Option<String>,
    /// One JSON object: `driver`, `written`, and `members` (`id`, `title`, `depends_on`,
    /// `target_files`, `criteria`).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: SplitArgs) -> Result<Exit, Error> {
    let opts = Options {
        agent: args.agent,
        dry_run: args.dry_run,
    };
    let done = split::split(ctx.store()?, &args.id, &opts)?;
    if args.json {
        ctx.ui.json(&done)?;
        return Ok(Exit::Ok);
    }
    // Titles and paths come from the agent: `text` escapes them.
    let mut text = String::new();
    for m in &done.members {
        let after = match m.depends_on.is_empty() {
            true => String::new(),
            false => format!(" (after {})", m.depends_on.join(", ")),
        };
        text.push_str(&format!("{}: {}{after}\n", m.id, m.title));
    }
    text.push_str(&match done.written {
        true => format!(
            "{} is now a driver of {} members\n",
            done.driver,
            done.members.len()
        ),
        false => format!("dry run: nothing written for {}\n", done.driver),
    });
    ctx.ui.text(&text)?;
    Ok(Exit::Ok)
}
