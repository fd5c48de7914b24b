//! Making data safe to show on a terminal: every control character that came from a spec,
//! a note, a ledger file or a remote is written as a visible escape, never sent as is.
//!
//! Anything fetched was written by whoever could push, and a terminal obeys what it is sent:
//! OSC 52 writes the clipboard, `ESC [ 2 J` clears the screen, a bare CR overwrites a line.
//! So human output passes data through [`escape`] (the CLI's `print`, `say` and `warn` do),
//! diagnostics through [`Escaped`] (`diag::render` does), JSON through [`json`], and our
//! own colour codes are added after the data is escaped, never mixed into it.
//!
//! The escapes, like git's quoting of odd paths: ESC is `\e`; the other C0 controls and
//! DEL are `\xNN` (`\x07` for BEL, `\x00` for NUL); C1 controls (U+0080–U+009F) are
//! `\u{NN}` (`\u{9b}` for CSI). Tab, newline and the CR of a CRLF pair are kept; a lone CR
//! is escaped. Backslashes are not doubled: the output is for people, and `--json` or
//! `show --raw` give the exact text.

use std::borrow::Cow;
use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};

/// Whether `c` at this point must be escaped (`next` is the character after it).
fn needs_escape(c: char, next: Option<char>) -> bool {
    match c {
        '\t' | '\n' => false,
        '\r' => next != Some('\n'),
        c => c.is_control(),
    }
}

/// `text` with its control characters written as escapes (borrowed when there are none).
pub fn escape(text: &str) -> Cow<'_, str> {
    let mut chars = text.chars().peekable();
    let mut clean = true;
    while let Some(c) = chars.next() {
        if needs_escape(c, chars.peek().copied()) {
            clean = false;
            break;
        }
    }
    if clean {
        return Cow::Borrowed(text);
    }
    Cow::Owned(escape_mapped(text).0)
}

/// The escaped text and, for every byte offset of `text` (and its end), the offset of the
/// same place in the escaped text: diagnostics' labels point into the source they quote.
fn escape_mapped(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len() + 16);
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        for _ in 0..c.len_utf8() {
            map.push(out.len());
        }
        let next = chars.peek().map(|(_, n)| *n);
        if !needs_escape(c, next) {
            out.push(c);
        } else if c == '\x1b' {
            out.push_str("\\e");
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    map.push(out.len());
    (out, map)
}

