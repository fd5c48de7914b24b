//! `git chant validate`: the server's push checks for one ref update, for CI on hosts
//! without custom hooks.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::hooks::server::{self, Policy, Update};

/// The server's push checks for one ref update, for CI.
///
/// Run the pre-receive checks on one ref update (as a CI job after
/// `git fetch origin 'refs/chant/*:refs/chant/*' 'refs/notes/chant*:refs/notes/chant*'`).
/// Revisions may be names or ids; 0000000000000000000000000000000000000000 means "none".
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant validate $BEFORE $AFTER refs/chant/specs\n  git chant validate 0000000000000000000000000000000000000000 refs/chant/specs refs/chant/specs --json\n\nExit codes: 0 valid, 4 rejected (every problem printed)."
)]
pub struct ValidateArgs {
    /// The ref's old value.
    old: String,
    /// The ref's new value.
    new: String,
    /// The ref being updated, e.g. refs/chant/specs.
    ref_name: String,
    /// The problems as a JSON array (`ref`, `spec`, `field`, `rule`, `message`).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: ValidateArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let resolve = |rev: &str| -> Result<String, Error> {
        if rev.len() == 40 && rev.bytes().all(|b| b == b'0') {
            return Ok(rev.to_owned());
        }
        Ok(store.resolve_rev(rev)?.to_string())
    };
    let update = Update::new(&resolve(&args.old)?, &resolve(&args.new)?, &args.ref_name);
    let problems = server::check_push(store, &[update], &Policy::from_config(store))?;
    if args.json {
        ctx.ui.json(&problems)?;
    } else if problems.is_empty() {
        ctx.ui.line(&format!("{}: valid", args.ref_name))?;
    } else {
        ctx.ui.text(&server::render(&problems))?;
    }
    Ok(if problems.is_empty() {
        Exit::Ok
    } else {
        Exit::Validation
    })
}
