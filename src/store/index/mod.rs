//! The ledger index cached under `.git/chant/index-v2.bin`: one summary per spec, and the
//! facts every listing needs of the whole ledger (readiness, depth, the ready order, the
//! live specs per status), keyed by the ledger tree id, the format and the program, so it
//! is never stale. A missing or damaged file is rebuilt; a file of an older tree is
//! updated by re-reading only the shards that changed. Layout: docs/SCALE.md.

mod borrowed;
mod format;
mod read;
mod update;
mod write;

use std::path::{Path, PathBuf};

use super::ledger::Snapshot;
pub use super::read::read_all;
use super::{Store, StoreError};
pub use crate::lifecycle::SpecSummary;
pub use borrowed::Borrowed;
pub use format::checksum;
pub use read::View;
use update::Built;

/// The index of one ledger tree, decoded whole.
#[derive(Debug)]
pub struct Index {
    /// Live specs then archived ones, each sorted by id.
    pub specs: Vec<SpecSummary>,
    /// How many of `specs` are live.
    live: usize,
    /// Whether each of `specs` is ready, as written in the file.
    ready: Vec<bool>,
}

impl Index {
    /// The index of `snapshot`: from the cache when it matches, updated from an older
    /// cache, or built from scratch. The cache is rewritten when it changed; failing to
    /// write it (a read-only repository) is not an error.
    pub fn load(store: &Store, snapshot: &Snapshot<'_>) -> Result<Index, StoreError> {
        let path = cache_path(store);
        let (built, ready) = match View::open(&path).and_then(View::into_whole) {
            Some(mut view) if view.header.tree == snapshot.tree.as_bytes() => {
                match decode(&mut view) {
                    Some(found) => found,
                    None => with_readiness(rebuild(&path, snapshot, None)?.0),
                }
            }
            old => {
                let previous = old.and_then(|mut view| decode(&mut view)).map(|(b, _)| b);
                with_readiness(rebuild(&path, snapshot, previous)?.0)
            }
        };
        Ok(Index {
            specs: built.specs,
            live: built.live,
            ready,
        })
    }

    /// Each spec with whether it is ready (`lifecycle::is_ready`, computed when the file
    /// was written).
    pub fn with_readiness(&self) -> impl Iterator<Item = (&SpecSummary, bool)> {
        self.specs.iter().zip(self.ready.iter().copied())
    }

    /// Every id, live and archived.
    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.specs.iter().map(|s| s.id.as_str())
    }

    /// The summary of `id` (binary search; an id both live and archived is the archived).
    pub fn get(&self, id: &str) -> Option<&SpecSummary> {
        find(&self.specs, self.live, id).map(|at| &self.specs[at])
    }
}

/// Runs `read` over the index of `snapshot` read in parts: the file on disk when it is of
/// this tree, else the file brought up to date first. `read` returns `None` when the file
/// fails a check part-way; it then runs again on a file built from scratch. `Ok(None)`
/// only when even that cannot be read in parts: the caller then loads the whole index.
pub fn with_view<T>(
    store: &Store,
    snapshot: &Snapshot<'_>,
    read: impl Fn(&mut View) -> Option<T>,
) -> Result<Option<T>, StoreError> {
    let path = cache_path(store);
    let tree = snapshot.tree.as_bytes();
    let mut view = match View::open(&path) {
        Some(mut view) if view.header.tree == tree => match read(&mut view) {
            Some(out) => return Ok(Some(out)),
            None => rebuild(&path, snapshot, None)?.1,
        },
        old => {
            let previous = old
                .and_then(View::into_whole)
                .and_then(|mut v| decode(&mut v));
            let previous = previous.map(|(built, _)| built);
            rebuild(&path, snapshot, previous)?.1
        }
    };
    Ok(view.as_mut().and_then(read))
}

/// Builds the index of `snapshot` (from `previous` where it still holds) and saves it.
fn rebuild(
    path: &Path,
    snapshot: &Snapshot<'_>,
    previous: Option<Built>,
) -> Result<(Built, Option<View>), StoreError> {
    let built = update::build(snapshot, previous)?;
    let bytes = write::encode(
        snapshot.tree.as_bytes(),
        &built.shards,
        &built.specs,
        built.live,
    );
    save(path, &bytes);
    Ok((built, View::of_bytes(bytes)))
}

/// Every summary of a file and whether it is ready, `None` when any part of it fails a
/// check.
fn decode(view: &mut View) -> Option<(Built, Vec<bool>)> {
    let (specs, ready) = (0..view.count())
        .map(|n| view.summary(n))
        .collect::<Option<(Vec<_>, Vec<_>)>>()?;
    let built = Built {
        shards: view.shards()?,
        live: view.live(),
        specs,
    };
    Some((built, ready))
}

/// The readiness of each spec of `built` (as the file written from it says).
fn with_readiness(built: Built) -> (Built, Vec<bool>) {
    let specs = &built.specs;
    let at = write::positions(specs);
    let ready = specs
        .iter()
        .map(|s| crate::lifecycle::is_ready(s, |id| at.get(id).map(|&n| &specs[n])))
        .collect();
    (built, ready)
}

/// Where `id` is in `specs` (live then archived, each by id, the first `live` live).
fn find(specs: &[SpecSummary], live: usize, id: &str) -> Option<usize> {
    let live = live.min(specs.len());
    let (lived, archived) = specs.split_at(live);
    if let Ok(at) = archived.binary_search_by(|s| s.id.as_str().cmp(id)) {
        return Some(live + at);
    }
    lived.binary_search_by(|s| s.id.as_str().cmp(id)).ok()
}

fn save(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    // Write a temporary file and rename it, so a concurrent reader sees the old or the
    // new cache, never half of one. Failure only costs a rebuild next time.
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    if let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) {
        use std::io::Write;
        if file.write_all(bytes).is_ok() {
            let _ = file.persist(path);
        }
    }
    // The JSON index of earlier versions, if one is left.
    let _ = std::fs::remove_file(dir.join(format::OLD_FILE));
}

fn cache_path(store: &Store) -> PathBuf {
    store.cache_dir().join(format::FILE)
}

#[cfg(test)]
mod tests;
