//! Real agents' command lines and runs: a preset gets the spec's model and its permission
//! default (a `claude` on PATH that records its arguments and then works like the fake
//! agent), a missing agent or a commitless repository leaves the spec as it was, `work`
//! without ids runs only a few unless told, `prep` prints the prompt, and a run can be
//! followed (`tail`), stopped (`takeover`), continued (`resume`) and put back (`reset`),
//! and shows as stale once its processes are gone.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixtures;
use crate::harness::{assert_success, path_with, Repo};

fn setup(ids: &[&str]) -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    for id in ids {
        repo.chant(&["add", &format!("Spec {id}"), "--id", id]);
    }
    repo
}

/// A directory holding an executable `claude` that writes its arguments (one per line)
/// and `CHANT_MODEL` to `args`, then is fixtures/agents/fake-claude.sh (session `sess-1`);
/// with `FAKE_AGENT_MODE=slow` it prints the stream's init event and sleeps instead.
fn fake_claude(repo: &Repo) -> (PathBuf, PathBuf) {
    let dir = repo.home().join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let args = repo.home().join("args");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {args}\necho \"CHANT_MODEL=$CHANT_MODEL\" >> {args}\nif [ \"$FAKE_AGENT_MODE\" = slow ]; then\n  echo '{{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"sess-1\"}}'\n  sleep \"$FAKE_AGENT_SLEEP\"\n  exit 0\nfi\nFAKE_AGENT_SESSION=sess-1 exec sh {agent} \"$@\"\n",
        args = args.display(),
        agent = fixtures().join("agents/fake-claude.sh").display()
    );
    std::fs::write(dir.join("claude"), script).unwrap();
    Command::new("chmod")
        .args(["+x", dir.join("claude").to_str().unwrap()])
        .status()
        .unwrap();
    (dir, args)
}

fn status(repo: &Repo, id: &str) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", id, "--json"])).unwrap();
    shown["status"].as_str().unwrap().to_owned()
}

fn agent() -> String {
    format!("sh {}", fixtures().join("agents/fake-agent.sh").display())
}

