//! The ids of every spec, live and archived, cached under `.git/chant/` per shard tree, so
//! a writer (`add` allocating an id) re-reads only the shards that changed since the last
//! run instead of the whole ledger.

use std::collections::HashMap;
use std::io::Write;

use super::ledger::Snapshot;
use super::{Store, StoreError};

const HEADER: &str = "chant-ids 1\n";
const FILE: &str = "ids-v1";

/// Every id in the ledger of `snapshot`, in shard order.
pub fn load(store: &Store, snapshot: &Snapshot<'_>) -> Result<Vec<String>, StoreError> {
    let path = store.cache_dir().join(FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut cached = parse(&text);
    let mut changed = cached.is_empty();
    let mut shards: Vec<(String, String, Vec<String>)> = Vec::new();
    for archived in [false, true] {
        let folder = if archived { "archive" } else { "specs" };
        for (shard, tree) in snapshot.shard_trees(archived)? {
            let key = format!("{folder}/{shard}");
            let tree = tree.to_string();
            let ids = match cached.remove(key.as_str()) {
                Some((cached_tree, ids)) if cached_tree == tree => {
                    ids.into_iter().map(str::to_owned).collect()
                }
                _ => {
                    changed = true;
                    snapshot
                        .shard_entries(archived, &shard)?
                        .into_iter()
                        .map(|e| e.id)
                        .collect()
                }
            };
            shards.push((key, tree, ids));
        }
    }
    // A shard that disappeared also changes the file.
    changed |= !cached.is_empty();
    if changed {
        save(store, &shards);
    }
    Ok(shards.into_iter().flat_map(|(_, _, ids)| ids).collect())
}

/// `shard key → (tree id, ids)`; an unreadable or foreign file reads as empty.
fn parse(text: &str) -> HashMap<&str, (&str, Vec<&str>)> {
    let mut shards = HashMap::new();
    let Some(body) = text.strip_prefix(HEADER) else {
        return shards;
    };
    let mut current: Option<(&str, &str, Vec<&str>)> = None;
    for line in body.lines() {
        match line.split_once(' ') {
            Some((key, tree)) => {
                if let Some((k, t, ids)) = current.take() {
                    shards.insert(k, (t, ids));
                }
                current = Some((key, tree, Vec::new()));
            }
            None => match current.as_mut() {
                Some((_, _, ids)) => ids.push(line),
                None => return HashMap::new(),
            },
        }
    }
    if let Some((k, t, ids)) = current {
        shards.insert(k, (t, ids));
    }
    shards
}

/// Writes the cache through a temporary file and a rename; failing only costs a re-read.
fn save(store: &Store, shards: &[(String, String, Vec<String>)]) {
    let dir = store.cache_dir();
    let mut text = String::from(HEADER);
    for (key, tree, ids) in shards {
        text.push_str(&format!("{key} {tree}\n"));
        for id in ids {
            text.push_str(id);
            text.push('\n');
        }
    }
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    if let Ok(mut file) = tempfile::NamedTempFile::new_in(&dir) {
        if file.write_all(text.as_bytes()).is_ok() {
            let _ = file.persist(dir.join(FILE));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cache_file_parses_back() {
        let text = "chant-ids 1\nspecs/0a 1111\na\nb\narchive/ff 2222\nc\n";
        let parsed = super::parse(text);
        assert_eq!(parsed["specs/0a"], ("1111", vec!["a", "b"]));
        assert_eq!(parsed["archive/ff"], ("2222", vec!["c"]));
        assert!(super::parse("garbage\nx y\n").is_empty());
    }
}
