//! A session as people read it: the assistant's text as paragraphs, one line per tool call
//! (`▸ Bash git commit -m …`) with the first lines of its result under it (`⎿ …`), and the
//! outcome last (`✓ 12 turns, 3m 04s, $0.42, session 4f1c2a9e…`). The text is not escaped
//! here: it goes out through the printers that escape.

use super::summary;
use super::Event;

/// The text of `events`, every line ending in a newline.
pub fn render(events: &[Event]) -> String {
    let mut r = Renderer::default();
    for event in events {
        r.event(event);
    }
    r.out
}

/// What was written last, for the blank lines between paragraphs.
#[derive(Default, PartialEq)]
enum Last {
    #[default]
    Nothing,
    /// A line of a tight run (tool calls and results, output).
    Line,
    /// A paragraph of the assistant's text.
    Paragraph,
}

#[derive(Default)]
struct Renderer {
    out: String,
    last: Last,
    /// The session id the stream named, for a result that does not repeat it.
    session: Option<String>,
}

impl Renderer {
    fn event(&mut self, event: &Event) {
        match event {
            Event::Session { id, model } => {
                if id.is_some() {
                    self.session.clone_from(id);
                }
                let line = match (id, model) {
                    (Some(id), Some(model)) => format!("session {id} ({model})"),
                    (Some(id), None) => format!("session {id}"),
                    (None, Some(model)) => format!("session ({model})"),
                    (None, None) => return,
                };
                self.line(&line);
            }
            Event::Text { text } => self.paragraph(text),
            Event::Reasoning { text } => self.line(&format!("· {}", summary::one_line(text))),
            Event::ToolCall { name, summary } if summary.is_empty() => {
                self.line(&format!("▸ {name}"))
            }
            Event::ToolCall { name, summary } => self.line(&format!("▸ {name} {summary}")),
            Event::ToolResult { summary, is_error } => {
                let mark = if *is_error { "✗ " } else { "" };
                let mut lines = summary.lines();
                let first = lines.next().unwrap_or("(no output)");
                self.line(&format!("  ⎿ {mark}{first}"));
                for line in lines {
                    self.line(&format!("    {line}"));
                }
            }
            Event::Error { message } => self.line(&format!("✗ {message}")),
            Event::Output { text } => {
                for line in text.lines() {
                    self.line(line);
                }
            }
            Event::Result {
                ok,
                turns,
                duration_ms,
                cost_usd,
                tokens,
                session_id,
                message,
            } => {
                let mut parts = Vec::new();
                if let Some(n) = turns {
                    parts.push(format!("{n} turn{}", if *n == 1 { "" } else { "s" }));
                }
                parts.extend(duration_ms.map(duration));
                parts.extend(cost_usd.map(cost));
                parts.extend(tokens.map(|t| format!("{t} tokens")));
                if let Some(id) = session_id.as_ref().or(self.session.as_ref()) {
                    parts.push(format!("session {}", short(id)));
                }
                let line = match (ok, message) {
                    (true, _) if parts.is_empty() => "✓ done".to_owned(),
                    (true, _) => format!("✓ {}", parts.join(", ")),
                    (false, Some(m)) if parts.is_empty() => format!("✗ {m}"),
                    (false, Some(m)) => format!("✗ {m}; {}", parts.join(", ")),
                    (false, None) => format!("✗ failed; {}", parts.join(", ")),
                };
                if self.last != Last::Nothing {
                    self.out.push('\n');
                }
                self.out.push_str(&line);
                self.out.push('\n');
                self.last = Last::Paragraph;
            }
        }
    }

    /// One line of a tight run, after a blank line when a paragraph came before it.
    fn line(&mut self, line: &str) {
        if self.last == Last::Paragraph {
            self.out.push('\n');
        }
        self.out.push_str(line.trim_end());
        self.out.push('\n');
        self.last = Last::Line;
    }

    /// A paragraph of text, set off by blank lines, its own blank lines kept.
    fn paragraph(&mut self, text: &str) {
        let text = text.trim_matches('\n').trim_end();
        if text.trim().is_empty() {
            return;
        }
        if self.last != Last::Nothing {
            self.out.push('\n');
        }
        for line in text.lines() {
            self.out.push_str(line.trim_end());
            self.out.push('\n');
        }
        self.last = Last::Paragraph;
    }
}

/// `850ms`, `12s`, `3m 04s`, `1h 02m`.
fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0 => format!("{ms}ms"),
        1..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

/// `$0.42`; under a cent, `<$0.01`.
fn cost(usd: f64) -> String {
    if usd > 0.0 && usd < 0.005 {
        "<$0.01".into()
    } else {
        format!("${usd:.2}")
    }
}

/// The first 8 characters of a session id, `…` when there were more.
fn short(id: &str) -> String {
    match id.char_indices().nth(8) {
        Some((at, _)) => format!("{}…", &id[..at]),
        None => id.to_owned(),
    }
}
