//! Notes on code commits: the status-event line format of `refs/notes/chant`, reading a
//! commit's note whatever the fanout, and appending lines the way `git notes` writes them.

mod event;
pub mod merge;

pub use event::{Event, NoteError};

use gix::note::plumbing::State;
use gix::ObjectId;

use crate::store::{Context, NoteAppend, Store, StoreError};

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

/// The tip of a notes ref (`None` before its first note) and its tree, ready to edit.
fn open_state(store: &Store, notes_ref: &str) -> Result<(Option<ObjectId>, State), StoreError> {
    let repo = store.repo();
    let tip = store.ref_tip(notes_ref)?;
    let tree = match tip {
        Some(tip) => notes_tree(repo, notes_ref, tip)?,
        None => ObjectId::empty_tree(repo.object_hash()),
    };
    let state = State::new(tree, &repo.objects).context(|| format!("reading {notes_ref}"))?;
    Ok((tip, state))
}

/// Builds the notes commit for `appends` (all on `notes_ref`) on top of the ref's current
/// tip and returns the compare-and-swap edit that publishes it; `None` when every line is
/// already there.
pub(crate) fn append_edit<'a>(
    store: &Store,
    notes_ref: &str,
    appends: impl Iterator<Item = &'a NoteAppend>,
) -> Result<Option<gix::refs::transaction::RefEdit>, StoreError> {
    let repo = store.repo();
    let (tip, mut state) = open_state(store, notes_ref)?;
    let mut changed = false;
    for append in appends {
        let existing = match state
            .get(&append.commit, &repo.objects)
            .context(|| format!("reading the note of {}", append.commit))?
        {
            Some(blob) => repo
                .find_blob(blob)
                .context(|| format!("reading note {blob}"))?
                .data
                .clone(),
            None => Vec::new(),
        };
        let mut text = String::from_utf8_lossy(&existing).into_owned();
        // Only lines the note already had are skipped: a retried operation adds nothing
        // twice, while a multi-line piece (a copied transcript) is kept whole.
        let present: std::collections::HashSet<&str> = text.lines().collect();
        let fresh: Vec<&String> = append
            .lines
            .iter()
            .filter(|l| !present.contains(l.as_str()))
            .collect();
        let mut added = false;
        for line in fresh {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(line);
            text.push('\n');
            added = true;
        }
        if notes_ref == crate::store::paths::NOTES_REF {
            if let Some(deduped) = event::one_commit_event_per_spec(&text) {
                text = deduped;
                added = true;
            }
        }
        if !added {
            continue;
        }
        let blob = repo
            .write_blob(text.as_bytes())
            .context(|| "writing a note".to_owned())?;
        state
            .edit(append.commit, Some(blob.detach()), &repo.objects)
            .context(|| format!("adding the note of {}", append.commit))?;
        changed = true;
    }
    if !changed {
        return Ok(None);
    }
    let tree = state
        .write(&repo.objects)
        .context(|| format!("writing {notes_ref}"))?;
    let commit = store.write_commit("Notes added by 'git chant'", tree, tip)?;
    crate::store::cas_ref_edit(notes_ref, tip, commit, "notes").map(Some)
}

/// The edit that attaches `text` as the note of `commit` on `notes_ref` (a transcript):
/// written whole, byte for byte; a different note already there is kept beside it.
pub fn attach_edit(
    store: &Store,
    notes_ref: &str,
    commit: ObjectId,
    text: &str,
) -> Result<gix::refs::transaction::RefEdit, StoreError> {
    let repo = store.repo();
    let (tip, mut state) = open_state(store, notes_ref)?;
    let existing = match state
        .get(&commit, &repo.objects)
        .context(|| format!("reading the note of {commit}"))?
    {
        Some(blob) => Some(
            String::from_utf8_lossy(
                &repo
                    .find_blob(blob)
                    .context(|| format!("reading note {blob}"))?
                    .data,
            )
            .into_owned(),
        ),
        None => None,
    };
    let note = merge::merge_note(false, existing.as_deref(), text);
    let blob = repo
        .write_blob(note.as_bytes())
        .context(|| "writing a note".to_owned())?;
    let tree = state
        .replace(commit, blob.detach(), &repo.objects)
        .context(|| format!("attaching the note of {commit}"))?
        .tree;
    let new = store.write_commit("Notes added by 'git chant'", tree, tip)?;
    crate::store::cas_ref_edit(notes_ref, tip, new, "notes")
}