fn wait_for(what: &str, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "waited for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn slow_run(repo: &Repo, id: &str, seconds: &str) -> Child {
    repo.chant_cmd(&["work", id, "--agent", &agent()])
        .env("FAKE_AGENT_MODE", "slow")
        .env("FAKE_AGENT_SLEEP", seconds)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn run_record(repo: &Repo, id: &str) -> PathBuf {
    repo.path.join(format!(".git/chant/runs/{id}.json"))
}

#[test]
fn the_claude_preset_gets_the_model_and_its_permission_default() {
    let repo = setup(&["s1"]);
    repo.chant(&["set", "s1", "model", "opus"]);
    repo.git(&["config", "chant.agent", "claude"]);
    let (bin, args) = fake_claude(&repo);
    let out = repo
        .chant_cmd(&["work", "s1"])
        .env("PATH", path_with(&bin))
        .output()
        .unwrap();
    assert_success(&out);
    let argv = std::fs::read_to_string(&args).unwrap();
    assert!(
        argv.starts_with("-p\n--output-format\nstream-json\n--verbose\n--model\nopus\n--permission-mode\nacceptEdits\n--allowedTools\nBash(git:*),Bash(git-chant:*)\n"),
        "{argv}"
    );
    assert!(argv.ends_with("CHANT_MODEL=opus\n"), "{argv}");
    assert_eq!(status(&repo, "s1"), "completed");
    let tip = repo.git(&["rev-parse", "chant/s1"]);
    let note = repo.git(&["notes", "--ref=chant-output", "show", tip.trim()]);
    assert!(
        note.contains("\nagent: claude\n")
            && note.contains("\nmodel: opus\n")
            && note.contains("\nsession: sess-1\n"),
        "{note}"
    );

    // The opt-out.
    repo.chant(&["add", "Two", "--id", "s2"]);
    repo.git(&["config", "chant.permissions", "skip"]);
    let out = repo
        .chant_cmd(&["work", "s2"])
        .env("PATH", path_with(&bin))
        .output()
        .unwrap();
    assert_success(&out);
    let argv = std::fs::read_to_string(&args).unwrap();
    assert!(argv.contains("--dangerously-skip-permissions") && !argv.contains("acceptEdits"));
}

#[test]
fn a_model_that_could_pass_for_a_flag_is_refused_before_anything_starts() {
    let repo = setup(&["s1"]);
    repo.chant(&["set", "s1", "model", "--", "--dangerously-skip-permissions"]);
    let out = repo.chant_out(&["work", "s1", "--agent", "claude"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a model name"));
    assert_eq!(status(&repo, "s1"), "pending");
}

#[test]
fn a_missing_agent_or_commit_leaves_the_spec_as_it_was() {
    let repo = setup(&["s1"]);
    let empty = repo.home().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = repo
        .chant_cmd(&["work", "s1", "--agent", "claude"])
        .env("PATH", path_with(&empty))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("agent `claude` not found on PATH") && err.contains("chant.agent"),
        "{err}"
    );
    assert_eq!(status(&repo, "s1"), "pending");
    assert!(!repo.path.join(".git/chant/worktrees/s1").exists());
    let events = repo.git(&["notes", "--ref=chant", "show", "refs/chant/specs"]);
    assert!(events.contains(" s1 start-failed agent=claude"), "{events}");

    let fresh = Repo::new();
    fresh.chant(&["init"]);
    fresh.chant(&["add", "One", "--id", "s1"]);
    let out = fresh.chant_out(&["work", "s1", "--agent", &agent()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no commit yet"));
    assert_eq!(status(&fresh, "s1"), "pending");
}

#[test]
fn work_without_ids_runs_a_few_unless_told_and_prep_prints_the_prompt() {
    let repo = setup(&["a", "b", "c", "d", "e"]);
    let out = repo.chant_out(&["work", "--agent", &agent()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("5 specs are ready"));
    assert_eq!(status(&repo, "a"), "pending", "nothing started");
    let listed = repo.chant(&["work", "--dry-run"]);
    assert_eq!(listed.lines().count(), 5, "{listed}");
    assert!(listed.starts_with("would work a\n"));
    assert_success(&repo.chant_out(&["work", "--limit", "2", "--agent", &agent()]));
    let done = ["a", "b", "c", "d", "e"]
        .iter()
        .filter(|id| status(&repo, id) == "completed")
        .count();
    assert_eq!(done, 2);

    let prompt = repo.chant(&["prep", "e"]);
    assert_eq!(prompt.matches("Spec e").count(), 1, "{prompt}");
    assert_eq!(prompt.matches("chant(e): ").count(), 1, "{prompt}");
    assert!(prompt.contains("git chant check e <n>"), "{prompt}");
}

#[test]
fn tail_follows_a_run_from_another_process_until_it_ends() {
    let repo = setup(&["s1"]);
    let work = slow_run(&repo, "s1", "2");
    wait_for("the run record", || run_record(&repo, "s1").exists());
    let out = repo.chant_out(&["tail", "s1"]);
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("thinking…"), "{text}");
    assert!(
        text.contains("committed "),
        "what came after tail started: {text}"
    );
    assert!(
        text.contains("-- s1: run ended (needs_attention)"),
        "{text}"
    );
    assert_success(&work.wait_with_output().unwrap());
    assert!(repo
        .chant(&["tail", "s1"])
        .contains("s1 is not running; its last transcript"));
}

#[test]
fn takeover_stops_the_agent_and_resume_continues_its_session() {
    let repo = setup(&["s1"]);
    let (bin, args) = fake_claude(&repo);
    repo.git(&["config", "chant.agent", "claude"]);
    let work = repo
        .chant_cmd(&["work", "s1"])
        .env("PATH", path_with(&bin))
        .env("FAKE_AGENT_MODE", "slow")
        .env("FAKE_AGENT_SLEEP", "30")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the agent to start", || {
        std::fs::read_to_string(repo.path.join(".git/chant/runs/s1.log"))
            .is_ok_and(|l| l.contains("sess-1"))
    });
    let started = Instant::now();
    let out = repo.chant_out(&["takeover", "s1"]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("s1: agent stopped; now paused") && said.contains(".git/chant/worktrees/s1"),
        "{said}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the 30 s sleep was stopped too"
    );
    work.wait_with_output().unwrap();
    assert_eq!(status(&repo, "s1"), "paused");
    assert!(!run_record(&repo, "s1").exists());

    let out = repo
        .chant_cmd(&["resume", "s1"])
        .env("PATH", path_with(&bin))
        .output()
        .unwrap();
    assert_success(&out);
    let argv = std::fs::read_to_string(&args).unwrap();
    assert!(argv.contains("--resume\nsess-1\n"), "{argv}");
    assert_eq!(status(&repo, "s1"), "completed");
}

#[test]
fn a_crashed_run_shows_as_stale_and_reset_puts_it_back() {
    let repo = setup(&["s1"]);
    let mut work = slow_run(&repo, "s1", "30");
    wait_for("the run record", || run_record(&repo, "s1").exists());
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_record(&repo, "s1")).unwrap()).unwrap();
    let agent_pid = record["agent_process"]["pid"].as_u64().unwrap();
    work.kill().unwrap();
    work.wait().unwrap();
    Command::new("sh")
        .args(["-c", &format!("kill -s KILL -- -{agent_pid}")])
        .status()
        .unwrap();
    wait_for("the agent to die", || {
        !Path::new(&format!("/proc/{agent_pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{agent_pid}/stat"))
                .is_ok_and(|s| s.contains(") Z "))
    });
    assert!(
        repo.chant(&["list"]).contains("stale"),
        "{}",
        repo.chant(&["list"])
    );
    assert!(repo.chant(&["status"]).contains("git chant resume s1"));
    assert!(repo.chant(&["doctor"]).contains("stale"));
    assert_eq!(
        repo.chant(&["reset", "s1", "--worktree"]),
        "s1: in_progress -> pending; worktree and branch removed\n"
    );
    assert_eq!(status(&repo, "s1"), "pending");
    assert!(!repo.path.join(".git/chant/worktrees/s1").exists());
    assert!(repo.git(&["branch", "--list", "chant/s1"]).is_empty());
}

