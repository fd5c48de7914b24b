//! `git chant prime`: in an agent's worktree it names the spec (from `CHANT_SPEC_ID` or the
//! `chant/<id>` branch) and its open criteria as `check` numbers them, lists the claimed,
//! in-progress and ready specs, stays under its 6,000-byte budget with 1,000 specs, and
//! `--json` gives the same as a report.

use serde_json::Value;

use crate::harness::Repo;

const BODY: &str = "## Acceptance Criteria\n\n- [ ] the race is gone\n- [ ] a test fails without the fix\n- [ ] docs say so\n";

/// A ledger with a spec to work on (its first criterion ticked), one in progress, one
/// claimed and one ready.
fn ledger() -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.add_spec("fix-race", "Fix the race", BODY);
    repo.chant(&["check", "fix-race", "1"]);
    repo.add_spec("busy", "Someone else's work", "");
    repo.chant(&["start", "busy"]);
    repo.add_spec("taken", "Claimed, not started", "");
    repo.chant(&["claim", "taken"]);
    repo.add_spec("free", "Free to take", "");
    repo
}

fn assert_names_the_spec(out: &str, from: &str) {
    assert!(out.starts_with("## Working with git chant\n"), "{out}");
    assert!(out.contains(&format!("This worktree is for fix-race (from {from}): Fix the race\nStatus: pending; 1 of 3 criteria checked.\n")), "{out}");
    assert!(out.contains("Open criteria (tick each with `git chant check fix-race <n>` once it is met):\n  2. a test fails without the fix\n  3. docs say so\n"), "{out}");
    assert!(!out.contains("1. the race is gone"), "{out}");
    assert!(out.contains("\nClaimed, not started (1):\n  taken  Claimed, not started  (claimed by Test User <test@example.com> until "), "{out}");
    assert!(
        out.contains("\nIn progress (1):\n  busy  Someone else's work\n"),
        "{out}"
    );
    // The worktree's own spec and the claimed one are not in the queue.
    assert!(
        out.ends_with("\nReady, unclaimed (1):\n  free  Free to take\n"),
        "{out}"
    );
}

#[test]
fn prime_in_an_agent_worktree_names_its_spec_and_open_criteria() {
    let repo = ledger();
    let wt = repo.home().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "chant/fix-race",
        wt.to_str().unwrap(),
    ]);
    let mut cmd = repo.chant_cmd(&["prime"]);
    let out = cmd.current_dir(&wt).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_names_the_spec(
        &String::from_utf8(out.stdout).unwrap(),
        "branch chant/fix-race",
    );

    // `git chant work` sets CHANT_SPEC_ID, which wins over the branch.
    let out = repo
        .chant_cmd(&["prime"])
        .env("CHANT_SPEC_ID", "fix-race")
        .output()
        .unwrap();
    assert_names_the_spec(&String::from_utf8(out.stdout).unwrap(), "CHANT_SPEC_ID");

    let out = repo
        .chant_cmd(&["prime"])
        .env("CHANT_SPEC_ID", "gone")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "This worktree is for gone (from CHANT_SPEC_ID), which the ledger does not have"
        ),
        "{text}"
    );
    let plain = repo.chant(&["prime"]);
    assert!(
        plain.contains("This worktree is for no spec")
            && plain.contains("  fix-race  Fix the race\n"),
        "{plain}"
    );
}

