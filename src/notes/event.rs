//! One status event per note line: `<RFC 3339 UTC> <spec-id> <event> [key=value …]`, values
//! percent-encoded so a line never holds a space it did not mean.

use miette::Diagnostic;
use thiserror::Error;

#[derive(Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum NoteError {
    #[error("note line `{line}`: {why}")]
    #[diagnostic(
        code(chant::notes::line),
        help("event lines read `<YYYY-MM-DDTHH:MM:SSZ> <spec-id> <event> [key=value …]`")
    )]
    BadLine { line: String, why: &'static str },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    pub spec: String,
    /// `commit`, `start`, `in_progress->completed`, …
    pub event: String,
    pub attrs: Vec<(String, String)>,
}

impl Event {
    pub fn new(at: impl Into<String>, spec: impl Into<String>, event: impl Into<String>) -> Event {
        Event {
            at: at.into(),
            spec: spec.into(),
            event: event.into(),
            attrs: Vec::new(),
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> Event {
        self.attrs.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn to_line(&self) -> String {
        let mut line = format!("{} {} {}", self.at, self.spec, encode(&self.event));
        for (key, value) in &self.attrs {
            line.push_str(&format!(" {}={}", encode(key), encode(value)));
        }
        line
    }

    /// The event for people (`show`, `log`): values decoded and quoted when they hold a
    /// space (`reason="agent exited 0"`), line breaks and tabs written as `\n`, `\r`, `\t`
    /// so an event stays on one line. Other control characters are left to the printer,
    /// which escapes them (`cli::print`); `to_line` is the stored form.
    pub fn to_display(&self) -> String {
        let mut line = format!("{} {} {}", self.at, self.spec, shown(&self.event));
        for (key, value) in &self.attrs {
            line.push_str(&format!(" {}={}", shown(key), shown(value)));
        }
        line
    }

    pub fn parse(line: &str) -> Result<Event, NoteError> {
        let bad = |why| NoteError::BadLine {
            line: line.to_owned(),
            why,
        };
        let mut words = line.split(' ');
        let at = words
            .next()
            .filter(|w| !w.is_empty())
            .ok_or(bad("empty line"))?;
        if time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_err()
        {
            return Err(bad("the first word is not an RFC 3339 timestamp"));
        }
        let spec = words.next().ok_or(bad("no spec id"))?;
        crate::spec::id::validate(spec).map_err(|_| bad("the spec id is not valid"))?;
        let event = decode(words.next().ok_or(bad("no event"))?);
        let attrs = words
            .map(|w| {
                let (k, v) = w.split_once('=').ok_or(bad("an attribute without `=`"))?;
                Ok((decode(k), decode(v)))
            })
            .collect::<Result<_, NoteError>>()?;
        Ok(Event {
            at: at.to_owned(),
            spec: spec.to_owned(),
            event,
            attrs,
        })
    }
}

/// A status note with at most one `commit` event per spec: git's `notes.rewriteRef` copy
/// (and ours, without it) adds the old commit's event to the new commit's note, beside the
/// one post-commit wrote, on every amend and rebase. The latest stays; every other line is
/// kept as it is. `None` when there was nothing to drop.
pub fn one_commit_event_per_spec(text: &str) -> Option<String> {
    let commit_event = |line: &str| Event::parse(line).ok().filter(|e| e.event == "commit");
    let mut latest: std::collections::HashMap<String, String> = Default::default();
    for event in text.lines().filter_map(commit_event) {
        let at = latest.entry(event.spec).or_default();
        if event.at > *at {
            *at = event.at;
        }
    }
    let mut kept = std::collections::HashSet::new();
    let mut out = String::with_capacity(text.len());
    let mut dropped = false;
    for line in text.split_inclusive('\n') {
        if let Some(event) = commit_event(line.trim_end_matches('\n')) {
            if latest.get(&event.spec) != Some(&event.at) || !kept.insert(event.spec) {
                dropped = true;
                continue;
            }
        }
        out.push_str(line);
    }
    dropped.then_some(out)
}

/// Percent-encodes the characters that would break the line grammar.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            ' ' | '%' | '=' | '\n' | '\r' | '\t' => out.push_str(&format!("%{:02X}", c as u8)),
            c => out.push(c),
        }
    }
    out
}

/// A decoded value on one line, in double quotes when it is empty or holds a space or a
/// quote (an inner quote as `\"`).
fn shown(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    if value.is_empty() || value.contains([' ', '"']) {
        format!("\"{out}\"")
    } else {
        out
    }
}

fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_with_encoded_values() {
        let event = Event::new(
            "2026-02-02T14:27:53Z",
            "003-root-cause",
            "in_progress->completed",
        )
        .with("model", "sonnet")
        .with("reason", "done at 100% = ok ✓");
        let line = event.to_line();
        assert_eq!(
            line,
            "2026-02-02T14:27:53Z 003-root-cause in_progress->completed model=sonnet reason=done%20at%20100%25%20%3D%20ok%20✓"
        );
        assert_eq!(Event::parse(&line).unwrap(), event);
    }

    #[test]
    fn a_note_keeps_one_commit_event_per_spec_the_latest() {
        let note = "2026-02-03T00:00:00Z s commit\n2026-02-03T00:00:00Z s pending->in_progress\n\n2026-02-01T00:00:00Z s commit\n2026-02-01T00:00:00Z t commit\n";
        assert_eq!(
            one_commit_event_per_spec(note).as_deref(),
            Some("2026-02-03T00:00:00Z s commit\n2026-02-03T00:00:00Z s pending->in_progress\n\n2026-02-01T00:00:00Z t commit\n")
        );
        assert_eq!(
            one_commit_event_per_spec("2026-02-01T00:00:00Z t commit\n"),
            None
        );
    }

    #[test]
    fn events_display_decoded_on_one_line() {
        let event = Event::new("2026-02-02T14:27:53Z", "x", "in_progress->failed")
            .with("reason", "agent exited 0")
            .with("model", "sonnet")
            .with("note", "a \"b\"\nc=100%")
            .with("empty", "");
        assert_eq!(
            event.to_display(),
            "2026-02-02T14:27:53Z x in_progress->failed reason=\"agent exited 0\" model=sonnet note=\"a \\\"b\\\"\\nc=100%\" empty=\"\""
        );
    }

    #[test]
    fn bad_lines_are_errors() {
        for line in [
            "",
            "yesterday x commit",
            "2026-02-02T14:27:53Z",
            "2026-02-02T14:27:53Z Bad commit",
        ] {
            assert!(Event::parse(line).is_err(), "{line:?}");
        }
    }
}
