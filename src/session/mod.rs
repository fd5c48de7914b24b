//! Agent transcripts as sessions: recognising the line-delimited JSON streams coding agents
//! print (Claude Code's `stream-json`, Codex's `exec --json`, Gemini CLI's `stream-json`;
//! docs/AGENTS.md describes them), parsing them into typed [`Event`]s, and rendering those
//! for people ([`render`]). Anything else is plain text, which callers show as stored.
//!
//! A transcript is ledger data, written by an agent and pushed by anyone: every line is
//! untrusted. Parsing is one pass over the lines; each JSON value is read by serde_json
//! (whose nesting limit bounds the parse) and then only at fixed paths, never walked
//! recursively; every summary is cut to a few lines of bounded width. The rendered text
//! still holds whatever the agent printed, so it goes out through the escaping printers.

mod answer;
mod claude;
mod codex;
mod gemini;
mod render;
mod summary;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

pub use answer::{final_answer, FinalAnswer, MAX_ANSWER};
pub use render::render;

/// The stream formats recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `claude -p --output-format stream-json --verbose`.
    Claude,
    /// `codex exec --json`.
    Codex,
    /// `gemini -p … --output-format stream-json`.
    Gemini,
}

/// One thing that happened in a session, whatever agent printed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The session started (or was resumed): its id, and the model when the stream says.
    Session {
        id: Option<String>,
        model: Option<String>,
    },
    /// What the assistant said.
    Text { text: String },
    /// The assistant's reasoning or thinking, as the agent reports it.
    Reasoning { text: String },
    /// A tool the assistant called: its name and its most telling input, on one line.
    ToolCall { name: String, summary: String },
    /// What the tool returned, cut to its first lines.
    ToolResult { summary: String, is_error: bool },
    /// An error or warning the agent reported outside a tool.
    Error { message: String },
    /// How the session (or a turn of it) ended.
    Result {
        ok: bool,
        turns: Option<u64>,
        duration_ms: Option<u64>,
        cost_usd: Option<f64>,
        tokens: Option<u64>,
        session_id: Option<String>,
        /// Why it failed, when it did.
        message: Option<String>,
    },
    /// Lines the agent printed that are not events (stderr, a torn line), as printed.
    Output { text: String },
}

/// A transcript read as a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub format: Format,
    pub events: Vec<Event>,
}

/// How many non-empty lines from the start [`detect`] looks at.
const SAMPLE_LINES: usize = 64;

/// The stream format of `text` (a transcript without its header): among its first lines,
/// at least one event of a known format and no more lines that are not JSON than events.
/// A plain-text transcript that happens to print a JSON line stays plain text.
pub fn detect(text: &str) -> Option<Format> {
    let (mut events, mut other, mut found) = (0usize, 0usize, None);
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(SAMPLE_LINES)
    {
        match object(line) {
            Some(v) => {
                if let Some(format) = recognise(&v) {
                    events += 1;
                    found.get_or_insert(format);
                }
            }
            None => other += 1,
        }
    }
    found.filter(|_| events >= other)
}

/// `text` parsed as a session, `None` when it is not a stream [`detect`] recognises.
pub fn parse(text: &str) -> Option<Session> {
    let format = detect(text)?;
    let mut parser = Parser::new(format);
    for line in text.lines() {
        parser.line(line);
    }
    Some(Session {
        format,
        events: parser.finish(),
    })
}

/// The session id the agent's `output` names (its first one), for the transcript header.
/// Only an id that is plainly one (letters, digits, `-`, `_`, `.`, `:`; at most 128) is
/// returned: it goes into a YAML header and, later, onto an agent's command line.
pub fn session_id(output: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(output);
    let format = detect(&text)?;
    text.lines()
        .filter_map(object)
        .find_map(|v| {
            match format {
                Format::Claude => claude::session(&v),
                Format::Codex => codex::session(&v),
                Format::Gemini => gemini::session(&v),
            }
            .map(str::to_owned)
        })
        .filter(|id| plain_id(id))
}

fn plain_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Reads a stream line by line (a whole transcript, or one followed as it grows).
pub struct Parser {
    format: Format,
    events: Vec<Event>,
    state: State,
    /// The last line was not JSON: the next such line joins its output.
    in_output: bool,
}

/// What a format's reader remembers between lines.
#[derive(Default)]
struct State {
    /// The session's working directory (Claude says it), to show paths relative to it.
    cwd: Option<String>,
    /// Codex items already shown as started, so their completion adds only the result.
    started: HashSet<String>,
    /// Turns completed so far (Codex counts them itself).
    turns: u64,
    /// The last event was an assistant text delta more may be added to (Gemini).
    open_text: bool,
}

impl Parser {
    pub fn new(format: Format) -> Parser {
        Parser {
            format,
            events: Vec::new(),
            state: State::default(),
            in_output: false,
        }
    }

    /// Reads one line: an event of the format, a line that is not JSON (kept as output),
    /// or a JSON line of no event this knows (skipped).
    pub fn line(&mut self, line: &str) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            return;
        }
        let Some(v) = object(line) else {
            self.state.open_text = false;
            match self.events.last_mut() {
                Some(Event::Output { text }) if self.in_output => {
                    text.push('\n');
                    text.push_str(line);
                }
                _ => self.events.push(Event::Output { text: line.into() }),
            }
            self.in_output = true;
            return;
        };
        self.in_output = false;
        match self.format {
            Format::Claude => claude::events(&v, &mut self.state, &mut self.events),
            Format::Codex => codex::events(&v, &mut self.state, &mut self.events),
            Format::Gemini => gemini::events(&v, &mut self.state, &mut self.events),
        }
    }

    /// The events read so far.
    pub fn finish(self) -> Vec<Event> {
        self.events
    }
}

/// `line` as a JSON object (with a string `type`, as every event has), else `None`.
fn object(line: &str) -> Option<Map<String, Value>> {
    let trimmed = line.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Object(map)) if map.get("type").is_some_and(Value::is_string) => Some(map),
        _ => None,
    }
}

/// The format whose event `v` is, by the shapes only that format's events have.
fn recognise(v: &Map<String, Value>) -> Option<Format> {
    if claude::recognise(v) {
        Some(Format::Claude)
    } else if codex::recognise(v) {
        Some(Format::Codex)
    } else if gemini::recognise(v) {
        Some(Format::Gemini)
    } else {
        None
    }
}

/// The string at `key` of `v`.
fn str_at<'v>(v: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// The object at `key` of `v`.
fn obj_at<'v>(v: &'v Map<String, Value>, key: &str) -> Option<&'v Map<String, Value>> {
    v.get(key).and_then(Value::as_object)
}

/// The number at `key` of `v`, as a whole non-negative number.
fn u64_at(v: &Map<String, Value>, key: &str) -> Option<u64> {
    let n = v.get(key)?;
    n.as_u64()
        .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}
