//! `git chant split`: the fake agents answer in upstream's split format, and one ledger
//! commit writes the members with their dependencies and makes the spec their driver; a
//! cyclic, dangling or empty answer writes nothing and is kept; `--dry-run` writes nothing.

use std::process::{Command, Output};

use crate::fixtures;
use crate::harness::{assert_success, path_with, Repo};

const PLAN: &str = "I split it in three.\n\n## Member 1: Add the parser\n\nA parser for the format.\n\n### Acceptance Criteria\n\n- [ ] It parses the sample\n- [ ] Errors name the line\n\n**Affected Files:**\n- src/parse.rs (new)\n\n**Dependencies:** None\n\n## Member 2: Use the parser\n\nCall it from the loader.\n\n### Acceptance Criteria\n\n- [ ] The loader uses it\n\n**Affected Files:**\n- src/load.rs\n\n**Dependencies:** Member 1\n\n## Member 3: Document it\n\n### Acceptance Criteria\n\n- [ ] The guide shows the format\n\n**Dependencies:** Member 1, Member 2\n";

fn setup() -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.add_spec(
        "big",
        "A big change",
        "# A big change\n\nParse, load, document.\n\n## Acceptance Criteria\n\n- [ ] All of it\n",
    );
    repo
}

/// `git chant split <args>` with the fake `agent` (codex or gemini) answering `answer`.
fn split(repo: &Repo, agent: &str, answer: &str, args: &[&str]) -> Output {
    let dir = repo.home().join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let script = format!(
        "#!/bin/sh\nexec sh {} \"$@\"\n",
        fixtures().join(format!("agents/fake-{agent}.sh")).display()
    );
    std::fs::write(dir.join(agent), script).unwrap();
    Command::new("chmod")
        .args(["+x", dir.join(agent).to_str().unwrap()])
        .status()
        .unwrap();
    let file = repo.home().join("answer.md");
    std::fs::write(&file, answer).unwrap();
    let mut all = vec!["split", "big", "--agent", agent];
    all.extend_from_slice(args);
    repo.chant_cmd(&all)
        .env("PATH", path_with(&dir))
        .env("FAKE_AGENT_ANSWER", &file)
        .output()
        .unwrap()
}

fn show(repo: &Repo, id: &str) -> serde_json::Value {
    serde_json::from_str(&repo.chant(&["show", id, "--json"])).unwrap()
}

