//! The YAML frontmatter as an ordered list of top-level entries that remember their source
//! text, so an unchanged spec renders byte for byte and a change touches only its own entry.

use serde_yaml::{Mapping, Value};

/// Ordered top-level `key: value` entries of a spec's frontmatter.
///
/// Values are parsed once with serde_yaml (the authority on what the YAML means); the
/// source text is split into one chunk per top-level key so that rendering can reuse the
/// original bytes of every entry nobody changed.
#[derive(Debug, Clone, Default)]
pub struct Frontmatter {
    /// Comments and blank lines before the first key.
    preamble: String,
    entries: Vec<Entry>,
    /// The whole original text while nothing changed. Used when the text could not be
    /// split into per-key chunks (exotic YAML): then any change re-renders every entry.
    pristine: Option<String>,
}

#[derive(Debug, Clone)]
struct Entry {
    key: Value,
    value: Value,
    /// Source of `key: value` without trailing trivia; `None` once the value changed.
    source: Option<String>,
    /// Blank lines and column-0 comments after the entry, kept when it is re-rendered.
    trivia: String,
}

impl PartialEq for Frontmatter {
    /// Two frontmatters are equal when they hold the same keys, in the same order, with the
    /// same values; layout (quoting, comments) does not count.
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|(a, b)| a.key == b.key && a.value == b.value)
    }
}

impl Frontmatter {
    /// Builds the frontmatter from its text and the mapping serde_yaml parsed from it.
    pub(crate) fn from_parsed(text: &str, map: Mapping) -> Self {
        let (preamble, chunks) = split_chunks(text);
        let aligned = chunks.len() == map.len()
            && chunks
                .iter()
                .zip(map.keys())
                .all(|(chunk, key)| key_matches(&chunk.0, key));
        let entries = if aligned {
            chunks
                .into_iter()
                .zip(map)
                .map(|((source, trivia), (key, value))| Entry {
                    key,
                    value,
                    source: Some(source),
                    trivia,
                })
                .collect()
        } else {
            map.into_iter()
                .map(|(key, value)| Entry {
                    key,
                    value,
                    source: None,
                    trivia: String::new(),
                })
                .collect()
        };
        Frontmatter {
            preamble: if aligned { preamble } else { String::new() },
            entries,
            pristine: Some(text.to_owned()),
        }
    }

    /// The value of a top-level key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|e| e.key.as_str() == Some(key))
            .map(|e| &e.value)
    }

    /// Sets a key, keeping its position; a new key goes last. Setting the value it already
    /// has changes nothing, so its bytes stay as they were.
    pub fn set(&mut self, key: &str, value: Value) {
        match self
            .entries
            .iter_mut()
            .find(|e| e.key.as_str() == Some(key))
        {
            Some(entry) if entry.value == value => {}
            Some(entry) => {
                entry.value = value;
                entry.source = None;
                self.pristine = None;
            }
            None => {
                self.entries.push(Entry {
                    key: Value::String(key.to_owned()),
                    value,
                    source: None,
                    trivia: String::new(),
                });
                self.pristine = None;
            }
        }
    }

    /// Removes a key; returns its value if it was present.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self
            .entries
            .iter()
            .position(|e| e.key.as_str() == Some(key))?;
        self.pristine = None;
        Some(self.entries.remove(at).value)
    }

    /// Keys and values in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.entries.iter().map(|e| (&e.key, &e.value))
    }

    /// The frontmatter as one YAML mapping, in order.
    pub fn to_mapping(&self) -> Mapping {
        self.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Forgets every entry's source so the next render is canonical serde_yaml output
    /// (what upstream chant writes); comments and blank lines between entries are kept.
    /// An entry serde_yaml cannot write back as the same data (a key that is itself a
    /// mapping, say) keeps its own bytes: canonical form never changes what a spec says.
    pub fn canonicalize(&mut self) {
        for entry in &mut self.entries {
            if round_trips(&entry.key, &entry.value) {
                entry.source = None;
            }
        }
        self.pristine = None;
    }

    /// The YAML text between the `---` lines.
    pub fn render(&self) -> String {
        if let Some(text) = &self.pristine {
            return text.clone();
        }
        let mut out = self.preamble.clone();
        for entry in &self.entries {
            match &entry.source {
                Some(source) => out.push_str(source),
                None => out.push_str(
                    &render_entry(&entry.key, &entry.value)
                        // Only a changed value that serde_yaml cannot write (a merge of
                        // two mappings with mapping keys); explicit, never a panic.
                        .unwrap_or_else(|| format!("{}: null\n", key_text(&entry.key))),
                ),
            }
            out.push_str(&entry.trivia);
        }
        out
    }
}

