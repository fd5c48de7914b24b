//! `git chant init`: create the ledger and set the notes config; safe to run again.

use clap::Args;

use crate::error::Error;
use crate::exit::Exit;
use crate::store::Store;

/// Create the ledger (refs/chant/specs with FORMAT, config.md and the default prompt) and
/// set notes.displayRef / notes.rewriteRef. Running it again changes nothing.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  git chant init\n  git -C path/to/repo chant init")]
pub struct InitArgs {}

pub fn run(_args: InitArgs) -> Result<Exit, Error> {
    let store = Store::open(".")?;
    let created = crate::ops::init(&store)?;
    let configured = store.ensure_notes_config()?;
    match (created, configured) {
        (true, _) => println!("created refs/chant/specs; notes config set"),
        (false, true) => println!("ledger already present; notes config set"),
        (false, false) => println!("already initialised"),
    }
    Ok(Exit::Ok)
}
