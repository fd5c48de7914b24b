//! Notes on code commits: the status-event line format of `refs/notes/chant`, reading a
//! commit's note whatever the fanout, and (`write`) appending lines the way `git notes`
//! writes them.

mod event;
pub mod merge;
mod write;

pub use event::{Event, NoteError};
pub use write::{attach_edit, Appends};

use gix::note::plumbing::State;
use gix::ObjectId;

use crate::store::{Context, Store, StoreError};

/// The note text of `commit` on `notes_ref`, `None` when it has none.
pub fn read(
    store: &Store,
    notes_ref: &str,
    commit: ObjectId,
) -> Result<Option<String>, StoreError> {
    let Some(tip) = store.ref_tip(notes_ref)? else {
        return Ok(None);
    };
    let repo = store.repo();
    let tree = notes_tree(repo, notes_ref, tip)?;
    let mut state = State::new(tree, &repo.objects).context(|| format!("reading {notes_ref}"))?;
    let Some(blob) = state
        .get(&commit, &repo.objects)
        .context(|| format!("reading the note of {commit} on {notes_ref}"))?
    else {
        return Ok(None);
    };
    let data = repo
        .find_blob(blob)
        .context(|| format!("reading note blob {blob}"))?
        .data
        .clone();
    Ok(Some(String::from_utf8_lossy(&data).into_owned()))
}

/// Every note on `notes_ref`: `(annotated object, note blob)`, whatever the fanout. Lists
/// trees only; no note is read.
pub fn list(store: &Store, notes_ref: &str) -> Result<Vec<(ObjectId, ObjectId)>, StoreError> {
    let Some(tip) = store.ref_tip(notes_ref)? else {
        return Ok(Vec::new());
    };
    let repo = store.repo();
    let mut found = Vec::new();
    let mut trees = vec![(String::new(), notes_tree(repo, notes_ref, tip)?)];
    while let Some((prefix, tree)) = trees.pop() {
        for (name, id, is_tree) in crate::store::ledger::tree_entries(repo, tree)? {
            let path = format!("{prefix}{name}");
            if is_tree {
                trees.push((path, id));
            } else if let Ok(object) = ObjectId::from_hex(path.as_bytes()) {
                found.push((object, id));
            }
        }
    }
    Ok(found)
}

/// The status events on `commit`, skipping lines that do not parse.
pub fn events(store: &Store, commit: ObjectId) -> Result<Vec<Event>, StoreError> {
    let text = read(store, crate::store::paths::NOTES_REF, commit)?.unwrap_or_default();
    Ok(text.lines().filter_map(|l| Event::parse(l).ok()).collect())
}

/// The tree of notes commit `tip`.
fn notes_tree(
    repo: &gix::Repository,
    notes_ref: &str,
    tip: ObjectId,
) -> Result<ObjectId, StoreError> {
    Ok(repo
        .find_commit(tip)
        .map_err(|e| StoreError::Corrupt {
            what: format!("{notes_ref} points at {tip}, not a commit: {e}"),
        })?
        .tree_id()
        .context(|| format!("reading the tree of {notes_ref}"))?
        .detach())
}
