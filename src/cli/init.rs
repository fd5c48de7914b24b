//! `git chant init`: create the ledger (or, with `--remote`, take the remote's) and set
//! the notes config; with `--agent`, set coding agents up to use it; safe to run again.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::setup::{self, Action, Agent};
use crate::store::{git_cli, Store};

/// Create the ledger and set the notes config; safe to run again.
///
/// Create the ledger (refs/chant/specs with FORMAT, config.md and the default prompt) and
/// set notes.displayRef / notes.rewriteRef. With --remote (the one command a fresh clone
/// needs), fetch that remote's ledger and notes first and start from them; a remote
/// without a ledger gets a new one here, to push with `git chant sync`. Running it again
/// changes nothing.
///
/// With --agent, also set coding agents up to use git chant here, writing only inside the
/// working tree and only git chant's part of each file: Claude Code gets the `chant` MCP
/// server in .mcp.json, a SessionStart hook running `git chant prime` in
/// .claude/settings.json, an instructions block in CLAUDE.md and the skill
/// .claude/skills/chant/SKILL.md; Codex the server in .codex/config.toml and a block in
/// AGENTS.md; Gemini CLI the server in .gemini/settings.json and a block in GEMINI.md.
/// Everything else in those files is kept; --uninstall takes out exactly what was added.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant init\n  git chant init --remote origin   in a clone: take origin's ledger and notes; plain `git fetch` then also brings them\n  git chant init --agent claude    set Claude Code up (MCP server, hook, CLAUDE.md, skill)\n  git chant init --agent all --uninstall"
)]
pub struct InitArgs {
    /// Fetch this remote's ledger and notes and start from them when this clone has none;
    /// also add fetch refspecs so a plain `git fetch` brings them into remote-tracking refs
    /// (never over your own notes).
    #[arg(long)]
    remote: Option<String>,
    /// Set this agent up to use git chant in this repository (`all`: each of them).
    #[arg(long, value_enum, value_name = "AGENT")]
    agent: Option<AgentChoice>,
    /// With --agent: take out what --agent put in, and nothing else (the ledger stays).
    #[arg(long, requires = "agent", conflicts_with = "remote")]
    uninstall: bool,
}

/// The agents `--agent` takes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AgentChoice {
    Claude,
    Codex,
    Gemini,
    All,
}

impl AgentChoice {
    fn agents(self) -> Vec<Agent> {
        match self {
            AgentChoice::Claude => vec![Agent::Claude],
            AgentChoice::Codex => vec![Agent::Codex],
            AgentChoice::Gemini => vec![Agent::Gemini],
            AgentChoice::All => Agent::ALL.to_vec(),
        }
    }
}

pub fn run(ctx: &Ctx, args: InitArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    // Planned first: a file it cannot merge stops `init` before anything changed.
    let plan = match args.agent {
        Some(choice) => Some(setup::plan(
            store.repo().workdir(),
            &choice.agents(),
            args.uninstall,
            crate::files::Limits::from_store(store).spec,
        )?),
        None => None,
    };
    if args.uninstall {
        return agents(ctx, plan);
    }
    let mut adopted = None;
    if let Some(remote) = &args.remote {
        store.check_remote(remote)?;
        git_cli::fetch(store, remote)?;
        adopted = Some(crate::ops::adopt::adopt(store, remote)?);
    }
    let created = crate::ops::init(store)?;
    let configured = store.ensure_notes_config()?;
    let took_ledger = adopted.as_ref().is_some_and(|a| a.ledger);
    let notes = if configured {
        "notes config set"
    } else {
        "notes config already set"
    };
    match (created, took_ledger, configured) {
        (true, _, _) => ctx.ui.line(&format!("created refs/chant/specs; {notes}"))?,
        (false, true, _) => ctx.ui.line(&format!(
            "took {}'s ledger into refs/chant/specs; {notes}",
            args.remote.as_deref().unwrap_or_default()
        ))?,
        (false, false, true) => ctx.ui.line("ledger already present; notes config set")?,
        (false, false, false) => ctx.ui.line("already initialised")?,
    }
    if let (Some(remote), Some(adopted)) = (&args.remote, &adopted) {
        for notes_ref in &adopted.notes {
            ctx.ui
                .line(&format!("took {remote}'s notes into {notes_ref}"))?;
        }
        let theirs = store.ref_tip(&git_cli::remote_ledger(remote))?;
        if created && theirs.is_none() {
            ctx.ui.line(&format!(
                "{remote} has no ledger yet: `git chant sync {remote}` pushes this one"
            ))?;
        } else if !took_ledger && theirs.is_some() && theirs != store.ledger_tip()? {
            ctx.ui.line(&format!(
                "this clone had a ledger of its own: `git chant sync {remote}` merges {remote}'s into it"
            ))?;
        }
        if store.ensure_remote_fetch(remote)? {
            ctx.ui.line(&format!("`git fetch {remote}` now also fetches its ledger and notes (into refs/remotes/{remote}/chant/* and refs/notes/remotes/{remote}/*)"))?;
        }
        hooks_advice(ctx, store)?;
    }
    agents(ctx, plan)
}

/// Sets the chosen agents up (or takes that out again), one line per file.
fn agents(ctx: &Ctx, plan: Option<setup::Plan>) -> Result<Exit, Error> {
    let Some(plan) = plan else {
        return Ok(Exit::Ok);
    };
    let report = plan.write()?;
    for file in &report.files {
        let action = match file.action {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Unchanged => "unchanged",
            Action::Removed => "removed",
        };
        ctx.ui.line(&format!(
            "{action:<9} {:<29} {}: {}",
            file.path,
            file.agent.name(),
            file.part
        ))?;
    }
    for note in &report.notes {
        ctx.ui.line(&format!("note: {note}"))?;
    }
    Ok(Exit::Ok)
}

/// Says how to install the client hooks when they are not all installed.
fn hooks_advice(ctx: &Ctx, store: &Store) -> Result<(), Error> {
    use crate::hooks::install;
    let dir = install::hooks_dir(store);
    let missing: Vec<String> = install::status(&dir, install::CLIENT_HOOKS)
        .into_iter()
        .filter(|(_, installed, executable)| !(*installed && *executable))
        .map(|(name, ..)| name)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    ctx.ui.line(&format!(
        "hooks: {} not installed; `git chant hooks install` makes commits that say `chant(<id>): …` advance their specs",
        missing.join(", ")
    ))
}
