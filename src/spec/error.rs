//! Why a spec file failed to load, as diagnostics that point at the offending line.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::exit::{Exit, ExitCode};

/// A spec that could not be loaded (boxed: the diagnostics carry the source text).
#[derive(Debug, Error)]
#[error(transparent)]
pub struct SpecError(Box<SpecErrorKind>);

impl SpecError {
    pub fn kind(&self) -> &SpecErrorKind {
        &self.0
    }
}

impl From<SpecErrorKind> for SpecError {
    fn from(kind: SpecErrorKind) -> Self {
        SpecError(Box::new(kind))
    }
}

/// Forwards every part of the diagnostic to the boxed kind.
impl Diagnostic for SpecError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.code()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.help()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.0.labels()
    }
}

/// Why a spec could not be loaded. Each variant names the file and the line and, where
/// there is text to show, labels it and says what to do next.
#[derive(Debug, Error, Diagnostic)]
pub enum SpecErrorKind {
    #[error("{name}:1: the file is empty")]
    #[diagnostic(
        code(chant::spec::empty),
        help("a spec starts with a line `---`, YAML frontmatter, a line `---`, then `# Title`")
    )]
    Empty { name: String },

    #[error("{name}:{line}: invalid UTF-8 at byte {offset}")]
    #[diagnostic(
        code(chant::spec::not_utf8),
        help("specs are UTF-8 text; re-save the file as UTF-8 or remove the binary bytes")
    )]
    NotUtf8 {
        name: String,
        offset: usize,
        line: usize,
    },

    #[error(
        "{name}:1: the file starts with a UTF-8 byte-order mark (bytes EF BB BF) before its `---`"
    )]
    #[diagnostic(
        code(chant::spec::byte_order_mark),
        help("save it as UTF-8 without a byte-order mark, or remove the mark: `sed -i '1s/^\\xEF\\xBB\\xBF//' <file>`; `git chant add --body-file` and `git chant edit` drop one themselves")
    )]
    ByteOrderMark { name: String },

    #[error("{name}:1: no frontmatter: line 1 must be exactly `---`")]
    #[diagnostic(
        code(chant::spec::no_frontmatter),
        help("start the file with `---`, the YAML fields (at least `status: pending`), and `---`")
    )]
    NoFrontmatter {
        name: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("expected `---` here")]
        at: SourceSpan,
    },

    #[error("{name}:1: the frontmatter opened on line 1 is never closed")]
    #[diagnostic(
        code(chant::spec::unclosed),
        help("add a line that is exactly `---` after the last YAML field")
    )]
    Unclosed {
        name: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("opened here; no later line is exactly `---`")]
        at: SourceSpan,
    },

    #[error("{name}:{line}: invalid YAML in frontmatter: {message}")]
    #[diagnostic(
        code(chant::spec::yaml),
        help("fix the YAML on line {line}{}", recheck(name))
    )]
    Yaml {
        name: String,
        line: usize,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        at: SourceSpan,
    },

    #[error("{name}:{line}: the frontmatter must be a mapping of `key: value` fields")]
    #[diagnostic(
        code(chant::spec::not_a_mapping),
        help("write one `key: value` per line, e.g. `status: pending`")
    )]
    NotMapping {
        name: String,
        line: usize,
        #[source_code]
        src: NamedSource<String>,
        #[label("not a `key: value` field")]
        at: SourceSpan,
    },

    #[error("{name}:{line}: field `{field}` must be {expected}")]
    #[diagnostic(
        code(chant::spec::field_type),
        help("write `{field}` as {expected}, e.g. {example}")
    )]
    FieldType {
        name: String,
        line: usize,
        field: String,
        expected: &'static str,
        example: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("{expected} expected")]
        at: SourceSpan,
    },

    #[error("{name}: the canonical form would change what field `{field}` holds; left as it is")]
    #[diagnostic(
        code(chant::spec::not_canonical),
        help("the YAML of `{field}` is one serde_yaml cannot write back; keep the file as it is or simplify that field")
    )]
    NotCanonical { name: String, field: String },
}

impl ExitCode for SpecError {
    fn exit(&self) -> Exit {
        Exit::Validation
    }
}

/// How to re-check what was named: `fmt --check` takes files (and `-`), not spec ids, so
/// only a file gets the command; a spec's own command (`edit`) says its next step itself.
fn recheck(name: &str) -> String {
    if name == "<stdin>" {
        "; `git chant fmt --check -` re-checks it".to_owned()
    } else if super::id::validate(name).is_ok() && !name.ends_with(".md") {
        String::new()
    } else {
        format!("; `git chant fmt --check {name}` re-checks the file")
    }
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Span of the whole line holding `offset`, without its newline, for labels.
pub(crate) fn line_span(text: &str, offset: usize) -> SourceSpan {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (
        start,
        end.saturating_sub(start).max(1).min(text.len() - start),
    )
        .into()
}

/// Byte offset of the line that starts top-level key `field` within `text`, searching from
/// `from` (the start of the frontmatter).
pub(crate) fn key_offset(text: &str, from: usize, field: &str) -> Option<usize> {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(field) {
            if rest.trim_start().starts_with(':') {
                return Some(offset);
            }
        }
        if line.trim_end() == "---" && offset > from {
            return None;
        }
        offset += line.len();
    }
    None
}
