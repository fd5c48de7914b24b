//! `git chant work` with the fake agent (fixtures/agents/fake-agent.sh): every outcome,
//! the transcript byte for byte on the right commit, parallel runs, and the user's
//! checkout untouched.

use crate::fixtures;
use crate::harness::Repo;

fn agent() -> String {
    format!("sh {}", fixtures().join("agents/fake-agent.sh").display())
}

/// A repository with a commit, hooks installed, and specs `s1`…`sN`.
fn setup(n: usize) -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    for i in 1..=n {
        repo.chant(&["add", &format!("Spec {i}"), "--id", &format!("s{i}")]);
    }
    repo
}

fn work(repo: &Repo, mode: &str, args: &[&str]) -> std::process::Output {
    let agent = agent();
    let mut all = vec!["work", "--agent", agent.as_str()];
    all.extend_from_slice(args);
    repo.chant_cmd(&all)
        .env("FAKE_AGENT_MODE", mode)
        .output()
        .unwrap()
}

fn show(repo: &Repo, id: &str) -> serde_json::Value {
    serde_json::from_str(&repo.chant(&["show", id, "--json"])).unwrap()
}

fn transcript(repo: &Repo, commit: &str) -> String {
    repo.git(&["notes", "--ref=chant-output", "show", commit])
}

#[test]
fn a_completed_run_records_status_commits_and_the_transcript() {
    let repo = setup(1);
    let head = repo.git(&["rev-parse", "HEAD"]);
    let out = work(&repo, "complete", &["s1"]);
    crate::harness::assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("fake agent: working on s1 in branch chant/s1"),
        "output streams live: {stdout}"
    );
    let s1 = show(&repo, "s1");
    assert_eq!(s1["status"], "completed");
    let branch_tip = repo.git(&["rev-parse", "chant/s1"]).trim().to_owned();
    assert_eq!(
        s1["frontmatter"]["commits"],
        serde_json::json!([branch_tip.clone()])
    );
    let note = transcript(&repo, &branch_tip);
    assert!(note.starts_with("---\nspec: s1\nstart: "), "{note}");
    assert!(
        note.contains("\nexit_code: 0\n")
            && note.contains("prompt file has")
            && note.contains("ticked 1 criteria"),
        "{note}"
    );
    assert!(repo.chant(&["show", "s1"]).contains("## Agent Output"));
    assert_eq!(
        repo.git(&["rev-parse", "HEAD"]),
        head,
        "the user's checkout is untouched"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert!(repo
        .path
        .join(".git/chant/worktrees/s1/work-s1.txt")
        .exists());
}

