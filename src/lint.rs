//! Spec quality rules: what `git chant lint` reports. Errors make lint exit 1; warnings
//! are advice. Each finding names the spec, the rule and what to do.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::lifecycle::{self, Status};
use crate::spec::{is_known_status, is_known_type, Spec};

/// Thresholds of the complexity rule (upstream chant's spirit: a spec an agent can finish
/// in one run).
pub const MAX_TARGET_FILES: usize = 10;
pub const MAX_CRITERIA: usize = 12;
pub const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub rule: &'static str,
    pub message: String,
}

/// One spec as lint sees it: parsed, or the reason it does not parse.
pub struct Input {
    pub id: String,
    pub archived: bool,
    pub spec: Result<Spec, String>,
}

/// Files no command reads because they are not where the layout puts a spec: errors, so a
/// ledger a hook-less remote let them into is noticed.
pub fn strays(strays: &[crate::store::ledger::Stray]) -> Vec<Finding> {
    strays
        .iter()
        .map(|stray| {
            let (id, message) = match &stray.belongs {
                Some((id, place)) => (
                    id.clone(),
                    format!("stored at {} but its id puts it at {place}, so no command sees it; `git chant doctor --fix` moves it", stray.path),
                ),
                None => (
                    stray.path.clone(),
                    "not a spec file where the ledger layout allows one; no command reads it (remove it with a ledger commit, or push to a server with `hooks install --server` to keep such files out)".to_owned(),
                ),
            };
            Finding { id, severity: Severity::Error, rule: "layout", message }
        })
        .collect()
}

