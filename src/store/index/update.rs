//! Building the index of a ledger tree from an older one, by shard: the summaries of every
//! shard whose tree did not change, and of every blob that did not change, are kept in
//! the older index's order; only new blobs are read and summarized (on every core), and
//! merged in.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::super::ledger::{Snapshot, SpecEntry};
use super::super::paths::shard_number;
use super::super::StoreError;
use super::{read_all, SpecSummary};

/// What an index holds besides its tree: the shard trees and the summaries.
pub struct Built {
    pub shards: Vec<(String, String)>,
    /// Live then archived, each by id.
    pub specs: Vec<SpecSummary>,
    pub live: usize,
}

/// Shards per folder (one byte of hex).
const SHARDS: usize = 256;

/// The summaries of `snapshot`, reusing those of `previous` for every shard whose tree
/// did not change and every blob that did not change.
pub fn build(snapshot: &Snapshot<'_>, previous: Option<Built>) -> Result<Built, StoreError> {
    let (old_shards, old_specs) = match previous {
        Some(index) => (index.shards, index.specs),
        None => (Vec::new(), Vec::new()),
    };
    let old_shards: HashMap<String, String> = old_shards.into_iter().collect();
    // A shard of each folder as one number (no key string built per spec).
    let bucket =
        |s: &SpecSummary| usize::from(s.archived) * SHARDS + usize::from(shard_number(&s.id));
    let mut unchanged = [false; 2 * SHARDS];
    let mut changed = Vec::new();
    let mut shards = Vec::new();
    for archived in [false, true] {
        let folder = if archived { "archive" } else { "specs" };
        for (shard, tree) in snapshot.shard_trees(archived)? {
            let key = format!("{folder}/{shard}");
            let tree = tree.to_string();
            // A folder name that is no shard holds no spec of the older index.
            let number = (shard.len() == 2)
                .then(|| u8::from_str_radix(&shard, 16).ok())
                .flatten()
                .map(|n| usize::from(archived) * SHARDS + usize::from(n));
            if old_shards.get(&key) == Some(&tree) {
                if let Some(n) = number {
                    unchanged[n] = true;
                }
            } else {
                changed.push((archived, shard, number));
            }
            shards.push((key, tree));
        }
    }
    let buckets: Vec<usize> = old_specs.iter().map(bucket).collect();
    let mut keep: Vec<bool> = buckets.iter().map(|&b| unchanged[b]).collect();
    let mut todo = Vec::new();
    if !changed.is_empty() {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); 2 * SHARDS];
        for (n, &b) in buckets.iter().enumerate() {
            members[b].push(n);
        }
        for (archived, shard, number) in changed {
            let old = number.map(|b| std::mem::take(&mut members[b]));
            // One path per id in a folder: an id names one older summary of the shard.
            let mut by_id: HashMap<&str, usize> = old
                .unwrap_or_default()
                .into_iter()
                .map(|n| (old_specs[n].id.as_str(), n))
                .collect();
            for entry in snapshot.shard_entries(archived, &shard)? {
                let blob = entry.blob.to_string();
                let same = by_id
                    .remove(entry.id.as_str())
                    .filter(|&n| old_specs[n].blob == blob);
                match same {
                    Some(n) => keep[n] = true,
                    None => todo.push(entry),
                }
            }
        }
    }
    let mut new = summarize(snapshot, todo)?;
    // Unique keys (one path per id and folder), so an unstable sort gives the same order.
    new.sort_unstable_by(order);
    let mut specs = Vec::with_capacity(old_specs.len() + new.len());
    let mut new = new.into_iter().peekable();
    for (old, kept) in old_specs.into_iter().zip(keep) {
        if kept {
            while let Some(s) = new.next_if(|s| order(s, &old) == Ordering::Less) {
                specs.push(s);
            }
            specs.push(old);
        }
    }
    specs.extend(new);
    // The older index is in order as written; should it not be, sort as a fresh build.
    if !specs
        .windows(2)
        .all(|w| order(&w[0], &w[1]) == Ordering::Less)
    {
        specs.sort_unstable_by(order);
    }
    let live = specs.iter().take_while(|s| !s.archived).count();
    Ok(Built {
        shards,
        specs,
        live,
    })
}

/// Live then archived, each by id.
fn order(a: &SpecSummary, b: &SpecSummary) -> Ordering {
    (a.archived, &a.id).cmp(&(b.archived, &b.id))
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
