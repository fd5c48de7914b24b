//! Sharing the ledger: merging another ledger and another clone's notes into ours, and
//! `sync` = fetch, merge, push without force, again while the remote keeps moving.

use gix::ObjectId;

use super::claim::{self, Yielded};
use crate::error::Error;
use crate::merge::ledger::{conflict_trailers, merge_trees};
use crate::merge::spec::FieldConflict;
use crate::notes::merge::merge_edit;
use crate::store::git_cli::{self, Pushed};
use crate::store::paths::{NOTES_REF, OUTPUT_REF};
use crate::store::trailer::Trailer;
use crate::store::{Change, Context, Store, StoreError};

/// What merging another ledger did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// Theirs was already contained in ours.
    UpToDate,
    /// Ours moved forward to theirs.
    FastForward,
    /// A merge commit with both parents, and the both-sided differences it decided.
    Merged {
        changed: usize,
        conflicts: Vec<FieldConflict>,
    },
}

fn tree_of(store: &Store, commit: ObjectId) -> Result<ObjectId, Error> {
    Ok(store
        .repo()
        .find_commit(commit)
        .context(|| format!("reading {commit}"))?
        .tree_id()
        .context(|| format!("reading the tree of {commit}"))?
        .detach())
}

/// Merges ledger commit `theirs` into `refs/chant/specs` (a merge commit written by
/// compare-and-swap; re-merged if the ledger moved meanwhile).
pub fn merge_ledger(store: &Store, theirs: ObjectId, label: &str) -> Result<Merge, Error> {
    // Theirs must be a ledger this code reads.
    store.snapshot_at(theirs)?;
    store.update(|snapshot| {
        let fast_forward = || {
            let mut change = Change::new(format!("fast-forward to {label}"));
            change.fast_forward(theirs);
            change
        };
        let Some(ours) = snapshot.commit else {
            return Ok::<_, Error>((fast_forward(), Merge::FastForward));
        };
        if store.is_ancestor(theirs, ours) {
            return Ok((Change::default(), Merge::UpToDate));
        }
        if store.is_ancestor(ours, theirs) {
            return Ok((fast_forward(), Merge::FastForward));
        }
        let base = store
            .repo()
            .merge_base(ours, theirs)
            .ok()
            .flatten()
            .map(|b| b.detach());
        let base_tree = match base {
            Some(b) => Some(tree_of(store, b)?),
            None => None,
        };
        let merged = merge_trees(
            store.repo(),
            base_tree,
            snapshot.tree,
            tree_of(store, theirs)?,
        )?;
        let outcome = Merge::Merged {
            changed: merged.changed.len(),
            conflicts: merged.conflicts.clone(),
        };
        let mut change = Change::new(format!("merge {label}"));
        for id in &merged.changed {
            change.trailer(Trailer::Spec, id);
        }
        change.trailer(Trailer::Op, "merge");
        for value in conflict_trailers(&merged.conflicts) {
            change.trailer(Trailer::Conflict, value);
        }
        change.write_files(merged.writes).merge_parent(theirs);
        Ok((change, outcome))
    })
}

/// Merges the remote-tracking notes of `remote` into the local notes refs.
pub fn merge_notes(store: &Store, remote: &str) -> Result<(), Error> {
    for notes_ref in [NOTES_REF, OUTPUT_REF] {
        let Some(theirs) = store.ref_tip(&git_cli::remote_notes(remote, notes_ref))? else {
            continue;
        };
        store.update(|_| {
            let mut change = Change::default();
            change.ref_edits(merge_edit(store, notes_ref, theirs)?);
            Ok::<_, Error>((change, ()))
        })?;
    }
    Ok(())
}

/// What a fetch-merge-push run did besides merging.
#[derive(Debug, Default)]
pub struct Synced {
    /// The ledger commit the remote accepted (what the last push sent).
    pub pushed: Option<ObjectId>,
    /// Claims of this clone dropped for the remote's (see [`crate::ops::claim::yield_to`]).
    pub yielded: Vec<Yielded>,
    /// Fetch-merge-push rounds it took.
    pub rounds: u32,
}

/// Fetches `remote` and merges its ledger and notes into ours, first giving up this
/// clone's claims that lost to the remote's (recorded in `yielded`).
pub fn fetch_and_merge(
    store: &Store,
    remote: &str,
    yielded: &mut Vec<Yielded>,
) -> Result<Merge, Error> {
    git_cli::fetch(store, remote)?;
    merge_notes(store, remote)?;
    match store.ref_tip(&git_cli::remote_ledger(remote))? {
        Some(theirs) => {
            let label = format!("{remote}/chant/specs");
            yielded.extend(claim::yield_to(
                store,
                theirs,
                &label,
                crate::clock::now_time(),
            )?);
            merge_ledger(store, theirs, &label)
        }
        None => Ok(Merge::UpToDate),
    }
}

/// How many fetch-merge-push rounds `sync` tries while the remote keeps moving.
pub const SYNC_ATTEMPTS: u32 = 8;

/// A pause before round `attempt` (from 1): growing, and jittered so that clones that lost
/// a race to each other do not meet again in lockstep.
fn backoff(attempt: u32) -> std::time::Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let jitter = u64::from(nanos ^ std::process::id().wrapping_mul(2_654_435_761)) % 50;
    std::time::Duration::from_millis(u64::from(attempt) * 25 + jitter)
}

/// fetch → merge → push, until the push lands (or the remote refuses it). A lost race on
/// the remote (it moved, or another push held the ref) is another round, never an error.
pub fn sync(store: &Store, remote: &str, report: impl FnMut(&Merge)) -> Result<Synced, Error> {
    sync_rounds(store, remote, SYNC_ATTEMPTS, |_| Ok(()), report)
}

/// [`sync`] in at most `attempts` rounds, calling `before_push` after each merge (with the
/// claims yielded so far) so a caller can write on the merged ledger before it is pushed
/// (`ready --claim` moves on to the next spec there). The ledger is pushed as the commit
/// the local ref held right then, which [`Synced::pushed`] names.
pub fn sync_rounds(
    store: &Store,
    remote: &str,
    attempts: u32,
    mut before_push: impl FnMut(&[Yielded]) -> Result<(), Error>,
    mut report: impl FnMut(&Merge),
) -> Result<Synced, Error> {
    let mut synced = Synced::default();
    for attempt in 0..attempts {
        if attempt > 0 {
            std::thread::sleep(backoff(attempt));
        }
        let merge = fetch_and_merge(store, remote, &mut synced.yielded)?;
        report(&merge);
        before_push(&synced.yielded)?;
        let Some(tip) = store.ledger_tip()? else {
            return Err(StoreError::NoLedger.into());
        };
        match git_cli::push_at(store, remote, Some(tip))? {
            Pushed::Done => {
                synced.pushed = Some(tip);
                synced.rounds = attempt + 1;
                return Ok(synced);
            }
            Pushed::Moved => continue,
            Pushed::Refused(said) => {
                return Err(Error::PushRefused {
                    remote: remote.into(),
                    said,
                })
            }
        }
    }
    Err(Error::SyncGaveUp {
        remote: remote.into(),
        attempts,
    })
}
