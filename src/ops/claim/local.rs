//! The local half of every claim command: the spec's `claim` written on this clone's
//! ledger by compare-and-swap, so that of two processes of one clone only one wins, and
//! someone else's unexpired claim is refused unless forced (and then recorded as forced);
//! and the choice `ready --claim` makes: the first ready spec, in `ready` order, that
//! nobody holds an unexpired claim on and that was not lost to another clone.

use time::OffsetDateTime;

use super::{ClaimError, Claimed, Outcome};
use crate::error::Error;
use crate::ops::lookup::{load, resolve};
use crate::ops::query::{self, Filter};
use crate::spec::claim::{Claim, Lease};
use crate::store::index::Index;
use crate::store::trailer::Trailer;
use crate::store::{Change, Store};

/// What a local write is asked to do.
#[derive(Clone, Copy)]
pub(super) enum Mode {
    Claim { force: bool },
    Renew,
    Release { force: bool },
}

/// What a local write did.
pub(super) struct Local {
    pub id: String,
    pub outcome: Outcome,
    pub claim: Option<Claim>,
    pub replaced: Option<Claim>,
}

/// Writes the claim of `short` on the local ledger as `mode` says, by compare-and-swap.
pub(super) fn write_local(
    store: &Store,
    short: &str,
    me: &str,
    lease: Lease,
    mode: Mode,
) -> Result<Local, Error> {
    store.update(|snapshot| {
        let now = crate::clock::now_time();
        let id = resolve(store, snapshot, short)?;
        let (entry, mut spec) = load(snapshot, &id)?;
        let current = spec.valid_claim();
        let mine = current.clone().filter(|c| c.is_by(me));
        let theirs = current
            .clone()
            .filter(|c| !c.is_by(me) && c.is_held_at(now));
        let held = |holder: Claim| ClaimError::Held {
            id: id.clone(),
            holder,
            raced: None,
        };
        let (op, outcome, claim) = match mode {
            Mode::Claim { force } => {
                if let (Some(holder), false) = (theirs.clone(), force) {
                    return Err(held(holder).into());
                }
                match mine.filter(|c| c.is_held_at(now)) {
                    Some(c) => (
                        "renew claim",
                        Outcome::Renewed,
                        Some(renewed(&c, now, lease)),
                    ),
                    None => ("claim", Outcome::Claimed, Some(Claim::new(me, now, lease))),
                }
            }
            Mode::Renew => match (mine, theirs.clone()) {
                (_, Some(holder)) => return Err(held(holder).into()),
                (Some(c), None) => (
                    "renew claim",
                    Outcome::Renewed,
                    Some(renewed(&c, now, lease)),
                ),
                (None, None) => {
                    return Err(ClaimError::NotYours {
                        id: id.clone(),
                        holder: current,
                    }
                    .into())
                }
            },
            Mode::Release { force } => {
                if spec.claim().is_none() {
                    return Ok((
                        Change::default(),
                        Local {
                            id: id.clone(),
                            outcome: Outcome::NotClaimed,
                            claim: None,
                            replaced: None,
                        },
                    ));
                }
                if let (Some(holder), false) = (theirs.clone(), force) {
                    return Err(ClaimError::NotYours {
                        id: id.clone(),
                        holder: Some(holder),
                    }
                    .into());
                }
                ("release", Outcome::Released, None)
            }
        };
        let replaced = current.filter(|c| !c.is_by(me));
        spec.set_claim(claim.as_ref());
        let mut change = Change::on_spec(op, &id);
        if let Some(forced) = &theirs {
            change.trailer(Trailer::Forced, forced.forced_value(&id));
        }
        change.write_spec(&id, entry.archived, spec.render());
        Ok::<_, Error>((
            change,
            Local {
                id: id.clone(),
                outcome,
                claim,
                replaced,
            },
        ))
    })
}

pub(super) fn renewed(claim: &Claim, now: OffsetDateTime, lease: Lease) -> Claim {
    Claim {
        until: crate::clock::format(lease.after(now)),
        ..claim.clone()
    }
}

/// Claims the first ready spec without an unexpired claim that is not in `lost`, on the
/// local ledger by compare-and-swap (the choice is made again on a lost race, so two
/// processes of one clone never take the same one). `None` when there is none.
pub(super) fn pick(
    store: &Store,
    me: &str,
    lease: Lease,
    lost: &[Claimed],
) -> Result<Option<Local>, Error> {
    store.update(|snapshot| {
        let now = crate::clock::now_time();
        let index = Index::load(store, snapshot)?;
        let filter = Filter {
            statuses: vec!["ready".to_owned()],
            ..Filter::default()
        };
        let mut rows = query::select(&index, &filter);
        query::dependency_order(&index, &mut rows);
        let free = rows.iter().find(|row| {
            !lost.iter().any(|l| l.id == row.spec.id)
                && row.spec.claim.as_ref().is_none_or(|c| !c.is_held_at(now))
        });
        let Some(row) = free else {
            return Ok::<_, Error>((Change::default(), None));
        };
        let id = row.spec.id.clone();
        let (entry, mut spec) = load(snapshot, &id)?;
        let replaced = spec.valid_claim().filter(|c| !c.is_by(me));
        let claim = Claim::new(me, now, lease);
        spec.set_claim(Some(&claim));
        let mut change = Change::on_spec("claim", &id);
        change.write_spec(&id, entry.archived, spec.render());
        Ok((
            change,
            Some(Local {
                id,
                outcome: Outcome::Claimed,
                claim: Some(claim),
                replaced,
            }),
        ))
    })
}

/// The unexpired claim that now holds `pick`'s spec locally instead of ours, if any
/// (taken from the remote by the yield before the merge).
pub(super) fn beaten(store: &Store, pick: &Local) -> Result<Option<Claim>, Error> {
    let now = crate::clock::now_time();
    let Some(mine) = &pick.claim else {
        return Ok(None);
    };
    Ok(super::claim_now(store, &pick.id)?.filter(|c| !c.same_as(mine) && c.is_held_at(now)))
}
