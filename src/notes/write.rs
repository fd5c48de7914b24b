//! Writing notes as ref edits a ledger `Change` publishes: lines appended the way `git
//! notes append` writes them ([`Appends`]), and a transcript attached whole
//! ([`attach_edit`]). Each edit is a notes commit on the ref's current tip, expected by
//! compare-and-swap; built inside `Store::update`'s operation, it is rebuilt on the new
//! tip whenever a race is lost, in the one transaction with the ledger commit.

use std::collections::BTreeMap;

use gix::note::plumbing::State;
use gix::refs::transaction::RefEdit;
use gix::ObjectId;

use super::{event, merge, notes_tree};
use crate::store::paths::NOTES_REF;
use crate::store::{cas_ref_edit, Context, Store, StoreError};

/// The message of every notes commit git chant writes.
const NOTES_MESSAGE: &str = "Notes added by 'git chant'";

/// Lines to append to the notes of commits, gathered for one write. Lines a note already
/// has are not repeated, so re-applying an operation after a lost race adds nothing twice.
#[derive(Debug, Default)]
pub struct Appends {
    /// Per notes ref, in the order added: the commit and its lines.
    by_ref: BTreeMap<String, Vec<(ObjectId, Vec<String>)>>,
}

impl Appends {
    /// The lines for one commit's note.
    pub fn one(notes_ref: &str, commit: ObjectId, lines: Vec<String>) -> Appends {
        let mut appends = Appends::default();
        appends.add(notes_ref, commit, lines);
        appends
    }

    /// Adds `lines` for the note of `commit` on `notes_ref`.
    pub fn add(&mut self, notes_ref: &str, commit: ObjectId, lines: Vec<String>) -> &mut Self {
        self.by_ref
            .entry(notes_ref.to_owned())
            .or_default()
            .push((commit, lines));
        self
    }

    /// One compare-and-swap edit per notes ref that gains a line, built on the ref's tip as
    /// it is now (call it inside the `update` operation, so a retry rebuilds it); none for
    /// a ref whose notes already have every line.
    pub fn edits(&self, store: &Store) -> Result<Vec<RefEdit>, StoreError> {
        let mut edits = Vec::new();
        for (notes_ref, appends) in &self.by_ref {
            edits.extend(append_edit(store, notes_ref, appends)?);
        }
        Ok(edits)
    }
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

/// The text of `commit`'s note in `state`, `None` when it has none.
fn note_text(
    repo: &gix::Repository,
    state: &mut State,
    commit: ObjectId,
) -> Result<Option<String>, StoreError> {
    let Some(blob) = state
        .get(&commit, &repo.objects)
        .context(|| format!("reading the note of {commit}"))?
    else {
        return Ok(None);
    };
    let data = repo
        .find_blob(blob)
        .context(|| format!("reading note {blob}"))?
        .data
        .clone();
    Ok(Some(String::from_utf8_lossy(&data).into_owned()))
}

/// Builds the notes commit for `appends` (all on `notes_ref`) on top of the ref's current
/// tip and returns the compare-and-swap edit that publishes it; `None` when every line is
/// already there.
fn append_edit(
    store: &Store,
    notes_ref: &str,
    appends: &[(ObjectId, Vec<String>)],
) -> Result<Option<RefEdit>, StoreError> {
    let repo = store.repo();
    let (tip, mut state) = open_state(store, notes_ref)?;
    let mut changed = false;
    for (commit, lines) in appends {
        let mut text = note_text(repo, &mut state, *commit)?.unwrap_or_default();
        // Only lines the note already had are skipped: a retried operation adds nothing
        // twice, while a multi-line piece (a copied transcript) is kept whole.
        let present: std::collections::HashSet<&str> = text.lines().collect();
        let fresh: Vec<&String> = lines
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
        if notes_ref == NOTES_REF {
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
            .edit(*commit, Some(blob.detach()), &repo.objects)
            .context(|| format!("adding the note of {commit}"))?;
        changed = true;
    }
    if !changed {
        return Ok(None);
    }
    let tree = state
        .write(&repo.objects)
        .context(|| format!("writing {notes_ref}"))?;
    let commit = store.write_commit(NOTES_MESSAGE, tree, tip)?;
    cas_ref_edit(notes_ref, tip, commit, "notes").map(Some)
}

/// The edit that attaches `text` as the note of `commit` on `notes_ref` (a transcript):
/// written whole, byte for byte; a different note already there is kept beside it.
pub fn attach_edit(
    store: &Store,
    notes_ref: &str,
    commit: ObjectId,
    text: &str,
) -> Result<RefEdit, StoreError> {
    let repo = store.repo();
    let (tip, mut state) = open_state(store, notes_ref)?;
    let existing = note_text(repo, &mut state, commit)?;
    let note = merge::merge_note(false, existing.as_deref(), text);
    let blob = repo
        .write_blob(note.as_bytes())
        .context(|| "writing a note".to_owned())?;
    let tree = state
        .replace(commit, blob.detach(), &repo.objects)
        .context(|| format!("attaching the note of {commit}"))?
        .tree;
    let new = store.write_commit(NOTES_MESSAGE, tree, tip)?;
    cas_ref_edit(notes_ref, tip, new, "notes")
}
