//! Finding specs for an operation: resolving short ids and loading a spec with the
//! summaries of the specs its readiness depends on.

use crate::error::Error;
use crate::lifecycle::SpecSummary;
use crate::spec::id::{self, IdError};
use crate::spec::Spec;
use crate::store::ledger::{Snapshot, SpecEntry};
use crate::store::{ids, Store};

/// The full id for `short`: an exact id costs one path lookup; anything else is matched
/// against every id (exact, unique suffix, unique substring).
pub fn resolve(store: &Store, snapshot: &Snapshot<'_>, short: &str) -> Result<String, Error> {
    if snapshot.contains(short)? {
        return Ok(short.to_owned());
    }
    let all = ids::load(store, snapshot)?;
    Ok(id::resolve(short, all.iter())?)
}

/// A spec by full id, with where it lives.
pub fn load(snapshot: &Snapshot<'_>, id: &str) -> Result<(SpecEntry, Spec), Error> {
    let entry = snapshot
        .locate(id)?
        .ok_or_else(|| IdError::Unknown { id: id.to_owned() })?;
    let spec = Spec::parse(&entry.id, &snapshot.blob(entry.blob)?)?;
    Ok((entry, spec))
}

/// A spec's summary by full id, `None` when there is no such spec.
pub fn summary(snapshot: &Snapshot<'_>, id: &str) -> Result<Option<SpecSummary>, Error> {
    match snapshot.locate(id)? {
        Some(entry) => Ok(Some(SpecSummary::of(
            &entry.place(),
            &snapshot.blob(entry.blob)?,
        ))),
        None => Ok(None),
    }
}

/// Summaries of what `spec`'s readiness looks at: its dependencies and, for a group
/// member, its earlier siblings. Read by path, so the cost does not grow with the ledger.
pub fn neighbours(snapshot: &Snapshot<'_>, spec: &SpecSummary) -> Result<Vec<SpecSummary>, Error> {
    let mut wanted = spec.depends_on.clone();
    if let (Some(driver), Some(n)) = (id::driver_of(&spec.id), id::member_number(&spec.id)) {
        wanted.extend((1..n).map(|k| format!("{driver}.{k}")));
    }
    let mut found = Vec::new();
    for dep in wanted {
        found.extend(summary(snapshot, &dep)?);
    }
    Ok(found)
}

/// The members of a driver (`<driver>.N`, one level down), by id.
pub fn members(store: &Store, snapshot: &Snapshot<'_>, driver: &str) -> Result<Vec<String>, Error> {
    let mut found: Vec<String> = ids::load(store, snapshot)?
        .iter()
        .filter(|id| id::driver_of(id) == Some(driver))
        .map(str::to_owned)
        .collect();
    found.sort_by_key(|id| id::member_number(id));
    Ok(found)
}
