//! `search`: the specs, live and archived, whose title or body holds a text, any case.
//! The texts come from the search cache (`ops::search_cache`) when it can be had; the match is
//! the same either way.

use crate::error::Error;
use crate::ops::partial::{self, Picked};
use crate::store::ledger::Snapshot;
use crate::store::Store;

/// The specs, live and archived, whose title or body contains `text` (any case), in index
/// order (`search`).
pub fn search(store: &Store, snapshot: &Snapshot<'_>, text: &str) -> Result<Picked, Error> {
    let needle = text.to_lowercase();
    // The texts are lowercased already, so the match is a byte substring: `memmem`
    // finds it with the same answer as `str::contains`, several times faster.
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let found = |t: &str| finder.find(t.as_bytes()).is_some();
    let ids = match super::search_cache::search(store, snapshot, searched, found)? {
        Some(ids) => ids,
        None => scan(snapshot, &needle)?,
    };
    partial::these(store, snapshot, &ids)
}

/// What a spec is searched by: its body (title included), lowercased. The match is
/// `searched(blob).contains(lowercased needle)`, with or without the cache.
fn searched(bytes: &[u8]) -> String {
    body_of(&String::from_utf8_lossy(bytes)).to_lowercase()
}

/// Without a cache: every blob read, in the ledger's order.
fn scan(snapshot: &Snapshot<'_>, needle: &str) -> Result<Vec<String>, Error> {
    let entries = snapshot.entries()?;
    let hits = crate::store::index::read_all(snapshot, &entries, |_, bytes| {
        searched(bytes).contains(needle)
    })?;
    Ok(entries
        .into_iter()
        .zip(hits)
        .filter(|(_, hit)| *hit)
        .map(|(e, _)| e.id)
        .collect())
}

/// The markdown after the frontmatter (the title is its first heading); the whole text
/// when there is no closing `---` line.
fn body_of(text: &str) -> &str {
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        offset += line.len();
        if n > 0 && line.trim_end_matches(['\n', '\r']) == "---" {
            return &text[offset..];
        }
    }
    text
}
