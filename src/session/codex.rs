//! Codex's stream: `codex exec --json` prints one JSON object per line (its types are
//! `codex-rs/exec/src/exec_events.rs`): `thread.started` (`thread_id`, the session to
//! `codex exec resume`), `turn.started`, `turn.completed` (`usage`: `input_tokens`,
//! `cached_input_tokens`, `output_tokens`), `turn.failed` (`error.message`), `error`, and
//! `item.started` / `item.updated` / `item.completed` carrying an `item` with `id` and
//! `type`: `agent_message` and `reasoning` (`text`), `command_execution` (`command`,
//! `aggregated_output`, `exit_code`, `status`), `file_change` (`changes`: `path`, `kind`;
//! `status`), `mcp_tool_call` (`server`, `tool`, `arguments`, `result`, `error`),
//! `web_search` (`query`), `todo_list` (`items`), `error` (`message`). Codex has no cost
//! or duration to report; it prints nothing else on stdout, and "Reading prompt from
//! stdin..." on stderr.

use serde_json::{Map, Value};

use super::summary;
use super::{obj_at, str_at, u64_at, Event, State};

/// Whether `v` has the shape of one of Codex's events.
pub(super) fn recognise(v: &Map<String, Value>) -> bool {
    match str_at(v, "type") {
        Some("thread.started") => v.contains_key("thread_id"),
        Some(t) if t.starts_with("turn.") => true,
        Some(t) if t.starts_with("item.") => obj_at(v, "item").is_some(),
        _ => false,
    }
}

/// The session (thread) id `v` names.
pub(super) fn session(v: &Map<String, Value>) -> Option<&str> {
    (str_at(v, "type") == Some("thread.started"))
        .then(|| str_at(v, "thread_id"))
        .flatten()
}

/// The events of one line.
pub(super) fn events(v: &Map<String, Value>, state: &mut State, out: &mut Vec<Event>) {
    match str_at(v, "type") {
        Some("thread.started") => out.push(Event::Session {
            id: str_at(v, "thread_id").map(str::to_owned),
            model: None,
        }),
        Some("turn.completed") => {
            state.turns += 1;
            let usage = obj_at(v, "usage");
            let tokens = usage.and_then(|u| {
                let input = u64_at(u, "input_tokens");
                let output = u64_at(u, "output_tokens");
                (input.is_some() || output.is_some())
                    .then(|| input.unwrap_or(0).saturating_add(output.unwrap_or(0)))
            });
            out.push(turn_end(true, state.turns, tokens, None));
        }
        Some("turn.failed") => {
            state.turns += 1;
            let message = obj_at(v, "error")
                .and_then(|e| str_at(e, "message"))
                .map_or_else(|| "the turn failed".to_owned(), summary::one_line);
            out.push(turn_end(false, state.turns, None, Some(message)));
        }
        Some("error") => out.push(Event::Error {
            message: summary::one_line(str_at(v, "message").unwrap_or("error")),
        }),
        Some(kind @ ("item.started" | "item.completed")) => {
            if let Some(item) = obj_at(v, "item") {
                item_event(item, kind == "item.completed", state, out);
            }
        }
        _ => {}
    }
}

fn turn_end(ok: bool, turns: u64, tokens: Option<u64>, message: Option<String>) -> Event {
    Event::Result {
        ok,
        turns: Some(turns),
        duration_ms: None,
        cost_usd: None,
        tokens,
        session_id: None,
        message,
    }
}

/// An item starting or completing: a call is shown when it starts (or, never seen
/// starting, when it completes), its result when it completes.
fn item_event(item: &Map<String, Value>, completed: bool, state: &mut State, out: &mut Vec<Event>) {
    // Early versions named the field `item_type` and the message `assistant_message`.
    let kind = str_at(item, "type").or_else(|| str_at(item, "item_type"));
    let id = str_at(item, "id").unwrap_or_default();
    let text = || str_at(item, "text").unwrap_or_default().to_owned();
    let mut call = |name: String, summary: String, out: &mut Vec<Event>| {
        if id.is_empty() || state.started.insert(id.to_owned()) {
            out.push(Event::ToolCall { name, summary });
        }
    };
    match kind {
        Some("agent_message" | "assistant_message" | "plan") if completed => {
            out.push(Event::Text { text: text() })
        }
        Some("reasoning") if completed => out.push(Event::Reasoning { text: text() }),
        Some("command_execution") => {
            let command = str_at(item, "command").unwrap_or_default();
            call("Shell".into(), summary::one_line(shell(command)), out);
            if completed {
                let code = item.get("exit_code").and_then(Value::as_i64);
                out.push(Event::ToolResult {
                    summary: summary::output(str_at(item, "aggregated_output").unwrap_or("")),
                    is_error: code.is_some_and(|c| c != 0) || failed(item),
                });
            }
        }
        Some("file_change") if completed => {
            let changes: Vec<String> = item
                .get("changes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .take(8)
                .map(|c| {
                    let path = summary::relative(str_at(c, "path").unwrap_or("?"), None);
                    format!("{} {path}", str_at(c, "kind").unwrap_or("update"))
                })
                .collect();
            call("Patch".into(), summary::one_line(&changes.join(", ")), out);
            if failed(item) {
                out.push(Event::ToolResult {
                    summary: "the patch did not apply".into(),
                    is_error: true,
                });
            }
        }
        Some("mcp_tool_call") => {
            let name = format!(
                "{}.{}",
                str_at(item, "server").unwrap_or("mcp"),
                str_at(item, "tool").unwrap_or("tool")
            );
            call(name, summary::input(item.get("arguments"), None), out);
            if completed {
                let error = obj_at(item, "error").and_then(|e| str_at(e, "message"));
                let text = match error {
                    Some(message) => message.into(),
                    None => {
                        summary::content_text(obj_at(item, "result").and_then(|r| r.get("content")))
                    }
                };
                out.push(Event::ToolResult {
                    summary: summary::output(&text),
                    is_error: error.is_some() || failed(item),
                });
            }
        }
        Some("web_search") => {
            let query = str_at(item, "query").unwrap_or_default();
            call("WebSearch".into(), summary::one_line(query), out);
        }
        Some("error") if completed => out.push(Event::Error {
            message: summary::one_line(str_at(item, "message").unwrap_or("error")),
        }),
        _ => {}
    }
}

/// Whether Codex reports the item as failed (or, a command, declined).
fn failed(item: &Map<String, Value>) -> bool {
    // tidy: Codex's item statuses, not a spec's
    matches!(str_at(item, "status"), Some("failed" | "declined"))
}

/// The command a shell wrapper runs: Codex reports `bash -lc 'git status'` for
/// `git status`.
fn shell(command: &str) -> &str {
    const WRAPPERS: &[&str] = &[
        "bash -lc ",
        "/bin/bash -lc ",
        "bash -c ",
        "/bin/bash -c ",
        "zsh -lc ",
        "/bin/zsh -lc ",
        "sh -c ",
        "/bin/sh -c ",
    ];
    let Some(inner) = WRAPPERS.iter().find_map(|w| command.strip_prefix(w)) else {
        return command;
    };
    let quoted = |q: char| {
        inner
            .strip_prefix(q)
            .and_then(|r| r.strip_suffix(q))
            .filter(|r| !r.contains(q))
    };
    quoted('\'').or_else(|| quoted('"')).unwrap_or(inner)
}
