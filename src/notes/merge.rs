//! Merging another clone's notes into ours, per annotated commit: status events as the
//! union of their lines (what `git notes merge -s cat_sort_uniq` does), transcripts both
//! kept. Only notes the other side changed since the merge base are visited.

use gix::note::plumbing::State;
use gix::refs::transaction::RefEdit;
use gix::ObjectId;

use crate::store::diff::diff_trees;
use crate::store::{cas_ref_edit, Context, Store, StoreError};

/// Separates two transcripts of one commit that both clones attached.
const TRANSCRIPT_SEPARATOR: &str = "\n\n--- git chant: another transcript of this commit ---\n\n";

/// The merged text of one note.
pub fn merge_note(events: bool, ours: Option<&str>, theirs: &str) -> String {
    let Some(ours) = ours else {
        return theirs.to_owned();
    };
    if events {
        let mut lines: Vec<&str> = ours
            .lines()
            .chain(theirs.lines())
            .filter(|l| !l.trim().is_empty())
            .collect();
        lines.sort_unstable();
        lines.dedup();
        return lines.iter().map(|l| format!("{l}\n")).collect();
    }
    if ours == theirs || ours.contains(theirs) {
        return ours.to_owned();
    }
    if theirs.contains(ours) {
        return theirs.to_owned();
    }
    let (first, second) = if ours <= theirs {
        (ours, theirs)
    } else {
        (theirs, ours)
    };
    format!(
        "{}{TRANSCRIPT_SEPARATOR}{}",
        first.trim_end_matches('\n'),
        second
    )
}

use crate::store::ledger::commit_tree as tree_of;

/// The edit that merges notes commit `theirs` into `notes_ref`: a fast-forward when one
/// side contains the other, else a merge commit with both parents. `None` when there is
/// nothing to do.
pub fn merge_edit(
    store: &Store,
    notes_ref: &str,
    theirs: ObjectId,
) -> Result<Option<RefEdit>, StoreError> {
    let repo = store.repo();
    let Some(ours) = store.ref_tip(notes_ref)? else {
        return cas_ref_edit(notes_ref, None, theirs, "notes fast-forward").map(Some);
    };
    if ours == theirs || store.is_ancestor(theirs, ours) {
        return Ok(None);
    }
    if store.is_ancestor(ours, theirs) {
        return cas_ref_edit(notes_ref, Some(ours), theirs, "notes fast-forward").map(Some);
    }
    let base = repo
        .merge_base(ours, theirs)
        .ok()
        .flatten()
        .map(|b| b.detach());
    let base_tree = match base {
        Some(b) => Some(tree_of(repo, b)?),
        None => None,
    };
    let events = !notes_ref.ends_with("-output");
    let mut state = State::new(tree_of(repo, ours)?, &repo.objects)
        .context(|| format!("reading {notes_ref}"))?;
    for change in diff_trees(repo, base_tree, Some(tree_of(repo, theirs)?))? {
        let Some(blob) = change.new else { continue };
        let hex = change.path.replace('/', "");
        let Ok(object) = ObjectId::from_hex(hex.as_bytes()) else {
            continue;
        };
        let read = |id: ObjectId| -> Result<String, StoreError> {
            Ok(String::from_utf8_lossy(
                &repo
                    .find_blob(id)
                    .context(|| format!("reading note {id}"))?
                    .data,
            )
            .into_owned())
        };
        let their_text = read(blob)?;
        let our_blob = state
            .get(&object, &repo.objects)
            .context(|| format!("reading the note of {object}"))?;
        let our_text = match our_blob {
            Some(id) => Some(read(id)?),
            None => None,
        };
        let merged = merge_note(events, our_text.as_deref(), &their_text);
        if our_text.as_deref() != Some(merged.as_str()) {
            let id = repo
                .write_blob(merged.as_bytes())
                .context(|| "writing a merged note".to_owned())?
                .detach();
            state
                .edit(object, Some(id), &repo.objects)
                .context(|| format!("merging the note of {object}"))?;
        }
    }
    let tree = state
        .write(&repo.objects)
        .context(|| format!("writing {notes_ref}"))?;
    let commit = store.write_commit("Notes merged by 'git chant'", tree, [ours, theirs])?;
    cas_ref_edit(notes_ref, Some(ours), commit, "notes merge").map(Some)
}

#[cfg(test)]
mod tests {
    use super::merge_note;

    #[test]
    fn event_notes_merge_as_sorted_unique_lines() {
        let ours = "2026-01-01T00:00:02Z a commit\n2026-01-01T00:00:01Z a start\n";
        let theirs = "2026-01-01T00:00:01Z a start\n2026-01-01T00:00:03Z b commit\n";
        let merged = merge_note(true, Some(ours), theirs);
        assert_eq!(merged, "2026-01-01T00:00:01Z a start\n2026-01-01T00:00:02Z a commit\n2026-01-01T00:00:03Z b commit\n");
        assert_eq!(merge_note(true, Some(theirs), ours), merged, "symmetric");
    }

    #[test]
    fn two_transcripts_are_both_kept_in_a_fixed_order() {
        let merged = merge_note(false, Some("run one\n"), "run two\n");
        assert!(merged.starts_with("run one") && merged.ends_with("run two\n"));
        assert_eq!(merge_note(false, Some("run two\n"), "run one\n"), merged);
        assert_eq!(
            merge_note(false, Some(&merged), "run one\n"),
            merged,
            "merging again changes nothing"
        );
    }
}