#[test]
fn prime_json_has_the_same_as_a_report() {
    let repo = ledger();
    let out = repo
        .chant_cmd(&["prime", "--json"])
        .env("CHANT_SPEC_ID", "fix-race")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["instructions"]
        .as_str()
        .unwrap()
        .contains("git chant done <id>"));
    assert_eq!(report["ledger"], true);
    let spec = &report["spec"];
    assert_eq!(spec["id"], "fix-race");
    assert_eq!(spec["source"], "env");
    assert_eq!(spec["found"], true);
    assert_eq!(spec["title"], "Fix the race");
    assert_eq!(spec["status"], "pending");
    assert_eq!(
        spec["criteria"],
        serde_json::json!({"checked": 1, "total": 3})
    );
    assert_eq!(
        spec["open"],
        serde_json::json!([{"number": 2, "text": "a test fails without the fix"}, {"number": 3, "text": "docs say so"}])
    );
    assert_eq!(spec["open_total"], 2);
    assert_eq!(report["in_progress"]["total"], 1);
    assert_eq!(report["in_progress"]["items"][0]["id"], "busy");
    assert_eq!(report["in_progress"]["items"][0]["status"], "in_progress");
    let claimed = &report["claimed"]["items"][0];
    assert_eq!(claimed["id"], "taken");
    assert_eq!(claimed["claim"]["by"], "Test User <test@example.com>");
    assert!(claimed["claim"]["until"].is_string() && claimed["claim"]["at"].is_string());
    assert_eq!(
        report["ready"],
        serde_json::json!({"items": [{"id": "free", "title": "Free to take", "status": "pending"}], "total": 1})
    );
    let none: Value = serde_json::from_str(&repo.chant(&["prime", "--json"])).unwrap();
    assert_eq!(none["spec"], Value::Null);
}

#[test]
fn prime_stays_under_its_budget_with_a_thousand_specs() {
    let repo = Repo::new();
    let specs = repo.path.join(".chant/specs");
    std::fs::create_dir_all(&specs).unwrap();
    let long = "a title long enough to matter when there are a great many of them in one list";
    for n in 0..1000 {
        let (status, claim) = match n % 3 {
            0 => ("pending", ""),
            1 => ("in_progress", ""),
            _ => ("pending", "claim:\n  by: Someone With A Long Name <someone.with.a.long.name@example.com>\n  at: 2026-01-01T00:00:00Z\n  until: 2999-01-01T00:00:00Z\n"),
        };
        let body = if n == 0 {
            (1..=60)
                .map(|k| format!("- [ ] criterion {k}: {long} {long}\n"))
                .collect::<String>()
        } else {
            "- [ ] one\n".to_owned()
        };
        let text = format!("---\ntype: code\nstatus: {status}\n{claim}---\n# Spec {n:04}: {long}\n\n## Acceptance Criteria\n\n{body}");
        std::fs::write(specs.join(format!("2026-01-01-{n:03x}-abc.md")), text).unwrap();
    }
    repo.chant(&["init"]);
    repo.chant(&["import"]);
    let out = repo
        .chant_cmd(&["prime"])
        .env("CHANT_SPEC_ID", "2026-01-01-000-abc")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.len() <= 6_000, "{} bytes:\n{text}", text.len());
    assert!(
        text.contains("This worktree is for 2026-01-01-000-abc (from CHANT_SPEC_ID)"),
        "{text}"
    );
    assert!(text.contains("  1. criterion 1: "), "{text}");
    assert!(
        text.contains("more (`git chant show 2026-01-01-000-abc`)"),
        "{text}"
    );
    for section in [
        "Claimed, not started (333)",
        "In progress (333)",
        "Ready, unclaimed (333)",
    ] {
        assert!(text.contains(section), "{section}:\n{text}");
    }
    assert!(text.contains("more (`git chant ready`)"), "{text}");
    let report: Value = serde_json::from_slice(
        &repo
            .chant_cmd(&["prime", "--json"])
            .env("CHANT_SPEC_ID", "2026-01-01-000-abc")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    // The report holds what the text shows.
    let shown = report["ready"]["items"].as_array().unwrap().len();
    assert!((1..=10).contains(&shown), "{shown}");
    assert_eq!(
        text.matches("  Spec ").count(),
        shown
            + report["in_progress"]["items"].as_array().unwrap().len()
            + report["claimed"]["items"].as_array().unwrap().len()
    );
}
