//! What the client hooks do to the ledger (`cli/hook.rs` runs them): `commit-msg` checks
//! and expands the ids a message names; `post-commit` records the commit on its specs;
//! `post-rewrite` follows amend and rebase.

use std::collections::BTreeMap;

use gix::ObjectId;

use super::{lookup, resolve};
use crate::error::Error;
use crate::hooks::message::{self, References};
use crate::lifecycle::Status;
use crate::notes::{self, Appends, Event};
use crate::spec::id::{self, IdError};
use crate::store::paths::{NOTES_REF, OUTPUT_REF};
use crate::store::trailer::Trailer;
use crate::store::{ids, Change, Context, Store, StoreError};

/// What `commit-msg` decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageCheck {
    /// The message names no spec (the ledger was not read).
    NoReference,
    /// Every id resolved; the message, with short ids expanded.
    Resolved(String),
    /// Ids that did not resolve, with why.
    Unresolved(Vec<IdError>),
}

/// Checks the ids a commit message names against the ledger, expanding unique short ids.
pub fn check_message(store: &Store, text: &str) -> Result<MessageCheck, Error> {
    let refs = message::references(text);
    if refs.is_empty() {
        return Ok(MessageCheck::NoReference);
    }
    let snapshot = store.snapshot()?;
    let mut out = text.to_owned();
    let mut failures = Vec::new();
    // Full ids cost one path lookup each; the id list is read only for a short one.
    let mut all: Option<ids::Ids> = None;
    for short in &refs.ids {
        if snapshot.contains(short)? {
            continue;
        }
        let known = match &all {
            Some(known) => known,
            None => all.insert(ids::load(store, &snapshot)?),
        };
        match id::resolve(short, known.iter()) {
            Ok(full) => out = message::expand(&out, short, &full),
            Err(e) => failures.push(e),
        }
    }
    Ok(if failures.is_empty() {
        MessageCheck::Resolved(out)
    } else {
        MessageCheck::Unresolved(failures)
    })
}

/// What `post-commit` (or `reindex`) did to one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: String,
    pub transition: Option<(String, String)>,
    /// Criteria still open when the message asked to complete the spec.
    pub open: Vec<String>,
}

/// The commit's time, as note events give it.
fn commit_time(store: &Store, commit: ObjectId) -> Result<String, StoreError> {
    let commit = store
        .repo()
        .find_commit(commit)
        .context(|| format!("reading commit {commit}"))?;
    let seconds = commit.time().map(|t| t.seconds).unwrap_or_default();
    Ok(crate::clock::from_unix(seconds))
}

/// Records `commit` on every spec its message names: adds it to `commits:`, moves a
/// pending spec to in_progress, completes it on `Chant-Status: completed` when its criteria
/// allow, and writes the events to the commit's note, all in one transaction.
pub fn record_commit(
    store: &Store,
    commit: ObjectId,
    refs: &References,
) -> Result<Vec<Recorded>, Error> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    let at = commit_time(store, commit)?;
    let full = commit.to_string();
    store.update(|snapshot| {
        let mut change = Change::new(format!("record {}", &full[..12]));
        let mut ops = Vec::new();
        let mut lines = Vec::new();
        let mut recorded = Vec::new();
        for short in &refs.ids {
            let Ok(id) = resolve(store, snapshot, short) else {
                continue;
            };
            let (entry, mut spec) = lookup::load(snapshot, &id)?;
            let mut commits: Vec<String> = spec.commits().iter().map(|c| c.to_string()).collect();
            if !commits
                .iter()
                .any(|c| full.starts_with(c.as_str()) && c.len() >= 7)
            {
                commits.push(full.clone());
                spec.set_list("commits", &commits);
            }
            lines.push(Event::new(&at, &id, "commit").to_line());
            let from = spec.status().to_owned();
            let mut to = from.clone();
            if Status::Pending.is(&from) {
                to = Status::InProgress.to_string();
            }
            let open: Vec<String> = spec
                .criteria()
                .iter()
                .filter(|c| !c.checked)
                .map(|c| format!("{}. {}", c.number, c.text))
                .collect();
            let mut agent_work = false;
            if refs.complete && Status::InProgress.is(&to) && open.is_empty() {
                to = Status::Completed.to_string();
                spec.set_text("completed_at", &at);
                agent_work =
                    super::approval::agent::require_if_agent_work(store, snapshot, &mut spec)?
                        .is_some();
            }
            let transition = (to != from).then(|| (from.clone(), to.clone()));
            if let Some((from, to)) = &transition {
                spec.set_text("status", to);
                let mut event = Event::new(&at, &id, format!("{from}->{to}"));
                if agent_work {
                    event = event.with("approval", "required");
                }
                lines.push(event.to_line());
                ops.push(format!("status {from} -> {to}"));
            }
            // A second run writes the bytes already there, which the store drops.
            change.write_spec(&id, entry.archived, spec.render());
            let open = if refs.complete && !Status::Completed.is(&to) {
                open
            } else {
                Vec::new()
            };
            recorded.push(Recorded {
                id,
                transition,
                open,
            });
        }
        // The specs last-named first, then one `Chant-Op` per transition: the order these
        // ledger commits have always had.
        for r in recorded.iter().rev() {
            change.trailer(Trailer::Spec, &r.id);
        }
        if ops.is_empty() {
            ops.push("record commit".into());
        }
        for op in ops {
            change.trailer(Trailer::Op, op);
        }
        change.trailer(Trailer::Commit, &full);
        if !lines.is_empty() {
            change.ref_edits(Appends::one(NOTES_REF, commit, lines).edits(store)?);
        }
        Ok((change, recorded))
    })
}

