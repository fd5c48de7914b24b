//! `search`: the specs, live and archived, whose title or body holds a text, any case.

use crate::error::Error;
use crate::ops::query::{rows, Row};
use crate::store::index::Index;

/// The specs, live and archived, whose title or body contains `text` (any case), in index
/// order (`search`).
pub fn search<'a>(
    snapshot: &crate::store::ledger::Snapshot<'_>,
    index: &'a Index,
    text: &str,
) -> Result<Vec<Row<'a>>, Error> {
    let needle = text.to_lowercase();
    let entries = snapshot.entries()?;
    let hits = crate::store::index::read_all(snapshot, &entries, |_, bytes| {
        body_of(&String::from_utf8_lossy(bytes))
            .to_lowercase()
            .contains(&needle)
    })?;
    let found = entries
        .iter()
        .zip(hits)
        .filter(|(_, hit)| *hit)
        .filter_map(|(e, _)| index.get(&e.id));
    Ok(rows(index, found))
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
