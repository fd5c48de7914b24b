//! `git chant verify`: the agent (the fake Claude Code, Codex and Gemini CLI, speaking
//! their real formats) or the user's `--command` checks a completed spec's landed work in
//! a worktree of its own, and the verdict lands as upstream's fields, an event and the
//! transcript in one ledger commit; an answer that cannot be read changes nothing.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::fixtures;
use crate::harness::{assert_success, path_with, Repo};

const BODY: &str =
    "# Two things\n\n## Acceptance Criteria\n\n- [ ] It builds\n- [ ] It has a test\n";

/// A repository whose spec `s1` (two criteria) was worked by the fake agent and landed.
/// Returns it with the landed commit.
fn landed() -> (Repo, String) {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    repo.add_spec("s1", "Two things", BODY);
    let agent = format!("sh {}", fixtures().join("agents/fake-agent.sh").display());
    assert_success(&repo.chant_out(&["work", "s1", "--agent", &agent]));
    repo.chant(&["merge", "s1"]);
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    (repo, head)
}

/// A folder holding `claude`, `codex` and `gemini`: the fake agents, each writing its
/// arguments to `$HOME/args`.
fn presets(repo: &Repo) -> PathBuf {
    let dir = repo.home().join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["claude", "codex", "gemini"] {
        let script = format!(
            "#!/bin/sh\nexec sh {} \"$@\"\n",
            fixtures().join(format!("agents/fake-{name}.sh")).display()
        );
        std::fs::write(dir.join(name), script).unwrap();
        Command::new("chmod")
            .args(["+x", dir.join(name).to_str().unwrap()])
            .status()
            .unwrap();
    }
    dir
}

/// `git chant verify <args>` with `agent`'s preset answering `answer`.
fn verify(repo: &Repo, answer: &str, args: &[&str]) -> Output {
    let file = repo.home().join("answer.md");
    std::fs::write(&file, answer).unwrap();
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    repo.chant_cmd(&all)
        .env("PATH", path_with(&presets(repo)))
        .env("FAKE_AGENT_ANSWER", &file)
        .env("FAKE_AGENT_ARGS", repo.home().join("args"))
        .output()
        .unwrap()
}

fn fenced(json: &str) -> String {
    format!("I read the code and ran the tests.\n\n```json\n{json}\n```\n")
}

fn frontmatter(repo: &Repo) -> serde_json::Value {
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "s1", "--json"])).unwrap();
    shown["frontmatter"].clone()
}

