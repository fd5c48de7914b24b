//! What lint learns from one spec file alone: the findings of the rules that see only its
//! bytes, and the few fields the ledger-wide rules need. A pure function of the file's
//! bytes and its id (parse errors name the id), so `cache` can keep it per blob.

use super::{Severity, MAX_BODY_BYTES, MAX_CRITERIA, MAX_TARGET_FILES};
use crate::spec::{is_known_status, is_known_type, Spec};

/// A finding of a one-spec rule, before it is pinned to the spec's id.
pub type Local = (Severity, &'static str, String);

/// One spec file as the ledger-wide rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Why the file does not parse; every other field is then empty.
    pub error: Option<String>,
    /// The body's first `# ` line, untrimmed (what duplicates are grouped by).
    pub title: Option<String>,
    /// The title passes the title rule (duplicates are only looked for then).
    pub titled: bool,
    pub status: String,
    pub kind: String,
    pub depends_on: Vec<String>,
    /// Id-like words of the body not in `depends_on` or `informed_by`, each once, in the
    /// order they appear: the coupling rule keeps those that name a spec.
    pub mentions: Vec<String>,
    /// The one-spec findings in the order lint reports them, split where the ledger-wide
    /// rules' findings go: dependencies and cycle after `early`, coupling and members
    /// after `middle`.
    pub early: Vec<Local>,
    pub middle: Vec<Local>,
    pub late: Vec<Local>,
}

impl Facts {
    /// The facts of file `bytes` stored as spec `id`.
    pub fn of(id: &str, bytes: &[u8]) -> Facts {
        match Spec::parse(id, bytes) {
            Ok(spec) => Facts::of_spec(&spec),
            Err(why) => Facts {
                error: Some(why.to_string()),
                title: None,
                titled: false,
                status: String::new(),
                kind: String::new(),
                depends_on: Vec::new(),
                mentions: Vec::new(),
                early: Vec::new(),
                middle: Vec::new(),
                late: Vec::new(),
            },
        }
    }

    fn of_spec(spec: &Spec) -> Facts {
        let mut early = Vec::new();
        // The input rules' words, so lint and the writers that refuse say the same thing.
        let titled = match crate::spec::rules::body_title(spec.body()) {
            Err(broken) => {
                early.push((Severity::Error, "title", broken.message));
                false
            }
            Ok(_) => true,
        };
        if !is_known_status(spec.status()) {
            early.push((
                Severity::Error,
                "unknown-status",
                format!(
                    "status `{}` is not one of {}",
                    spec.status(),
                    crate::spec::STATUSES.join(", ")
                ),
            ));
        }
        if !is_known_type(spec.kind()) {
            early.push((
                Severity::Warning,
                "unknown-type",
                format!(
                    "type `{}` is not one of {}",
                    spec.kind(),
                    crate::spec::TYPES.join(", ")
                ),
            ));
        }
        let mut middle = Vec::new();
        approval(spec, &mut middle);
        if let Some(broken) = crate::spec::rules::verification(spec) {
            middle.push((Severity::Error, "verification", broken.message));
        }
        if let Some(broken) = crate::spec::rules::claim(spec) {
            middle.push((Severity::Error, "claim", broken.message));
        }
        let criteria = spec.criteria();
        if criteria.is_empty() {
            middle.push((
                Severity::Warning,
                "no-criteria",
                "no checkboxes under `## Acceptance Criteria`".into(),
            ));
        }
        complexity(spec, criteria.len(), &mut middle);
        let mut late = Vec::new();
        type_fields(spec, &mut late);
        if crate::lifecycle::Status::Completed.is(spec.status()) && spec.completed_at().is_none() {
            late.push((
                Severity::Warning,
                "completed-at",
                "completed but has no `completed_at`".into(),
            ));
        }
        Facts {
            error: None,
            title: spec.title().map(str::to_owned),
            titled,
            status: spec.status().to_owned(),
            kind: spec.kind().to_owned(),
            depends_on: spec.depends_on().into_iter().map(str::to_owned).collect(),
            mentions: mentions(spec),
            early,
            middle,
            late,
        }
    }
}

/// `approval`'s rules, as errors: its shape, and a decision that names who and when
/// (what the server refuses too).
fn approval(spec: &Spec, out: &mut Vec<Local>) {
    for broken in crate::spec::rules::approval(spec) {
        out.push((Severity::Error, "approval", broken.message));
    }
}

fn complexity(spec: &Spec, criteria: usize, out: &mut Vec<Local>) {
    let files = spec.target_files().len();
    if files > MAX_TARGET_FILES {
        out.push((
            Severity::Warning,
            "complexity",
            format!("{files} target files (more than {MAX_TARGET_FILES}): split it into members"),
        ));
    }
    if criteria > MAX_CRITERIA {
        out.push((
            Severity::Warning,
            "complexity",
            format!(
                "{criteria} acceptance criteria (more than {MAX_CRITERIA}): split it into members"
            ),
        ));
    }
    if spec.body().len() > MAX_BODY_BYTES {
        out.push((
            Severity::Warning,
            "complexity",
            format!(
                "body of {} bytes (more than {MAX_BODY_BYTES})",
                spec.body().len()
            ),
        ));
    }
}

/// The type-specific fields one file can show missing; a driver's members are the
/// ledger's to say.
fn type_fields(spec: &Spec, out: &mut Vec<Local>) {
    match spec.kind() {
        "documentation" if spec.list("tracks").is_empty() => out.push((
            Severity::Warning,
            "type-fields",
            "a documentation spec should list the code it documents in `tracks`".into(),
        )),
        "research" if spec.target_files().is_empty() => out.push((
            Severity::Warning,
            "type-fields",
            "a research spec should name its output document in `target_files`".into(),
        )),
        _ => {}
    }
}

/// The body's id-like words (a `-` and a digit) that the spec does not declare.
fn mentions(spec: &Spec) -> Vec<String> {
    let declared: std::collections::HashSet<&str> = spec
        .depends_on()
        .into_iter()
        .chain(spec.list("informed_by"))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    // Words are ASCII letters, digits, `-`, `.` and `_`; everything else (any non-ASCII
    // byte too) separates them. Bytes, not chars: this scan of every body was the
    // largest part of a cold lint's own time.
    let word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
    let body = spec.body().as_bytes();
    let mut at = 0;
    while at < body.len() {
        if !word(body[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < body.len() && word(body[at]) {
            at += 1;
        }
        let Ok(token) = std::str::from_utf8(&body[start..at]) else {
            continue;
        };
        let token = token.trim_end_matches('.');
        let id_like = token.contains('-') && token.bytes().any(|b| b.is_ascii_digit());
        if id_like && !declared.contains(token) && seen.insert(token) {
            found.push(token.to_owned());
        }
    }
    found
}
