//! The read-only reports behind `status`, `log` and `lint`, built once here so the command
//! line and the MCP server print the same thing.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::Error;
use crate::lifecycle::{self, SpecSummary, Status};
use crate::notes::{self, Event};
use crate::store::history::{history, LedgerCommit};
use crate::store::index::Index;
use crate::store::trailer::Trailer;
use crate::store::Store;

pub use super::lint::{lint, LintReport};
use super::lookup::{load, resolve};

/// Counts of live specs per status, and which need doing (`status --json`).
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub counts: BTreeMap<String, usize>,
    pub ready: Vec<String>,
    pub in_progress: Vec<String>,
    pub paused: Vec<String>,
    pub needs_attention: Vec<String>,
    pub failed: Vec<String>,
    /// In progress, but the run on this machine is gone (crash, reboot, killed `work`).
    pub stale: Vec<String>,
}

/// The status report of the ledger `index` describes.
pub fn status(store: &Store, index: &Index) -> StatusReport {
    let live: Vec<&SpecSummary> = index.specs.iter().filter(|s| !s.archived).collect();
    let mut counts = BTreeMap::new();
    for s in &live {
        *counts.entry(s.status.clone()).or_default() += 1;
    }
    let with = |status: Status| {
        live.iter()
            .filter(|s| status.is(&s.status))
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
    };
    StatusReport {
        ready: live
            .iter()
            .filter(|s| lifecycle::is_ready(s, |id| index.get(id)))
            .map(|s| s.id.clone())
            .collect(),
        in_progress: with(Status::InProgress),
        paused: with(Status::Paused),
        needs_attention: with(Status::NeedsAttention),
        failed: with(Status::Failed),
        stale: crate::store::runs::stale(store)
            .into_iter()
            .filter(|id| {
                index
                    .get(id)
                    .is_some_and(|s| Status::InProgress.is(&s.status))
            })
            .collect(),
        counts,
    }
}

/// A spec's history (`log`): the ledger commits that changed it, newest first, and the
/// code commits in its `commits:` with its status events on them.
pub struct Log {
    pub id: String,
    pub ledger: Vec<LedgerCommit>,
    /// `(as listed, resolved here, events)`; unresolved when not in this repository.
    pub code: Vec<(String, Option<String>, Vec<Event>)>,
}

impl Log {
    /// `log --json`: `id`, `ledger` (commits) and `commits` (code commits with events).
    pub fn to_json(&self) -> Value {
        let commits: Vec<Value> = self
            .code
            .iter()
            .map(|(short, full, events)| {
                json!({"commit": short, "resolved": full, "events": events.iter().map(Event::to_line).collect::<Vec<_>>()})
            })
            .collect();
        json!({"id": self.id, "ledger": self.ledger, "commits": commits})
    }
}

/// The log of spec `short`.
pub fn log(store: &Store, short: &str) -> Result<Log, Error> {
    let snapshot = store.snapshot()?;
    let id = resolve(store, &snapshot, short)?;
    let (_, spec) = load(&snapshot, &id)?;
    let ledger: Vec<_> = history(store)?
        .into_iter()
        .filter(|c| c.trailer(Trailer::Spec).any(|s| s == id))
        .collect();
    let mut code = Vec::new();
    for short in spec.commits() {
        let resolved = store.listed_commit(short);
        let events = match resolved {
            Some(commit) => notes::events(store, commit)?
                .into_iter()
                .filter(|e| e.spec == id)
                .collect(),
            None => Vec::new(),
        };
        code.push((short.to_owned(), resolved.map(|c| c.to_string()), events));
    }
    Ok(Log { id, ledger, code })
}
