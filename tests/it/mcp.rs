//! `git chant mcp`, the MCP server: recorded sessions (tests/mcp/sessions/*.jsonl, each
//! replayed into a fresh repository, the answers a committed snapshot) for the handshake
//! of each revision, every tool's success and error and the JSON-RPC errors; `tools/list`
//! stable and every schema a JSON Schema object; background runs through `work`, `runs`,
//! `transcript` and `merge`; four servers and two commands writing at once.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use serde_json::{json, Value};

use crate::harness::Repo;

/// The tools in the order `tools/list` gives them (a client caches by that order).
const TOOLS: &[&str] = &[
    "list",
    "show",
    "ready",
    "status",
    "search",
    "add",
    "update",
    "transition",
    "check",
    "lint",
    "log",
    "transcript",
    "work",
    "runs",
    "merge",
    "claim",
    "release",
];

fn sessions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/sessions")
}

/// A repository with a commit and a ledger.
fn setup() -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo
}

/// The answers of a session as a snapshot shows them: each message indented, the text
/// copy of a tool's structured content (checked to be the same JSON) left out, the
/// version as `[version]`; then what went to stderr.
fn shown(run: &crate::harness::Run) -> String {
    let version = format!("\"version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    let all = run
        .to_string()
        .replace(&version, "\"version\":\"[version]\"");
    let (stdout, stderr) = all
        .split_once("------- stderr -------\n")
        .unwrap_or((&all, ""));
    let mut out = String::new();
    for line in stdout.lines().filter(|l| *l != "[EOF]") {
        let mut message: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(message["jsonrpc"], "2.0", "{line}");
        let result = message.get_mut("result");
        if let Some(result) = result.filter(|r| r.get("structuredContent").is_some()) {
            let text = result["content"][0]["text"].as_str().unwrap();
            let copy: Value = serde_json::from_str(text).unwrap();
            assert_eq!(copy, result["structuredContent"]);
            result["content"][0]["text"] = json!("[structuredContent as JSON]");
        }
        out.push_str(&serde_json::to_string_pretty(&message).unwrap());
        out.push('\n');
    }
    if !stderr.is_empty() {
        out.push_str("------- stderr -------\n");
        out.push_str(stderr);
    }
    out
}

#[test]
fn recorded_sessions_answer_as_recorded() {
    let mut names: Vec<String> = std::fs::read_dir(sessions())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".jsonl").map(str::to_owned))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let input = std::fs::read_to_string(sessions().join(format!("{name}.jsonl"))).unwrap();
        let repo = setup();
        let run = repo.run_stdin(&["mcp"], &input);
        // End of input ends the server, with exit 0.
        assert!(run.success(), "{name}: {run}");
        insta::assert_snapshot!(format!("mcp_session__{name}"), shown(&run));
    }
}

/// A server this test talks to one message at a time.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next: u64,
}

impl Server {
    /// `git chant mcp` in `repo`, handshake done (2025-11-25).
    pub fn start(repo: &Repo, env: &[(&str, &str)]) -> Server {
        let mut cmd = repo.chant_cmd(&["mcp"]);
        cmd.envs(env.iter().copied());
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut server = Server {
            child,
            stdin,
            stdout,
            next: 0,
        };
        let init = server.request(
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "it", "version": "1"}}),
        );
        assert_eq!(init["result"]["protocolVersion"], "2025-11-25", "{init}");
        server.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        server
    }

    fn send(&mut self, message: &Value) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let answer: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        assert_eq!(answer["id"], id, "{answer}");
        answer
    }

    /// A tool's structured content; panics on an error.
    pub fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let answer = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        assert_eq!(answer["result"]["isError"], false, "{tool}: {answer}");
        answer["result"]["structuredContent"].clone()
    }

    /// Closes its input and waits: it must exit 0.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        assert!(self.child.wait().unwrap().success());
    }
}

