//! `git chant mcp` driven as agents drive it: the official Python SDK through a whole
//! workflow (tests/mcp/workflow.py, every structured result validated against its tool's
//! output schema), background runs from `work` to `merge`, claims, and four servers and
//! two commands writing one repository at once.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::fixtures;
use crate::harness::Repo;
use crate::mcp::Server;

/// The official MCP Python SDK drives the server in both eras: the `initialize` handshake
/// (2025-11-25) and the stateless revision found by `server/discover` (2026-07-28).
/// `.ci/run` installs the SDK in a virtualenv of its own and names its python in
/// `CHANT_MCP_PYTHON`; without it the test says so and passes.
#[test]
fn the_python_sdk_drives_a_six_phase_workflow_in_both_eras() {
    let Some(python) = std::env::var_os("CHANT_MCP_PYTHON") else {
        eprintln!("CHANT_MCP_PYTHON is not set: skipping the Python SDK client (.ci/run sets it)");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/workflow.py");
    for mode in ["legacy", "modern"] {
        let repo = Repo::new();
        repo.commit("initial");
        repo.chant(&["init"]);
        let mut cmd = std::process::Command::new(&python);
        crate::harness::hermetic(&mut cmd, repo.home())
            .current_dir(&repo.path)
            .arg(&script)
            .arg(mode)
            .arg(env!("CARGO_BIN_EXE_git-chant"));
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{mode}: workflow.py failed:\n{stdout}\n{stderr}"
        );
        let version = if mode == "legacy" {
            "2025-11-25"
        } else {
            "2026-07-28"
        };
        assert!(
            stdout.contains(&format!("protocol {version}")),
            "{mode}: {stdout}"
        );
        assert!(stdout.contains("workflow ok"), "{stdout}");
        // What the client did is in the ledger for every other reader.
        let done: Vec<Value> =
            serde_json::from_str(&repo.chant(&["list", "--status", "completed", "--json"]))
                .unwrap();
        assert_eq!(done.len(), 6, "{mode}: {done:?}");
    }
}

fn agent() -> String {
    format!("sh {}", fixtures().join("agents/fake-agent.sh").display())
}

/// Waits until `runs` says `id`'s background run finished or failed; returns its entry.
fn wait_for(server: &mut Server, repo: &Repo, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let runs = server.call("runs", json!({"repo": repo.path}));
        let launched = runs["launched"].as_array().unwrap();
        let entry = launched.iter().find(|l| l["id"] == id).cloned();
        if let Some(entry) = entry.filter(|e| e["state"] == "finished" || e["state"] == "failed") {
            return entry;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{runs}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn work_runs_in_the_background_and_runs_transcript_and_merge_follow_it() {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    repo.chant(&["add", "Spec one", "--id", "s1"]);
    let mut server = Server::start(&repo, &[("FAKE_AGENT_MODE", "complete")]);
    let agent = agent();
    let started = server.call("work", json!({"ids": ["s1"], "agent": agent}));
    assert_eq!(started["started"][0]["id"], "s1", "{started}");
    assert!(started["started"][0]["pid"].as_u64().unwrap() > 0);
    // A second start while it runs is refused (or, if it already ended, works again).
    let entry = wait_for(&mut server, &repo, "s1");
    assert_eq!(entry["state"], "finished", "{entry}");
    assert_eq!(entry["result"]["status"], "completed", "{entry}");
    let page = server.call("transcript", json!({"id": "s1"}));
    assert_eq!(page["transcripts"], 1, "{page}");
    assert!(
        page["text"].as_str().unwrap().contains("fake agent: done"),
        "{page}"
    );
    assert_eq!(page["header"]["spec"], "s1", "{page}");
    let landed = server.call("merge", json!({"ids": ["s1"]}));
    assert_eq!(landed["landed"][0]["id"], "s1", "{landed}");
    assert_eq!(landed["landed"][0]["target"], "main", "{landed}");
    assert!(repo
        .git(&["ls-tree", "--name-only", "main"])
        .contains("work-s1.txt"));
    // Nothing is left to land.
    let again = server.request(
        "tools/call",
        json!({"name": "merge", "arguments": {"ids": ["s1"]}}),
    );
    let text = again["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(
        again["result"]["isError"] == true || text.contains("already"),
        "{again}"
    );
    server.finish();
}

#[test]
fn claim_takes_the_first_ready_spec_and_release_gives_it_back() {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["add", "First", "--id", "a1"]);
    repo.chant(&["add", "Second", "--id", "a2", "--depends-on", "a1"]);
    let mut server = Server::start(&repo, &[]);
    let taken = server.call("claim", json!({"lease": "1h"}));
    assert_eq!(taken["id"], "a1", "{taken}");
    assert_eq!(taken["outcome"], "claimed");
    assert_eq!(taken["remote"], Value::Null, "no remote: a local claim");
    assert!(taken["claim"]["by"]
        .as_str()
        .unwrap()
        .contains("test@example.com"));
    // Nothing else is ready: a2 waits for a1.
    let none = server.request("tools/call", json!({"name": "claim", "arguments": {}}));
    assert_eq!(none["result"]["isError"], true, "{none}");
    let released = server.call("release", json!({"id": "a1"}));
    assert_eq!(released["outcome"], "released", "{released}");
    let shown: Value = serde_json::from_str(&repo.chant(&["show", "a1", "--json"])).unwrap();
    assert!(shown.get("claim").is_none(), "{shown}");
    server.finish();
}

/// Four servers each add specs and move them along, and two `git chant` processes do the
/// same, all at once in one repository: every spec and every transition lands.
#[test]
fn four_servers_and_two_commands_writing_at_once_lose_nothing() {
    const EACH: usize = 8;
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    std::thread::scope(|scope| {
        for s in 0..4 {
            let repo = &repo;
            scope.spawn(move || {
                let mut server = Server::start(repo, &[]);
                for i in 0..EACH {
                    let id = format!("m{s}-{i}");
                    server.call(
                        "add",
                        json!({"title": format!("Server {s} spec {i}"), "id": id}),
                    );
                    server.call("transition", json!({"id": id, "to": "start"}));
                    server.call(
                        "update",
                        json!({"id": id, "add": {"labels": [format!("server{s}")]}}),
                    );
                }
                server.finish();
            });
        }
        for c in 0..2 {
            let repo = &repo;
            scope.spawn(move || {
                for i in 0..EACH {
                    let id = format!("c{c}-{i}");
                    repo.chant(&["add", &format!("Command {c} spec {i}"), "--id", &id]);
                    repo.chant(&["start", &id]);
                }
            });
        }
    });
    let all: Vec<Value> = serde_json::from_str(&repo.chant(&["list", "--json"])).unwrap();
    assert_eq!(all.len(), 6 * EACH);
    assert!(all.iter().all(|s| s["status"] == "in_progress"), "{all:?}");
    let labelled = all
        .iter()
        .filter(|s| s["labels"].as_array().unwrap().len() == 1)
        .count();
    assert_eq!(labelled, 4 * EACH);
    // One ledger commit per operation: init, then add + start (+ update for a server's).
    let commits = repo.git(&["rev-list", "--count", "refs/chant/specs"]);
    assert_eq!(
        commits.trim(),
        (1 + 4 * EACH * 3 + 2 * EACH * 2).to_string()
    );
}
