//! Every write: apply an operation to the ledger tip, write the objects, and move the refs
//! with their expected old values in one transaction; on a lost race, re-apply to the new
//! tip with bounded, jittered backoff.

use std::time::Duration;

use gix::objs::tree::EntryKind;
use gix::refs::transaction::RefEdit;
use gix::ObjectId;

use super::commit::ref_edit;
use super::ledger::Snapshot;
use super::paths::LEDGER_REF;
use super::{Change, Context, Store, StoreError};

/// Attempts before giving up with `LostRace` (exit 3).
const MAX_ATTEMPTS: u32 = 60;
/// Backoff grows from 1 ms, doubling, to this cap; each wait is jittered.
const MAX_BACKOFF_MS: u64 = 64;

impl Store {
    /// Applies `op` to the ledger tip and commits its `Change` by compare-and-swap,
    /// re-applying it to the new tip whenever another writer got there first. `op` may run
    /// several times, so it must only read the snapshot it is given. Returns what `op`
    /// returned on the attempt that landed.
    pub fn update<T, E>(
        &self,
        op: impl FnMut(&Snapshot<'_>) -> Result<(Change, T), E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.update_committed(op).map(|(value, _)| value)
    }

    /// [`update`](Self::update), also returning the ledger commit it wrote (`None` when the
    /// change left the ledger alone): what a later note must annotate, even when other
    /// writers have moved the tip since.
    pub fn update_committed<T, E>(
        &self,
        mut op: impl FnMut(&Snapshot<'_>) -> Result<(Change, T), E>,
    ) -> Result<(T, Option<ObjectId>), E>
    where
        E: From<StoreError>,
    {
        self.ensure_writable()?;
        let mut backoff_ms = 1;
        for _ in 0..MAX_ATTEMPTS {
            let snapshot = self.snapshot_or_empty()?;
            let (mut change, value) = op(&snapshot)?;
            change.drop_unchanged(&snapshot)?;
            if change.is_empty() {
                return Ok((value, None));
            }
            let (edits, written) = self.prepare(&snapshot, &change)?;
            match self.edit_refs(edits) {
                Ok(_) => return Ok((value, written)),
                Err(e) if e.is_conflict() || e.is_retryable() || e.can_retry() => {
                    // A lock no write is holding would make every attempt fail: say so now.
                    if let Some(lock) = super::locks::ref_locks(self)
                        .into_iter()
                        .find(|l| l.is_stale())
                    {
                        return Err(StoreError::StaleLock {
                            path: lock.path.display().to_string(),
                            age_secs: lock.age.as_secs(),
                        }
                        .into());
                    }
                    std::thread::sleep(Duration::from_micros(jitter(backoff_ms * 1000)));
                    backoff_ms = (backoff_ms * 2).min(MAX_BACKOFF_MS);
                }
                Err(e) => {
                    return Err(StoreError::Git {
                        context: format!("updating {LEDGER_REF}"),
                        source: e,
                    }
                    .into())
                }
            }
        }
        Err(StoreError::LostRace {
            attempts: MAX_ATTEMPTS,
        }
        .into())
    }

    /// Writes the objects of a change and returns the ref edits that publish it, with the
    /// new ledger tip when the change moves it.
    fn prepare(
        &self,
        snapshot: &Snapshot<'_>,
        change: &Change,
    ) -> Result<(Vec<RefEdit>, Option<ObjectId>), StoreError> {
        self.check_identity()?;
        let mut edits = Vec::new();
        let mut tip = change.fast_forward;
        if let Some(target) = change.fast_forward {
            edits.push(ref_edit(
                LEDGER_REF,
                snapshot.commit,
                target,
                &change.subject,
            )?);
        } else if !change.writes.is_empty() || !change.merge_parents.is_empty() {
            let mut editor = self
                .repo
                .edit_tree(snapshot.tree)
                .context(|| "reading the ledger tree".to_owned())?;
            for (path, content) in &change.writes {
                match content {
                    Some(bytes) => {
                        let blob = self
                            .repo
                            .write_blob(bytes)
                            .context(|| format!("writing {path}"))?;
                        editor
                            .upsert(path.as_str(), EntryKind::Blob, blob)
                            .context(|| format!("adding {path} to the ledger tree"))?;
                    }
                    None => {
                        editor
                            .remove(path.as_str())
                            .context(|| format!("removing {path} from the ledger tree"))?;
                    }
                }
            }
            let tree = editor
                .write()
                .context(|| "writing the ledger tree".to_owned())?;
            let parents = snapshot
                .commit
                .into_iter()
                .chain(change.merge_parents.iter().copied());
            let commit = if change.signed {
                let who = self.identity()?;
                super::git_cli::commit_tree_signed(
                    self,
                    &who,
                    &change.message(),
                    tree.detach(),
                    parents,
                )?
            } else {
                self.write_commit(&change.message(), tree.detach(), parents)?
            };
            edits.push(ref_edit(
                LEDGER_REF,
                snapshot.commit,
                commit,
                &change.subject,
            )?);
            tip = Some(commit);
        }
        edits.extend(change.ref_edits.iter().cloned());
        Ok((edits, tip))
    }

    /// A missing `user.name`/`user.email` is a clear error, not a gix message.
    fn check_identity(&self) -> Result<(), StoreError> {
        self.identity().map(|_| ())
    }
}

/// A random wait in `[max/2, max)` microseconds, so racing writers spread out.
fn jitter(max_micros: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(max_micros);
    let half = max_micros / 2;
    half + hasher.finish() % half.max(1)
}