/// Lints `only` (all specs when `None`) against the whole ledger `all`.
pub fn lint(all: &[Input], only: Option<&HashSet<String>>) -> Vec<Finding> {
    let specs: HashMap<&str, &Spec> = all
        .iter()
        .filter_map(|i| i.spec.as_ref().ok().map(|s| (i.id.as_str(), s)))
        .collect();
    let cyclic = in_cycles(&specs);
    let mut titles: HashMap<&str, Vec<&str>> = HashMap::new();
    for input in all.iter().filter(|i| !i.archived) {
        if let Ok(spec) = &input.spec {
            if let Some(title) = spec.title() {
                titles.entry(title).or_default().push(&input.id);
            }
        }
    }
    let mut findings = Vec::new();
    for input in all {
        if only.is_some_and(|o| !o.contains(&input.id)) {
            continue;
        }
        let mut add = |severity, rule, message: String| {
            findings.push(Finding {
                id: input.id.clone(),
                severity,
                rule,
                message,
            })
        };
        let spec = match &input.spec {
            Ok(spec) => spec,
            Err(why) => {
                add(Severity::Error, "parse", format!("does not parse: {why}"));
                continue;
            }
        };
        let id = input.id.as_str();
        // The input rules' words, so lint and the writers that refuse say the same thing.
        match crate::spec::rules::body_title(spec.body()) {
            Err(broken) => add(Severity::Error, "title", broken.message),
            Ok(title) => {
                let same: Vec<&&str> = titles
                    .get(title)
                    .map(|v| v.iter().filter(|o| **o != id).collect())
                    .unwrap_or_default();
                if !input.archived && !same.is_empty() {
                    add(
                        Severity::Warning,
                        "duplicate-title",
                        format!(
                            "same title as {}",
                            same.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
        }
        if !is_known_status(spec.status()) {
            add(
                Severity::Error,
                "unknown-status",
                format!(
                    "status `{}` is not one of {}",
                    spec.status(),
                    crate::spec::STATUSES.join(", ")
                ),
            );
        }
        if !is_known_type(spec.kind()) {
            add(
                Severity::Warning,
                "unknown-type",
                format!(
                    "type `{}` is not one of {}",
                    spec.kind(),
                    crate::spec::TYPES.join(", ")
                ),
            );
        }
        for dep in spec.depends_on() {
            match specs.get(dep) {
                None => add(
                    Severity::Error,
                    "unknown-dependency",
                    format!("depends on `{dep}`, which does not exist"),
                ),
                Some(d) if matches!(Status::of(d.status()), Status::Cancelled | Status::Failed) => {
                    add(
                        Severity::Warning,
                        "dependency-state",
                        format!("depends on {dep}, which is {}", d.status()),
                    )
                }
                Some(_) => {}
            }
        }
        if cyclic.contains(id) {
            add(
                Severity::Error,
                "cycle",
                "is part of a dependency cycle (`git chant dag` shows it)".into(),
            );
        }
        approval(spec, &mut add);
        if let Some(broken) = crate::spec::rules::verification(spec) {
            add(Severity::Error, "verification", broken.message);
        }
        if let Some(broken) = crate::spec::rules::claim(spec) {
            add(Severity::Error, "claim", broken.message);
        }
        let criteria = spec.criteria();
        if criteria.is_empty() {
            add(
                Severity::Warning,
                "no-criteria",
                "no checkboxes under `## Acceptance Criteria`".into(),
            );
        }
        complexity(spec, criteria.len(), &mut add);
        coupling(id, spec, &specs, &mut add);
        type_fields(id, spec, &specs, &mut add);
        if Status::Completed.is(spec.status()) && spec.completed_at().is_none() {
            add(
                Severity::Warning,
                "completed-at",
                "completed but has no `completed_at`".into(),
            );
        }
    }
    findings.sort_by(|a, b| (a.severity, &a.id).cmp(&(b.severity, &b.id)));
    findings
}

type Add<'a> = dyn FnMut(Severity, &'static str, String) + 'a;

/// `approval`'s rules, as errors: its shape, and a decision that names who and when
/// (what the server refuses too).
fn approval(spec: &Spec, add: &mut Add<'_>) {
    for broken in crate::spec::rules::approval(spec) {
        add(Severity::Error, "approval", broken.message);
    }
}

fn complexity(spec: &Spec, criteria: usize, add: &mut Add<'_>) {
    let files = spec.target_files().len();
    if files > MAX_TARGET_FILES {
        add(
            Severity::Warning,
            "complexity",
            format!("{files} target files (more than {MAX_TARGET_FILES}): split it into members"),
        );
    }
    if criteria > MAX_CRITERIA {
        add(
            Severity::Warning,
            "complexity",
            format!(
                "{criteria} acceptance criteria (more than {MAX_CRITERIA}): split it into members"
            ),
        );
    }
    if spec.body().len() > MAX_BODY_BYTES {
        add(
            Severity::Warning,
            "complexity",
            format!(
                "body of {} bytes (more than {MAX_BODY_BYTES})",
                spec.body().len()
            ),
        );
    }
}

/// A body that names another spec's id without depending on it (or citing it in
/// `informed_by`) couples the two silently.
fn coupling(id: &str, spec: &Spec, specs: &HashMap<&str, &Spec>, add: &mut Add<'_>) {
    let declared: HashSet<&str> = spec
        .depends_on()
        .into_iter()
        .chain(spec.list("informed_by"))
        .collect();
    let mut named = HashSet::new();
    for token in spec
        .body()
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        let token = token.trim_end_matches('.');
        let id_like = token.contains('-') && token.bytes().any(|b| b.is_ascii_digit());
        if id_like
            && token != id
            && specs.contains_key(token)
            && !declared.contains(token)
            && named.insert(token)
        {
            add(
                Severity::Warning,
                "coupling",
                format!("mentions {token} but does not depend on it"),
            );
        }
    }
}

fn type_fields(id: &str, spec: &Spec, specs: &HashMap<&str, &Spec>, add: &mut Add<'_>) {
    match spec.kind() {
        "documentation" if spec.list("tracks").is_empty() => add(
            Severity::Warning,
            "type-fields",
            "a documentation spec should list the code it documents in `tracks`".into(),
        ),
        "research" if spec.target_files().is_empty() => add(
            Severity::Warning,
            "type-fields",
            "a research spec should name its output document in `target_files`".into(),
        ),
        "driver" | "group" => {
            let prefix = format!("{id}.");
            if !specs.keys().any(|k| k.starts_with(&prefix)) {
                add(
                    Severity::Warning,
                    "type-fields",
                    format!(
                        "a {} has no members (`git chant add --member-of {id}`)",
                        spec.kind()
                    ),
                )
            }
        }
        _ => {}
    }
}

/// Specs on a dependency cycle (dependencies outside the ledger are leaves).
fn in_cycles<'a>(specs: &HashMap<&'a str, &'a Spec>) -> HashSet<&'a str> {
    lifecycle::graph::on_cycles(specs.keys().copied(), |id| {
        specs.get(id).map(|s| s.depends_on()).unwrap_or_default()
    })
}
