//! Each tool's input JSON Schema (2020-12, the MCP default), and the helpers the output
//! schemas (`outputs.rs`) share; written by hand and kept small: the whole `tools/list`
//! answer goes into an agent's context. Inputs close every object
//! (`additionalProperties: false`).

use serde_json::{json, Map, Value};

pub(super) fn t(kind: &str, description: &str) -> Value {
    match description {
        "" => json!({"type": kind}),
        d => json!({"type": kind, "description": d}),
    }
}

pub(super) fn s(description: &str) -> Value {
    t("string", description)
}

pub(super) fn b(description: &str) -> Value {
    t("boolean", description)
}

fn n(description: &str) -> Value {
    let mut v = t("integer", description);
    v["minimum"] = json!(1);
    v
}

pub(super) fn strings(description: &str) -> Value {
    let mut v = t("array", description);
    v["items"] = json!({"type": "string"});
    v
}

pub(super) fn one_of(values: &[&str], description: &str) -> Value {
    let mut v = s(description);
    v["enum"] = json!(values);
    v
}

pub(super) fn object(props: Vec<(&str, Value)>, required: &[&str], closed: bool) -> Value {
    let properties: Map<String, Value> = props.into_iter().map(|(k, v)| (k.into(), v)).collect();
    let mut v = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        v["required"] = json!(required);
    }
    if closed {
        v["additionalProperties"] = json!(false);
    }
    v
}

/// An input schema: `props`, then the `repo` every tool takes.
fn input(mut props: Vec<(&str, Value)>, required: &[&str]) -> Value {
    props.push(("repo", s("repository path")));
    object(props, required, true)
}

pub(super) fn output(props: Vec<(&str, Value)>, required: &[&str]) -> Value {
    object(props, required, false)
}

fn id() -> Value {
    s("spec id; short forms resolve")
}

pub(super) fn any_object() -> Value {
    json!({"type": "object"})
}

pub(super) fn array_of(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

pub fn list_in() -> Value {
    let statuses = crate::ops::query::status_values();
    let mut status = strings("any of these; ready and blocked are computed");
    status["items"]["enum"] = json!(statuses);
    input(
        vec![
            ("status", status),
            ("label", strings("any of these labels")),
            ("type", one_of(crate::spec::TYPES, "")),
            (
                "scope",
                one_of(&["live", "archived", "all"], "default live"),
            ),
            ("approval", {
                let mut a = strings("any of these approval states");
                a["items"]["enum"] = json!(crate::ops::query::APPROVAL_STATES);
                a
            }),
            ("sort", one_of(&["id", "status", "title", "updated"], "")),
            ("limit", n("default 50")),
            ("cursor", s("nextCursor of the previous page")),
        ],
        &[],
    )
}

pub fn one_in() -> Value {
    input(vec![("id", id())], &["id"])
}

pub fn ready_in() -> Value {
    input(vec![("limit", n(""))], &[])
}

pub fn repo_in() -> Value {
    input(Vec::new(), &[])
}

pub fn search_in() -> Value {
    input(
        vec![
            ("text", s("in titles and bodies, any case")),
            ("limit", n("")),
        ],
        &["text"],
    )
}

pub fn add_in() -> Value {
    input(
        vec![
            ("title", s("")),
            ("id", s("default: generated")),
            (
                "type",
                s("code (default), task, driver, group, research, documentation"),
            ),
            ("depends_on", strings("")),
            ("labels", strings("")),
            ("target_files", strings("")),
            ("prompt", s("")),
            ("member_of", s("driver id: add its next member")),
            (
                "body",
                s("markdown; with an ## Acceptance Criteria checklist"),
            ),
            ("force", b("allow an unknown type")),
        ],
        &["title"],
    )
}

pub fn update_in() -> Value {
    let scalar = json!({"type": ["string", "number", "boolean"]});
    let lists = json!({"type": "object", "additionalProperties": strings("")});
    let append = object(
        vec![("section", s("heading, without ##")), ("text", s(""))],
        &["section", "text"],
        true,
    );
    input(
        vec![
            ("id", id()),
            (
                "set",
                json!({"type": "object", "additionalProperties": scalar, "description": "field: value (a.b sets inside a mapping)"}),
            ),
            ("add", lists.clone()),
            ("remove", lists),
            (
                "body",
                s("new markdown body; keeps the title unless it has one"),
            ),
            ("append", append),
            ("force", b("allow an unknown type")),
        ],
        &["id"],
    )
}

pub fn transition_in() -> Value {
    let to = one_of(
        &["start", "done", "fail", "pause", "cancel", "reopen"],
        "start: -> in_progress, done: -> completed, reopen: -> pending",
    );
    input(
        vec![
            ("id", id()),
            ("to", to),
            ("reason", s("")),
            ("force", b("bypass the transition table; recorded")),
        ],
        &["id", "to"],
    )
}

pub fn check_in() -> Value {
    let mut numbers = t("array", "criteria numbers, from 1, as show lists them");
    numbers["items"] = n("");
    numbers["minItems"] = json!(1);
    input(
        vec![
            ("id", id()),
            ("numbers", numbers),
            ("uncheck", b("clear instead")),
        ],
        &["id", "numbers"],
    )
}

pub fn lint_in() -> Value {
    input(vec![("ids", strings("default: every spec"))], &[])
}

pub fn transcript_in() -> Value {
    input(
        vec![
            ("id", id()),
            (
                "commit",
                s("the transcript on this commit; default the newest"),
            ),
            ("page", n("default 1")),
            ("live", b("the running agent's output so far")),
        ],
        &["id"],
    )
}

pub fn work_in() -> Value {
    let mut ids = strings("");
    ids["minItems"] = json!(1);
    input(
        vec![
            ("ids", ids),
            (
                "agent",
                s("claude, codex, gemini or a command; default chant.agent"),
            ),
            ("prompt", s("")),
            ("target", s("branch to start from and land in")),
            ("force", b("work a spec that is not ready")),
            ("merge", b("land it once completed")),
            ("claim", b("claim it first")),
        ],
        &["ids"],
    )
}

pub fn merge_in() -> Value {
    input(
        vec![
            ("ids", strings("")),
            ("all_completed", b("every completed spec not landed")),
            (
                "strategy",
                one_of(&["merge", "ff-only", "rebase", "squash"], ""),
            ),
            ("into", s("target branch")),
            ("keep", b("keep worktree and branch")),
            ("push", s("push the target to this remote")),
        ],
        &[],
    )
}

pub fn claim_in() -> Value {
    input(
        vec![
            ("id", s("default: the first ready spec nobody holds")),
            ("lease", s("30m, 2h, 1d; default chant.claim.lease or 2h")),
            ("force", b("replace someone else's claim")),
            ("remote", s("default origin")),
        ],
        &[],
    )
}

pub fn release_in() -> Value {
    input(
        vec![
            ("id", id()),
            ("force", b("remove someone else's claim")),
            ("remote", s("")),
        ],
        &["id"],
    )
}
