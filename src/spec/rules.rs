//! The input rules: what a spec written from your input must satisfy, in one place, so
//! `add`, `set` and `edit` refuse the same things with the same words, `import` reports
//! them (it stores upstream's bytes as they are), and `lint` names them alike.
//!
//! The checks here are pure: they see one spec (or one value). Those that need the ledger
//! (a dependency that exists, no cycle, a driver's state) run in `ops` and use the
//! constructors below for their words.

use miette::Diagnostic;
use serde_yaml::Value;

use super::{fields, Spec};
use crate::exit::{Exit, ExitCode};

/// One broken rule, before it is pinned to a spec or command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Short name, as lint reports it (`title`, `type`, `approval`, …).
    pub rule: &'static str,
    pub message: String,
    pub help: String,
}

impl Violation {
    pub(crate) fn new(
        rule: &'static str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Violation {
            rule,
            message: message.into(),
            help: help.into(),
        }
    }

    /// The violation as an error about `subject` (a spec id, a file, or the command).
    pub fn on(self, subject: impl Into<String>) -> RuleError {
        RuleError {
            subject: subject.into(),
            violation: self,
        }
    }
}

/// A refusal: `subject` breaks an input rule. Exit code 1, like any other refused input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{subject}: {}", violation.message)]
pub struct RuleError {
    pub subject: String,
    pub violation: Violation,
}

impl Diagnostic for RuleError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(format!("chant::input::{}", self.violation.rule)))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.violation.help))
    }
}

impl ExitCode for RuleError {
    fn exit(&self) -> Exit {
        Exit::User
    }
}

const TITLE_HELP: &str =
    "a title is one non-blank line, the body's `# ` line (e.g. `# Fix the race in the store`)";

/// The first control character of `text`, written the way `escape` shows it.
fn control(text: &str) -> Option<String> {
    text.chars()
        .find(|c| c.is_control())
        .map(|c| crate::escape::escape(&c.to_string()).into_owned())
}

/// A title: one non-blank line without control characters. Returns it trimmed.
pub fn title(text: &str) -> Result<&str, Violation> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Violation::new("title", "the title is empty", TITLE_HELP));
    }
    if trimmed.contains(['\n', '\r']) {
        return Err(Violation::new(
            "title",
            "the title spans several lines",
            TITLE_HELP,
        ));
    }
    if let Some(c) = control(trimmed) {
        return Err(Violation::new(
            "title",
            format!("the title holds a control character ({c})"),
            TITLE_HELP,
        ));
    }
    Ok(trimmed)
}

/// The body's title, checked: the first `# ` line must exist and be a valid title.
pub fn body_title(body: &str) -> Result<&str, Violation> {
    match super::title(body) {
        None => Err(Violation::new(
            "title",
            "no `# Title` line in the body",
            TITLE_HELP,
        )),
        Some(text) => title(text),
    }
}

/// The title `add` stores, from its argument and, when the body file has its own `# `
/// line, that line: the two must agree (after trimming), so neither is dropped silently.
pub fn add_title<'a>(argument: &'a str, body: Option<&str>) -> Result<&'a str, Violation> {
    let wanted = title(argument)?;
    let Some(found) = body.and_then(super::title) else {
        return Ok(wanted);
    };
    if found.trim() == wanted {
        return Ok(wanted);
    }
    Err(Violation::new(
        "title",
        format!("the title `{wanted}` differs from the body file's `# {found}`"),
        "give the same title in both, or leave the `# ` line out of the body file (add then writes the title above it)",
    ))
}

/// A `type` value: one git chant knows, unless `force`.
pub fn kind(value: &str, force: bool) -> Result<(), Violation> {
    if force || fields::is_known_type(value) {
        return Ok(());
    }
    Err(Violation::new(
        "type",
        format!("unknown type `{value}`"),
        format!(
            "known types: {}; `--force` stores it anyway",
            fields::TYPES.join(", ")
        ),
    ))
}

