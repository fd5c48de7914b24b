//! `cargo xtask bench --only mcp`: what `git chant mcp` costs an agent. The `tools/list`
//! answer in bytes and estimated tokens (bytes / 4; it sits in the model's context for
//! the whole session), and the `list` tool at 10,000 specs in a running server beside the
//! command line's `list --json`, both on a warm index.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::bench::{median, ms, time};
use crate::generate;

/// A running `git chant mcp`, handshake done.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: u64,
}

impl Server {
    fn start(repo: &Path, binary: &Path) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .arg("mcp")
            .current_dir(repo)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("git-chant mcp: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut server = Server {
            child,
            stdin,
            stdout,
            next: 0,
        };
        server.request(
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}),
        )?;
        Ok(server)
    }

    /// Sends one request; the answer's line and how long it took to come.
    fn request(&mut self, method: &str, params: Value) -> Result<(String, Duration), String> {
        self.next += 1;
        let message =
            json!({"jsonrpc": "2.0", "id": self.next, "method": method, "params": params});
        let started = Instant::now();
        writeln!(self.stdin, "{message}").map_err(|e| e.to_string())?;
        self.stdin.flush().map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        let answer: Value = serde_json::from_str(&line).map_err(|e| format!("{e}: {line}"))?;
        if answer.get("error").is_some() || answer["result"]["isError"] == true {
            return Err(format!("{method}: {line}"));
        }
        Ok((line.trim_end().to_owned(), elapsed))
    }

    fn finish(mut self) {
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

pub fn run(binary: &Path, runs: usize) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let repo = tmp.path().join("repo");
    let size = 10_000;
    eprint!("generating {size} specs… ");
    let started = Instant::now();
    generate::ledger(&repo, size)?;
    eprintln!("{:.1}s", started.elapsed().as_secs_f64());
    // Warm the index cache, as every later reader finds it.
    time(&repo, binary, &["list", "--json"])?;

    let mut server = Server::start(&repo, binary)?;
    let (listed, _) = server.request("tools/list", json!({}))?;
    let tools = serde_json::from_str::<Value>(&listed).map_err(|e| e.to_string())?["result"]
        ["tools"]
        .as_array()
        .map_or(0, Vec::len);
    println!(
        "git-chant bench --only mcp: release binary {}, median of {runs} runs\n",
        binary.display()
    );
    println!(
        "tools/list: {tools} tools, {} bytes, about {} tokens (bytes / 4)\n",
        listed.len(),
        listed.len() / 4
    );

    let cli = median(runs, || time(&repo, binary, &["list", "--json"]))?;
    let mut call = |arguments: Value| {
        let mut bytes = 0;
        let d = median(runs, || {
            let (line, d) = server.request(
                "tools/call",
                json!({"name": "list", "arguments": arguments}),
            )?;
            bytes = line.len();
            Ok(d)
        })?;
        Ok::<_, String>((d, bytes))
    };
    let (all, all_bytes) = call(json!({"limit": size}))?;
    let (page, page_bytes) = call(json!({}))?;
    let (ready, ready_bytes) = call(json!({"status": ["ready"], "limit": 10}))?;
    server.finish();
    let cli_bytes = Command::new(binary)
        .current_dir(&repo)
        .args(["list", "--json"])
        .output()
        .map_err(|e| e.to_string())?
        .stdout
        .len();
    let spawned = median(runs, || {
        let started = Instant::now();
        let mut server = Server::start(&repo, binary)?;
        server.request("tools/call", json!({"name": "list", "arguments": {}}))?;
        server.finish();
        Ok(started.elapsed())
    })?;
    println!("{size} specs, warm index:");
    println!(
        "  git chant list --json (a process)        {:>10}  {cli_bytes} bytes",
        ms(cli)
    );
    println!(
        "  list tool, limit {size} (running server) {:>10}  {all_bytes} bytes",
        ms(all)
    );
    println!(
        "  list tool, first page of 50              {:>10}  {page_bytes} bytes",
        ms(page)
    );
    println!(
        "  list tool, 10 ready                      {:>10}  {ready_bytes} bytes",
        ms(ready)
    );
    println!(
        "  start a server, handshake, first page    {:>10}",
        ms(spawned)
    );
    Ok(())
}
