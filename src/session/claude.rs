//! Claude Code's stream: `claude -p --output-format stream-json --verbose` prints one JSON
//! object per line. `system` (subtype `init`: `session_id`, `model`, `cwd`, `tools`),
//! `assistant` (`message.content`: `text`, `thinking`, `tool_use` blocks with `name` and
//! `input`), `user` (`message.content`: `tool_result` blocks with `content` and
//! `is_error`), and last `result` (`subtype`, `is_error`, `num_turns`, `duration_ms`,
//! `total_cost_usd`, `session_id`, `result`). Other types (`stream_event`,
//! `rate_limit_event`, other `system` subtypes) are skipped.

use serde_json::{Map, Value};

use super::summary;
use super::{obj_at, str_at, u64_at, Event, State};

/// Whether `v` has the shape of one of Claude Code's events.
pub(super) fn recognise(v: &Map<String, Value>) -> bool {
    match str_at(v, "type") {
        Some("system") => v.contains_key("subtype") && v.contains_key("session_id"),
        Some("assistant" | "user") => obj_at(v, "message").is_some(),
        Some("result") => v.contains_key("subtype") && v.contains_key("session_id"),
        _ => false,
    }
}

/// The session id `v` names.
pub(super) fn session(v: &Map<String, Value>) -> Option<&str> {
    recognise(v).then(|| str_at(v, "session_id")).flatten()
}

/// The events of one line.
pub(super) fn events(v: &Map<String, Value>, state: &mut State, out: &mut Vec<Event>) {
    match str_at(v, "type") {
        Some("system") if str_at(v, "subtype") == Some("init") => {
            state.cwd = str_at(v, "cwd").map(str::to_owned);
            out.push(Event::Session {
                id: str_at(v, "session_id").map(str::to_owned),
                model: str_at(v, "model").map(str::to_owned),
            });
        }
        Some("assistant") => {
            for block in blocks(v) {
                assistant_block(block, state, out);
            }
        }
        Some("user") => {
            for block in blocks(v) {
                if str_at(block, "type") == Some("tool_result") {
                    let text = summary::content_text(block.get("content"));
                    out.push(Event::ToolResult {
                        summary: summary::output(&text),
                        is_error: block.get("is_error").and_then(Value::as_bool) == Some(true),
                    });
                }
            }
        }
        Some("result") => out.push(result(v)),
        _ => {}
    }
}

/// The content blocks of a message (none when its content is a plain string, as the
/// prompt is).
fn blocks(v: &Map<String, Value>) -> impl Iterator<Item = &Map<String, Value>> {
    obj_at(v, "message")
        .and_then(|m| m.get("content"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn assistant_block(block: &Map<String, Value>, state: &State, out: &mut Vec<Event>) {
    match str_at(block, "type") {
        Some("text") => {
            if let Some(text) = str_at(block, "text").filter(|t| !t.trim().is_empty()) {
                out.push(Event::Text { text: text.into() });
            }
        }
        Some("thinking") => {
            if let Some(text) = str_at(block, "thinking").filter(|t| !t.trim().is_empty()) {
                out.push(Event::Reasoning { text: text.into() });
            }
        }
        Some("tool_use" | "server_tool_use") => out.push(Event::ToolCall {
            name: str_at(block, "name").unwrap_or("tool").into(),
            summary: summary::input(block.get("input"), state.cwd.as_deref()),
        }),
        _ => {}
    }
}

/// The `result` event: success only for subtype `success` without `is_error`.
fn result(v: &Map<String, Value>) -> Event {
    let subtype = str_at(v, "subtype").unwrap_or_default();
    let is_error = v.get("is_error").and_then(Value::as_bool) == Some(true);
    let ok = subtype == "success" && !is_error;
    let message = (!ok).then(|| {
        let said = v
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find_map(Value::as_str))
            .or_else(|| is_error.then(|| str_at(v, "result")).flatten());
        match said {
            Some(text) if subtype != "success" && !subtype.is_empty() => {
                format!("{subtype}: {}", summary::one_line(text))
            }
            Some(text) => summary::one_line(text),
            None => subtype.to_owned(),
        }
    });
    Event::Result {
        ok,
        turns: u64_at(v, "num_turns"),
        duration_ms: u64_at(v, "duration_ms"),
        cost_usd: v.get("total_cost_usd").and_then(Value::as_f64),
        tokens: None,
        session_id: str_at(v, "session_id").map(str::to_owned),
        message,
    }
}