/// One entry of a list field (`labels`, `target_files`, …): one non-blank line.
pub fn list_item(field: &str, value: &str) -> Result<(), Violation> {
    let help = format!("each `{field}` entry is one non-blank line of text");
    if value.trim().is_empty() {
        return Err(Violation::new(
            "list-item",
            format!("an empty `{field}` entry"),
            help,
        ));
    }
    if let Some(c) = control(value) {
        let what = if value.contains(['\n', '\r']) {
            "spans several lines".to_owned()
        } else {
            format!("holds a control character ({c})")
        };
        return Err(Violation::new(
            "list-item",
            format!("a `{field}` entry {what}"),
            help,
        ));
    }
    Ok(())
}

/// `approval`'s rules (spec/approval.rs): its shape, and who decided and when.
pub use super::approval::violations as approval;

/// `claim`: a mapping of `by`, `at` and `until`, strings, the times RFC 3339 and `until`
/// after `at` (spec/claim.rs).
pub fn claim(spec: &Spec) -> Option<Violation> {
    match spec.claim() {
        Some(Err(why)) => Some(Violation::new(
            "claim",
            why,
            "claims are written by `git chant claim <id>` and removed by `git chant release <id>`",
        )),
        _ => None,
    }
}

/// The verification fields `git chant verify` writes, with upstream's values.
pub fn verification(spec: &Spec) -> Option<Violation> {
    super::verification::problem(spec).map(|why| {
        Violation::new(
            "verification",
            why,
            "these are written by `git chant verify <id>`; `git chant set <id> verification_status passed` sets one by hand",
        )
    })
}

/// Every rule one whole spec must satisfy: a title, a known type (unless `force`), list
/// entries that are one line each, a well-formed `approval`, `claim` and verification.
pub fn check(spec: &Spec, force: bool) -> Vec<Violation> {
    let mut found = Vec::new();
    found.extend(body_title(spec.body()).err());
    if let Some(value) = spec.frontmatter().get("type").and_then(Value::as_str) {
        found.extend(kind(value, force).err());
    }
    for (field, shape) in fields::FIELDS {
        if matches!(shape, fields::Shape::List | fields::Shape::TextOrList) {
            for item in spec.list(field) {
                found.extend(list_item(field, item).err());
            }
        }
    }
    found.extend(approval(spec));
    found.extend(claim(spec));
    found.extend(verification(spec));
    found
}

/// The rules `after` breaks that `before` (the spec as it was, `None` for a new one) did
/// not: a change may not introduce a violation, and is not blamed for an old one (those
/// are `lint`'s to report).
pub fn introduced(before: Option<&Spec>, after: &Spec, force: bool) -> Result<(), Violation> {
    let old = before.map(|b| check(b, force)).unwrap_or_default();
    match check(after, force).into_iter().find(|v| !old.contains(v)) {
        Some(v) => Err(v),
        None => Ok(()),
    }
}

/// A field name for `set`, split at its dots (`approval.required` is `required` inside
/// `approval`). No part may be empty.
pub fn field_path(key: &str) -> Result<Vec<&str>, Violation> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.trim().is_empty()) {
        return Err(Violation::new(
            "field",
            format!("`{key}` is not a field name"),
            "name a frontmatter key (`model`), or a key inside one with dots (`approval.required`)",
        ));
    }
    Ok(parts)
}

/// `set` with `--add`/`--remove` on a field that is not a list.
pub fn not_a_list(field: &str) -> Violation {
    Violation::new(
        "field",
        format!("`{field}` is not a list"),
        format!("set it with `git chant set <id> {field} <value>`"),
    )
}

/// `set` of a whole mapping field.
pub fn a_mapping(field: &str) -> Violation {
    Violation::new(
        "field",
        format!("`{field}` is a mapping"),
        format!("set one field inside it, e.g. `git chant set <id> {field}.required true`, or change it with `git chant edit <id>`"),
    )
}

/// A boolean field given something else.
pub fn not_bool(field: &str) -> Violation {
    Violation::new(
        "field",
        format!("`{field}` must be true or false"),
        format!("e.g. `git chant set <id> {field} true`"),
    )
}

