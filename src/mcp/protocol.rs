//! JSON-RPC 2.0 over newline-delimited stdio, and the MCP methods: the `initialize`
//! handshake of the legacy revisions (version negotiated once per process), the newest
//! revision's stateless requests (version and capabilities in each request's `_meta`,
//! `server/discover`), `ping`, `tools/list` and `tools/call`. docs/MCP.md says which
//! revision asks for what.

use std::io::{BufRead, Write};

use serde_json::{json, Map, Value};

use super::tools::{self, Fail};
use super::{instructions, LEGACY, MODERN};

const VERSION_KEY: &str = "io.modelcontextprotocol/protocolVersion";
const CAPABILITIES_KEY: &str = "io.modelcontextprotocol/clientCapabilities";
const SERVER_INFO_KEY: &str = "io.modelcontextprotocol/serverInfo";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const UNSUPPORTED_VERSION: i64 = -32022;

/// How long a client may keep `tools/list` and `server/discover` (ms): the tool set of one
/// binary never changes.
const TTL_MS: u64 = 3_600_000;

/// A JSON-RPC error.
struct RpcError {
    code: i64,
    message: String,
    data: Option<Value>,
}

fn invalid_params(message: impl Into<String>) -> RpcError {
    RpcError {
        code: INVALID_PARAMS,
        message: message.into(),
        data: None,
    }
}

/// Which revision a request is served under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Era {
    /// Negotiated by `initialize` for the whole process.
    Legacy(&'static str),
    /// Named in the request's own `_meta`.
    Modern(&'static str),
}

/// One server: what `initialize` negotiated, if a client sent one.
#[derive(Debug, Default)]
pub struct Server {
    session: Option<&'static str>,
}

/// Serves `input` until it ends, answering on `output`; what goes wrong with a message is
/// logged on `log`, never on `output` (which carries only MCP messages).
pub fn serve(
    mut input: impl BufRead,
    mut output: impl Write,
    mut log: impl Write,
) -> std::io::Result<()> {
    let mut server = Server::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Some(reply) = server.handle(&line, &mut log) else {
            continue;
        };
        let text = serde_json::to_string(&reply).map_err(std::io::Error::other)?;
        // Data from the ledger: DEL and C1 controls as `\u00NN`, as `--json` prints them.
        output.write_all(crate::escape::json(text).as_bytes())?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
}

fn answer(id: Value, outcome: Result<Value, RpcError>) -> Value {
    match outcome {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(e) => {
            let mut error = json!({"code": e.code, "message": e.message});
            if let Some(data) = e.data {
                error["data"] = data;
            }
            json!({"jsonrpc": "2.0", "id": id, "error": error})
        }
    }
}

impl Server {
    /// The answer to one line, if it needs one (notifications and responses get none).
    pub fn handle(&mut self, line: &[u8], log: &mut impl Write) -> Option<Value> {
        let message: Value = match serde_json::from_slice(line) {
            Ok(m) => m,
            Err(e) => {
                let _ = writeln!(log, "git-chant mcp: not JSON: {e}");
                let error = RpcError {
                    code: PARSE_ERROR,
                    message: format!("Parse error: {e}"),
                    data: None,
                };
                return Some(answer(Value::Null, Err(error)));
            }
        };
        let invalid = |id: Value, why: &str| {
            let error = RpcError {
                code: INVALID_REQUEST,
                message: format!("Invalid Request: {why}"),
                data: None,
            };
            Some(answer(id, Err(error)))
        };
        let Value::Object(map) = message else {
            return invalid(Value::Null, "a message is one JSON object (no batches)");
        };
        let id = map.get("id").cloned();
        let Some(method) = map.get("method") else {
            // A response (this server sends no requests), or nothing at all.
            return match (&id, map.contains_key("result") || map.contains_key("error")) {
                (_, true) => None,
                (Some(id), false) => invalid(id.clone(), "no `method`"),
                (None, false) => invalid(Value::Null, "no `method`"),
            };
        };
        let Some(id) = id else {
            // A notification (`notifications/initialized`, `notifications/cancelled`, …):
            // nothing this server does waits for one, and none gets an answer.
            return None;
        };
        if !(id.is_string() || id.is_i64() || id.is_u64()) {
            return invalid(Value::Null, "`id` is a string or an integer");
        }
        if map.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return invalid(id, "`jsonrpc` must be \"2.0\"");
        }
        let Some(method) = method.as_str() else {
            return invalid(id, "`method` is a string");
        };
        let params = match map.get("params") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(p)) => p.clone(),
            Some(_) => return Some(answer(id, Err(invalid_params("`params` is an object")))),
        };
        let outcome = self.request(method, &params);
        if let Err(e) = &outcome {
            let _ = writeln!(log, "git-chant mcp: {method}: {} ({})", e.message, e.code);
        }
        Some(answer(id, outcome))
    }

    fn request(&mut self, method: &str, params: &Map<String, Value>) -> Result<Value, RpcError> {
        let era = match era(params)? {
            Some(era) => era,
            None if method == "initialize" => return self.initialize(params),
            None if method == "ping" => return Ok(json!({})),
            None => match self.session {
                Some(version) => Era::Legacy(version),
                None => {
                    return Err(invalid_params(format!(
                        "no protocol version: send `initialize` first ({}), or name the version in `_meta.{VERSION_KEY}` ({})",
                        LEGACY.join(", "),
                        MODERN.join(", ")
                    )))
                }
            },
        };
        let mut result = match (method, era) {
            ("server/discover", Era::Modern(_)) => discover(),
            ("tools/list", _) => tools_list(params)?,
            ("tools/call", _) => tools_call(params)?,
            ("initialize", _) => return self.initialize(params),
            _ => {
                return Err(RpcError {
                    code: METHOD_NOT_FOUND,
                    message: format!("Method not found: {method}"),
                    data: None,
                })
            }
        };
        if let (Era::Modern(_), Some(map)) = (era, result.as_object_mut()) {
            map.insert("resultType".into(), json!("complete"));
            map.insert("_meta".into(), json!({ SERVER_INFO_KEY: server_info() }));
            if matches!(method, "tools/list" | "server/discover") {
                map.insert("ttlMs".into(), json!(TTL_MS));
                map.insert("cacheScope".into(), json!("public"));
            }
        }
        Ok(result)
    }

    /// The handshake of 2025-11-25 and earlier: the client's version when this server
    /// speaks it, else the newest it does.
    fn initialize(&mut self, params: &Map<String, Value>) -> Result<Value, RpcError> {
        let asked = params
            .get("protocolVersion")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid_params("initialize needs a `protocolVersion`"))?;
        let version = LEGACY.iter().find(|v| **v == asked).unwrap_or(&LEGACY[0]);
        self.session = Some(version);
        Ok(json!({
            "protocolVersion": version,
            "capabilities": capabilities(),
            "serverInfo": server_info(),
            "instructions": instructions(),
        }))
    }
}