/// Checks that `schema` is a JSON Schema object of the keywords the tools use, each with a
/// value of the right kind, `required` naming only listed properties.
fn assert_schema(at: &str, schema: &Value) {
    let map = schema
        .as_object()
        .unwrap_or_else(|| panic!("{at}: not an object"));
    const TYPES: &[&str] = &[
        "object", "array", "string", "integer", "number", "boolean", "null",
    ];
    let known = |t: &Value| t.as_str().is_some_and(|t| TYPES.contains(&t));
    for (key, value) in map {
        match key.as_str() {
            "type" => assert!(
                known(value)
                    || value
                        .as_array()
                        .is_some_and(|a| !a.is_empty() && a.iter().all(known)),
                "{at}: type {value}"
            ),
            "description" => assert!(value.is_string(), "{at}"),
            "enum" => assert!(value.as_array().is_some_and(|a| !a.is_empty()), "{at}"),
            "minimum" | "minItems" => assert!(value.is_u64(), "{at}"),
            "items" => assert_schema(&format!("{at}.items"), value),
            "additionalProperties" if value.is_boolean() => {}
            "additionalProperties" => assert_schema(&format!("{at}.additionalProperties"), value),
            "properties" => {
                for (name, inner) in value.as_object().unwrap() {
                    assert_schema(&format!("{at}.{name}"), inner);
                }
            }
            "required" => {
                for name in value.as_array().unwrap() {
                    assert!(
                        map["properties"].get(name.as_str().unwrap()).is_some(),
                        "{at}: {name}"
                    );
                }
            }
            other => panic!("{at}: keyword {other} this check does not know"),
        }
    }
}

#[test]
fn tools_list_is_stable_small_and_every_schema_is_a_json_schema_object() {
    let repo = setup();
    let mut server = Server::start(&repo, &[]);
    let first = server.request("tools/list", json!({}));
    let again = server.request("tools/list", json!({}));
    server.finish();
    assert_eq!(first["result"], again["result"]);
    let bytes = serde_json::to_string(&first).unwrap().len();
    assert!(
        bytes < 16_000,
        "tools/list is {bytes} bytes, over 4,000 tokens"
    );
    let tools = first["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, TOOLS);
    for tool in tools {
        let name = tool["name"].as_str().unwrap();
        let input = &tool["inputSchema"];
        assert_schema(&format!("{name}.inputSchema"), input);
        assert_schema(&format!("{name}.outputSchema"), &tool["outputSchema"]);
        assert_eq!(input["type"], "object", "{name}");
        assert_eq!(input["additionalProperties"], false, "{name}");
        assert!(input["properties"]["repo"].is_object(), "{name} takes repo");
        assert_eq!(tool["outputSchema"]["type"], "object", "{name}");
        let hints = &tool["annotations"];
        let read_only = hints["readOnlyHint"].as_bool().unwrap();
        assert!(hints["openWorldHint"].is_boolean(), "{name}");
        assert_eq!(read_only, hints.get("destructiveHint").is_none(), "{name}");
        assert!(
            tool["description"].as_str().unwrap().len() < 130,
            "{name}: one line"
        );
    }
    let read_only: Vec<&str> = tools
        .iter()
        .filter(|t| t["annotations"]["readOnlyHint"] == true)
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        read_only,
        [
            "list",
            "show",
            "ready",
            "status",
            "search",
            "lint",
            "log",
            "transcript",
            "runs"
        ]
    );
}

/// A value of the kind `schema` describes, for calling a tool with every argument.
fn sample(schema: &Value) -> Value {
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds[0].clone(),
        kind => kind.clone(),
    };
    match kind.as_str().unwrap() {
        "string" => json!("x"),
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([sample(&schema["items"])]),
        _ => match schema["properties"].as_object() {
            Some(props) => props.iter().map(|(k, v)| (k.clone(), sample(v))).collect(),
            None => json!({}),
        },
    }
}

#[test]
fn every_argument_a_schema_lists_is_one_the_tool_takes() {
    let repo = setup();
    let mut server = Server::start(&repo, &[]);
    let listed = server.request("tools/list", json!({}));
    for tool in listed["result"]["tools"].as_array().unwrap() {
        let name = tool["name"].as_str().unwrap();
        let mut arguments = sample(&tool["inputSchema"]);
        arguments["repo"] = json!(repo.path);
        let answer = server.request("tools/call", json!({"name": name, "arguments": arguments}));
        let said = answer.to_string();
        for refused in [
            "unknown field",
            "invalid type",
            "unknown variant",
            "missing field",
        ] {
            assert!(!said.contains(refused), "{name} {arguments}: {said}");
        }
    }
    server.finish();
}
