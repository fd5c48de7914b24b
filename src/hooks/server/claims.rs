//! The claims the server holds: a push may not replace or remove someone else's unexpired
//! claim unless one of its commits says so (`Chant-Forced: claim <id> <by>`, which `claim
//! --force` and `release --force` write). This is what makes `git chant claim` atomic
//! across machines: the first claim to reach the server stands.
//!
//! "Someone else" is the pushed tip's committer, which whoever pushes can set: the server
//! cannot know who pushes beyond what git's transport authenticates (docs/SECURITY.md).
//! "Unexpired" is by the server's clock, less [`SKEW`], so a client whose clock runs that
//! much ahead is not refused when it takes a claim whose lease it sees ended.

use gix::ObjectId;

use super::ledger::Pushed;
use super::report::{Policy, Report, Rule};
use crate::spec::claim::Claim;
use crate::spec::Spec;
use crate::store::history::trailers;
use crate::store::ledger::{commit_tree, Snapshot};
use crate::store::trailer::Trailer;
use crate::store::{Context, StoreError};

/// How far a pusher's clock may run ahead of the server's.
pub const SKEW: time::Duration = time::Duration::seconds(60);

/// The well-formed claim of `id` in `tree`. Two fixed-path lookups (`Snapshot::locate`),
/// safe on a pushed tree; the blob was size-checked by the walker when it is new.
fn claim_in(
    repo: &gix::Repository,
    tree: ObjectId,
    id: &str,
    limit: u64,
) -> Result<Option<Claim>, StoreError> {
    let Some(entry) = Snapshot::of_tree(repo, tree).locate(id)? else {
        return Ok(None);
    };
    let size = repo
        .find_header(entry.blob)
        .context(|| format!("reading {}", entry.blob))?
        .size();
    if size > limit {
        return Ok(None);
    }
    let blob = repo
        .find_blob(entry.blob)
        .context(|| format!("reading {}", entry.blob))?;
    Ok(Spec::parse(id, &blob.data)
        .ok()
        .and_then(|s| s.valid_claim()))
}

/// Checks the claims of the specs in `changed` between the server's tip `old` and the
/// pushed tip `new` (`commits`: what the push brings).
pub(super) fn check_claims(
    repo: &gix::Repository,
    report: &mut Report,
    changed: &[String],
    (old, new): (Option<ObjectId>, ObjectId),
    commits: &[Pushed],
    policy: &Policy,
) -> Result<(), StoreError> {
    let Some(old) = old else { return Ok(()) };
    let (old_tree, new_tree) = (commit_tree(repo, old)?, commit_tree(repo, new)?);
    let pusher = commits
        .iter()
        .find(|c| c.id == new)
        .map_or("", |c| c.committer.as_str());
    let deadline = crate::clock::now_time() + SKEW;
    for id in changed {
        let Some(held) = claim_in(repo, old_tree, id, policy.max_spec_bytes)? else {
            continue;
        };
        if !held.is_held_at(deadline) || held.is_by(pusher) {
            continue;
        }
        if claim_in(repo, new_tree, id, policy.max_spec_bytes)?.as_ref() == Some(&held) {
            continue;
        }
        let forcing = held.forced_value(id);
        let forced_by = commits.iter().find(|c| {
            trailers(&c.message)
                .iter()
                .any(|(k, v)| Trailer::Forced.matches(k) && *v == forcing)
        });
        match forced_by {
            None => report.add(
                Some(id),
                Some("claim"),
                Rule::Claim,
                format!(
                    "the push replaces the unexpired claim of {} (until {}): only its holder changes it, or `git chant claim {id} --force` / `git chant release {id} --force`",
                    held.by, held.until
                ),
            ),
            Some(c)
                if !policy.force_writers.is_empty()
                    && !policy.force_writers.contains(&c.committer) =>
            {
                report.add(
                    Some(id),
                    Some("claim"),
                    Rule::Force,
                    format!(
                        "commit {} forces the claim of {}, but {} is not in chant.forceWriters",
                        c.short(),
                        held.by,
                        c.committer
                    ),
                )
            }
            Some(_) => {}
        }
    }
    Ok(())
}
