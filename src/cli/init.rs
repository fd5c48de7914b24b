//! `git chant init`: create the ledger (or, with `--remote`, take the remote's) and set
//! the notes config; safe to run again.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::store::{git_cli, Store};

/// Create the ledger and set the notes config; safe to run again.
///
/// Create the ledger (refs/chant/specs with FORMAT, config.md and the default prompt) and
/// set notes.displayRef / notes.rewriteRef. With --remote (the one command a fresh clone
/// needs), fetch that remote's ledger and notes first and start from them; a remote
/// without a ledger gets a new one here, to push with `git chant sync`. Running it again
/// changes nothing.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant init\n  git chant init --remote origin   in a clone: take origin's ledger and notes; plain `git fetch` then also brings them"
)]
pub struct InitArgs {
    /// Fetch this remote's ledger and notes and start from them when this clone has none;
    /// also add fetch refspecs so a plain `git fetch` brings them into remote-tracking refs
    /// (never over your own notes).
    #[arg(long)]
    remote: Option<String>,
}

pub fn run(ctx: &Ctx, args: InitArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
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
