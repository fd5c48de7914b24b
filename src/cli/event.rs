//! `git chant event` (hidden, for tools and tests): append a status event to a commit's
//! note on refs/notes/chant, by compare-and-swap.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::notes::Event;

/// Append one status event line to the note of a commit.
#[derive(Debug, Args)]
pub struct EventArgs {
    /// The commit to annotate.
    commit: String,
    /// The spec the event belongs to.
    spec: String,
    /// The event word, e.g. `commit` or `pending->in_progress`.
    event: String,
    /// `key=value` attributes.
    attrs: Vec<String>,
}

pub fn run(ctx: &Ctx, args: EventArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let commit = store.resolve_rev(&args.commit)?;
    let at = crate::clock::now();
    let mut event = Event::new(at, &args.spec, &args.event);
    for attr in &args.attrs {
        let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
        event = event.with(k, v);
    }
    crate::ops::record_event(store, commit, &event)?;
    Ok(Exit::Ok)
}