#[test]
fn partial_failed_and_commitless_runs() {
    let repo = setup(3);
    assert!(work(&repo, "partial", &["s1"]).status.success());
    assert_eq!(show(&repo, "s1")["status"], "needs_attention");

    let out = work(&repo, "fail", &["s2"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(show(&repo, "s2")["status"], "failed");
    let tip = repo.git(&["rev-parse", "chant/s2"]).trim().to_owned();
    assert!(transcript(&repo, &tip).contains("\nexit_code: 1\n"));

    let out = work(&repo, "nocommit-fail", &["s3"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(show(&repo, "s3")["status"], "failed");
    // No commit: the transcript is on the ledger commit that recorded the failure.
    let ledger = repo.git(&["log", "-1", "--format=%H %s", "refs/chant/specs"]);
    let (commit, subject) = ledger.trim().split_once(' ').unwrap();
    assert_eq!(subject, "chant: fail s3");
    assert!(transcript(&repo, commit).contains("fake agent: could not start"));
    // `show` finds it there, and only for s3.
    let s3 = show(&repo, "s3");
    assert_eq!(s3["transcripts"].as_array().unwrap().len(), 1, "{s3}");
    assert_eq!(s3["transcripts"][0]["commit"], commit);
    let text = repo.chant(&["show", "s3"]);
    assert!(text.contains("## Agent Output"), "{text}");
    assert!(text.contains("fake agent: could not start"), "{text}");
    let s2 = show(&repo, "s2");
    assert_eq!(s2["transcripts"].as_array().unwrap().len(), 1, "{s2}");
    assert_eq!(s2["transcripts"][0]["commit"], tip.as_str());
}

#[test]
fn a_spec_that_is_not_ready_is_refused() {
    let repo = setup(1);
    repo.chant(&["add", "Later", "--id", "later", "--depends-on", "s1"]);
    let out = work(&repo, "complete", &["later"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("depends on s1 (pending)"));
    assert!(
        !repo.path.join(".git/chant/worktrees/later").exists(),
        "nothing was created"
    );
}

/// SIGINT to a process and all its descendants (found through /proc, sent with the
/// shell's builtin `kill`, so no procps is needed).
fn interrupt(pid: u32) {
    let mut pids = vec![pid];
    let mut i = 0;
    while i < pids.len() {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", pids[i]))
            .into_iter()
            .flatten()
            .flatten();
        for task in tasks {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            pids.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
        i += 1;
    }
    // A short-lived descendant (a git that `work` ran) may exit between the listing and
    // the signal, and `kill` then fails for it: what counts is what the run did, which
    // the caller checks.
    let list: Vec<String> = pids.iter().map(u32::to_string).collect();
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("kill -INT {} 2>/dev/null", list.join(" ")))
        .status()
        .unwrap();
}

#[test]
fn an_interrupted_run_is_paused_and_keeps_its_worktree() {
    let repo = setup(1);
    let agent = agent();
    let child = repo
        .chant_cmd(&["work", "s1", "--agent", &agent])
        .env("FAKE_AGENT_MODE", "slow")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the agent runs, then Ctrl-C as a terminal sends it: to every process.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    interrupt(child.id());
    let out = child.wait_with_output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("s1: paused"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(show(&repo, "s1")["status"], "paused");
    assert!(repo.path.join(".git/chant/worktrees/s1").exists());
    assert!(repo.chant(&["worktrees"]).contains("s1"));
}

#[test]
fn four_specs_in_parallel_and_a_chain() {
    let repo = setup(4);
    let out = work(&repo, "complete", &["--parallel", "4", "--all"]);
    crate::harness::assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for i in 1..=4 {
        let id = format!("s{i}");
        assert_eq!(show(&repo, &id)["status"], "completed", "{stdout}");
        let tip = repo
            .git(&["rev-parse", &format!("chant/{id}")])
            .trim()
            .to_owned();
        assert!(transcript(&repo, &tip).contains(&format!("working on {id} ")));
        assert!(
            stdout.contains(&format!("[{id}] fake agent: done")),
            "parallel output is prefixed: {stdout}"
        );
    }
    // Completed but not landed: kept; landed: worktree and branch removed.
    assert_eq!(
        repo.chant(&["worktrees", "--prune"]),
        "removed 0 worktrees\n"
    );
    repo.chant(&["merge", "s1", "s2", "--keep"]);
    assert_eq!(
        repo.chant(&["worktrees", "--prune"]),
        "removed 2 worktrees: s1, s2\n"
    );
    assert!(repo.git(&["branch", "--list", "chant/s1"]).is_empty());
    assert!(!repo.git(&["branch", "--list", "chant/s3"]).is_empty());

    let chained = setup(0);
    chained.chant(&["add", "A", "--id", "a"]);
    chained.chant(&["add", "B", "--id", "b", "--depends-on", "a"]);
    chained.chant(&["add", "C", "--id", "c", "--depends-on", "b"]);
    let out = work(&chained, "complete", &["--chain"]);
    crate::harness::assert_success(&out);
    for id in ["a", "b", "c"] {
        assert_eq!(show(&chained, id)["status"], "completed");
    }
}

/// On a terminal (a pty from util-linux `script`), a status line shows the running spec
/// and its elapsed time, erased before each piece of output, which arrives intact.
#[test]
fn on_a_terminal_a_status_line_shows_the_elapsed_time() {
    let repo = setup(1);
    let mut cmd = std::process::Command::new("script");
    crate::harness::hermetic(&mut cmd, repo.home())
        .current_dir(&repo.path)
        .env("FAKE_AGENT_MODE", "slow")
        .env("FAKE_AGENT_SLEEP", "2")
        // The real clock, to see the ledger commits dated when they were made.
        .env_remove("GIT_COMMITTER_DATE")
        .env_remove("GIT_AUTHOR_DATE")
        .args([
            "-qec",
            &format!("git-chant work s1 --agent '{}'", agent()),
            "/dev/null",
        ])
        .stdin(std::process::Stdio::null());
    let out = cmd
        .output()
        .expect("util-linux `script` (.ci/run installs it)");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    // The agent ran two seconds: the ticker redrew the line with a later time.
    let latest = shown
        .split("git chant: running s1 ")
        .skip(1)
        .filter_map(|rest| rest.split_once('s')?.0.parse::<u32>().ok())
        .max();
    assert!(latest >= Some(1), "{shown:?}");
    // The agent's lines arrive whole, and the status line is only ever drawn at the start
    // of a line (after a newline, or where an erase left the cursor).
    assert!(shown.contains("fake agent: done\r\n"), "{shown:?}");
    for (at, _) in shown.match_indices("\x1b[?7lgit chant: running") {
        let before = &shown[..at];
        assert!(
            before.is_empty() || before.ends_with('\n') || before.ends_with("\r\x1b[K"),
            "status line drawn mid-line: {shown:?}"
        );
    }
    assert_eq!(show(&repo, "s1")["status"], "needs_attention");
    // One process wrote both: the commit recording the end is dated after the agent ran.
    let dates = repo.git(&["log", "--format=%ct %s", "refs/chant/specs"]);
    let date_of = |subject: &str| -> i64 {
        let line = dates.lines().find(|l| l.ends_with(subject)).unwrap();
        line.split(' ').next().unwrap().parse().unwrap()
    };
    assert!(
        date_of("needs-attention s1") >= date_of("start s1") + 2,
        "{dates}"
    );
}

/// Separate `work` processes started together: git's own `worktree add` is not safe to run
/// concurrently (it reads the other worktrees' half-written admin files), so git chant
/// serialises it behind `.git/chant/worktrees.lock`; while another holds the lock they
/// wait, then every run gets its worktree and completes.
#[test]
fn six_work_processes_at_once_each_get_a_worktree() {
    let repo = setup(6);
    let agent = agent();
    let lock = repo.path.join(".git/chant/worktrees.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, "").unwrap();
    let children: Vec<_> = (1..=6)
        .map(|i| {
            repo.chant_cmd(&["work", "--agent", agent.as_str(), &format!("s{i}")])
                .env("FAKE_AGENT_MODE", "complete")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let worktrees = repo.path.join(".git/chant/worktrees");
    assert!(
        !worktrees.exists() || std::fs::read_dir(&worktrees).unwrap().next().is_none(),
        "no worktree is created while the lock is held"
    );
    std::fs::remove_file(&lock).unwrap();
    for child in children {
        crate::harness::assert_success(&child.wait_with_output().unwrap());
    }
    for i in 1..=6 {
        assert_eq!(show(&repo, &format!("s{i}"))["status"], "completed");
    }
    assert!(!lock.exists());
}

#[test]
fn a_five_megabyte_multibyte_transcript_is_kept_whole() {
    let repo = setup(1);
    let out = work(&repo, "big", &["s1"]);
    assert!(out.status.success());
    let tip = repo.git(&["rev-parse", "chant/s1"]).trim().to_owned();
    let note = transcript(&repo, &tip);
    let body = note.split_once("\n---\n").unwrap().1;
    assert!(body.len() > 5_000_000, "{} bytes", body.len());
    // The note holds exactly what the agent printed.
    let printed = String::from_utf8_lossy(&out.stdout);
    let start = printed.find("fake agent: working").unwrap();
    let end = printed.find("fake agent: done\n").unwrap() + "fake agent: done\n".len();
    let agent_stdout: String = printed[start..end]
        .lines()
        .filter(|l| !l.starts_with("git chant:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let note_stdout: String = body
        .lines()
        .filter(|l| !l.starts_with("git chant:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(note_stdout, agent_stdout);
    assert!(repo
        .chant(&["show", "s1"])
        .contains("línea 41999: 日本語のテキスト"));
}

#[test]
fn output_attaches_a_transcript_from_another_runner() {
    let repo = setup(1);
    let commit = repo.commit("chant(s1): by hand");
    let file = repo.home().join("run.log");
    std::fs::write(&file, "external runner said hello\n").unwrap();
    repo.chant(&["output", "s1", "--file", file.to_str().unwrap()]);
    assert!(transcript(&repo, &commit).ends_with("external runner said hello\n"));

    // A commit whose message does not name the spec joins its `commits:`, so that `show`
    // finds the transcript there too.
    let other = repo.commit("tidy up");
    let out = crate::harness::with_stdin(
        repo.chant_cmd(&["output", "s1", "--commit", "HEAD", "--file", "-"]),
        b"second runner\n",
    );
    crate::harness::assert_success(&out);
    let s1 = show(&repo, "s1");
    let commits = s1["frontmatter"]["commits"].as_array().unwrap();
    assert!(commits.iter().any(|c| c == other.as_str()), "{s1}");
    let mut shown: Vec<&str> = s1["transcripts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["commit"].as_str().unwrap())
        .collect();
    shown.sort();
    let mut wanted = [commit.as_str(), other.as_str()];
    wanted.sort();
    assert_eq!(shown, wanted);
}