/// One entry in serde_yaml's style: block lists at column 0, plain scalars where possible.
/// `None` when serde_yaml cannot write it (a key that is a mapping or a list).
fn render_entry(key: &Value, value: &Value) -> Option<String> {
    let mut one = Mapping::new();
    one.insert(key.clone(), value.clone());
    serde_yaml::to_string(&one).ok()
}

/// Whether the entry, rendered in serde_yaml's style, reads back as the same key and value.
fn round_trips(key: &Value, value: &Value) -> bool {
    let Some(text) = render_entry(key, value) else {
        return false;
    };
    serde_yaml::from_str::<Mapping>(&text)
        .is_ok_and(|back| back.len() == 1 && back.get(key) == Some(value))
}

/// A key as text, for diagnostics.
pub(crate) fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

/// Does a chunk's first line start with this key? Guards the chunk-to-key alignment.
fn key_matches(chunk: &str, key: &Value) -> bool {
    match key {
        Value::String(k) => {
            let quoted = |q: char| {
                chunk.starts_with(q) && chunk[1..].starts_with(k.as_str()) && {
                    chunk[1 + k.len()..].starts_with(q)
                }
            };
            chunk.starts_with(k.as_str()) || quoted('"') || quoted('\'')
        }
        _ => true,
    }
}

/// Splits frontmatter text into a preamble and `(entry source, trailing trivia)` chunks,
/// one per line that starts a top-level key at column 0.
fn split_chunks(text: &str) -> (String, Vec<(String, String)>) {
    let mut preamble = String::new();
    let mut chunks: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if starts_key(line) {
            chunks.push((line.to_owned(), String::new()));
            continue;
        }
        let Some((source, trivia)) = chunks.last_mut() else {
            preamble.push_str(line);
            continue;
        };
        if is_trivia(line) {
            trivia.push_str(line);
        } else {
            // Content after blank lines (inside a block scalar) belongs to the entry.
            source.push_str(trivia);
            trivia.clear();
            source.push_str(line);
        }
    }
    (preamble, chunks)
}

fn starts_key(line: &str) -> bool {
    match line.chars().next() {
        None | Some(' ' | '\t' | '\r' | '\n' | '#') => false,
        // `- item` continues a block list; `: value` is the value of an explicit `? key`.
        Some('-' | ':') => !matches!(
            line[1..].chars().next(),
            None | Some(' ' | '\t' | '\r' | '\n')
        ),
        Some(_) => true,
    }
}

fn is_trivia(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Frontmatter {
        let map: Mapping = serde_yaml::from_str(text).unwrap();
        Frontmatter::from_parsed(text, map)
    }

    #[test]
    fn changing_one_entry_keeps_the_others_bytes() {
        let text = "type: code   # odd spacing\nstatus: pending\n\n# a comment\nlabels: [a, b]\n";
        let mut fm = parse(text);
        fm.set("status", Value::String("completed".into()));
        assert_eq!(
            fm.render(),
            "type: code   # odd spacing\nstatus: completed\n\n# a comment\nlabels: [a, b]\n"
        );
    }

    #[test]
    fn new_keys_go_last_in_serde_yaml_style() {
        let mut fm = parse("status: pending\n");
        fm.set("commits", Value::Sequence(vec!["abc".into(), "def".into()]));
        assert_eq!(fm.render(), "status: pending\ncommits:\n- abc\n- def\n");
    }

    #[test]
    fn canonicalize_rewrites_flow_lists_as_block_lists() {
        let mut fm = parse("labels: [a, b]\n");
        fm.canonicalize();
        assert_eq!(fm.render(), "labels:\n- a\n- b\n");
    }

    #[test]
    fn canonicalize_keeps_an_entry_serde_yaml_cannot_write_back() {
        let text = "{x: 1}: map\nlabels: [a]\n";
        let mut fm = parse(text);
        fm.canonicalize();
        assert_eq!(fm.render(), "{x: 1}: map\nlabels:\n- a\n");
    }

    #[test]
    fn block_scalars_with_blank_lines_stay_one_entry() {
        let text = "note: |\n  one\n\n  two\nstatus: pending\n";
        let mut fm = parse(text);
        fm.set("status", Value::String("paused".into()));
        assert_eq!(fm.render(), "note: |\n  one\n\n  two\nstatus: paused\n");
    }
}
