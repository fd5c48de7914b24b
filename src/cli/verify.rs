//! `git chant verify`: whether completed specs' landed work meets their criteria.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::work::verify::{self, Options};

/// Check completed specs' landed work against their acceptance criteria.
///
/// Each spec is checked out, detached, at the commit its work landed in (its `landed`
/// event's commit, else the last of its `commits:`) in a fresh worktree under
/// .git/chant/verify/, removed afterwards. The agent gets upstream's `verify` prompt (the
/// ledger's prompts/verify.md replaces it) with the numbered criteria and answers with a
/// verdict per criterion: Claude Code through its --json-schema structured output, other
/// agents in a fenced ```json block. With --command, your shell command runs there
/// instead: exit 0 is passed, anything else failed. The spec gets upstream's
/// `last_verified`, `verification_status` (passed, failed or partial) and
/// `verification_failures`, with a `verified` event and the transcript on the verified
/// commit, in one ledger commit. An answer that cannot be read changes no field (exit 4):
/// its transcript is kept.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant verify 003-root-cause\n  git chant verify --all --exit-code            in CI: exit 1 when any spec failed\n  git chant verify 003 --command 'cargo test'    a script decides, not an agent\n  git chant verify --all --json | jq '.verified[] | select(.status != \"passed\")'"
)]
pub struct VerifyArgs {
    /// Completed specs to verify (short ids resolve).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    ids: Vec<String>,
    /// Every live completed spec (those without a commit or criteria are skipped).
    #[arg(long)]
    all: bool,
    /// Exit 1 when any spec failed or passed only partly.
    #[arg(long)]
    exit_code: bool,
    /// The agent: `claude`, `codex`, `gemini` or a command line (no shell); else git
    /// config chant.agent (never the ledger's config.md).
    #[arg(long, conflicts_with = "command")]
    agent: Option<String>,
    /// Verify with this shell command (`sh -c`) in the worktree instead of an agent.
    #[arg(long, value_name = "CMD")]
    command: Option<String>,
    /// One JSON object: `verified` (`id`, `status`, `commit`, `last_verified`,
    /// `failures`, `criteria`, `by`) and `skipped` (`id`, `reason`).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: VerifyArgs) -> Result<Exit, Error> {
    let opts = Options {
        agent: args.agent,
        command: args.command,
    };
    let report = verify::verify(ctx.store()?, &args.ids, args.all, &opts)?;
    if args.json {
        ctx.ui.json(&report)?;
    } else {
        // Ids, criteria and reasons come from the ledger and the agent: `text` escapes them.
        let mut text = String::new();
        for v in &report.verified {
            text.push_str(&format!("{}: {} at {}\n", v.id, v.status, &v.commit[..12]));
            for c in v.criteria.iter().filter(|c| c.status != "pass") {
                let why = c.reason.as_deref().unwrap_or("");
                text.push_str(&format!(
                    "  {} {}. {} {why}\n",
                    c.status, c.criterion, c.text
                ));
            }
            if v.criteria.is_empty() {
                for f in &v.failures {
                    text.push_str(&format!("  {f}\n"));
                }
            }
        }
        for s in &report.skipped {
            text.push_str(&format!("{}: skipped: {}\n", s.id, s.reason));
        }
        if report.verified.is_empty() && report.skipped.is_empty() {
            text.push_str("no completed spec to verify\n");
        }
        ctx.ui.text(&text)?;
    }
    Ok(if args.exit_code && report.any_not_passed() {
        Exit::User
    } else {
        Exit::Ok
    })
}
