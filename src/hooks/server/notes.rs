//! The notes refs' pushed history: every commit's tree holds only notes in git's fanout
//! (checked by the walker), each note within `chant.maxNoteBytes`, and on
//! `refs/notes/chant` every line an event naming a spec of the ledger.

use gix::ObjectId;

use super::layout::{Item, Level};
use super::ledger::Pushed;
use super::report::{Policy, Report, Rule};
use super::specs::Shards;
use super::tree::Walker;
use crate::notes::Event;
use crate::store::ledger::Snapshot;
use crate::store::{Context, StoreError};

pub(crate) fn check_notes(
    repo: &gix::Repository,
    report: &mut Report,
    walker: &mut Walker<'_>,
    commits: &[Pushed],
    ledger_tree: Option<ObjectId>,
    events: bool,
    policy: &Policy,
) -> Result<(), StoreError> {
    // Spec lookups in the ledger: fixed paths, safe even on a tree still being pushed.
    let mut ids = Shards::new(Snapshot::of_tree(
        repo,
        ledger_tree.unwrap_or_else(|| ObjectId::empty_tree(repo.object_hash())),
    ));
    for commit in commits {
        walker.bytes = walker.bytes.saturating_add(commit.size);
        let first = match commit.parents.first() {
            Some(p) => Some(crate::store::ledger::commit_tree(repo, *p)?),
            None => None,
        };
        let changes = walker.changes(report, commit.tree, first, Level::Notes(String::new()))?;
        if !events {
            continue;
        }
        for change in changes {
            let (Item::Note(object), Some(blob)) = (&change.item, change.file.new) else {
                continue;
            };
            let size = repo.find_header(blob).map(|h| h.size()).unwrap_or(u64::MAX);
            if size > policy.max_note_bytes {
                continue; // reported by the walker
            }
            let data = repo
                .find_blob(blob)
                .context(|| format!("reading the note on {object}"))?
                .data
                .clone();
            let Ok(text) = String::from_utf8(data) else {
                report.refuse(
                    Rule::Note,
                    format!("the note on {object} is not UTF-8 text"),
                );
                continue;
            };
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                match Event::parse(line) {
                    Err(e) => report.refuse(Rule::Note, format!("the note on {object}: {e}")),
                    Ok(event) => {
                        if ids.find(&event.spec)?.is_none() {
                            report.add(
                                Some(&event.spec),
                                None,
                                Rule::Note,
                                format!(
                                    "the note on {object} names spec {} that is not in the ledger",
                                    event.spec
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