/// Follows `git commit --amend` and `git rebase`: every spec that listed an old commit now
/// lists its new one, and notes git did not carry over (no `notes.rewriteRef`) are copied.
pub fn rewrite(store: &Store, pairs: &[(ObjectId, ObjectId)]) -> Result<Vec<String>, Error> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    // Which specs can be affected: those named in the old commits' notes or the new
    // commits' messages.
    let mut named = Vec::new();
    for (old, new) in pairs {
        for event in notes::events(store, *old)? {
            named.push(event.spec);
        }
        if let Ok(commit) = store.repo().find_commit(*new) {
            named.extend(message::references(&commit.message_raw_sloppy().to_string()).ids);
        }
    }
    named.sort();
    named.dedup();
    // Notes git did not carry over (no notes.rewriteRef): status events merge line by line
    // into the new commit's note (post-commit may have written one already); a transcript
    // is copied whole when the new commit has none.
    let mut note_copies: BTreeMap<(String, ObjectId), Vec<String>> = BTreeMap::new();
    for (old, new) in pairs {
        if let Some(text) = notes::read(store, NOTES_REF, *old)? {
            let lines = text.lines().filter(|l| !l.is_empty()).map(str::to_owned);
            note_copies
                .entry((NOTES_REF.to_owned(), *new))
                .or_default()
                .extend(lines);
        }
        if notes::read(store, OUTPUT_REF, *new)?.is_none() {
            if let Some(text) = notes::read(store, OUTPUT_REF, *old)? {
                note_copies.insert(
                    (OUTPUT_REF.to_owned(), *new),
                    vec![text.trim_end_matches('\n').to_owned()],
                );
            }
        }
    }
    let tips = super::reindex::tips(store)?;
    let new_ids: Vec<String> = pairs.iter().map(|(_, new)| new.to_string()).collect();
    // A listed commit this repository has but no branch reaches was rewritten away (the
    // intermediate commits of a squash are not in git's old -> new list).
    let stale = |listed: &str| {
        if new_ids.iter().any(|n| n == listed) {
            return false;
        }
        let Some(id) = store.listed_commit(listed) else {
            return false;
        };
        !tips.iter().any(|tip| {
            *tip == id
                || store
                    .repo()
                    .merge_base(id, *tip)
                    .ok()
                    .flatten()
                    .is_some_and(|base| base.detach() == id)
        })
    };
    store.update(|snapshot| {
        let mut change = Change::new("follow rewritten commits");
        let mut touched = Vec::new();
        for short in &named {
            let Ok(id) = resolve(store, snapshot, short) else {
                continue;
            };
            let (entry, mut spec) = lookup::load(snapshot, &id)?;
            let before: Vec<String> = spec.commits().iter().map(|c| c.to_string()).collect();
            let mut after: Vec<String> = Vec::new();
            for c in &before {
                let mapped = pairs
                    .iter()
                    .find(|(old, _)| c.len() >= 7 && old.to_string().starts_with(c.as_str()))
                    .map_or(c.clone(), |(_, new)| new.to_string());
                if !after.contains(&mapped) && !stale(&mapped) {
                    after.push(mapped);
                }
            }
            if after != before {
                spec.set_list("commits", &after);
                change
                    .write_spec(&id, entry.archived, spec.render())
                    .trailer(Trailer::Spec, &id);
                touched.push(id);
            }
        }
        change.trailer(Trailer::Op, "rewrite");
        let mut notes = Appends::default();
        for ((notes_ref, commit), lines) in &note_copies {
            notes.add(notes_ref, *commit, lines.clone());
        }
        change.ref_edits(notes.edits(store)?);
        Ok((change, touched.clone()))
    })
}