/// A dotted path through `at`, which holds `found` rather than a mapping.
pub fn not_a_mapping(field: &str, at: &str, found: &str) -> Violation {
    Violation::new(
        "field",
        format!("cannot set `{field}`: `{at}` holds `{found}`, not a mapping"),
        format!("replace `{at}` itself (`git chant set <id> {at} <value>`), or change it with `git chant edit <id>`"),
    )
}

/// Fields `set` does not write: the status (the lifecycle commands change it), the title
/// (the body's `# ` line, not a field) and the claim (`claim`, `release`).
pub fn settable(path: &[&str]) -> Result<(), Violation> {
    match path {
        ["status"] => Err(Violation::new(
            "field",
            "status changes go through the lifecycle commands",
            "use git chant start / done / fail / pause / cancel / reopen",
        )),
        ["title"] => Err(Violation::new(
            "field",
            "the title is the body's `# ` line, not a frontmatter field",
            "change it with `git chant edit <id>`",
        )),
        // A decision is who made it, from git's identity, in a commit of its own: only
        // `approve` and `reject` write one, so `set` cannot forge it.
        ["approval", "status" | "by" | "at"] => Err(Violation::new(
            "field",
            format!("`{}` is recorded by `git chant approve` and `git chant reject`", path.join(".")),
            "use git chant approve <id> [--comment C] or git chant reject <id> --reason R (the approver is your git identity); `git chant set <id> approval.required true` asks for an approval",
        )),
        // A claim is pushed at once and guarded by the server: only the claim commands
        // write it, so it is always whole, yours, and shared.
        [crate::spec::claim::FIELD, ..] => Err(Violation::new(
            "field",
            "claims go through `git chant claim` and `git chant release`",
            "use git chant claim <id> [--lease 30m] or git chant release <id>",
        )),
        [top, _, ..] => match fields::Shape::of(top) {
            Some(fields::Shape::Map) | None => Ok(()),
            Some(shape) => Err(Violation::new(
                "field",
                format!(
                    "`{top}` holds {}, not a mapping: it has no field `{}`",
                    shape.describe(top).0,
                    path[1..].join(".")
                ),
                format!("set `{top}` itself: `git chant set <id> {top} <value>`"),
            )),
        },
        _ => Ok(()),
    }
}

/// Text you give (a body file, an edited spec) without a leading UTF-8 byte-order mark:
/// editors on some systems add one, and a spec must start with `---`.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_non_blank_line() {
        assert_eq!(title("  Fix it "), Ok("Fix it"));
        for bad in ["", "   ", "a\nb", "a\rb", "a\x1b[31mb"] {
            assert_eq!(title(bad).unwrap_err().rule, "title", "{bad:?}");
        }
        assert!(body_title("no heading\n").is_err());
        assert!(body_title("# \n").is_err());
        assert_eq!(body_title("# Real\n"), Ok("Real"));
    }

    #[test]
    fn the_body_title_must_agree_with_the_argument() {
        assert_eq!(add_title("A", Some("# A\n")), Ok("A"));
        assert_eq!(add_title("A", Some("text only\n")), Ok("A"));
        let e = add_title("A", Some("# B\n")).unwrap_err();
        assert!(e.message.contains("`A`") && e.message.contains("`# B`"));
    }

    #[test]
    fn field_paths_split_at_dots() {
        assert_eq!(
            field_path("approval.required"),
            Ok(vec!["approval", "required"])
        );
        assert!(field_path("a..b").is_err() && field_path(".a").is_err());
        assert!(settable(&["status"]).is_err() && settable(&["model"]).is_ok());
    }

    #[test]
    fn a_change_is_blamed_only_for_what_it_breaks() {
        let old = Spec::parse("s", b"---\ntype: odd\n---\n# T\n").unwrap();
        let new = Spec::parse("s", b"---\ntype: odd\n---\nno title\n").unwrap();
        assert!(introduced(Some(&old), &old, false).is_ok());
        assert_eq!(
            introduced(Some(&old), &new, false).unwrap_err().rule,
            "title"
        );
        assert_eq!(introduced(None, &old, false).unwrap_err().rule, "type");
    }
}
