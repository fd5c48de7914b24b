//! Claims across machines: `claim`, `renew`, `release` and `claim_next` (`ready --claim`)
//! write a spec's `claim` by compare-and-swap on the local ledger (so processes of one
//! clone never both win), then push it at once through the sync loop (so clones never
//! both win: the server's ref moves by compare-and-swap too, and its hook refuses a push
//! that replaces someone else's unexpired claim). A lost race fetches, gives the local
//! claim up for the remote's (`yield_to`), merges, and pushes everything else.

mod error;
mod local;
mod yielding;

pub use error::ClaimError;
pub use yielding::{yield_to, Yielded};

use serde::Serialize;

use super::sync::{sync_rounds, Synced};
use crate::error::Error;
use crate::spec::claim::{Claim, Lease};
use crate::store::Store;
use local::{write_local, Local, Mode};

/// Fetch-merge-push rounds a claim tries while the remote keeps moving (more than `sync`:
/// claims are pushed by many processes at the moment work starts).
const CLAIM_ROUNDS: u32 = 24;
/// Times a claim is written again after a push showed it gone without anyone holding it
/// (another process of this clone, with your identity, released it).
const SETTLE_TRIES: u32 = 3;

/// What a claim command did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new claim of yours.
    Claimed,
    /// Your claim, with a new `until`.
    Renewed,
    /// Your claim (or, forced, someone's) removed.
    Released,
    /// `release` of a spec without a claim: nothing written.
    NotClaimed,
}

/// A claim command's report (`--json`).
#[derive(Debug, Clone, Serialize)]
pub struct ClaimReport {
    pub id: String,
    pub outcome: Outcome,
    /// The spec's claim now: yours after `claim` and `renew`, none after `release`.
    pub claim: Option<Claim>,
    /// Someone else's claim this replaced or removed (`--force`, or a lease that had ended).
    pub replaced: Option<Claim>,
    /// The remote it was pushed to; `None`: no remote, the claim is this clone's only.
    pub remote: Option<String>,
    /// Fetch-merge-push rounds it took (0 without a remote).
    pub rounds: u32,
    /// `ready --claim`: specs it took that others had claimed on the remote first.
    pub lost: Vec<Claimed>,
    /// Other claims of this clone given up for the remote's on the way.
    pub yielded: Vec<Yielded>,
}

/// A spec and the claim on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claimed {
    pub id: String,
    pub claim: Claim,
}

/// The lease to give: `given`, else `git config chant.claim.lease`, else two hours.
pub fn lease(store: &Store, given: Option<Lease>) -> Result<Lease, Error> {
    if let Some(lease) = given {
        return Ok(lease);
    }
    match store.config_string("chant.claim.lease") {
        Some(text) => Lease::parse(&text).map_err(|why| ClaimError::BadLeaseConfig { why }.into()),
        None => Ok(Lease::DEFAULT),
    }
}

/// The remote to push to: `given` (which must exist), else `origin` when it is configured,
/// else none (the claim stays local).
pub fn remote(store: &Store, given: Option<&str>) -> Result<Option<String>, Error> {
    match given {
        Some(name) => {
            store.check_remote(name)?;
            Ok(Some(name.to_owned()))
        }
        None => Ok(store
            .config_string("remote.origin.url")
            .map(|_| "origin".to_owned())),
    }
}

/// The claim of `id` in ledger commit `commit` (what a push sent).
fn claim_at(store: &Store, commit: gix::ObjectId, id: &str) -> Result<Option<Claim>, Error> {
    let snapshot = store.snapshot_at(commit)?;
    Ok(match snapshot.locate(id)? {
        Some(entry) => crate::spec::Spec::parse(id, &snapshot.blob(entry.blob)?)
            .ok()
            .and_then(|s| s.valid_claim()),
        None => None,
    })
}

/// The claim of `id` on the local ledger now.
fn claim_now(store: &Store, id: &str) -> Result<Option<Claim>, Error> {
    match store.ledger_tip()? {
        Some(tip) => claim_at(store, tip, id),
        None => Ok(None),
    }
}

fn report(local: Local, remote: Option<&str>, synced: Synced) -> ClaimReport {
    ClaimReport {
        id: local.id,
        outcome: local.outcome,
        claim: local.claim,
        replaced: local.replaced,
        remote: remote.map(str::to_owned),
        rounds: synced.rounds,
        lost: Vec::new(),
        yielded: synced.yielded,
    }
}

/// Claims spec `short` for you (the committer identity) for `lease` (`None`: the
/// configured one), refusing someone else's unexpired claim unless `force`; renews your
/// own. With a remote (`remote`, else `origin` when configured) the claim is pushed at
/// once; `ClaimError::Held` with `raced` when someone else's reached it first (their
/// claim is then the local one too, and your other ledger changes were pushed).
pub fn claim(
    store: &Store,
    short: &str,
    lease: Option<Lease>,
    force: bool,
    remote: Option<&str>,
) -> Result<ClaimReport, Error> {
    settle(store, short, lease, Mode::Claim { force }, remote)
}

/// Extends your claim on `short` to now + `lease`, keeping its `at`, and pushes it as
/// `claim` does. A running `work` calls this while it runs.
pub fn renew(
    store: &Store,
    short: &str,
    lease: Option<Lease>,
    remote: Option<&str>,
) -> Result<ClaimReport, Error> {
    settle(store, short, lease, Mode::Renew, remote)
}

