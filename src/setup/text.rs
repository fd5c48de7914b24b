//! What git chant writes into an agent's files: the instructions (one text, shared by the
//! markdown blocks, the Claude skill and `git chant prime`), the markers around its blocks,
//! and its entries in the agents' JSON and TOML settings.

use serde_json::{json, Value};

/// How to work with git chant here: under 40 lines, so it costs little of an agent's
/// context in every session.
pub const INSTRUCTIONS: &str = "\
## Working with git chant

This repository keeps its work specs in git chant: a ledger on `refs/chant/specs`, not
files in the working tree. Never create, edit or delete spec files by hand; change specs
only through git chant.

- **Context**: `git chant prime` prints the spec this worktree is for, its open criteria,
  the claimed and in-progress specs and what is ready.
- **Tools**: when the `chant` MCP server's tools are available, use them; otherwise the
  commands below (add `--json` to read commands for machine-readable output).
- **Find work**: `git chant ready`; `git chant claim <id>` before starting on a spec
  others may take too.
- **Read a spec**: `git chant show <id>` (acceptance criteria are numbered).
- **Start**: `git chant start <id>` (a `git chant work` run has started it already).
- **Commit** with the subject `chant(<id>): <what changed>`; the hooks record the commit
  on the spec.
- **Tick** a criterion once it is met: `git chant check <id> <n>`.
- **Finish**: `git chant done <id>` when every criterion is ticked, or
  `git chant fail <id> --reason \"…\"` when it cannot be done.
- **New work** you find: `git chant add \"<title>\"`, never a file.
";

/// The first line of a block of ours in a markdown file.
pub const MD_BEGIN: &str = "<!-- git-chant:begin -->";
/// The last line of a block of ours in a markdown file.
pub const MD_END: &str = "<!-- git-chant:end -->";
/// The first line of our block in a TOML file.
pub const TOML_BEGIN: &str = "# git-chant:begin";
/// The last line of our block in a TOML file.
pub const TOML_END: &str = "# git-chant:end";

/// The block of ours in `CLAUDE.md`, `AGENTS.md` and `GEMINI.md`.
pub fn markdown_block() -> String {
    format!("{MD_BEGIN}\n{INSTRUCTIONS}{MD_END}\n")
}

/// The name of the Claude Code skill (its folder under `.claude/skills/`).
pub const SKILL_NAME: &str = "chant";

/// `.claude/skills/chant/SKILL.md`, ours entirely.
pub fn skill() -> String {
    format!(
        "---\nname: {SKILL_NAME}\ndescription: Work on this repository's git chant specs (find ready work, read a spec, commit as chant(<id>), tick its criteria, finish it). Use when asked to pick up, work on, create or finish a spec or task here.\n---\n{INSTRUCTIONS}"
    )
}

/// The name of our MCP server in every agent's settings.
pub const SERVER: &str = "chant";

/// Our MCP server as Claude Code's `.mcp.json` and Gemini CLI's `settings.json` take it:
/// a stdio server started as `git chant mcp` in the project's directory.
pub fn mcp_server() -> Value {
    json!({"command": "git", "args": ["chant", "mcp"]})
}

/// The command our Claude Code `SessionStart` hook runs.
pub const PRIME: &str = "git chant prime";

/// Our entry in `hooks.SessionStart` of `.claude/settings.json`: on every way a session
/// starts (a resumed or compacted one has lost or may lack the context too).
pub fn session_start_hook() -> Value {
    json!({
        "matcher": "startup|resume|clear|compact",
        "hooks": [{"type": "command", "command": PRIME}]
    })
}

/// Our block in `.codex/config.toml`.
pub fn toml_block() -> String {
    format!(
        "{TOML_BEGIN}\n[mcp_servers.{SERVER}]\ncommand = \"git\"\nargs = [\"chant\", \"mcp\"]\n{TOML_END}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instructions_stay_short_and_name_the_commands() {
        assert!(INSTRUCTIONS.lines().count() < 40);
        for needle in [
            "git chant ready",
            "git chant show <id>",
            "chant(<id>): ",
            "git chant check <id> <n>",
            "git chant done <id>",
            "git chant prime",
            "`chant` MCP server",
        ] {
            assert!(INSTRUCTIONS.contains(needle), "{needle}");
        }
        assert!(skill().starts_with("---\nname: chant\ndescription: "));
    }
}
