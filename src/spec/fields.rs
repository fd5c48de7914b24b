//! The known frontmatter fields: their shapes (checked on load) and the known `type` and
//! `status` values (unknown ones load and are reported by lint and validate).

use serde_yaml::Value;

/// Statuses git chant stores. `ready` and `blocked` are computed views, never stored.
pub const STATUSES: &[&str] = &[
    "pending",
    "in_progress",
    "paused",
    "completed",
    "failed",
    "needs_attention",
    "cancelled",
];

/// Spec types upstream chant knows.
pub const TYPES: &[&str] = &[
    "code",
    "task",
    "driver",
    "group",
    "research",
    "documentation",
];

/// What a known field must hold. A field that is absent or `null` is always fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    Text,
    /// A list of strings.
    List,
    /// A string or a list of strings (`depends_on`).
    TextOrList,
    /// A mapping (`approval`).
    Map,
    /// `true` or `false`.
    Bool,
}

/// Known fields and their shapes; everything else is an unknown key, kept as it is.
pub const FIELDS: &[(&str, Shape)] = &[
    ("type", Shape::Text),
    ("status", Shape::Text),
    ("depends_on", Shape::TextOrList),
    ("labels", Shape::List),
    ("target_files", Shape::List),
    ("context", Shape::List),
    ("prompt", Shape::Text),
    ("branch", Shape::Text),
    ("commits", Shape::List),
    ("completed_at", Shape::Text),
    ("model", Shape::Text),
    ("informed_by", Shape::List),
    ("origin", Shape::List),
    ("tracks", Shape::List),
    ("approval", Shape::Map),
    ("members", Shape::List),
    ("source_branch", Shape::Text),
    ("target_branch", Shape::Text),
    ("conflicting_files", Shape::List),
    ("blocked_specs", Shape::List),
    ("original_spec", Shape::Text),
    ("public", Shape::Bool),
    // Written by `git chant verify` (spec/verification.rs).
    ("last_verified", Shape::Text),
    ("verification_status", Shape::Text),
    ("verification_failures", Shape::List),
    // `by`, `at`, `until` (spec/claim.rs); written by `git chant claim`, never by `set`.
    ("claim", Shape::Map),
];

/// Known fields inside a mapping field, by dotted path (what `set approval.required` sets).
pub const NESTED_FIELDS: &[(&str, Shape)] = &[
    ("approval.required", Shape::Bool),
    ("approval.status", Shape::Text),
    ("approval.by", Shape::Text),
    ("approval.at", Shape::Text),
    ("claim.by", Shape::Text),
    ("claim.at", Shape::Text),
    ("claim.until", Shape::Text),
];

impl Shape {
    pub fn of(field: &str) -> Option<Shape> {
        FIELDS.iter().find(|(f, _)| *f == field).map(|(_, s)| *s)
    }

    /// The shape of a top-level field (`model`) or a nested one (`approval.required`).
    pub fn of_path(path: &[&str]) -> Option<Shape> {
        match path {
            [one] => Shape::of(one),
            _ => {
                let dotted = path.join(".");
                NESTED_FIELDS
                    .iter()
                    .find(|(f, _)| *f == dotted)
                    .map(|(_, s)| *s)
            }
        }
    }

    pub fn accepts(self, value: &Value) -> bool {
        let list = |v: &Value| {
            v.as_sequence()
                .is_some_and(|items| items.iter().all(Value::is_string))
        };
        match self {
            _ if value.is_null() => true,
            Shape::Text => value.is_string(),
            Shape::List => list(value),
            Shape::TextOrList => value.is_string() || list(value),
            Shape::Map => value.is_mapping(),
            Shape::Bool => value.is_bool(),
        }
    }

    /// Words for diagnostics: what was expected, and an example for `field`.
    pub fn describe(self, field: &str) -> (&'static str, String) {
        match self {
            Shape::Text => ("a string", format!("`{field}: some-value`")),
            Shape::List => (
                "a list of strings",
                format!("`{field}:` then `- item` on the next line"),
            ),
            Shape::TextOrList => (
                "a spec id or a list of spec ids",
                format!("`{field}:` then `- 002-reproduction` on the next line"),
            ),
            Shape::Map => ("a mapping", format!("`{field}:` then `  required: true`")),
            Shape::Bool => ("true or false", format!("`{field}: true`")),
        }
    }
}

pub fn is_known_status(status: &str) -> bool {
    STATUSES.contains(&status)
}

pub fn is_known_type(kind: &str) -> bool {
    TYPES.contains(&kind)
}
