//! `git chant init`: create the ledger and set the notes config; safe to run again.

use clap::Args;

use crate::error::Error;
use crate::exit::Exit;
use crate::store::Store;

/// Create the ledger and set the notes config; safe to run again.
///
/// Create the ledger (refs/chant/specs with FORMAT, config.md and the default prompt) and
/// set notes.displayRef / notes.rewriteRef. Running it again changes nothing.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant init\n  git chant init --remote origin   plain `git fetch` also brings origin's ledger and notes"
)]
pub struct InitArgs {
    /// Add fetch refspecs to this remote so a plain `git fetch` brings its ledger and notes
    /// into remote-tracking refs (never over your own notes).
    #[arg(long)]
    remote: Option<String>,
}

pub fn run(args: InitArgs) -> Result<Exit, Error> {
    let store = Store::open(".")?;
    let created = crate::ops::init(&store)?;
    let configured = store.ensure_notes_config()?;
    match (created, configured) {
        (true, _) => println!("created refs/chant/specs; notes config set"),
        (false, true) => println!("ledger already present; notes config set"),
        (false, false) => println!("already initialised"),
    }
    if let Some(remote) = &args.remote {
        if store
            .config_string(&format!("remote.{remote}.url"))
            .is_none()
        {
            return Err(crate::spec::id::IdError::Unknown { id: remote.clone() }.into());
        }
        if store.ensure_remote_fetch(remote)? {
            println!("`git fetch {remote}` now also fetches its ledger and notes (into refs/remotes/{remote}/chant/* and refs/notes/remotes/{remote}/*)");
        }
    }
    Ok(Exit::Ok)
}
