//! `git chant doctor`: find (and with `--fix` repair) what stops git chant working here.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::doctor::{self, State};

/// Find what a killed writer or an old version left behind, and repair it with --fix.
///
/// Checks the lock files of the ledger and notes refs (a writer killed while holding one
/// makes every later write wait and fail), leftover temporary files, the notes config, the
/// hooks, the agent worktrees, and spec files stored where no command reads them. With
/// `--fix` it removes stale locks (older than 30 s, and only when no git or git-chant is
/// running in the repository), removes temporary files, sets the notes config, prunes the
/// worktrees git lists but whose folders are gone, and moves misplaced specs to their
/// shards in one ledger commit. It never installs hooks or removes agent worktrees: it
/// names the command that does.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant doctor\n  git chant doctor --fix\n  git chant doctor --json | jq '.[] | select(.state == \"problem\")'\n\nExit codes: 0 nothing wrong (or all of it fixed), 1 a problem remains."
)]
pub struct DoctorArgs {
    /// Repair what can be repaired safely.
    #[arg(long)]
    fix: bool,
    /// A JSON array of checks (`area`, `state`: ok|problem|fixed|advice, `message`, `next`).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: DoctorArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let checks = doctor::doctor(store, args.fix)?;
    if args.json {
        ctx.ui.json(&checks)?;
    } else {
        let mut text = String::new();
        for check in &checks {
            let state = match check.state {
                State::Ok => "ok",
                State::Problem => "problem",
                State::Fixed => "fixed",
                State::Advice => "advice",
            };
            text.push_str(&format!("{state:<8} {}: {}\n", check.area, check.message));
            if let Some(next) = &check.next {
                text.push_str(&format!("         next: {next}\n"));
            }
        }
        ctx.ui.text(&text)?;
    }
    let problem = checks.iter().any(|c| c.state == State::Problem);
    Ok(if problem { Exit::User } else { Exit::Ok })
}
