//! Each tool's output schema: an object (as 2025-06-18 and 2025-11-25 require at the
//! root) listing the fields its report always has, left open, as reports may gain fields
//! (never rename them).

use serde_json::{json, Value};

use super::schemas::{any_object, array_of, b, one_of, output, s, strings, t};
use crate::lifecycle::Status;

/// `{"specs": [...]}` of `list --json` objects.
fn specs(extra: Vec<(&str, Value)>) -> Value {
    // The objects of `list --json`; only what every one has is listed.
    let item = output(
        vec![
            ("id", s("")),
            ("title", s("")),
            ("status", s("")),
            ("ready", b("")),
        ],
        &["id", "title", "status", "ready"],
    );
    let mut props = vec![("specs", array_of(item))];
    props.extend(extra);
    output(props, &["specs"])
}

fn written() -> Value {
    output(
        vec![("id", s("")), ("changed", b("false: nothing to write"))],
        &["id", "changed"],
    )
}

pub fn list_out() -> Value {
    specs(vec![("total", t("integer", "")), ("nextCursor", s(""))])
}

pub fn show_out() -> Value {
    output(
        vec![
            ("id", s("")),
            ("title", s("")),
            ("status", s("")),
            ("body", s("")),
            ("frontmatter", any_object()),
            ("ready", b("")),
            ("blocked_by", strings("")),
            ("criteria", any_object()),
            ("members", array_of(any_object())),
            ("notes", array_of(any_object())),
            ("transcripts", array_of(any_object())),
        ],
        &["id", "title", "status", "body", "ready"],
    )
}

pub fn specs_out() -> Value {
    specs(Vec::new())
}

pub fn status_out() -> Value {
    let lists = [
        "ready",
        Status::InProgress.as_str(),
        Status::Paused.as_str(),
        Status::NeedsAttention.as_str(),
        Status::Failed.as_str(),
        "stale",
    ];
    let mut props = vec![("counts", any_object())];
    props.extend(lists.iter().map(|k| (*k, strings(""))));
    output(props, &["counts", "ready"])
}

pub fn add_out() -> Value {
    output(vec![("id", s(""))], &["id"])
}

pub fn written_out() -> Value {
    written()
}

pub fn transition_out() -> Value {
    output(
        vec![
            ("id", s("")),
            ("from", s("")),
            ("to", s("")),
            ("forced", b("")),
            ("messages", strings("")),
            ("commit", json!({"type": ["string", "null"]})),
        ],
        &["id", "from", "to"],
    )
}

pub fn lint_out() -> Value {
    output(
        vec![
            ("findings", array_of(any_object())),
            ("checked", t("integer", "")),
            ("errors", t("integer", "")),
            ("warnings", t("integer", "")),
        ],
        &["findings", "errors"],
    )
}

pub fn log_out() -> Value {
    output(
        vec![
            ("id", s("")),
            ("ledger", array_of(any_object())),
            ("commits", array_of(any_object())),
        ],
        &["id", "ledger", "commits"],
    )
}

pub fn transcript_out() -> Value {
    output(
        vec![
            ("id", s("")),
            ("commit", json!({"type": ["string", "null"]})),
            ("transcripts", t("integer", "")),
            ("header", any_object()),
            ("page", t("integer", "")),
            ("pages", t("integer", "")),
            ("text", s("")),
        ],
        &["id", "page", "pages", "text"],
    )
}

pub fn work_out() -> Value {
    output(vec![("started", array_of(any_object()))], &["started"])
}

pub fn runs_out() -> Value {
    output(
        vec![
            ("running", array_of(any_object())),
            ("stale", strings("in progress, their run gone")),
            ("launched", array_of(any_object())),
        ],
        &["running", "stale", "launched"],
    )
}

pub fn merge_out() -> Value {
    output(vec![("landed", array_of(any_object()))], &["landed"])
}

pub fn claim_out() -> Value {
    let claim = json!({"type": ["object", "null"]});
    output(
        vec![
            ("id", s("")),
            (
                "outcome",
                one_of(&["claimed", "renewed", "released", "not_claimed"], ""),
            ),
            ("claim", claim.clone()),
            ("replaced", claim),
            ("remote", json!({"type": ["string", "null"]})),
        ],
        &["id", "outcome"],
    )
}
