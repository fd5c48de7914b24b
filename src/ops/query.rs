//! Choosing and ordering specs for `list`, `ready` and `search`: the filters (stored and
//! computed statuses, labels, type, approval state, live or archived), the sort keys and the limit, in one
//! place so every front end (the CLI now, an MCP server later) selects the same rows.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::Error;
use crate::lifecycle::{self, SpecSummary, Status};
use crate::spec::claim::Claim;
use crate::spec::STATUSES;
use crate::store::index::Index;
use crate::store::Store;

/// The computed states a status filter also takes (never stored; DESIGN.md).
pub const COMPUTED_STATES: &[&str] = &["ready", "blocked"];

/// Every value a status filter takes: the stored statuses, then `ready` and `blocked`.
pub fn status_values() -> Vec<&'static str> {
    STATUSES.iter().chain(COMPUTED_STATES).copied().collect()
}

/// Which folder of the ledger to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Live,
    Archived,
    All,
}

/// What a row must match; an empty list matches anything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Stored statuses or the computed `ready`/`blocked`; any of them.
    pub statuses: Vec<String>,
    /// Any of these labels.
    pub labels: Vec<String>,
    /// This `type`.
    pub kind: Option<String>,
    pub scope: Scope,
    /// Any of these approval states (`pending`, `approved`, `rejected`).
    pub approval: Vec<String>,
}

/// The approval states `--approval` takes.
pub const APPROVAL_STATES: &[&str] = &crate::spec::approval::STATES;

/// A sort key for `--sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    /// By id.
    Id,
    /// By state, in lifecycle order: ready, blocked, in_progress, paused, needs_attention,
    /// failed, completed, cancelled, then any other value.
    Status,
    /// By title, ignoring case.
    Title,
    /// Most recently changed on the ledger first.
    Updated,
}

/// One selected spec, with what was computed about it.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub spec: &'a SpecSummary,
    pub ready: bool,
    /// When the spec last changed on the ledger; only filled in by `--sort updated`.
    pub updated: Option<String>,
}

impl Row<'_> {
    /// The state the table shows: `ready` or `blocked` for a pending spec (every pending
    /// spec is one or the other), otherwise the stored status.
    pub fn state(&self) -> &str {
        lifecycle::state(&self.spec.status, self.ready)
    }
}

impl Filter {
    /// Whether `row` passes every filter. `pending` selects both ready and blocked specs.
    pub fn matches(&self, row: &Row<'_>) -> bool {
        let s = row.spec;
        let in_scope = match self.scope {
            Scope::Live => !s.archived,
            Scope::Archived => s.archived,
            Scope::All => true,
        };
        in_scope
            && (self.statuses.is_empty() || self.statuses.iter().any(|w| has_status(row, w)))
            && (self.labels.is_empty() || s.labels.iter().any(|l| self.labels.contains(l)))
            && self.kind.as_ref().is_none_or(|k| *k == s.kind)
            && (self.approval.is_empty()
                || s.approval
                    .as_ref()
                    .is_some_and(|a| self.approval.contains(a)))
    }
}

impl Filter {
    /// Whether a spec of this stored status and readiness passes the status filter (what
    /// a read of the index's fixed records can tell before reading the rest).
    pub fn status_matches(&self, status: &str, ready: bool) -> bool {
        self.statuses.is_empty() || self.statuses.iter().any(|w| state_is(status, ready, w))
    }
}

/// `ready` and `blocked` are the computed states of a pending spec (a stored value of that
/// name, which lint reports, matches neither); any other value is a stored status.
fn has_status(row: &Row<'_>, want: &str) -> bool {
    state_is(&row.spec.status, row.ready, want)
}

fn state_is(status: &str, ready: bool, want: &str) -> bool {
    match want {
        "ready" => Status::Pending.is(status) && ready,
        "blocked" => Status::Pending.is(status) && !ready,
        stored => status == stored,
    }
}

/// Rows for `specs`, readiness computed against the whole index.
pub fn rows<'a>(
    index: &'a Index,
    specs: impl IntoIterator<Item = &'a SpecSummary>,
) -> Vec<Row<'a>> {
    specs
        .into_iter()
        .map(|spec| Row {
            spec,
            ready: lifecycle::is_ready(spec, |id| index.get(id)),
            updated: None,
        })
        .collect()
}

/// The ids of every live completed spec (what `drift` and `verify --all` look at).
pub fn completed(index: &Index) -> Vec<String> {
    index
        .specs
        .iter()
        .filter(|s| !s.archived && Status::Completed.is(&s.status))
        .map(|s| s.id.clone())
        .collect()
}

