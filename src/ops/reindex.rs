//! `reindex`: rebuild what hooks record from history itself. Commits reachable from the
//! local branches whose messages name a spec get their `commits:` entry and note event;
//! entries for commits that exist here but no branch reaches any more are dropped.

use std::collections::{BTreeMap, HashSet};

use gix::ObjectId;

use crate::error::Error;
use crate::hooks::message;
use crate::notes::{Appends, Event};
use crate::store::paths::NOTES_REF;
use crate::store::trailer::Trailer;
use crate::store::{Change, Context, Store};

use super::lookup::{load, resolve};

/// What a reindex found and changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub scanned: usize,
    /// `commits:` entries added.
    pub linked: usize,
    /// `commits:` entries dropped (commits no branch reaches).
    pub dropped: usize,
    /// Specs changed.
    pub specs: usize,
}

/// The commits to scan: reachable from HEAD and every local branch, minus those reachable
/// from `since`.
pub(crate) fn tips(store: &Store) -> Result<Vec<ObjectId>, Error> {
    let repo = store.repo();
    let mut tips = Vec::new();
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }
    let refs = repo
        .references()
        .context(|| "listing branches".to_owned())?;
    for reference in refs
        .local_branches()
        .context(|| "listing branches".to_owned())?
    {
        let Ok(mut reference) = reference else {
            continue;
        };
        if let Ok(id) = reference.peel_to_id() {
            tips.push(id.detach());
        }
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// What `reindex` may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Notes and `commits:` lists.
    Everything,
    /// Notes only: specs keep their bytes (after an import).
    NotesOnly,
}

/// Scans history and brings `commits:` lists and notes in line with it. `progress` is
/// called with the number of commits scanned so far, every 1000 commits.
pub fn reindex(
    store: &Store,
    since: Option<ObjectId>,
    scope: Scope,
    mut progress: impl FnMut(usize),
) -> Result<Report, Error> {
    let repo = store.repo();
    let tips = tips(store)?;
    let mut report = Report::default();
    // spec (as written in the message) -> (commit, commit time)
    let mut named: BTreeMap<String, Vec<(ObjectId, String)>> = BTreeMap::new();
    let mut reachable = HashSet::new();
    if !tips.is_empty() {
        let walk = repo
            .rev_walk(tips)
            .with_hidden(since)
            .all()
            .context(|| "walking history".to_owned())?;
        for info in walk {
            let info = info.context(|| "walking history".to_owned())?;
            let commit = info.object().context(|| format!("reading {}", info.id))?;
            reachable.insert(info.id);
            report.scanned += 1;
            if report.scanned % 1000 == 0 {
                progress(report.scanned);
            }
            let refs = message::references(&commit.message_raw_sloppy().to_string());
            if refs.is_empty() {
                continue;
            }
            let at = crate::clock::from_unix(commit.time().map(|t| t.seconds).unwrap_or_default());
            for id in refs.ids {
                named.entry(id).or_default().push((info.id, at.clone()));
            }
        }
    }
    let full_scan = since.is_none();
    let count_links = scope == Scope::Everything;
    store.update(|snapshot| {
        let mut change = Change::new("reindex");
        let mut notes = Appends::default();
        let mut report = Report {
            scanned: report.scanned,
            ..Report::default()
        };
        let mut by_spec: BTreeMap<String, Vec<(ObjectId, String)>> = BTreeMap::new();
        for (short, commits) in &named {
            if let Ok(id) = resolve(store, snapshot, short) {
                by_spec
                    .entry(id)
                    .or_default()
                    .extend(commits.iter().cloned());
            }
        }
        for (id, commits) in &by_spec {
            let (entry, mut spec) = load(snapshot, id)?;
            let before: Vec<String> = spec.commits().iter().map(|c| c.to_string()).collect();
            let mut after: Vec<String> = before
                .iter()
                .filter(|c| {
                    // Keep what this repository cannot judge: commits it does not have.
                    let local = store.listed_commit(c);
                    !full_scan || local.is_none_or(|local| reachable.contains(&local))
                })
                .cloned()
                .collect();
            if count_links {
                report.dropped += before.len() - after.len();
            }
            for (commit, at) in commits.iter().rev() {
                let full = commit.to_string();
                if !after
                    .iter()
                    .any(|c| c.len() >= 7 && full.starts_with(c.as_str()))
                {
                    after.push(full);
                    report.linked += usize::from(count_links);
                }
                let line = Event::new(at, id, "commit").to_line();
                notes.add(NOTES_REF, *commit, vec![line]);
            }
            if after != before && scope == Scope::Everything {
                spec.set_list("commits", &after);
                change
                    .write_spec(id, entry.archived, spec.render())
                    .trailer(Trailer::Spec, id);
                report.specs += 1;
            }
        }
        change
            .trailer(Trailer::Op, "reindex")
            .ref_edits(notes.edits(store)?);
        Ok((change, report))
    })
}
