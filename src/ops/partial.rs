//! The everyday reads that take from the index file only what they show (`list --limit`,
//! `ready`, `status`, a driver's members for `show`), so their cost does not grow with the
//! ledger. Each gives what the whole-index path in `query`/`reports` gives, and falls
//! back to it when the file cannot be read in parts.

use std::collections::{BTreeMap, HashMap};

use super::query::{self, Filter, Row, Scope};
use super::reports::{self, StatusReport};
use crate::error::Error;
use crate::lifecycle::{SpecSummary, Status};
use crate::spec::id;
use crate::store::index::{self, Index, View};
use crate::store::ledger::Snapshot;
use crate::store::Store;

/// Summaries picked from the index, each with its readiness.
pub struct Picked(pub Vec<(SpecSummary, bool)>);

impl Picked {
    pub fn rows(&self) -> Vec<Row<'_>> {
        self.0
            .iter()
            .map(|(spec, ready)| Row {
                spec,
                ready: *ready,
                updated: None,
            })
            .collect()
    }

    fn of(rows: &[Row<'_>]) -> Picked {
        Picked(rows.iter().map(|r| (r.spec.clone(), r.ready)).collect())
    }
}

/// The first `n` specs in index order (live then archived, by id) that pass every one of
/// `filters` (all of one scope): what `select`, then `limit`, gives.
pub fn first(store: &Store, filters: &[Filter], n: usize) -> Result<Picked, Error> {
    let snapshot = store.snapshot()?;
    let scope = filters.first().map(|f| f.scope).unwrap_or_default();
    let found = index::with_view(store, &snapshot, |view| {
        let (lo, hi) = match scope {
            Scope::Live => (0, view.live()),
            Scope::Archived => (view.live(), view.count()),
            Scope::All => (0, view.count()),
        };
        let mut out = Vec::new();
        for at in lo..hi {
            if out.len() >= n {
                break;
            }
            // The fixed record tells status and readiness: most filters stop there.
            let (status, ready) = view.state(at)?;
            if !filters.iter().all(|f| f.status_matches(&status, ready)) {
                continue;
            }
            let (spec, ready) = view.summary(at)?;
            let row = Row {
                spec: &spec,
                ready,
                updated: None,
            };
            if filters.iter().all(|f| f.matches(&row)) {
                out.push((spec, ready));
            }
        }
        Some(out)
    })?;
    if let Some(found) = found {
        return Ok(Picked(found));
    }
    let index = Index::load(store, &snapshot)?;
    let mut rows = query::select(&index, filters.first().unwrap_or(&Filter::default()));
    rows.retain(|row| filters.iter().all(|f| f.matches(row)));
    rows.truncate(n);
    Ok(Picked::of(&rows))
}

/// The specs named by `ids`, in that order, each found by binary search of the index file
/// (an id the index lacks is left out): what `search` shows, without decoding the rest.
pub fn these(store: &Store, snapshot: &Snapshot<'_>, ids: &[String]) -> Result<Picked, Error> {
    let found = index::with_view(store, snapshot, |view| {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(at) = view.find(id)? {
                out.push(view.summary(at)?);
            }
        }
        Some(out)
    })?;
    if let Some(found) = found {
        return Ok(Picked(found));
    }
    let index = Index::load(store, snapshot)?;
    let specs = ids.iter().filter_map(|id| index.get(id));
    Ok(Picked::of(&query::rows(&index, specs)))
}

/// The ready specs in `ready`'s order (depth, then id), at most `limit`.
pub fn ready(store: &Store, limit: Option<usize>) -> Result<Picked, Error> {
    let snapshot = store.snapshot()?;
    let found = index::with_view(store, &snapshot, |view| {
        let order = view.ready_order()?;
        let n = limit.unwrap_or(order.len());
        order.iter().take(n).map(|&at| view.summary(at)).collect()
    })?;
    if let Some(found) = found {
        return Ok(Picked(found));
    }
    let index = Index::load(store, &snapshot)?;
    let filter = Filter {
        statuses: vec!["ready".to_owned()],
        ..Filter::default()
    };
    let mut rows = query::select(&index, &filter);
    query::dependency_order(&index, &mut rows);
    query::limit(&mut rows, limit);
    Ok(Picked::of(&rows))
}

