//! A spec: upstream chant's markdown-with-YAML-frontmatter file, parsed losslessly, with
//! typed accessors for the known fields and in-place edits that touch only what changes.

pub mod approval;
mod body;
pub mod claim;
mod error;
mod fields;
mod frontmatter;
pub mod id;
mod path;
pub mod rules;
mod scalars;
pub mod template;
pub mod verification;

pub use body::{
    append_to_section, criteria, criteria_counts, criteria_section, has_section, title,
    without_criteria, Criterion,
};
pub use error::{SpecError, SpecErrorKind};
pub use fields::{is_known_status, is_known_type, Shape, FIELDS, STATUSES, TYPES};
pub use frontmatter::Frontmatter;
pub use path::NotAMapping;

use miette::NamedSource;
use serde_yaml::{Mapping, Value};

use error::{key_offset, line_of, line_span};

/// A parsed spec. `render` gives back the exact bytes it was parsed from until something
/// changes; a change re-renders only the entries it touched, in serde_yaml's style.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The opening delimiter line as written (`---\n`, or `---\r\n`).
    open: String,
    frontmatter: Frontmatter,
    /// The closing delimiter line as written (`---\n`, or `---` at the end of the file).
    close: String,
    body: String,
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r']) == "---"
}

/// serde_yaml reports a duplicate key at the start of the mapping; point at the second
/// occurrence instead, which is the line to fix.
fn duplicate_key_offset(text: &str, from: usize, message: &str) -> Option<usize> {
    let key = message
        .strip_prefix("duplicate entry with key \"")?
        .split('"')
        .next()?;
    let first = key_offset(text, from, key)?;
    let next_line = first + text[first..].find('\n')? + 1;
    key_offset(text, next_line, key)
}

impl Spec {
    /// A new spec from frontmatter fields (in order) and a markdown body.
    pub fn new(fields: Vec<(&str, Value)>, body: impl Into<String>) -> Spec {
        let mut frontmatter = Frontmatter::default();
        for (key, value) in fields {
            frontmatter.set(key, value);
        }
        Spec {
            open: "---\n".into(),
            frontmatter,
            close: "---\n".into(),
            body: body.into(),
        }
    }

