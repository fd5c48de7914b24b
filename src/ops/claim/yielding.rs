//! Before a sync merges a remote's ledger: a claim this clone changed (made, renewed,
//! released) on a spec whose claim the remote also changed, to someone's unexpired claim,
//! gives way to the remote's. The remote's reached the server first, and the server
//! refuses to let anyone else replace it, so merging ours over it could never be pushed;
//! taking theirs first leaves the merge nothing to decide, and every other local change
//! still merges and pushes.

use gix::ObjectId;
use serde::Serialize;
use serde_yaml::Value;
use time::OffsetDateTime;

use crate::error::Error;
use crate::spec::claim::{Claim, FIELD};
use crate::spec::Spec;
use crate::store::diff::{classify, diff_trees, LedgerPath};
use crate::store::ledger::{commit_tree, Snapshot};
use crate::store::trailer::Trailer;
use crate::store::{Change, Store};

/// A local claim given up for the remote's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Yielded {
    pub spec: String,
    /// The remote's claim, which the spec now holds here too.
    pub kept: Claim,
    /// This clone's claim that was dropped (`None`: this clone had released it).
    pub dropped: Option<Claim>,
}

/// The `claim:` value of a spec, `None` when absent or null.
fn claim_value(spec: &Spec) -> Option<Value> {
    spec.frontmatter()
        .get(FIELD)
        .filter(|v| !v.is_null())
        .cloned()
}

/// The claim value of spec `id` in `tree` (`None`: no tree, no spec, or no claim).
fn claim_in(
    repo: &gix::Repository,
    tree: Option<ObjectId>,
    id: &str,
) -> Result<Option<Value>, Error> {
    let Some(tree) = tree else { return Ok(None) };
    let snapshot = Snapshot::of_tree(repo, tree);
    let Some(entry) = snapshot.locate(id)? else {
        return Ok(None);
    };
    Ok(Spec::parse(id, &snapshot.blob(entry.blob)?)
        .ok()
        .and_then(|s| claim_value(&s)))
}

/// Gives this clone's claims that lost to `theirs` (a remote's ledger commit, labelled
/// `label`) up for the remote's, in one ledger commit; returns what it gave up. `now`
/// decides which of the remote's claims are unexpired.
pub fn yield_to(
    store: &Store,
    theirs: ObjectId,
    label: &str,
    now: OffsetDateTime,
) -> Result<Vec<Yielded>, Error> {
    let repo = store.repo();
    store.update(|snapshot| {
        let nothing = || Ok::<_, Error>((Change::default(), Vec::new()));
        let Some(ours) = snapshot.commit else {
            return nothing();
        };
        // One side contains the other: no claim changed on both sides.
        if store.is_ancestor(theirs, ours) || store.is_ancestor(ours, theirs) {
            return nothing();
        }
        let base = match repo.merge_base(ours, theirs).ok().flatten() {
            Some(b) => Some(commit_tree(repo, b.detach())?),
            None => None,
        };
        let their_tree = commit_tree(repo, theirs)?;
        let changed = |tree: ObjectId| -> Result<Vec<String>, Error> {
            let mut ids: Vec<String> = diff_trees(repo, base, Some(tree))?
                .into_iter()
                .filter_map(|c| match classify(&c.path) {
                    LedgerPath::Spec { id, .. } => Some(id),
                    _ => None,
                })
                .collect();
            ids.sort();
            ids.dedup();
            Ok(ids)
        };
        // Only a spec both sides changed can hold a claim both changed: one ours left as
        // in the base has our claim equal to the base's (parsing each of a thousand
        // one-sided specs three times was most of a large sync).
        let ours_changed = changed(snapshot.tree)?;
        let ids: Vec<String> = changed(their_tree)?
            .into_iter()
            .filter(|id| ours_changed.binary_search(id).is_ok())
            .collect();
        let mut change = Change::new(format!("yield claims to {label}"));
        let mut yielded = Vec::new();
        for id in ids {
            let Some(entry) = snapshot.locate(&id)? else {
                continue;
            };
            let Ok(mut spec) = Spec::parse(&id, &snapshot.blob(entry.blob)?) else {
                continue;
            };
            let mine = claim_value(&spec);
            let (before, their) = (
                claim_in(repo, base, &id)?,
                claim_in(repo, Some(their_tree), &id)?,
            );
            if their == before || mine == before || mine == their {
                continue;
            }
            let Some(kept) = their
                .as_ref()
                .and_then(|v| Claim::from_value(v).ok())
                .filter(|c| c.is_held_at(now))
            else {
                continue;
            };
            if let Some(value) = their {
                spec.set_value(FIELD, value);
            }
            change
                .trailer(Trailer::Spec, &id)
                .write_spec(&id, entry.archived, spec.render());
            yielded.push(Yielded {
                spec: id,
                kept,
                dropped: mine.and_then(|v| Claim::from_value(&v).ok()),
            });
        }
        change.trailer(Trailer::Op, "claim yield");
        Ok((change, yielded))
    })
}
