//! The final answer of a one-shot run (`verify`, `split`): what the agent said last, read
//! from the stream it printed (Claude Code's `result` event, with its `structured_output`
//! when `--json-schema` asked for one; the last assistant text of Codex and Gemini), or
//! the whole output of an agent that prints plain text. The answer is untrusted: it is
//! bounded here, and callers check every value they take from it.

use serde_json::Value;

use super::{detect, object, parse, str_at, Event, Format};

/// The most of an answer's text kept (256 KiB): a verdict or a split plan is far smaller.
pub const MAX_ANSWER: usize = 256 * 1024;

/// What the agent answered.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalAnswer {
    /// Its last text, at most [`MAX_ANSWER`] bytes.
    pub text: String,
    /// The structured output its stream carried (Claude Code's `structured_output`).
    pub structured: Option<Value>,
}

impl FinalAnswer {
    /// The answer as one JSON value: the structured output, else the last fenced
    /// ```` ```json ```` block of the text, else the whole text when it is one JSON value.
    pub fn json(&self) -> Option<Value> {
        if let Some(v) = &self.structured {
            return Some(v.clone());
        }
        if let Some(block) = last_fenced_json(&self.text) {
            return serde_json::from_str(block).ok();
        }
        serde_json::from_str(self.text.trim()).ok()
    }
}

/// The final answer in `output` (a run's stdout and stderr), `None` when it said nothing.
pub fn final_answer(output: &[u8]) -> Option<FinalAnswer> {
    let text = String::from_utf8_lossy(output);
    let Some(format) = detect(&text) else {
        return bounded(text.trim()).map(|text| FinalAnswer {
            text,
            structured: None,
        });
    };
    let mut structured = None;
    let mut result = None;
    if format == Format::Claude {
        for v in text.lines().filter_map(object) {
            if str_at(&v, "type") == Some("result") {
                structured = v.get("structured_output").filter(|s| !s.is_null()).cloned();
                result = str_at(&v, "result").map(str::to_owned);
            }
        }
    }
    let last_text = || {
        parse(&text)?
            .events
            .into_iter()
            .rev()
            .find_map(|e| match e {
                Event::Text { text } => Some(text),
                _ => None,
            })
    };
    let said = result.filter(|r| !r.trim().is_empty()).or_else(last_text);
    match (said.as_deref().and_then(|s| bounded(s.trim())), structured) {
        (None, None) => None,
        (text, structured) => Some(FinalAnswer {
            text: text.unwrap_or_default(),
            structured,
        }),
    }
}

/// `text` cut to [`MAX_ANSWER`] bytes at a character boundary; `None` when empty.
fn bounded(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let mut end = text.len().min(MAX_ANSWER);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text[..end].to_owned())
}

/// The contents of the last ```` ```json ```` fenced block of `text`.
fn last_fenced_json(text: &str) -> Option<&str> {
    let mut found = None;
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find("```json") {
        let after = &rest[open + 7..];
        let Some(newline) = after.find('\n') else {
            break;
        };
        let body = &after[newline + 1..];
        let Some(close) = body.find("```") else {
            break;
        };
        let start = offset + open + 7 + newline + 1;
        found = Some(&text[start..start + close]);
        let consumed = open + 7 + newline + 1 + close + 3;
        offset += consumed;
        rest = &rest[consumed..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_structured_output_wins_and_fenced_json_is_read_otherwise() {
        let stream = concat!(
            r#"{"type":"system","subtype":"init","session_id":"s","model":"m","cwd":"/w"}"#,
            "\n",
            r#"{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"s","structured_output":{"criteria":[]}}"#,
            "\n"
        );
        let answer = final_answer(stream.as_bytes()).unwrap();
        assert_eq!(answer.text, "done");
        assert_eq!(answer.json().unwrap()["criteria"], serde_json::json!([]));

        let plain = "Here it is:\n```json\n{\"a\": 1}\n```\nand later\n```json\n{\"a\": 2}\n```\n";
        let answer = final_answer(plain.as_bytes()).unwrap();
        assert_eq!(answer.json().unwrap()["a"], 2);
        assert_eq!(final_answer(b"  \n"), None);
    }

    #[test]
    fn an_answer_is_bounded() {
        let big = "é".repeat(MAX_ANSWER);
        let answer = final_answer(big.as_bytes()).unwrap();
        assert!(answer.text.len() <= MAX_ANSWER);
    }
}
