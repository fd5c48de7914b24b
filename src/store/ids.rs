//! The ids of every spec, live and archived, cached under `.git/chant/` per shard tree, so
//! a writer (`add` allocating an id) re-reads only the shards that changed since the last
//! run instead of the whole ledger.
//!
//! The cache file is kept as one text, used as read: a `#<folder>/<shard> <tree>` line
//! opens each shard's block of id lines (ids never start with `#`). At 100k specs it is
//! 2 MB; handling it as one buffer (no per-id allocation, blocks copied whole) keeps `add`
//! within its budget.

use std::collections::HashMap;
use std::io::Write;

use super::ledger::Snapshot;
use super::{Store, StoreError};

const HEADER: &str = "chant-ids 2\n";
const FILE: &str = "ids-v2";

/// Every id of a ledger state.
pub struct Ids {
    /// The cache file's text for that state.
    text: String,
}

impl Ids {
    /// The ids, in shard order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        self.text
            .lines()
            .skip(1)
            .filter(|line| !line.starts_with('#'))
    }

    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|i| i == id)
    }
}

/// Every id in the ledger of `snapshot`.
pub fn load(store: &Store, snapshot: &Snapshot<'_>) -> Result<Ids, StoreError> {
    let path = store.cache_dir().join(FILE);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let mut cached = parse(&old);
    let mut changed = old.is_empty();
    let mut text = String::with_capacity(old.len() + 4096);
    text.push_str(HEADER);
    for archived in [false, true] {
        let folder = if archived { "archive" } else { "specs" };
        for (shard, tree) in snapshot.shard_trees(archived)? {
            let key = format!("{folder}/{shard}");
            let tree = tree.to_string();
            text.push_str(&format!("#{key} {tree}\n"));
            match cached.remove(key.as_str()) {
                Some((cached_tree, block)) if cached_tree == tree => text.push_str(block),
                _ => {
                    changed = true;
                    for entry in snapshot.shard_entries(archived, &shard)? {
                        text.push_str(&entry.id);
                        text.push('\n');
                    }
                }
            }
        }
    }
    // A shard that disappeared also changes the file.
    changed |= !cached.is_empty();
    if changed {
        save(store, &text);
    }
    Ok(Ids { text })
}

/// `shard key → (tree id, its block of id lines)`; an unreadable or foreign file reads as
/// empty.
fn parse(text: &str) -> HashMap<&str, (&str, &str)> {
    let mut shards = HashMap::new();
    let Some(body) = text.strip_prefix(HEADER) else {
        return shards;
    };
    let mut open: Option<(&str, &str, usize)> = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if let Some(head) = line.strip_prefix('#') {
            if let Some((key, tree, start)) = open.take() {
                shards.insert(key, (tree, &body[start..offset]));
            }
            let Some((key, tree)) = head.trim_end().split_once(' ') else {
                return HashMap::new();
            };
            open = Some((key, tree, offset + line.len()));
        } else if open.is_none() || !line.ends_with('\n') {
            // Ids before any shard, or a torn last line: not a file we wrote.
            return HashMap::new();
        }
        offset += line.len();
    }
    if let Some((key, tree, start)) = open {
        shards.insert(key, (tree, &body[start..]));
    }
    shards
}

/// Writes the cache through a temporary file and a rename; failing only costs a re-read.
fn save(store: &Store, text: &str) {
    let dir = store.cache_dir();
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    if let Ok(mut file) = tempfile::NamedTempFile::new_in(&dir) {
        if file.write_all(text.as_bytes()).is_ok() {
            let _ = file.persist(dir.join(FILE));
        }
    }
    // The first format's file, if an older git chant left one.
    let _ = std::fs::remove_file(dir.join("ids-v1"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cache_file_parses_back() {
        let text = "chant-ids 2\n#specs/0a 1111\na\nb\n#archive/ff 2222\nc\n";
        let parsed = super::parse(text);
        assert_eq!(parsed["specs/0a"], ("1111", "a\nb\n"));
        assert_eq!(parsed["archive/ff"], ("2222", "c\n"));
        let ids = super::Ids { text: text.into() };
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert!(ids.contains("b") && !ids.contains("specs/0a"));
        for foreign in [
            "garbage\nx y\n",
            "chant-ids 2\na\n",
            "chant-ids 2\n#s/0a 1\na",
        ] {
            assert!(super::parse(foreign).is_empty(), "{foreign:?}");
        }
    }
}