fn ledger_commits(repo: &Repo) -> usize {
    repo.git(&["rev-list", "--count", "refs/chant/specs"])
        .trim()
        .parse()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_pass_from_codex_records_the_fields_an_event_and_the_transcript_in_one_commit() {
    let (repo, landed) = landed();
    let before = ledger_commits(&repo);
    let answer = fenced(
        r#"{"criteria":[{"criterion":1,"status":"pass","reason":"cargo build is clean"},{"criterion":2,"status":"pass"}],"summary":"all good"}"#,
    );
    let out = verify(&repo, &answer, &["s1", "--agent", "codex"]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("s1: passed at"), "{said}");
    assert_eq!(ledger_commits(&repo), before + 1, "one ledger commit");
    let fm = frontmatter(&repo);
    assert_eq!(fm["verification_status"], "passed");
    assert!(fm.get("verification_failures").is_none(), "{fm}");
    let at = fm["last_verified"].as_str().unwrap();
    assert!(at.len() >= 20 && at.ends_with('Z'), "RFC 3339: {at}");
    let events = repo.git(&["notes", "--ref=chant", "show", &landed]);
    assert!(
        events.contains("s1 verified status=passed by=codex"),
        "{events}"
    );
    let transcript = repo.git(&["notes", "--ref=chant-output", "show", &landed]);
    assert!(
        transcript.contains("ask: verify") && transcript.contains("cargo build is clean"),
        "{transcript}"
    );
    // The verifier ran in a checkout of the landed commit, now gone.
    assert!(!repo.path.join(".git/chant/verify/s1").exists());
    let worktrees = repo.git(&["worktree", "list"]);
    assert!(!worktrees.contains("verify"), "{worktrees}");
    let prompt =
        std::fs::read_to_string(repo.path.join(".git/chant/prompts/s1.verify.md")).unwrap();
    assert!(
        prompt.contains("1. It builds\n2. It has a test") && prompt.contains("```json"),
        "{prompt}"
    );
}

#[test]
fn claude_answers_through_its_json_schema_and_a_failure_keeps_its_reason() {
    let (repo, _) = landed();
    let structured = repo.home().join("structured.json");
    std::fs::write(
        &structured,
        r#"{"criteria":[{"criterion":1,"status":"pass"},{"criterion":2,"status":"fail","reason":"no test covers it"}]}"#,
    )
    .unwrap();
    let file = repo.home().join("answer.md");
    std::fs::write(&file, "One criterion fails.").unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["verify", "s1", "--agent", "claude"];
        args.extend_from_slice(extra);
        repo.chant_cmd(&args)
            .env("PATH", path_with(&presets(&repo)))
            .env("FAKE_AGENT_ANSWER", &file)
            .env("FAKE_AGENT_STRUCTURED", &structured)
            .env("FAKE_AGENT_ARGS", repo.home().join("args"))
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_success(&out);
    let args = std::fs::read_to_string(repo.home().join("args")).unwrap();
    assert!(
        args.contains("--json-schema\n{\"type\":\"object\""),
        "{args}"
    );
    let fm = frontmatter(&repo);
    assert_eq!(fm["verification_status"], "failed");
    assert_eq!(
        fm["verification_failures"],
        serde_json::json!(["It has a test — no test covers it"])
    );
    let out = run(&["--exit-code"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_skipped_criterion_from_gemini_is_partial_and_fails_exit_code() {
    let (repo, _) = landed();
    let answer = fenced(
        r#"{"criteria":[{"criterion":1,"status":"pass"},{"criterion":2,"status":"skip","reason":"needs a person"}]}"#,
    );
    let out = verify(
        &repo,
        &answer,
        &["s1", "--agent", "gemini", "--exit-code", "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verified"][0]["status"], "partial");
    assert_eq!(
        report["verified"][0]["criteria"][1]["reason"],
        "needs a person"
    );
    assert_eq!(frontmatter(&repo)["verification_status"], "partial");
}

#[test]
fn a_command_verifies_in_a_checkout_of_the_landed_commit() {
    let (repo, _) = landed();
    // The fake agent's file is in the landed commit, not in the user's checkout.
    std::fs::remove_file(repo.path.join("work-s1.txt")).unwrap();
    let out = repo.chant_out(&["verify", "s1", "--command", "test -f work-s1.txt"]);
    assert_success(&out);
    let fm = frontmatter(&repo);
    assert_eq!(fm["verification_status"], "passed");
    let out = repo.chant_out(&[
        "verify",
        "s1",
        "--command",
        "echo compiling; echo 'boom: 2 tests failed'; exit 3",
        "--exit-code",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let fm = frontmatter(&repo);
    assert_eq!(fm["verification_status"], "failed");
    let failure = fm["verification_failures"][0].as_str().unwrap();
    assert!(
        failure.contains("exited 3: compiling | boom: 2 tests failed"),
        "{failure}"
    );
    assert!(!repo.path.join(".git/chant/verify/s1").exists());
}

#[test]
fn an_answer_that_cannot_be_read_changes_no_field_and_keeps_the_transcript() {
    let (repo, landed) = landed();
    let before = frontmatter(&repo);
    for (answer, why) in [
        ("I think it is fine.".to_owned(), "no JSON verdict"),
        (
            fenced(r#"{"criteria":[{"criterion":7,"status":"pass"}]}"#),
            "names criterion 7, the spec has 2",
        ),
    ] {
        let out = verify(&repo, &answer, &["s1", "--agent", "codex"]);
        assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("cannot be read") && err.contains(why), "{err}");
        assert!(
            err.contains(&landed),
            "names where the transcript is: {err}"
        );
    }
    assert_eq!(frontmatter(&repo), before);
    let transcript = repo.git(&["notes", "--ref=chant-output", "show", &landed]);
    assert!(transcript.contains("I think it is fine."), "{transcript}");
    assert!(!repo.path.join(".git/chant/verify/s1").exists());
}

#[test]
fn only_completed_specs_are_verified_and_all_skips_what_has_no_commit() {
    let (repo, _) = landed();
    repo.add_spec("s2", "Not yet", &BODY.replace("Two things", "Not yet"));
    let out = repo.chant_out(&["verify", "s2", "--command", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("s2 is pending"), "{}", stderr(&out));
    repo.add_spec(
        "s3",
        "Done by hand",
        &BODY.replace("Two things", "Done by hand"),
    );
    repo.chant(&["start", "s3"]);
    repo.chant(&["check", "s3", "1"]);
    repo.chant(&["check", "s3", "2"]);
    repo.chant(&["done", "s3"]);
    let out = repo.chant_out(&["verify", "s3", "--command", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("git chant merge s3"),
        "{}",
        stderr(&out)
    );
    let out = repo.chant_out(&["verify", "--all", "--command", "true"]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("s1: passed") && said.contains("s3: skipped: no landed commit"),
        "{said}"
    );
}

#[test]
fn verification_fields_are_checked_where_specs_are_written() {
    let (repo, _) = landed();
    let out = repo.chant_out(&["set", "s1", "verification_status", "great"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("passed, failed or partial"),
        "{}",
        stderr(&out)
    );
    let out = repo.chant_out(&["set", "s1", "last_verified", "yesterday"]);
    assert!(stderr(&out).contains("RFC 3339"), "{}", stderr(&out));
}

#[test]
fn the_server_refuses_verification_fields_upstream_would_not_write() {
    use git_chant::store::paths::spec_path;
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    let client = Repo::new();
    client.chant(&["init"]);
    client.commit("code");
    client.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    let push = || {
        let out = client
            .git_cmd(&["push", "origin", "refs/chant/specs"])
            .output()
            .unwrap();
        (out.status.success(), stderr(&out))
    };
    client.put_ledger_file(
        &spec_path("c", false),
        "---\nstatus: pending\nlast_verified: 2026-02-02T14:27:53Z\nverification_status: partial\n---\n# C\n",
    );
    let (ok, said) = push();
    assert!(ok, "{said}");
    client.put_ledger_file(
        &spec_path("c", false),
        "---\nstatus: pending\nverification_status: great\n---\n# C\n",
    );
    let (ok, said) = push();
    assert!(!ok, "{said}");
    assert!(
        said.lines()
            .any(|l| l.contains("passed, failed or partial")
                && l.trim_end().ends_with("[verification]")),
        "{said}"
    );
}

#[test]
fn a_verification_pushes_to_a_checking_server() {
    let (repo, _) = landed();
    let out = repo.chant_out(&["verify", "s1", "--command", "true"]);
    assert_success(&out);
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    repo.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    let branch = repo.git(&["branch", "--show-current"]);
    let out = repo
        .git_cmd(&[
            "push",
            "origin",
            branch.trim(),
            "refs/chant/specs",
            "refs/notes/chant",
            "refs/notes/chant-output",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
