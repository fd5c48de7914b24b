//! `git chant mcp`: the MCP server on standard input and output (the work is `crate::mcp`).

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;

/// Serve the Model Context Protocol on stdin/stdout, for agents (Claude Code, Codex, Gemini)
///
/// An MCP server over stdio: newline-delimited JSON-RPC 2.0 on standard input and output,
/// logs on standard error, until standard input ends. It speaks the 2025-06-18 and
/// 2025-11-25 revisions (`initialize`) and 2026-07-28 (the version in each request's
/// `_meta`, `server/discover`). Its tools (list, show, ready, status, search, add, update,
/// transition, check, lint, log, transcript, work, runs, merge, claim, release) run the
/// same operations as the commands and return their reports as structured content; every
/// tool takes `repo`, the repository to work in (default: the directory it was started in).
/// docs/MCP.md in the source describes the protocol and each tool.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant mcp                                   run by an agent, not by hand\n  claude mcp add chant -- git chant mcp           register it with Claude Code\n  git chant mcp < requests.jsonl 2> mcp.log       one JSON-RPC message per line"
)]
pub struct McpArgs {}

pub fn run(ctx: &Ctx, _args: McpArgs) -> Result<Exit, Error> {
    ctx.ui.flush()?;
    let stdin = std::io::stdin();
    let served = crate::mcp::serve(stdin.lock(), std::io::stdout().lock(), std::io::stderr());
    match served {
        Ok(()) => Ok(Exit::Ok),
        // The client went away first: nothing is left to answer.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Exit::Ok),
        Err(source) => Err(Error::Write {
            path: "<stdout>".into(),
            source,
        }),
    }
}