/// Removes your claim on `short` (someone else's unexpired one only with `force`) and
/// pushes that as `claim` does.
pub fn release(
    store: &Store,
    short: &str,
    force: bool,
    remote: Option<&str>,
) -> Result<ClaimReport, Error> {
    let me = store.claimant()?;
    let remote = self::remote(store, remote)?;
    let local = write_local(store, short, &me, Lease::DEFAULT, Mode::Release { force })?;
    let Some(remote) = remote.filter(|_| local.outcome == Outcome::Released) else {
        return Ok(report(local, None, Synced::default()));
    };
    let synced = sync_rounds(store, &remote, CLAIM_ROUNDS, |_| Ok(()), |_| {})?;
    let mut done = report(local, Some(&remote), synced);
    // Someone may have taken it over meanwhile (after your lease ended): say so.
    done.claim = claim_now(store, &done.id)?;
    Ok(done)
}

/// Writes the claim, then pushes it until the remote holds it or someone else's.
fn settle(
    store: &Store,
    short: &str,
    lease: Option<Lease>,
    mode: Mode,
    remote: Option<&str>,
) -> Result<ClaimReport, Error> {
    let me = store.claimant()?;
    let lease = self::lease(store, lease)?;
    let remote = self::remote(store, remote)?;
    let mut local = write_local(store, short, &me, lease, mode)?;
    let Some(remote) = remote else {
        return Ok(report(local, None, Synced::default()));
    };
    let mut yielded = Vec::new();
    for _ in 0..SETTLE_TRIES {
        let synced = sync_rounds(store, &remote, CLAIM_ROUNDS, |_| Ok(()), |_| {})?;
        yielded.extend(synced.yielded.iter().cloned());
        let pushed = match synced.pushed {
            Some(commit) => claim_at(store, commit, &local.id)?,
            None => None,
        };
        let mine = local.claim.clone();
        match pushed {
            Some(c) if mine.as_ref().is_some_and(|m| c.same_as(m)) => {
                let mut done = report(local, Some(&remote), synced);
                done.yielded = yielded;
                return Ok(done);
            }
            Some(holder) if holder.is_held_at(crate::clock::now_time()) => {
                return Err(ClaimError::Held {
                    id: local.id,
                    holder,
                    raced: Some(remote),
                }
                .into())
            }
            // Gone without a holder: write it again (no force needed: nobody holds it).
            _ => local = write_local(store, &local.id, &me, lease, Mode::Claim { force: false })?,
        }
    }
    Err(Error::SyncGaveUp {
        remote,
        attempts: CLAIM_ROUNDS,
    })
}

/// `ready --claim`: claims the first ready spec (in `ready` order) that has no unexpired
/// claim, pushed as `claim` does; when another clone's claim on it reached the remote
/// first, the next one. `ClaimError::NoneLeft` when every ready spec is claimed.
pub fn claim_next(
    store: &Store,
    lease: Option<Lease>,
    remote: Option<&str>,
) -> Result<ClaimReport, Error> {
    let me = store.claimant()?;
    let lease = self::lease(store, lease)?;
    let remote = self::remote(store, remote)?;
    let mut lost: Vec<Claimed> = Vec::new();
    let mut yielded = Vec::new();
    let mut current = local::pick(store, &me, lease, &lost)?;
    let Some(remote) = remote else {
        let local = current.ok_or(ClaimError::NoneLeft { tried: 0 })?;
        return Ok(report(local, None, Synced::default()));
    };
    // Each round either lands the current pick or learns of a claim that beat it.
    for _ in 0..CLAIM_ROUNDS {
        let synced = sync_rounds(
            store,
            &remote,
            CLAIM_ROUNDS,
            |_| {
                // After the merge: when someone else's claim beat ours, move on now, so
                // this round's push carries the next pick.
                if let Some(pick) = &current {
                    if let Some(holder) = local::beaten(store, pick)? {
                        lost.push(Claimed {
                            id: pick.id.clone(),
                            claim: holder,
                        });
                        current = local::pick(store, &me, lease, &lost)?;
                    }
                }
                Ok(())
            },
            |_| {},
        )?;
        yielded.extend(synced.yielded.iter().cloned());
        let Some(pick) = current.take() else {
            return Err(ClaimError::NoneLeft { tried: lost.len() }.into());
        };
        let pushed = match synced.pushed {
            Some(commit) => claim_at(store, commit, &pick.id)?,
            None => None,
        };
        if pushed
            .as_ref()
            .zip(pick.claim.as_ref())
            .is_some_and(|(p, m)| p.same_as(m))
        {
            let mut done = report(pick, Some(&remote), synced);
            done.lost = lost;
            done.yielded = yielded;
            return Ok(done);
        }
        if let Some(holder) = pushed.filter(|c| c.is_held_at(crate::clock::now_time())) {
            lost.push(Claimed {
                id: pick.id.clone(),
                claim: holder,
            });
        }
        // Everything merged is pushed: with nothing left to pick, stop here.
        current = local::pick(store, &me, lease, &lost)?;
        if current.is_none() {
            return Err(ClaimError::NoneLeft { tried: lost.len() }.into());
        }
    }
    Err(Error::SyncGaveUp {
        remote,
        attempts: CLAIM_ROUNDS,
    })
}