/// The status report, how many specs are live, how many are in each group (ready, in
/// progress, paused, needs attention, failed) and the titles of the first `shown` ids
/// of each (what `status` prints). Unless `full`, each group's list holds only those.
pub struct StatusView {
    pub report: StatusReport,
    pub live: usize,
    pub totals: [usize; 5],
    pub titles: HashMap<String, String>,
}

pub fn status(store: &Store, shown: usize, full: bool) -> Result<StatusView, Error> {
    let snapshot = store.snapshot()?;
    let stale = crate::store::runs::stale(store);
    let found = index::with_view(store, &snapshot, |view| {
        status_of(view, &stale, shown, full)
    })?;
    if let Some(found) = found {
        return Ok(found);
    }
    let index = Index::load(store, &snapshot)?;
    let report = reports::status(store, &index);
    let mut titles = HashMap::new();
    for ids in groups(&report) {
        for id in ids.iter().take(shown) {
            let title = index.get(id).map(|s| s.title.clone()).unwrap_or_default();
            titles.insert(id.clone(), title);
        }
    }
    let live = index.specs.iter().filter(|s| !s.archived).count();
    Ok(StatusView {
        totals: groups(&report).map(Vec::len),
        report,
        live,
        titles,
    })
}

/// The groups `status` lists ids of, each with up to `shown` titles.
fn groups(report: &StatusReport) -> [&Vec<String>; 5] {
    [
        &report.ready,
        &report.in_progress,
        &report.paused,
        &report.needs_attention,
        &report.failed,
    ]
}

fn status_of(view: &mut View, stale: &[String], shown: usize, full: bool) -> Option<StatusView> {
    let by_status = view.by_status()?;
    let counts: BTreeMap<String, usize> = by_status
        .iter()
        .map(|(name, list)| (name.clone(), list.len()))
        .collect();
    let mut ready = view.ready_order()?;
    ready.sort_unstable();
    let mut titles = HashMap::new();
    let mut totals = Vec::new();
    let mut ids_of = |view: &mut View, list: &[usize]| -> Option<Vec<String>> {
        totals.push(list.len());
        let list = if full {
            list
        } else {
            &list[..list.len().min(shown)]
        };
        let mut ids = Vec::with_capacity(list.len());
        for (k, &at) in list.iter().enumerate() {
            let id = view.id(at)?;
            if k < shown {
                titles.insert(id.clone(), view.title(at)?);
            }
            ids.push(id);
        }
        Some(ids)
    };
    let mut with = |view: &mut View, status: Status| {
        let list = by_status.iter().find(|(name, _)| status.is(name));
        ids_of(view, list.map_or(&[][..], |(_, l)| l))
    };
    let (in_progress, paused) = (with(view, Status::InProgress)?, with(view, Status::Paused)?);
    let (needs_attention, failed) = (
        with(view, Status::NeedsAttention)?,
        with(view, Status::Failed)?,
    );
    let ready = ids_of(view, &ready)?;
    // In the order of `groups`: ready was read last.
    totals.rotate_right(1);
    let totals: [usize; 5] = totals.try_into().ok()?;
    let mut still = Vec::new();
    for id in stale {
        if let Some(at) = view.find(id)? {
            if Status::InProgress.is(&view.state(at)?.0) {
                still.push(id.clone());
            }
        }
    }
    Some(StatusView {
        live: view.live(),
        totals,
        report: StatusReport {
            counts,
            ready,
            in_progress,
            paused,
            needs_attention,
            failed,
            stale: still,
        },
        titles,
    })
}

/// The members of a driver (`<driver>.N`, one level down), by member number: the ids
/// from `<driver>.` on, found by binary search, instead of a scan of every id.
pub fn members(store: &Store, snapshot: &Snapshot<'_>, driver: &str) -> Result<Vec<String>, Error> {
    let prefix = format!("{driver}.");
    let found = index::with_view(store, snapshot, |view| {
        let mut found = Vec::new();
        for (lo, hi) in [(0, view.live()), (view.live(), view.count())] {
            let mut at = view.lower_bound(lo, hi, &prefix)?;
            while at < hi {
                let id = view.id(at)?;
                if !id.starts_with(&prefix) {
                    break;
                }
                if id::driver_of(&id) == Some(driver) {
                    found.push(id);
                }
                at += 1;
            }
        }
        Some(found)
    })?;
    let Some(mut found) = found else {
        return super::lookup::members(store, snapshot, driver);
    };
    found.sort_by_key(|id| id::member_number(id));
    Ok(found)
}