/// The revision a request names in its `_meta` (the stateless revisions), if it names one.
fn era(params: &Map<String, Value>) -> Result<Option<Era>, RpcError> {
    let Some(meta) = params.get("_meta").and_then(Value::as_object) else {
        return Ok(None);
    };
    let Some(asked) = meta.get(VERSION_KEY) else {
        return Ok(None);
    };
    let asked = asked
        .as_str()
        .ok_or_else(|| invalid_params(format!("`_meta.{VERSION_KEY}` is a string")))?;
    let Some(version) = MODERN.iter().find(|v| **v == asked) else {
        let supported: Vec<&str> = MODERN.iter().chain(LEGACY).copied().collect();
        return Err(RpcError {
            code: UNSUPPORTED_VERSION,
            message: "Unsupported protocol version".into(),
            data: Some(json!({"supported": supported, "requested": asked})),
        });
    };
    if !meta.get(CAPABILITIES_KEY).is_some_and(Value::is_object) {
        return Err(invalid_params(format!(
            "`_meta.{CAPABILITIES_KEY}` is required (an object)"
        )));
    }
    Ok(Some(Era::Modern(version)))
}

fn server_info() -> Value {
    json!({"name": "git-chant", "title": "git chant", "version": env!("CARGO_PKG_VERSION")})
}

fn capabilities() -> Value {
    json!({"tools": {"listChanged": false}})
}

fn discover() -> Value {
    json!({
        "supportedVersions": MODERN,
        "capabilities": capabilities(),
        "instructions": instructions(),
    })
}

/// Every tool in one page: a cursor can only be one this server never gave.
fn tools_list(params: &Map<String, Value>) -> Result<Value, RpcError> {
    if params.get("cursor").is_some_and(|c| !c.is_null()) {
        return Err(invalid_params("Invalid cursor"));
    }
    let tools: Vec<Value> = tools::TOOLS.iter().map(tools::Tool::listing).collect();
    Ok(json!({ "tools": tools }))
}

fn tools_call(params: &Map<String, Value>) -> Result<Value, RpcError> {
    let name = params
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_params("tools/call needs the tool's `name`"))?;
    let tool = tools::find(name).ok_or_else(|| invalid_params(format!("Unknown tool: {name}")))?;
    let arguments = match params.get("arguments") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(a @ Value::Object(_)) => a.clone(),
        Some(_) => return Err(invalid_params("`arguments` is an object")),
    };
    match (tool.call)(arguments) {
        Ok(report) => {
            let text = serde_json::to_string(&report).unwrap_or_default();
            Ok(json!({
                "content": [{"type": "text", "text": text}],
                "structuredContent": report,
                "isError": false,
            }))
        }
        Err(Fail::Args(why)) => Err(invalid_params(format!(
            "Invalid arguments for tool {name}: {why}"
        ))),
        Err(Fail::Op(error)) => {
            let text = crate::diag::render(&error, crate::diag::Style::Ascii);
            Ok(json!({
                "content": [{"type": "text", "text": text.trim_end()}],
                "isError": true,
            }))
        }
    }
}
