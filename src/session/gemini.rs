//! Gemini CLI's stream: `gemini -p … --output-format stream-json` prints one JSON object
//! per line (its types are `packages/core/src/output/types.ts`), each with a `timestamp`:
//! `init` (`session_id`, `model`), `message` (`role` `user` or `assistant`, `content`,
//! and `delta: true` on the chunks of one streamed answer), `tool_use` (`tool_name`,
//! `tool_id`, `parameters`), `tool_result` (`tool_id`, `status` `success` or `error`,
//! `output`, `error.message`), `error` (`severity`, `message`), and last `result`
//! (`status`, `error`, `stats`: `total_tokens`, `input_tokens`, `output_tokens`,
//! `duration_ms`, `tool_calls`).

use serde_json::{Map, Value};

use super::summary;
use super::{obj_at, str_at, u64_at, Event, State};

/// Whether `v` has the shape of one of Gemini CLI's events.
pub(super) fn recognise(v: &Map<String, Value>) -> bool {
    match str_at(v, "type") {
        Some("init") => v.contains_key("session_id"),
        Some("message") => v.contains_key("role"),
        Some("tool_use") => v.contains_key("tool_name"),
        Some("tool_result") => v.contains_key("tool_id"),
        Some("result") => v.contains_key("status") && !v.contains_key("subtype"),
        _ => false,
    }
}

/// The session id `v` names.
pub(super) fn session(v: &Map<String, Value>) -> Option<&str> {
    (str_at(v, "type") == Some("init"))
        .then(|| str_at(v, "session_id"))
        .flatten()
}

/// The events of one line; the chunks of one streamed answer become one text.
pub(super) fn events(v: &Map<String, Value>, state: &mut State, out: &mut Vec<Event>) {
    let open = std::mem::take(&mut state.open_text);
    match str_at(v, "type") {
        Some("init") => out.push(Event::Session {
            id: str_at(v, "session_id").map(str::to_owned),
            model: str_at(v, "model").map(str::to_owned),
        }),
        Some("message") if str_at(v, "role") == Some("assistant") => {
            let content = str_at(v, "content").unwrap_or_default();
            let delta = v.get("delta").and_then(Value::as_bool) == Some(true);
            match out.last_mut() {
                Some(Event::Text { text }) if open => text.push_str(content),
                _ if content.is_empty() => {}
                _ => out.push(Event::Text {
                    text: content.into(),
                }),
            }
            state.open_text = delta && matches!(out.last(), Some(Event::Text { .. }));
        }
        Some("tool_use") => out.push(Event::ToolCall {
            name: str_at(v, "tool_name").unwrap_or("tool").into(),
            summary: summary::input(v.get("parameters"), None),
        }),
        Some("tool_result") => {
            let failed = str_at(v, "status") == Some("error");
            let error = obj_at(v, "error").and_then(|e| str_at(e, "message"));
            let text = match (str_at(v, "output"), error) {
                (_, Some(message)) if failed => message,
                (Some(output), _) => output,
                (None, Some(message)) => message,
                (None, None) => "",
            };
            out.push(Event::ToolResult {
                summary: summary::output(text),
                is_error: failed,
            });
        }
        Some("error") => {
            let message = summary::one_line(str_at(v, "message").unwrap_or("error"));
            out.push(Event::Error {
                message: match str_at(v, "severity") {
                    Some("warning") => format!("warning: {message}"),
                    _ => message,
                },
            });
        }
        Some("result") => {
            let stats = obj_at(v, "stats");
            let ok = str_at(v, "status") == Some("success");
            let message = (!ok).then(|| {
                obj_at(v, "error")
                    .and_then(|e| str_at(e, "message"))
                    .map_or_else(|| "the session failed".to_owned(), summary::one_line)
            });
            out.push(Event::Result {
                ok,
                turns: None,
                duration_ms: stats.and_then(|s| u64_at(s, "duration_ms")),
                cost_usd: None,
                tokens: stats.and_then(|s| u64_at(s, "total_tokens")),
                session_id: None,
                message,
            });
        }
        _ => {}
    }
}
