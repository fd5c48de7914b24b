//! Unit tests of the session parsers and renderer, on lines shaped like each agent's.

use super::summary;
use super::*;

fn events(text: &str) -> Vec<Event> {
    parse(text).expect("a stream").events
}

fn call(name: &str, summary: &str) -> Event {
    Event::ToolCall {
        name: name.into(),
        summary: summary.into(),
    }
}

fn result(summary: &str, is_error: bool) -> Event {
    Event::ToolResult {
        summary: summary.into(),
        is_error,
    }
}

const CLAUDE: &str = r#"{"type":"system","subtype":"init","cwd":"/w/.git/chant/worktrees/s1","session_id":"4f1c2a9e-7b3d","tools":["Bash"],"model":"claude-opus-4-1"}
{"type":"assistant","message":{"role":"assistant","content":[{"type":"thinking","thinking":"Plan: edit then commit","signature":"x"},{"type":"text","text":"I'll fix it.\n\nFirst the file."}]},"session_id":"4f1c2a9e-7b3d"}
{"type":"assistant","message":{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Edit","input":{"file_path":"/w/.git/chant/worktrees/s1/src/x.rs","old_string":"a","new_string":"b"}}]},"session_id":"4f1c2a9e-7b3d"}
{"type":"user","message":{"role":"user","content":[{"tool_use_id":"t1","type":"tool_result","content":[{"type":"text","text":"one\ntwo\nthree"}]}]},"session_id":"4f1c2a9e-7b3d"}
{"type":"assistant","message":{"role":"assistant","content":[{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"git commit -m \"$(cat <<'EOF'\nchant(s1): fix\nEOF\n)\"","description":"Commit"}}]},"session_id":"4f1c2a9e-7b3d"}
{"type":"user","message":{"role":"user","content":[{"tool_use_id":"t2","type":"tool_result","content":"hook said no","is_error":true}]},"session_id":"4f1c2a9e-7b3d"}
{"type":"rate_limit_event","rate_limit_info":{"status":"allowed"},"uuid":"u","session_id":"4f1c2a9e-7b3d"}
{"type":"result","subtype":"success","is_error":false,"duration_ms":184000,"duration_api_ms":1,"num_turns":12,"result":"done","session_id":"4f1c2a9e-7b3d","total_cost_usd":0.4217}
"#;

#[test]
fn a_claude_stream_reads_as_its_session() {
    assert_eq!(detect(CLAUDE), Some(Format::Claude));
    assert_eq!(
        events(CLAUDE),
        vec![
            Event::Session {
                id: Some("4f1c2a9e-7b3d".into()),
                model: Some("claude-opus-4-1".into())
            },
            Event::Reasoning {
                text: "Plan: edit then commit".into()
            },
            Event::Text {
                text: "I'll fix it.\n\nFirst the file.".into()
            },
            call("Edit", "src/x.rs"),
            result("one\ntwo…", false),
            call("Bash", "git commit -m \"$(cat <<'EOF'…"),
            result("hook said no", true),
            Event::Result {
                ok: true,
                turns: Some(12),
                duration_ms: Some(184000),
                cost_usd: Some(0.4217),
                tokens: None,
                session_id: Some("4f1c2a9e-7b3d".into()),
                message: None
            },
        ]
    );
    assert_eq!(
        session_id(CLAUDE.as_bytes()).as_deref(),
        Some("4f1c2a9e-7b3d")
    );
}

#[test]
fn a_session_renders_as_paragraphs_tool_lines_and_the_outcome() {
    assert_eq!(
        render(&events(CLAUDE)),
        "session 4f1c2a9e-7b3d (claude-opus-4-1)
· Plan: edit then commit

I'll fix it.

First the file.

▸ Edit src/x.rs
  ⎿ one
    two…
▸ Bash git commit -m \"$(cat <<'EOF'…
  ⎿ ✗ hook said no

✓ 12 turns, 3m 04s, $0.42, session 4f1c2a9e…
"
    );
}

#[test]
fn a_failed_claude_run_says_why() {
    let text = r#"{"type":"result","subtype":"error_max_turns","is_error":true,"duration_ms":900,"num_turns":30,"session_id":"s","total_cost_usd":0.001,"errors":["Reached maximum number of turns (30)"]}"#;
    assert_eq!(
        render(&events(text)),
        "✗ error_max_turns: Reached maximum number of turns (30); 30 turns, 900ms, <$0.01, session s\n"
    );
}

const CODEX: &str = r#"{"type":"thread.started","thread_id":"0199a213-81c0"}
{"type":"turn.started"}
{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Planning**"}}
{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc 'cargo test'","aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc 'cargo test'","aggregated_output":"running 3 tests\nok\n","exit_code":101,"status":"failed"}}
{"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"/r/.git/chant/worktrees/s2/src/a.rs","kind":"update"}],"status":"completed"}}
{"type":"item.completed","item":{"id":"item_3","item_type":"assistant_message","text":"Fixed."}}
{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":50,"output_tokens":20}}
"#;

#[test]
fn a_codex_stream_shows_each_command_once_with_its_result() {
    let with_stderr = format!("Reading prompt from stdin...\n{CODEX}");
    assert_eq!(detect(&with_stderr), Some(Format::Codex));
    let got = events(&with_stderr);
    assert_eq!(
        got[..7],
        [
            Event::Output {
                text: "Reading prompt from stdin...".into()
            },
            Event::Session {
                id: Some("0199a213-81c0".into()),
                model: None
            },
            Event::Reasoning {
                text: "**Planning**".into()
            },
            call("Shell", "cargo test"),
            result("running 3 tests\nok", true),
            call("Patch", "update src/a.rs"),
            Event::Text {
                text: "Fixed.".into()
            },
        ]
    );
    assert!(render(&got).ends_with("\n✓ 1 turn, 120 tokens, session 0199a213…\n"));
    assert_eq!(
        session_id(CODEX.as_bytes()).as_deref(),
        Some("0199a213-81c0")
    );
    let failed = r#"{"type":"thread.started","thread_id":"t"}
{"type":"turn.failed","error":{"message":"stream disconnected"}}"#;
    assert!(render(&events(failed)).ends_with("✗ stream disconnected; 1 turn, session t\n"));
}

const GEMINI: &str = r#"{"type":"init","timestamp":"2026-01-01T00:00:00.000Z","session_id":"8d3b7f0e","model":"gemini-2.5-pro"}
{"type":"message","timestamp":"t","role":"user","content":"the prompt"}
{"type":"message","timestamp":"t","role":"assistant","content":"Let me ","delta":true}
{"type":"message","timestamp":"t","role":"assistant","content":"look.","delta":true}
{"type":"tool_use","timestamp":"t","tool_name":"read_file","tool_id":"r1","parameters":{"absolute_path":"/r/.git/chant/worktrees/s3/README.md"}}
{"type":"tool_result","timestamp":"t","tool_id":"r1","status":"error","error":{"type":"FILE_NOT_FOUND","message":"File not found"}}
{"type":"error","timestamp":"t","severity":"warning","message":"Loop detected"}
{"type":"message","timestamp":"t","role":"assistant","content":"Done.","delta":true}
{"type":"result","timestamp":"t","status":"success","stats":{"total_tokens":80,"input_tokens":50,"output_tokens":30,"duration_ms":1200,"tool_calls":1}}
"#;

#[test]
fn a_gemini_stream_joins_the_chunks_of_an_answer() {
    assert_eq!(detect(GEMINI), Some(Format::Gemini));
    assert_eq!(
        render(&events(GEMINI)),
        "session 8d3b7f0e (gemini-2.5-pro)

Let me look.

▸ read_file README.md
  ⎿ ✗ File not found
✗ warning: Loop detected

Done.

✓ 1s, 80 tokens, session 8d3b7f0e
"
    );
    assert_eq!(session_id(GEMINI.as_bytes()).as_deref(), Some("8d3b7f0e"));
}

#[test]
fn plain_text_and_stray_json_are_not_streams() {
    assert_eq!(detect("hello\nworld\n"), None);
    assert_eq!(detect(""), None);
    let stray = "building\nstill building\n{\"type\":\"result\",\"status\":\"ok\"}\ndone\n";
    assert_eq!(detect(stray), None);
    assert_eq!(detect("{\"type\":\"other\"}\n{\"a\":1}\n"), None);
    assert_eq!(session_id(b"plain\n"), None);
}

#[test]
fn lines_that_are_not_events_show_as_text_and_unknown_events_are_skipped() {
    let (first, rest) = CLAUDE.split_once('\n').unwrap_or_default();
    let text = format!(
        "{first}\nwarning: something on stderr\nand more\n{{\"type\":\"future_event\",\"x\":1}}\n[1,2]\n{rest}"
    );
    let got = events(&text);
    assert_eq!(got.len(), events(CLAUDE).len() + 2, "{got:?}");
    assert_eq!(
        got[1],
        Event::Output {
            text: "warning: something on stderr\nand more".into()
        }
    );
    assert_eq!(
        got[2],
        Event::Output {
            text: "[1,2]".into()
        }
    );
    assert!(render(&got).contains("\nwarning: something on stderr\nand more\n[1,2]\n"));
}

#[test]
fn untrusted_lines_are_bounded() {
    // Nesting past serde_json's limit is a line that is not JSON, not a stack overflow.
    let deep = format!(
        "{{\"type\":\"x\",\"a\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let text = format!("{}\n{deep}\n", CLAUDE.lines().next().unwrap_or_default());
    assert!(matches!(events(&text).last(), Some(Event::Output { .. })));
    // A huge input or output is cut to a line or two.
    let long = "x".repeat(1_000_000);
    let input = serde_json::json!({ "command": long });
    assert_eq!(
        summary::input(Some(&input), None).chars().count(),
        summary::WIDTH + 1
    );
    let many = "line\n".repeat(100_000);
    assert_eq!(summary::output(&many), "line\nline…");
}

#[test]
fn a_call_shows_its_most_telling_input() {
    let shown = |input: serde_json::Value| summary::input(Some(&input), Some("/w"));
    assert_eq!(
        shown(serde_json::json!({"path": "/w/src", "pattern": "fn main"})),
        "fn main"
    );
    assert_eq!(
        shown(serde_json::json!({"file_path": "/w/a.rs", "content": "x"})),
        "a.rs"
    );
    assert_eq!(shown(serde_json::json!({"todos": [1, 2, 3]})), "3 items");
    assert_eq!(shown(serde_json::json!({"n": 1, "m": 2})), "n, m");
    assert_eq!(shown(serde_json::json!({})), "");
}

#[test]
fn only_plain_session_ids_reach_the_header() {
    let line = |id: &str| {
        format!(
            "{{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":{}}}\n",
            serde_json::json!(id)
        )
    };
    assert_eq!(
        session_id(line("ok-1.2:3_x").as_bytes()).as_deref(),
        Some("ok-1.2:3_x")
    );
    for bad in ["a\nb", "a b", "", "a\"b", &"x".repeat(129)] {
        assert_eq!(session_id(line(bad).as_bytes()), None, "{bad:?}");
    }
}

#[test]
fn paths_inside_the_worktree_are_relative() {
    assert_eq!(summary::relative("/w/src/x.rs", Some("/w")), "src/x.rs");
    assert_eq!(summary::relative("/w/src/x.rs", Some("/w/")), "src/x.rs");
    assert_eq!(
        summary::relative("/r/.git/chant/worktrees/s1/a/b.rs", None),
        "a/b.rs"
    );
    assert_eq!(
        summary::relative("/elsewhere/x", Some("/w")),
        "/elsewhere/x"
    );
    assert_eq!(summary::relative("/w", Some("/w")), "/w");
}
