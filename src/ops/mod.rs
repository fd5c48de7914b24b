//! The ledger operations behind the commands. Each takes its inputs explicitly (the store,
//! the ids, the time) and writes through the compare-and-swap loop, so tests call exactly
//! what the commands call.

pub mod activity;
mod add;
pub mod adopt;
pub mod approval;
pub mod claim;
pub mod conflicts;
pub mod doctor;
pub mod drift;
mod edit;
pub mod export;
pub mod export_formats;
mod fields;
pub mod import;
pub mod kept;
pub mod lint;
pub mod list_json;
pub mod lookup;
pub mod partial;
pub mod prime;
pub mod query;
pub mod record;
pub(crate) mod reindex;
pub mod reports;
pub mod search;
mod search_cache;
pub mod sync;
pub mod template;
pub mod transcript;
mod transition;
mod update;
pub mod view;

pub use add::{add, NewSpec};
pub use edit::{save_edit, Saved};
pub use fields::{archive, check, set, SetAction, Written};
pub use lookup::{load, resolve};
pub use reindex::{reindex, Report, Scope};
pub use transition::{transition, Target, Transitioned};
pub use update::{update, BodyEdit, Update};

use crate::error::Error;
use crate::notes::{Appends, Event};
use crate::store::paths::{CONFIG_PATH, FORMAT, FORMAT_PATH, NOTES_REF};
use crate::store::trailer::Trailer;
use crate::store::{Change, Store};

/// The `config.md` a new ledger starts with (upstream chant's format).
pub const DEFAULT_CONFIG: &str = "---\nproject:\n  name: project\ndefaults:\n  prompt: standard\n---\n# Project configuration\n\nSettings for git chant and upstream chant. Edit with `git chant edit` once that exists,\nor replace this file in the ledger.\n";

/// The prompt `git chant work` uses unless a spec names another.
pub const DEFAULT_PROMPT: &str = "---\nname: standard\n---\n# {{spec.title}}\n\nYou are working on spec {{spec.id}} of {{project.name}}, in its own worktree on branch {{worktree.branch}}.\n\n{{spec.description}}\n";

/// Creates the ledger if it does not exist. Returns whether it was created.
pub fn init(store: &Store) -> Result<bool, Error> {
    let created = store.update(|snapshot| {
        if snapshot.commit.is_some() {
            return Ok::<_, Error>((Change::default(), false));
        }
        let mut change = Change::new("init");
        change
            .trailer(Trailer::Op, "init")
            .write(FORMAT_PATH, FORMAT)
            .write(CONFIG_PATH, DEFAULT_CONFIG)
            .write("prompts/standard.md", DEFAULT_PROMPT);
        Ok((change, true))
    })?;
    Ok(created)
}

/// Appends one status event to the note of `commit` on `refs/notes/chant` (`git chant
/// event`), by compare-and-swap; a line the note already has is not added again.
pub fn record_event(store: &Store, commit: gix::ObjectId, event: &Event) -> Result<(), Error> {
    store.update(|_| {
        let note = Appends::one(NOTES_REF, commit, vec![event.to_line()]);
        let mut change = Change::default();
        change.ref_edits(note.edits(store)?);
        Ok::<_, Error>((change, ()))
    })
}

pub use crate::clock::{now, today};