/// The index's specs that pass `filter`, in index order (live then archived, by id).
pub fn select<'a>(index: &'a Index, filter: &Filter) -> Vec<Row<'a>> {
    let row = |(spec, ready)| Row {
        spec,
        ready,
        updated: None,
    };
    let all = index.with_readiness().map(row);
    all.filter(|row| filter.matches(row)).collect()
}

/// Orders `rows` by `key`, ties by id. `Updated` reads the ledger history (see
/// [`crate::store::history::last_changed`]) and fills in each row's `updated`.
pub fn sort(store: &Store, rows: &mut [Row<'_>], key: SortKey) -> Result<(), Error> {
    match key {
        SortKey::Id => rows.sort_by(|a, b| by_id(a, b)),
        SortKey::Title => rows.sort_by(|a, b| {
            let (x, y) = (a.spec.title.to_lowercase(), b.spec.title.to_lowercase());
            x.cmp(&y).then_with(|| by_id(a, b))
        }),
        SortKey::Status => rows.sort_by(|a, b| {
            (state_rank(a.state()), a.state())
                .cmp(&(state_rank(b.state()), b.state()))
                .then_with(|| by_id(a, b))
        }),
        SortKey::Updated => {
            let ids = rows.iter().map(|r| r.spec.id.clone());
            let dates = crate::store::history::last_changed(store, ids)?;
            for row in rows.iter_mut() {
                row.updated = dates.get(&row.spec.id).cloned();
            }
            // Dates are fixed-width UTC, so text order is time order; newest first.
            rows.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| by_id(a, b)));
        }
    }
    Ok(())
}

/// Keeps the first `limit` rows.
pub fn limit(rows: &mut Vec<Row<'_>>, limit: Option<usize>) {
    if let Some(n) = limit {
        rows.truncate(n);
    }
}

fn by_id(a: &Row<'_>, b: &Row<'_>) -> std::cmp::Ordering {
    (&a.spec.id, a.spec.archived).cmp(&(&b.spec.id, b.spec.archived))
}

/// Lifecycle order of the states the table shows; other values after them.
fn state_rank(state: &str) -> usize {
    use Status::*;
    let order = [
        InProgress,
        Paused,
        NeedsAttention,
        Failed,
        Completed,
        Cancelled,
    ];
    match state {
        "ready" => 0,
        "blocked" => 1,
        other => {
            2 + order
                .iter()
                .position(|s| s.is(other))
                .unwrap_or(order.len())
        }
    }
}

/// Orders `rows` for `ready`: by depth in the dependency graph (what others wait for comes
/// first), then id.
pub fn dependency_order(index: &Index, rows: &mut [Row<'_>]) {
    let depth = depths(index);
    let of = |r: &Row<'_>| depth.get(r.spec.id.as_str()).copied().unwrap_or(0);
    rows.sort_by(|a, b| of(a).cmp(&of(b)).then_with(|| by_id(a, b)));
}

/// Length of the longest dependency chain below each spec (cycles count once).
fn depths(index: &Index) -> HashMap<&str, usize> {
    crate::lifecycle::graph::depths(index.ids(), |id| {
        index
            .get(id)
            .map(|s| s.depends_on.iter().map(String::as_str).collect())
            .unwrap_or_default()
    })
}

/// One spec in the JSON shape DESIGN.md fixes for `list`, `ready` and `search` (fields may
/// be added, never renamed).
#[derive(Serialize)]
pub struct Item<'a> {
    id: &'a str,
    title: &'a str,
    status: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    labels: &'a [String],
    depends_on: &'a [String],
    ready: bool,
    archived: bool,
    criteria: Criteria,
    /// When the spec last changed on the ledger; only with `--sort updated`.
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<&'a str>,
    /// `by`, `at`, `until` of its claim, expired or not; only when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<&'a Claim>,
    /// Its approval state (`pending`, `approved`, `rejected`); only when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    approval: Option<&'a str>,
}

#[derive(Serialize)]
struct Criteria {
    checked: usize,
    total: usize,
}

impl<'a> Item<'a> {
    pub fn of(row: &'a Row<'a>) -> Item<'a> {
        Item {
            updated: row.updated.as_deref(),
            ..Item::new(row.spec, row.ready)
        }
    }

    fn new(s: &'a SpecSummary, ready: bool) -> Item<'a> {
        Item {
            id: &s.id,
            title: &s.title,
            status: &s.status,
            kind: &s.kind,
            labels: &s.labels,
            depends_on: &s.depends_on,
            ready,
            archived: s.archived,
            criteria: Criteria {
                checked: s.checked,
                total: s.total,
            },
            updated: None,
            claim: s.claim.as_ref(),
            approval: s.approval.as_deref(),
        }
    }
}
