//! The `approval` mapping, upstream's `required`, `status`, `by` and `at`: the rules it
//! must satisfy (its shape, and a decision that says who made it and when), the state it
//! puts a spec in, and the `## Approval Discussion` entries `approve` and `reject` append
//! to the body in upstream's words.

use serde_yaml::Value;

use super::rules::Violation;
use super::Spec;

/// An approval not decided yet.
pub const PENDING: &str = "pending"; // tidy: an approval state, not a spec's status

/// Every approval state, as `list --approval` takes them.
pub const STATES: [&str; 3] = [PENDING, "approved", "rejected"];

/// The body section approvals and rejections are written to.
pub const DISCUSSION: &str = "Approval Discussion";

/// Where `approve`/`reject` are the way to change a decision (every approval message).
const HELP: &str = "approvals are recorded by `git chant approve <id>` and `git chant reject <id> --reason R`; `git chant set <id> approval.required true` asks for one";

/// A decision on a spec's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approved,
    Rejected,
}

impl Decision {
    /// The stored `approval.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }

    /// The word upstream writes in the discussion entry.
    fn word(self) -> &'static str {
        match self {
            Decision::Approved => "APPROVED",
            Decision::Rejected => "REJECTED",
        }
    }
}

/// The approval state of a spec: `None` without an `approval` mapping or one that neither
/// requires approval nor records a status (upstream's `{required: false}`); otherwise the
/// recorded `status`, `pending` when none is written yet.
pub fn state(spec: &Spec) -> Option<String> {
    let approval = spec.approval()?;
    let required = approval.get("required").and_then(Value::as_bool) == Some(true);
    match approval.get("status") {
        Some(Value::String(status)) => Some(status.clone()),
        Some(Value::Null) | None if required => Some(PENDING.to_owned()),
        Some(Value::Null) | None => None,
        Some(other) => Some(
            serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        ),
    }
}

/// Whether `approval.required` is true.
pub fn required(spec: &Spec) -> bool {
    spec.approval()
        .and_then(|a| a.get("required"))
        .and_then(Value::as_bool)
        == Some(true)
}

/// The rules of `approval`: `required` true or false, `status` pending, approved or
/// rejected; a decision (approved, rejected) says who made it (`by`) and when (`at`), and
/// a pending one names nobody (upstream's lint checks the same).
pub fn violations(spec: &Spec) -> Vec<Violation> {
    let Some(approval) = spec.approval() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let broken = |message: String| Violation::new("approval", message, HELP);
    if approval.get("required").is_some_and(|v| !v.is_bool()) {
        found.push(broken("`approval.required` must be true or false".into()));
    }
    let given = |k: &str| approval.get(k).is_some_and(|v| !v.is_null());
    match approval.get("status").map(|s| s.as_str()) {
        None => {}
        Some(Some(PENDING)) if given("by") => found.push(broken(
            "`approval.status` is pending, but `approval.by` names an approver".into(),
        )),
        Some(Some(PENDING)) => {}
        Some(Some(status @ ("approved" | "rejected"))) => {
            let missing: Vec<&str> = ["by", "at"].into_iter().filter(|k| !given(k)).collect();
            if !missing.is_empty() {
                let which = missing
                    .iter()
                    .map(|k| format!("`approval.{k}`"))
                    .collect::<Vec<_>>()
                    .join(" and ");
                found.push(broken(format!(
                    "`approval.status` is {status}, but {which} {} not say who and when",
                    if missing.len() == 1 { "does" } else { "do" }
                )));
            }
        }
        Some(_) => found.push(broken(
            "`approval.status` must be pending, approved or rejected".into(),
        )),
    }
    found
}

/// Refuses a change of `after`'s decision (`approval.status`, `by`, `at`) from `before`'s
/// made other than by `approve`/`reject` (an `edit`): who decided is the commit's
/// committer, which a hand-written `by` would not be.
pub fn same_decision(before: &Spec, after: &Spec) -> Result<(), Violation> {
    let decision = |s: &Spec| {
        let a = s.approval();
        ["status", "by", "at"].map(|k| a.and_then(|a| a.get(k)).cloned())
    };
    if decision(before) == decision(after) {
        return Ok(());
    }
    Err(Violation::new(
        "approval",
        "`approval.status`, `approval.by` and `approval.at` are recorded by `git chant approve` and `git chant reject`",
        "undo that part of the edit; then git chant approve <id> [--comment C] or git chant reject <id> --reason R (the approver is your git identity)",
    ))
}

/// Upstream's discussion entry: `**<name>** - YYYY-MM-DD HH:MM - APPROVED` (or
/// `REJECTED`), then the comment or reason on the next line when there is one. `at` is
/// the decision's RFC 3339 UTC time (`approval.at`), so the entry reads the same on every
/// clone.
pub fn entry(name: &str, at: &str, decision: Decision, text: Option<&str>) -> String {
    let when = format!(
        "{} {}",
        &at[..10.min(at.len())],
        at.get(11..16).unwrap_or("")
    );
    let mut entry = format!("**{name}** - {} - {}", when.trim(), decision.word());
    if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
        entry.push('\n');
        entry.push_str(text);
    }
    entry
}

/// The body with `entry` appended to its `## Approval Discussion` section, a blank line
/// after the entries already there; the section is created at the end when missing.
pub fn discuss(body: &str, entry: &str) -> String {
    let has_section = super::has_section(body, DISCUSSION);
    let text = if has_section {
        format!("\n{entry}")
    } else {
        entry.to_owned()
    };
    super::append_to_section(body, DISCUSSION, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(frontmatter: &str) -> Spec {
        Spec::parse("x", format!("---\n{frontmatter}---\n# T\n").as_bytes()).unwrap()
    }

    #[test]
    fn a_decision_names_who_and_when_and_a_pending_one_nobody() {
        let messages = |s: &str| -> Vec<String> {
            violations(&spec(s))
                .into_iter()
                .map(|v| v.message)
                .collect()
        };
        assert!(
            messages("approval:\n  required: true\n  status: pending\n  by: null\n").is_empty()
        );
        assert_eq!(
            messages("approval:\n  status: approved\n  by: ana\n"),
            ["`approval.status` is approved, but `approval.at` does not say who and when"]
        );
        assert_eq!(
            messages("approval:\n  status: rejected\n"),
            ["`approval.status` is rejected, but `approval.by` and `approval.at` do not say who and when"]
        );
        assert_eq!(
            messages("approval:\n  status: pending\n  by: ana\n"),
            ["`approval.status` is pending, but `approval.by` names an approver"]
        );
        assert_eq!(state(&spec("approval:\n  required: false\n")), None);
        assert_eq!(
            state(&spec("approval:\n  required: true\n")).as_deref(),
            Some("pending")
        );
    }

    #[test]
    fn entries_read_as_upstream_writes_them() {
        let e = entry(
            "Ana",
            "2026-02-02T14:27:53Z",
            Decision::Rejected,
            Some("too big"),
        );
        assert_eq!(e, "**Ana** - 2026-02-02 14:27 - REJECTED\ntoo big");
        let once = discuss("# T\n\nText.\n", "**A** - 2026-02-02 14:27 - APPROVED");
        assert_eq!(
            once,
            "# T\n\nText.\n\n## Approval Discussion\n\n**A** - 2026-02-02 14:27 - APPROVED\n"
        );
        let twice = discuss(&once, "**B** - 2026-02-03 09:00 - REJECTED\nno");
        assert!(
            twice.ends_with("APPROVED\n\n**B** - 2026-02-03 09:00 - REJECTED\nno\n"),
            "{twice}"
        );
    }
}
