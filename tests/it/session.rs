//! Transcripts people can read: `work` with the fake agents that print Claude Code's,
//! Codex's and Gemini's real stream formats (fixtures/agents/fake-*.sh), then `show` and
//! `transcript` render the session, `--raw` gives the note's bytes and `--json` the
//! parsed events; plain output shows as it always did; what an agent prints stays data.

use crate::fixtures;
use crate::harness::Repo;

fn agent(script: &str, flags: &str) -> String {
    format!(
        "sh {} {flags}",
        fixtures().join("agents").join(script).display()
    )
}

fn claude() -> String {
    agent("fake-claude.sh", "-p --output-format stream-json --verbose")
}

/// A repository with a commit, hooks installed and spec `s1`.
fn setup() -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    repo.chant(&["add", "Spec 1", "--id", "s1"]);
    repo
}

/// `work s1` with `agent`, `env` set; asserts it completed.
fn work(repo: &Repo, agent: &str, env: &[(&str, &str)]) {
    let mut cmd = repo.chant_cmd(&["work", "s1", "--agent", agent]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    crate::harness::assert_success(&cmd.output().unwrap());
}

fn tip(repo: &Repo) -> String {
    repo.git(&["rev-parse", "chant/s1"]).trim().to_owned()
}

/// The `## Agent Output` section of `show s1`, normalised.
fn agent_output(repo: &Repo, args: &[&str]) -> String {
    let shown = repo.run(&[&["show", "s1"], args].concat()).to_string();
    let start = shown
        .find("## Agent Output")
        .expect("an agent output section");
    let end = shown.find("\n-- s1").unwrap_or(shown.len());
    shown[start..end].to_owned()
}

#[test]
fn a_claude_stream_json_run_shows_as_its_session() {
    let repo = setup();
    let args = repo.home().join("args");
    work(
        &repo,
        &format!("{} --model opus --allowedTools Bash Edit", claude()),
        &[("FAKE_AGENT_ARGS", args.to_str().unwrap())],
    );
    assert_eq!(
        std::fs::read_to_string(&args).unwrap(),
        "-p\n--output-format\nstream-json\n--verbose\n--model\nopus\n--allowedTools\nBash\nEdit\n",
        "the fake records each argument word"
    );
    insta::assert_snapshot!(agent_output(&repo, &[]), @r#"
    ## Agent Output

    [commit-1]

    ```
    ---
    spec: s1
    start: [now]
    end: [now]
    branch: chant/s1
    target: main
    command: sh $ROOT/fixtures/agents/fake-claude.sh -p --output-format stream-json --verbose --model opus --allowedTools Bash Edit
    exit_code: 0
    session: 4f1c2a9e-7b3d-4e21-9c55-0d8e6f1a2b3c
    ---
    session 4f1c2a9e-7b3d-4e21-9c55-0d8e6f1a2b3c (opus)

    I'll work on s1: # Spec 1

    ▸ Write work-s1.txt
      ⎿ File created successfully at: $REPO/.git/chant/worktrees/s1/work-s1.txt
    ▸ Bash git add work-s1.txt && git commit -m "chant(s1): do the work"
      ⎿ git chant: s1: commit recorded
        [chant/s1 [commit-1]] chant(s1): do the work…
    ▸ Bash git chant check s1 1
      ⎿ s1: ticked 1
    ▸ Bash git chant check s1 2
      ⎿ ✗ chant::lifecycle::no_criterion
          × s1 has 1 acceptance criteria: there is no criterion 2…

    Done: the work is committed and 1 criteria are ticked.

    ✓ 6 turns, 3m 04s, $0.42, session 4f1c2a9e…
    ```
    "#);
}

#[test]
fn transcript_prints_the_note_raw_and_the_events_as_json() {
    let repo = setup();
    work(&repo, &claude(), &[]);
    let tip = tip(&repo);
    let raw = repo.chant_out(&["transcript", "s1", "--raw"]);
    crate::harness::assert_success(&raw);
    let note = repo
        .git_cmd(&["notes", "--ref=chant-output", "show", &tip])
        .output()
        .unwrap();
    assert_eq!(raw.stdout, note.stdout, "--raw is the note, byte for byte");

    let all = repo.run(&["transcript", "s1", "--json"]).json();
    let one = &all[0];
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(one["commit"], tip.as_str());
    assert_eq!(one["format"], "claude");
    assert_eq!(one["header"]["exit_code"], 0);
    assert_eq!(
        one["header"]["session"],
        "4f1c2a9e-7b3d-4e21-9c55-0d8e6f1a2b3c"
    );
    let events = one["events"].as_array().unwrap();
    let calls: Vec<String> = events
        .iter()
        .filter(|e| e["type"] == "tool_call")
        .map(|e| {
            format!(
                "{} {}",
                e["name"].as_str().unwrap(),
                e["summary"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            "Write work-s1.txt",
            "Bash git add work-s1.txt && git commit -m \"chant(s1): do the work\"",
            "Bash git chant check s1 1",
            "Bash git chant check s1 2",
        ]
    );
    assert_eq!(
        events.last().unwrap(),
        &serde_json::json!({"type": "result", "ok": true, "turns": 6, "duration_ms": 184000,
            "cost_usd": 0.4217, "tokens": null,
            "session_id": "4f1c2a9e-7b3d-4e21-9c55-0d8e6f1a2b3c", "message": null})
    );

    // A second transcript, plain text, on another commit: `--commit` picks one.
    let other = repo.commit("chant(s1): by hand");
    let file = repo.home().join("run.log");
    std::fs::write(&file, "a plain runner\n").unwrap();
    repo.chant(&[
        "output",
        "s1",
        "--commit",
        &other,
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(
        repo.run(&["transcript", "s1", "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let picked = repo
        .run(&["transcript", "s1", "--json", "--commit", &other])
        .json();
    assert_eq!(picked[0]["format"], "text");
    assert_eq!(
        picked[0]["events"],
        serde_json::json!([{"type": "output", "text": "a plain runner\n"}])
    );
    insta::assert_snapshot!(repo.run(&["transcript", "s1", "--commit", "main~1"]), @r"
    ------- stderr -------
    chant::lifecycle::field

      × s1: no transcript of s1 on commit [commit-3]
      help: `git chant transcript s1` prints every transcript of s1, each with its commit
    [EOF]
    [exit status: 1]
    ");
}

#[test]
fn a_codex_json_run_shows_its_commands_and_turn() {
    let repo = setup();
    work(
        &repo,
        &agent("fake-codex.sh", "exec --json --full-auto"),
        &[],
    );
    let shown = repo.chant(&["transcript", "s1"]);
    assert!(
        // Where codex's stderr line falls among the events depends on which pipe was read
        // first; that it is there, whole, does not.
        shown.contains("session: 0199a213-81c0-7800-8aa1-bbab2a035a53\n---\n")
            && shown.contains("\nReading prompt from stdin...\n")
            && shown.contains("session 0199a213-81c0-7800-8aa1-bbab2a035a53\n")
            && shown.contains("\n▸ Shell git add work-s1.txt && git commit -m \"chant(s1): do the work\"\n  ⎿ git chant: s1: commit recorded\n")
            && shown.ends_with("\n\n✓ 1 turn, 25885 tokens, session 0199a213…\n"),
        "{shown}"
    );
}

#[test]
fn a_gemini_stream_json_run_shows_its_answer_whole() {
    let repo = setup();
    work(
        &repo,
        &agent("fake-gemini.sh", "--output-format stream-json --yolo"),
        &[],
    );
    let shown = agent_output(&repo, &[]);
    assert!(
        shown.contains("\n▸ run_shell_command git chant check s1 1\n  ⎿ s1: ticked 1\n\nDone: the work is committed and 1 criteria are ticked.\n\n✓ 47s, 31234 tokens, session 8d3b7f0e…\n"),
        "{shown}"
    );
}

#[test]
fn a_plain_text_transcript_shows_as_it_always_did() {
    let repo = setup();
    work(&repo, &agent("fake-agent.sh", ""), &[]);
    let shown = repo.chant(&["transcript", "s1"]);
    let note = repo.git(&["notes", "--ref=chant-output", "show", &tip(&repo)]);
    let body = note.split_once("\n---\n").unwrap().1;
    assert!(
        shown.ends_with(body) && body.ends_with("fake agent: done\n"),
        "{shown}"
    );
    assert!(repo
        .chant(&["show", "s1", "--transcript"])
        .contains(body.trim_end()));
}

#[test]
fn escape_sequences_inside_json_strings_print_escaped() {
    let repo = setup();
    work(&repo, &claude(), &[("FAKE_AGENT_MODE", "escape")]);
    let escaped = "Colours: \\e[31mred\\e[0m, a title \\e]0;pwned\\x07 and a bell \\x07.";
    for shown in [
        repo.chant(&["show", "s1"]),
        repo.chant(&["show", "s1", "--transcript"]),
        repo.chant(&["transcript", "s1"]),
    ] {
        assert!(shown.contains(escaped), "{shown}");
        assert!(
            !shown.contains('\x1b') && !shown.contains('\x07'),
            "{shown:?}"
        );
    }
    // The note keeps the agent's JSON as it printed it; --json escapes it again.
    let raw = repo.chant(&["transcript", "s1", "--raw"]);
    assert!(raw.contains("\\u001b[31mred") && !raw.contains('\x1b'));
    assert!(!repo.chant(&["transcript", "s1", "--json"]).contains('\x1b'));
}

#[test]
fn a_five_megabyte_stream_renders_to_its_result() {
    let repo = setup();
    let commit = repo.commit("chant(s1): the work");
    let mut stream = String::from(
        "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"big\",\"model\":\"m\",\"cwd\":\"/w\"}\n",
    );
    let text = "ünïcødé text that goes on and on ✓ ".repeat(4);
    let mut n = 0;
    while stream.len() < 5_000_000 {
        n += 1;
        stream.push_str(&format!(
            "{{\"type\":\"assistant\",\"message\":{{\"content\":[{{\"type\":\"text\",\"text\":\"{n}: {text}\"}},{{\"type\":\"tool_use\",\"name\":\"Read\",\"input\":{{\"file_path\":\"/w/src/f{n}.rs\"}}}}]}},\"session_id\":\"big\"}}\n\
             {{\"type\":\"user\",\"message\":{{\"content\":[{{\"type\":\"tool_result\",\"content\":\"{}\"}}]}},\"session_id\":\"big\"}}\n",
            "line\\n".repeat(50)
        ));
    }
    stream.push_str("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":3723000,\"num_turns\":4000,\"session_id\":\"big\",\"total_cost_usd\":12.5}\n");
    let file = repo.home().join("big.jsonl");
    std::fs::write(&file, &stream).unwrap();
    repo.chant(&[
        "output",
        "s1",
        "--commit",
        &commit,
        "--file",
        file.to_str().unwrap(),
    ]);
    let last = "✓ 4000 turns, 1h 02m, $12.50, session big";
    let section = agent_output(&repo, &[]);
    let lines: Vec<&str> = section.lines().collect();
    let read = format!("▸ Read src/f{n}.rs");
    assert_eq!(
        lines[lines.len() - 6..],
        [read.as_str(), "  ⎿ line", "    line…", "", last, "```"]
    );
    assert!(section.contains("earlier lines; `git chant show s1 --transcript` shows them"));
    let whole = repo.chant(&["transcript", "s1"]);
    assert!(whole.ends_with(&format!("\n{last}\n")) && whole.contains(&format!("\n{n}: ")));
}