fn ledger(repo: &Repo) -> String {
    repo.git(&["rev-parse", "refs/chant/specs"])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_answer_becomes_members_with_their_dependencies_under_a_driver_in_one_commit() {
    let repo = setup();
    let before = ledger(&repo);
    let out = split(&repo, "codex", PLAN, &[]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("big.3: Document it (after big.1, big.2)")
            && said.contains("big is now a driver of 3 members"),
        "{said}"
    );
    let parent = repo.git(&["rev-parse", "refs/chant/specs~1"]);
    assert_eq!(parent, before, "one ledger commit");
    let driver = show(&repo, "big");
    assert_eq!(driver["frontmatter"]["type"], "driver");
    assert!(driver["frontmatter"].get("depends_on").is_none());
    let one = show(&repo, "big.1");
    assert_eq!(one["status"], "pending");
    assert_eq!(one["title"], "Add the parser");
    assert!(one["frontmatter"].get("depends_on").is_none(), "{one}");
    assert_eq!(
        one["frontmatter"]["target_files"],
        serde_json::json!(["src/parse.rs"])
    );
    assert_eq!(one["criteria"]["total"], 2);
    assert_eq!(
        show(&repo, "big.2")["frontmatter"]["depends_on"],
        serde_json::json!(["big.1"])
    );
    assert_eq!(
        show(&repo, "big.3")["frontmatter"]["depends_on"],
        serde_json::json!(["big.1", "big.2"])
    );
    // Of the members only the first is ready: the others wait for the members they name,
    // and none waits for the driver (which follows its members).
    let ready: Vec<String> = repo
        .list_json(&["--ready"])
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .filter(|id| id.starts_with("big."))
        .collect();
    assert_eq!(ready, vec!["big.1"]);
    for member in ["big.1", "big.2", "big.3"] {
        let deps = show(&repo, member)["frontmatter"]["depends_on"].clone();
        assert!(!deps.to_string().contains("\"big\""), "{member}: {deps}");
    }
    let transcript = repo.chant(&["transcript", "big"]);
    assert!(transcript.contains("Add the parser"), "{transcript}");
    assert!(!repo.path.join(".git/chant/split/big.md").exists());
}

#[test]
fn a_cyclic_answer_is_refused_kept_and_writes_nothing() {
    let repo = setup();
    let before = ledger(&repo);
    let cyclic = PLAN.replace("**Dependencies:** None", "**Dependencies:** Member 3");
    let out = split(&repo, "gemini", &cyclic, &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("dependency cycle: member 1 -> member 3 -> member 1"),
        "{err}"
    );
    let kept = repo.path.join(".git/chant/split/big.md");
    assert!(err.contains(".git/chant/split/big.md"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap().trim(),
        cyclic.trim()
    );
    assert_eq!(ledger(&repo), before, "nothing written");
    assert_eq!(show(&repo, "big")["frontmatter"]["type"], "code");
    assert!(repo.chant_out(&["show", "big.1"]).status.code() != Some(0));
}

#[test]
fn an_unknown_member_or_an_empty_answer_is_refused() {
    let repo = setup();
    let before = ledger(&repo);
    let dangling = PLAN.replace(
        "**Dependencies:** Member 1\n",
        "**Dependencies:** Member 7\n",
    );
    let out = split(&repo, "codex", &dangling, &[]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("member 2 depends on member 7, which the answer does not have"),
        "{}",
        stderr(&out)
    );
    let out = split(&repo, "codex", "I would rather not split this.", &[]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("no `## Member 1"), "{}", stderr(&out));
    assert_eq!(ledger(&repo), before);
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let repo = setup();
    let before = ledger(&repo);
    let out = split(&repo, "codex", PLAN, &["--dry-run", "--json"]);
    assert_success(&out);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["written"], false);
    assert_eq!(
        plan["members"][1]["depends_on"],
        serde_json::json!(["big.1"])
    );
    assert_eq!(ledger(&repo), before);
    assert_eq!(show(&repo, "big")["frontmatter"]["type"], "code");
}

#[test]
fn only_a_pending_spec_without_members_is_split() {
    let repo = setup();
    assert_success(&split(&repo, "codex", PLAN, &[]));
    let again = split(&repo, "codex", PLAN, &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("it is a driver already"),
        "{}",
        stderr(&again)
    );
    let started = Repo::new();
    started.commit("initial");
    started.chant(&["init"]);
    started.add_spec("big", "Busy", "");
    started.chant(&["start", "big"]);
    let out = split(&started, "codex", PLAN, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("only a pending spec is split"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_plain_command_answers_in_a_checkout_of_its_own() {
    let repo = setup();
    let file = repo.home().join("answer.md");
    std::fs::write(&file, PLAN).unwrap();
    // A command line agent printing plain text; what it leaves behind stays in its scratch
    // checkout, which is removed.
    let agent = "sh -c 'touch left-by-agent; cat \"$FAKE_AGENT_ANSWER\"'";
    let out = repo
        .chant_cmd(&["split", "big", "--agent", agent])
        .env("FAKE_AGENT_ANSWER", &file)
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(show(&repo, "big.2")["title"], "Use the parser");
    assert!(
        !repo.path.join("left-by-agent").exists(),
        "your checkout is untouched"
    );
    assert!(!repo.path.join(".git/chant/split/big").exists());
    let worktrees = repo.git(&["worktree", "list"]);
    assert!(!worktrees.contains("split"), "{worktrees}");
}
