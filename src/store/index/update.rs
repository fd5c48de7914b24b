//! Building the index of a ledger tree from an older one, by shard: the summaries of every
//! shard whose tree did not change, and of every blob that did not change, are kept; only
//! new blobs are read and summarized (on every core).

use std::collections::HashMap;

use super::super::ledger::{Snapshot, SpecEntry};
use super::super::paths::shard;
use super::super::StoreError;
use super::{read_all, SpecSummary};

/// What an index holds besides its tree: the shard trees and the summaries.
pub struct Built {
    pub shards: Vec<(String, String)>,
    /// Live then archived, each by id.
    pub specs: Vec<SpecSummary>,
    pub live: usize,
}

/// The summaries of `snapshot`, reusing those of `previous` for every shard whose tree
/// did not change and every blob that did not change.
pub fn build(snapshot: &Snapshot<'_>, previous: Option<Built>) -> Result<Built, StoreError> {
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
    // Unique keys (one path per id and folder), so an unstable sort gives the same order.
    specs.sort_unstable_by(|a, b| (a.archived, &a.id).cmp(&(b.archived, &b.id)));
    let live = specs.iter().take_while(|s| !s.archived).count();
    Ok(Built {
        shards,
        specs,
        live,
    })
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
