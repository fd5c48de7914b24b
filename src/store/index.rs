//! The ledger index cached under `.git/chant/`: one summary per spec, keyed by the ledger
//! tree id and the format version, so it is never stale. A missing or corrupt cache is
//! rebuilt; a cache of an older tree is updated by re-reading only the shards that changed.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::ledger::{Snapshot, SpecEntry};
use super::paths::shard;
pub use super::read::read_all;
use super::{Store, StoreError};
pub use crate::lifecycle::SpecSummary;

/// Bump when `SpecSummary` or the file layout changes: older caches are then rebuilt.
const VERSION: u32 = 3;
const FILE: &str = "index-v1.json";

/// The index of one ledger tree.
#[derive(Debug, Serialize, Deserialize)]
pub struct Index {
    version: u32,
    tree: String,
    /// `(folder/shard, tree id)` of every shard, to find what changed since.
    shards: Vec<(String, String)>,
    /// Live specs then archived ones, each sorted by id.
    pub specs: Vec<SpecSummary>,
    /// Position of each id in `specs`.
    #[serde(skip)]
    by_id: HashMap<String, usize>,
}

impl Index {
    /// The index of `snapshot`: from the cache when it matches, updated from an older
    /// cache, or built from scratch. The cache is rewritten when it changed; failing to
    /// write it (a read-only repository) is not an error.
    pub fn load(store: &Store, snapshot: &Snapshot<'_>) -> Result<Index, StoreError> {
        let path = cache_path(store);
        let cached = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Index>(&bytes).ok())
            .filter(|index| index.version == VERSION);
        let tree = snapshot.tree.to_string();
        let mut index = match cached {
            Some(index) if index.tree == tree => index,
            cached => {
                let index = Index::build(snapshot, cached)?;
                index.save(&path);
                index
            }
        };
        index.by_id = index
            .specs
            .iter()
            .enumerate()
            .map(|(at, s)| (s.id.clone(), at))
            .collect();
        Ok(index)
    }

    /// Builds the index of `snapshot`, reusing the summaries of `previous` for every shard
    /// whose tree did not change and every blob that did not change.
    fn build(snapshot: &Snapshot<'_>, previous: Option<Index>) -> Result<Index, StoreError> {
        let (old_shards, old_specs) = match previous {
            Some(index) => (index.shards, index.specs),
            None => (Vec::new(), Vec::new()),
        };
        let old_shards: HashMap<String, String> = old_shards.into_iter().collect();
        let mut old_by_shard: HashMap<String, Vec<SpecSummary>> = HashMap::new();
        for summary in old_specs {
            let folder = if summary.archived { "archive" } else { "specs" };
            let key = format!("{folder}/{}", shard(&summary.id));
            old_by_shard.entry(key).or_default().push(summary);
        }
        let mut shards = Vec::new();
        let mut specs = Vec::new();
        let mut todo = Vec::new();
        for archived in [false, true] {
            let folder = if archived { "archive" } else { "specs" };
            let found = &mut specs;
            for (shard, tree) in snapshot.shard_trees(archived)? {
                let key = format!("{folder}/{shard}");
                let tree = tree.to_string();
                let old = old_by_shard.remove(&key).unwrap_or_default();
                if old_shards.get(&key) == Some(&tree) {
                    found.extend(old);
                } else {
                    let mut by_blob: HashMap<(String, String), SpecSummary> = old
                        .into_iter()
                        .map(|s| ((s.id.clone(), s.blob.clone()), s))
                        .collect();
                    for entry in snapshot.shard_entries(archived, &shard)? {
                        match by_blob.remove(&(entry.id.clone(), entry.blob.to_string())) {
                            Some(summary) => found.push(summary),
                            None => todo.push(entry),
                        }
                    }
                }
                shards.push((key, tree));
            }
        }
        specs.extend(summarize(snapshot, todo)?);
        specs.sort_by(|a, b| (a.archived, &a.id).cmp(&(b.archived, &b.id)));
        Ok(Index {
            version: VERSION,
            tree: snapshot.tree.to_string(),
            shards,
            specs,
            by_id: HashMap::new(),
        })
    }

    fn save(&self, path: &PathBuf) {
        let Some(dir) = path.parent() else { return };
        let Ok(bytes) = serde_json::to_vec(self) else {
            return;
        };
        // Write a temporary file and rename it, so a concurrent reader sees the old or
        // the new cache, never half of one. Failure only costs a rebuild next time.
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        if let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) {
            use std::io::Write;
            if file.write_all(&bytes).is_ok() {
                let _ = file.persist(path);
            }
        }
    }

    /// Every id, live and archived.
    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.specs.iter().map(|s| s.id.as_str())
    }

    pub fn get(&self, id: &str) -> Option<&SpecSummary> {
        self.by_id.get(id).map(|&at| &self.specs[at])
    }
}

/// Reads and summarizes specs on every core.
fn summarize(
    snapshot: &Snapshot<'_>,
    entries: Vec<SpecEntry>,
) -> Result<Vec<SpecSummary>, StoreError> {
    read_all(snapshot, &entries, |entry, bytes| {
        SpecSummary::of(&entry.place(), bytes)
    })
}

fn cache_path(store: &Store) -> PathBuf {
    store.cache_dir().join(FILE)
}