/// Serialised JSON with DEL and the C1 controls (which serde_json leaves raw) written as
/// `\u00NN`: the same JSON value, and nothing a terminal would obey. They can only occur
/// inside strings, where the escape means the same character.
pub fn json(text: String) -> String {
    if !text.contains(|c: char| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A diagnostic with every text it shows escaped: message, code, help, url, labels, the
/// source snippet (labels moved to match), related diagnostics and the cause chain.
pub struct Escaped {
    message: String,
    code: Option<String>,
    help: Option<String>,
    url: Option<String>,
    severity: Option<miette::Severity>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Escaped>,
    diagnostic_source: Option<Box<Escaped>>,
    cause: Option<Box<Cause>>,
}

/// One error of a plain `std::error::Error` cause chain, escaped.
#[derive(Debug)]
struct Cause {
    message: String,
    next: Option<Box<Cause>>,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.next.as_deref().map(|c| c as _)
    }
}

fn cause_chain(error: Option<&dyn std::error::Error>) -> Option<Box<Cause>> {
    let error = error?;
    Some(Box::new(Cause {
        message: escape(&error.to_string()).into_owned(),
        next: cause_chain(error.source()),
    }))
}

/// The whole text of a diagnostic's source and its name, read through miette's own
/// interface (a span at the start, every line after it).
fn whole_source(source: &dyn SourceCode) -> Option<(String, Option<String>)> {
    let contents = source
        .read_span(&SourceSpan::from((0, 0)), 0, usize::MAX)
        .ok()?;
    let text = std::str::from_utf8(contents.data()).ok()?.to_owned();
    Some((text, contents.name().map(str::to_owned)))
}

fn shown(text: Option<Box<dyn fmt::Display + '_>>) -> Option<String> {
    text.map(|t| escape(&t.to_string()).into_owned())
}

impl Escaped {
    pub fn new(inner: &dyn Diagnostic) -> Escaped {
        Escaped::within(inner, None)
    }

    /// `parent` is the offset map of the source a related diagnostic's labels point into.
    fn within(inner: &dyn Diagnostic, parent: Option<&[usize]>) -> Escaped {
        let mut map: Option<Vec<usize>> = parent.map(<[usize]>::to_vec);
        let source = inner
            .source_code()
            .and_then(whole_source)
            .map(|(text, name)| {
                let (escaped, offsets) = escape_mapped(&text);
                map = Some(offsets);
                let name = escape(name.as_deref().unwrap_or_default()).into_owned();
                NamedSource::new(name, escaped)
            });
        let moved = |offset: usize| match &map {
            Some(m) => m.get(offset).or(m.last()).copied().unwrap_or(offset),
            None => offset,
        };
        let labels = inner
            .labels()
            .map(|labels| {
                labels
                    .map(|l| {
                        let (start, end) = (moved(l.offset()), moved(l.offset() + l.len()));
                        let span = SourceSpan::from((start, end.saturating_sub(start)));
                        let label = l.label().map(|t| escape(t).into_owned());
                        if l.primary() {
                            LabeledSpan::new_primary_with_span(label, span)
                        } else {
                            LabeledSpan::new_with_span(label, span)
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let related = inner
            .related()
            .map(|r| r.map(|d| Escaped::within(d, map.as_deref())).collect())
            .unwrap_or_default();
        Escaped {
            message: escape(&inner.to_string()).into_owned(),
            code: shown(inner.code()),
            help: shown(inner.help()),
            url: shown(inner.url()),
            severity: inner.severity(),
            source,
            labels,
            related,
            diagnostic_source: inner.diagnostic_source().map(|d| Box::new(Escaped::new(d))),
            cause: cause_chain(inner.source()),
        }
    }
}

impl fmt::Debug for Escaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Escaped")
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Escaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Escaped {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|c| c as _)
    }
}

impl Diagnostic for Escaped {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.as_ref().map(|c| Box::new(c) as _)
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.severity
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as _)
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.url.as_ref().map(|u| Box::new(u) as _)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as _)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as _)))
        }
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.diagnostic_source.as_deref().map(|d| d as _)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_escapes() {
        assert_eq!(escape("plain\ttext\n"), "plain\ttext\n");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape("\x1b]52;c;SGVsbG8=\x07 and \x1b[2J"),
            "\\e]52;c;SGVsbG8=\\x07 and \\e[2J"
        );
        assert_eq!(escape("a\u{9b}31m\x7f\0"), "a\\u{9b}31m\\x7f\\x00");
        assert_eq!(escape("crlf\r\nlone\rcr"), "crlf\r\nlone\\x0dcr");
        assert_eq!(escape("ünï ✓"), "ünï ✓");
    }

    #[test]
    fn json_keeps_its_value_and_loses_raw_c1() {
        let value = serde_json::json!({"title": "a\x1b[2J\u{9b}\x7f"});
        let text = json(serde_json::to_string(&value).unwrap());
        assert_eq!(text, r#"{"title":"a\u001b[2J\u009b\u007f"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }

    #[test]
    fn the_offset_map_follows_the_escapes() {
        let (text, map) = escape_mapped("a\x1bbé");
        assert_eq!(text, "a\\ebé");
        assert_eq!(map, vec![0, 1, 3, 4, 4, 6]);
    }

    #[derive(Debug, thiserror::Error, Diagnostic)]
    #[error("bad title `{title}`")]
    #[diagnostic(code(chant::test), help("retitle `{title}`"))]
    struct Quoting {
        title: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here: {title}")]
        at: SourceSpan,
    }

    #[test]
    fn a_diagnostic_shows_no_control_from_its_data_but_keeps_its_colour() {
        let text = "---\nstatus: \x1b[2J\x07\n---\n";
        let error = Quoting {
            title: "\x1b]52;c;SGVsbG8=\x07".into(),
            src: NamedSource::new("s\x1b.md", text.to_owned()),
            at: SourceSpan::from((12, 6)),
        };
        let shown = crate::diag::render(&error, crate::diag::Style::Plain);
        assert!(!shown.contains(['\x1b', '\x07']), "{shown:?}");
        assert!(
            shown.contains("bad title `\\e]52;c;SGVsbG8=\\x07`"),
            "{shown}"
        );
        assert!(shown.contains("status: \\e[2J\\x07"), "{shown}");
        assert!(shown.contains("retitle `\\e]52"), "{shown}");
        let coloured = crate::diag::render(&error, crate::diag::Style::Color);
        assert!(
            coloured.contains("\x1b["),
            "miette's colours stay: {coloured:?}"
        );
        assert!(!coloured.contains("\x1b]52") && !coloured.contains("\x1b[2J"));
    }
}