#[test]
fn several_configured_agents_share_a_parallel_run() {
    let repo = setup(&["s1", "s2"]);
    let plain = agent();
    let claude = format!(
        "sh {} -p --output-format stream-json --verbose",
        fixtures().join("agents/fake-claude.sh").display()
    );
    repo.git(&["config", "chant.agent", &plain]);
    repo.git(&["config", "--add", "chant.agent", &claude]);
    assert_success(&repo.chant_out(&["work", "s1", "s2", "--parallel", "2"]));
    let mut commands: Vec<String> = ["s1", "s2"]
        .iter()
        .map(|id| {
            let tip = repo.git(&["rev-parse", &format!("chant/{id}")]);
            let note = repo.git(&["notes", "--ref=chant-output", "show", tip.trim()]);
            let line = note.lines().find(|l| l.starts_with("command: ")).unwrap();
            line.trim_start_matches("command: ").to_owned()
        })
        .collect();
    commands.sort();
    let mut expected = vec![plain, claude];
    expected.sort();
    assert_eq!(commands, expected, "one run each");
}

#[test]
fn stderr_never_lands_inside_a_line_of_stdout_in_the_transcript() {
    let repo = setup(&["s1"]);
    let script = repo.home().join("split.sh");
    std::fs::write(
        &script,
        "printf '{\"type\":\"system\",'\nsleep 0.2\necho 'a warning' >&2\nsleep 0.2\nprintf '\"subtype\":\"init\",\"session_id\":\"s-9\"}\\n'\n",
    )
    .unwrap();
    let out = repo.chant_out(&["work", "s1", "--agent", &format!("sh {}", script.display())]);
    assert_success(&out);
    let note = repo.git(&["notes", "--ref=chant-output", "show", "refs/chant/specs"]);
    assert!(
        note.contains("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s-9\"}\n"),
        "{note}"
    );
    assert!(note.contains("a warning\n"), "{note}");
}

#[test]
fn resume_without_a_session_tells_a_new_run_to_carry_on() {
    let repo = setup(&["s1"]);
    let work = slow_run(&repo, "s1", "30");
    wait_for("the agent to start", || {
        std::fs::read_to_string(repo.path.join(".git/chant/runs/s1.log"))
            .is_ok_and(|l| l.contains("thinking"))
    });
    assert_success(&repo.chant_out(&["takeover", "s1"]));
    work.wait_with_output().unwrap();
    let out = repo
        .chant_cmd(&["resume", "s1", "--agent", &agent()])
        .env("FAKE_AGENT_TEXT", "carried on")
        .output()
        .unwrap();
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("prompt starts: You are continuing earlier work"),
        "{said}"
    );
    assert_eq!(status(&repo, "s1"), "completed");
}

/// A transcript note is fetched data: a `session:` in its header that could pass for a
/// flag never reaches the agent's command line.
#[test]
fn a_forged_session_in_a_transcript_header_is_not_passed_to_the_agent() {
    let repo = setup(&["s1"]);
    let (bin, args) = fake_claude(&repo);
    repo.git(&["config", "chant.agent", "claude"]);
    let work = repo
        .chant_cmd(&["work", "s1"])
        .env("PATH", path_with(&bin))
        .env("FAKE_AGENT_MODE", "slow")
        .env("FAKE_AGENT_SLEEP", "30")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the agent to start", || {
        std::fs::read_to_string(repo.path.join(".git/chant/runs/s1.log"))
            .is_ok_and(|l| l.contains("sess-1"))
    });
    assert_success(&repo.chant_out(&["takeover", "s1"]));
    work.wait_with_output().unwrap();
    // Someone's push replaces the run's transcript with one whose header names a
    // "session" that is a flag.
    let listed = repo.git(&["notes", "--ref=chant-output", "list"]);
    for commit in listed.lines().filter_map(|l| l.split_whitespace().nth(1)) {
        repo.git(&[
            "notes",
            "--ref=chant-output",
            "add",
            "-f",
            "-m",
            "---\nspec: s1\nsession: --dangerously-skip-permissions\n---\nforged",
            commit,
        ]);
    }
    let out = repo
        .chant_cmd(&["resume", "s1"])
        .env("PATH", path_with(&bin))
        .output()
        .unwrap();
    assert_success(&out);
    let argv = std::fs::read_to_string(&args).unwrap();
    assert!(!argv.contains("--dangerously-skip-permissions"), "{argv}");
    assert!(
        !argv.contains("--resume"),
        "the forged header is the newest: {argv}"
    );
}