    /// Parses a spec file. `name` (a file name or spec id) labels the diagnostics.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Spec, SpecError> {
        let fail = |kind: SpecErrorKind| -> Result<Spec, SpecError> { Err(kind.into()) };
        let name = name.to_owned();
        if bytes.is_empty() {
            return fail(SpecErrorKind::Empty { name });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let offset = e.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            SpecError::from(SpecErrorKind::NotUtf8 {
                name: name.clone(),
                offset,
                line,
            })
        })?;
        if text.starts_with('\u{feff}') {
            return fail(SpecErrorKind::ByteOrderMark { name });
        }
        let src = || NamedSource::new(name.clone(), text.to_owned());

        let mut lines = text.split_inclusive('\n');
        let open = lines.next().unwrap_or_default();
        if !is_delimiter(open) {
            return fail(SpecErrorKind::NoFrontmatter {
                src: src(),
                at: line_span(text, 0),
                name,
            });
        }
        let mut offset = open.len();
        let close = loop {
            match lines.next() {
                Some(line) if is_delimiter(line) => break line,
                Some(line) => offset += line.len(),
                None => {
                    return fail(SpecErrorKind::Unclosed {
                        src: src(),
                        at: line_span(text, 0),
                        name,
                    })
                }
            }
        };
        let yaml = &text[open.len()..offset];
        let body = &text[offset + close.len()..];

        let mut map = match serde_yaml::from_str::<Value>(yaml) {
            Ok(Value::Null) => Mapping::new(),
            Ok(Value::Mapping(map)) => map,
            Ok(_) => {
                let at = open.len();
                return fail(SpecErrorKind::NotMapping {
                    line: line_of(text, at),
                    src: src(),
                    at: line_span(text, at),
                    name,
                });
            }
            Err(e) => {
                let message = e.to_string();
                let at = duplicate_key_offset(text, open.len(), &message)
                    .unwrap_or_else(|| open.len() + e.location().map_or(0, |l| l.index()));
                let message = match message.find(" at line ") {
                    Some(cut) => message[..cut].to_owned(),
                    None => message,
                };
                return fail(SpecErrorKind::Yaml {
                    line: line_of(text, at),
                    message,
                    src: src(),
                    at: line_span(text, at),
                    name,
                });
            }
        };
        scalars::as_text(yaml, &mut map);
        for (key, value) in &map {
            let Some(field) = key.as_str() else { continue };
            let Some(shape) = Shape::of(field) else {
                continue;
            };
            if !shape.accepts(value) {
                let at = key_offset(text, open.len(), field).unwrap_or(open.len());
                let (expected, example) = shape.describe(field);
                return fail(SpecErrorKind::FieldType {
                    line: line_of(text, at),
                    field: field.to_owned(),
                    expected,
                    example,
                    src: src(),
                    at: line_span(text, at),
                    name,
                });
            }
        }
        Ok(Spec {
            open: open.to_owned(),
            frontmatter: Frontmatter::from_parsed(yaml, map),
            close: close.to_owned(),
            body: body.to_owned(),
        })
    }

    /// The canonical form of a spec file's bytes: parsed, every field re-rendered the way
    /// upstream chant writes it, the body untouched.
    /// Refused when the canonical text would not read back as the same data.
    pub fn canonical(name: &str, bytes: &[u8]) -> Result<String, SpecError> {
        let original = Spec::parse(name, bytes)?;
        let mut spec = original.clone();
        spec.canonicalize();
        let text = spec.render();
        let back = Spec::parse(name, text.as_bytes()).ok();
        match back.as_ref().map(|b| b.frontmatter().to_mapping()) {
            Some(data) if data == original.frontmatter().to_mapping() => Ok(text),
            _ => {
                let field = original
                    .frontmatter()
                    .iter()
                    .find(|(k, v)| {
                        back.as_ref()
                            .and_then(|b| b.frontmatter().to_mapping().get(*k).cloned())
                            .as_ref()
                            != Some(*v)
                    })
                    .map_or_else(String::new, |(k, _)| frontmatter::key_text(k));
                Err(SpecErrorKind::NotCanonical {
                    name: name.to_owned(),
                    field,
                }
                .into())
            }
        }
    }

    /// The file's bytes.
    pub fn render(&self) -> String {
        let yaml = self.frontmatter.render();
        let mut out = String::with_capacity(yaml.len() + self.body.len() + 8);
        out.push_str(&self.open);
        out.push_str(&yaml);
        out.push_str(&self.close);
        out.push_str(&self.body);
        out
    }

    /// Re-renders every field the way upstream chant (serde_yaml) writes it.
    pub fn canonicalize(&mut self) {
        self.frontmatter.canonicalize();
    }

    pub fn frontmatter(&self) -> &Frontmatter {
        &self.frontmatter
    }

    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn set_body(&mut self, body: impl Into<String>) {
        self.body = body.into();
    }

    /// The first `# ` line of the body.
    pub fn title(&self) -> Option<&str> {
        body::title(&self.body)
    }

    pub fn criteria(&self) -> Vec<Criterion> {
        body::criteria(&self.body)
    }

    /// Ticks (or clears) criterion `number` (1-based); false if there is no such criterion.
    pub fn set_criterion(&mut self, number: usize, checked: bool) -> bool {
        match body::set_checked(&self.body, number, checked) {
            Some(body) => {
                self.body = body;
                true
            }
            None => false,
        }
    }

    /// A string field; `None` when absent or null.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.frontmatter.get(field).and_then(Value::as_str)
    }

    /// A list field; a single string (as `depends_on` allows) reads as a list of one.
    pub fn list(&self, field: &str) -> Vec<&str> {
        match self.frontmatter.get(field) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Sequence(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// `type`, `code` when absent (upstream's default).
    pub fn kind(&self) -> &str {
        self.text("type").unwrap_or("code")
    }

    /// `status`, `pending` when absent (upstream's default). May be a value git chant does
    /// not know; lint and validate report those.
    pub fn status(&self) -> &str {
        self.text("status").unwrap_or("pending") // tidy: upstream's default, where specs are parsed
    }

    pub fn depends_on(&self) -> Vec<&str> {
        self.list("depends_on")
    }

    pub fn labels(&self) -> Vec<&str> {
        self.list("labels")
    }

    pub fn target_files(&self) -> Vec<&str> {
        self.list("target_files")
    }

    pub fn context(&self) -> Vec<&str> {
        self.list("context")
    }

    pub fn commits(&self) -> Vec<&str> {
        self.list("commits")
    }

    pub fn members(&self) -> Vec<&str> {
        self.list("members")
    }

    pub fn prompt(&self) -> Option<&str> {
        self.text("prompt")
    }

    pub fn branch(&self) -> Option<&str> {
        self.text("branch")
    }

    pub fn completed_at(&self) -> Option<&str> {
        self.text("completed_at")
    }

    pub fn model(&self) -> Option<&str> {
        self.text("model")
    }

    /// `approval` as a mapping (`required`, `status`, `by`, `at`), if present.
    pub fn approval(&self) -> Option<&Mapping> {
        self.frontmatter.get("approval").and_then(Value::as_mapping)
    }

    /// Sets a string field.
    pub fn set_text(&mut self, field: &str, value: &str) {
        self.frontmatter.set(field, Value::String(value.to_owned()));
    }

    /// Sets a list field; an empty list removes the field, as upstream never writes `[]`.
    pub fn set_list<S: AsRef<str>>(&mut self, field: &str, values: &[S]) {
        if values.is_empty() {
            self.frontmatter.remove(field);
            return;
        }
        let items = values
            .iter()
            .map(|v| Value::String(v.as_ref().to_owned()))
            .collect();
        self.frontmatter.set(field, Value::Sequence(items));
    }

    /// Sets any field to any YAML value.
    pub fn set_value(&mut self, field: &str, value: Value) {
        self.frontmatter.set(field, value);
    }

    pub fn remove(&mut self, field: &str) -> Option<Value> {
        self.frontmatter.remove(field)
    }
}

#[cfg(test)]
mod tests;
