//! The everyday workflow end to end with real processes: the six-phase bug workflow that
//! the seed spec belongs to, forced transitions, groups, and concurrent transitions (the
//! refusals are in `refusals.rs`).

use crate::harness::{assert_fsck_clean, Repo};

const PHASES: &[(&str, &str)] = &[
    ("001-comprehension", "Phase 1: Comprehension"),
    ("002-reproduction", "Phase 2: Reproduction"),
    ("003-root-cause", "Phase 3: Root Cause Analysis"),
    ("004-impact-map", "Phase 4: Impact Map"),
    ("005-fix", "Phase 5: Fix"),
    ("006-upstream-pr", "Phase 6: Upstream PR"),
];

fn body(title: &str) -> String {
    format!("# {title}\n\n## Task\n\nDo the phase.\n\n## Acceptance Criteria\n\n- [ ] Findings written down\n- [ ] Reviewed\n")
}

/// A repository with a commit, a staged file and the six phases, each depending on the one
/// before.
pub(crate) fn six_phases() -> Repo {
    let repo = Repo::new();
    std::fs::write(repo.path.join("README"), "code\n").unwrap();
    repo.git(&["add", "README"]);
    repo.git(&["commit", "-q", "-m", "initial"]);
    std::fs::write(repo.path.join("staged.txt"), "staged by the user\n").unwrap();
    repo.git(&["add", "staged.txt"]);
    repo.chant(&["init"]);
    for (n, (id, title)) in PHASES.iter().enumerate() {
        let file = repo.home().join(format!("{id}.md"));
        std::fs::write(&file, body(title)).unwrap();
        let mut args = vec![
            "add",
            title,
            "--id",
            id,
            "--body-file",
            file.to_str().unwrap(),
        ];
        if n > 0 {
            args.extend(["--depends-on", PHASES[n - 1].0]);
        }
        repo.chant(&args);
    }
    repo
}

fn ready_ids(repo: &Repo) -> Vec<String> {
    let ready: Vec<serde_json::Value> =
        serde_json::from_str(&repo.chant(&["ready", "--json"])).unwrap();
    ready
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs a command expected to fail; returns "exit N" and its stderr, for snapshots.
fn refusal(repo: &Repo, args: &[&str]) -> String {
    let out = repo.chant_out(args);
    assert!(!out.status.success(), "{args:?} should be refused");
    format!(
        "exit {}\n{}",
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_six_phase_workflow_runs_on_refs_alone() {
    let repo = six_phases();
    let head = repo.git(&["rev-parse", "HEAD"]);
    let status_before = repo.git(&["status", "--porcelain"]);
    assert_eq!(
        ready_ids(&repo),
        vec!["001-comprehension"],
        "only phase 1 is ready at first"
    );

    insta::assert_snapshot!(repo.run(&["start", "002"]), @r"
        ------- stderr -------
        chant::lifecycle::blocked

          × 002-reproduction cannot start: depends on 001-comprehension (pending)
          help: finish what blocks it first (`git chant show 002-reproduction`), or start it anyway with
                `--force`
        [EOF]
        [exit status: 1]
        ");

    for (n, (id, _)) in PHASES.iter().enumerate() {
        repo.chant(&["start", id]);
        repo.chant(&["check", id, "1"]);
        let unticked = refusal(&repo, &["done", id]);
        assert!(
            unticked.contains("2. Reviewed"),
            "done names the open criterion: {unticked}"
        );
        repo.chant(&["check", id, "2"]);
        repo.chant(&["done", id]);
        let next: Vec<String> = PHASES
            .get(n + 1)
            .map(|(next, _)| next.to_string())
            .into_iter()
            .collect();
        assert_eq!(ready_ids(&repo), next, "after phase {}", n + 1);
    }

    // One ledger commit per operation: init, 6 adds, and start, check, check, done per phase.
    let log = repo.git(&[
        "log",
        "--format=%s|%(trailers:key=Chant-Op,valueonly,separator=%x2C)",
        "refs/chant/specs",
    ]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 1 + 6 + 6 * 4);
    assert_eq!(
        lines[0],
        "chant: done 006-upstream-pr|status in_progress -> completed"
    );
    assert_eq!(lines[1], "chant: check 006-upstream-pr 2|check 2");
    assert_eq!(lines.last().copied(), Some("chant: init|init"));
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "003", "--json"])).unwrap();
    assert_eq!(shown["status"], "completed");
    assert!(shown["frontmatter"]["completed_at"].is_string());

    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head, "HEAD untouched");
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        status_before,
        "working tree and index untouched"
    );
    assert_eq!(status_before, "A  staged.txt\n");
    assert_fsck_clean(&repo);
}

#[test]
fn force_bypasses_a_rule_and_is_recorded() {
    let repo = six_phases();
    let run = repo.run(&["start", "003-root-cause", "--force", "--reason", "hotfix"]);
    insta::assert_snapshot!(run, @r"
        003-root-cause: pending -> in_progress (forced)
        [EOF]
        ");
    let message = repo.git(&["log", "-1", "--format=%B", "refs/chant/specs"]);
    assert!(
        message.contains("Chant-Forced: true\nChant-Reason: hotfix\n"),
        "{message}"
    );
    insta::assert_snapshot!(repo.run(&["log", "003"]), @r"
        [commit-1] 2026-02-02T14:27:53Z Test User            status pending -> in_progress (forced)
            reason: hotfix
        [commit-2] 2026-02-02T14:27:53Z Test User            add
        [EOF]
        ");
}

#[test]
fn a_driver_follows_its_members() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let driver_body = repo.home().join("driver.md");
    std::fs::write(
        &driver_body,
        "# Migrate\n\n## Acceptance Criteria\n\n- [x] Split into members\n",
    )
    .unwrap();
    repo.chant(&[
        "add",
        "Migrate",
        "--id",
        "mig",
        "--type",
        "driver",
        "--body-file",
        driver_body.to_str().unwrap(),
    ]);
    insta::assert_snapshot!(repo.run(&["add", "Parse", "--member-of", "mig"]), @r"
        mig.1
        [EOF]
        ");
    insta::assert_snapshot!(repo.run(&["add", "Write", "--member-of", "mig"]), @r"
        mig.2
        [EOF]
        ");
    assert_eq!(
        ready_ids(&repo),
        vec!["mig", "mig.1"],
        "mig.2 waits for its earlier sibling"
    );

    insta::assert_snapshot!(repo.run(&["done", "mig", "--reason", "x"]), @r"
        ------- stderr -------
        chant::lifecycle::illegal

          × mig is pending: it cannot go to completed
          help: from pending a spec may go to: in_progress, cancelled; `--force` overrides (the commit
                records it as forced)
        [EOF]
        [exit status: 1]
        ");
    // Starting the first member starts the driver; finishing the last finishes it.
    insta::assert_snapshot!(repo.run(&["start", "mig.1"]), @r"
        mig.1: pending -> in_progress
        mig: pending -> in_progress
        [EOF]
        ");
    repo.chant(&["check", "mig.1", "1"]);
    insta::assert_snapshot!(repo.run(&["done", "mig.1"]), @r"
        mig.1: in_progress -> completed
        [EOF]
        ");
    repo.chant(&["start", "mig.2"]);
    repo.chant(&["check", "mig.2", "1"]);
    insta::assert_snapshot!(repo.run(&["done", "mig.2"]), @r"
        mig.2: in_progress -> completed
        mig: in_progress -> completed
        [EOF]
        ");
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "mig", "--json"])).unwrap();
    assert_eq!(shown["status"], "completed");
}

#[test]
fn concurrent_done_and_cancel_have_exactly_one_winner() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    for trial in 0..20 {
        let id = format!("race-{trial}");
        repo.chant(&["add", "Race", "--id", &id]);
        repo.chant(&["start", &id]);
        repo.chant(&["check", &id, "1"]);
        let quiet = |args: &[&str]| {
            let mut cmd = repo.chant_cmd(args);
            cmd.stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            cmd.spawn().unwrap()
        };
        let (mut done, mut cancel) = (quiet(&["done", &id]), quiet(&["cancel", &id]));
        let (done, cancel) = (done.wait().unwrap(), cancel.wait().unwrap());
        assert!(
            done.success() != cancel.success(),
            "trial {trial}: exactly one wins"
        );
        let winner = if done.success() {
            "completed"
        } else {
            "cancelled"
        };
        let shown: serde_json::Value =
            serde_json::from_str(&repo.chant(&["show", &id, "--json"])).unwrap();
        assert_eq!(shown["status"], winner, "trial {trial}");
    }
    assert_fsck_clean(&repo);
}

#[test]
fn set_check_archive_search_and_dag() {
    let repo = six_phases();
    repo.chant(&["set", "001", "labels", "--add", "bug"]);
    repo.chant(&["set", "001", "labels", "--add", "perf"]);
    repo.chant(&["set", "001", "labels", "--remove", "bug"]);
    repo.chant(&["set", "001", "priority", "2"]);
    repo.chant(&["set", "001", "model", "opus"]);
    let raw = repo.chant(&["show", "001", "--raw"]);
    assert!(
        raw.starts_with(
            "---\ntype: code\nstatus: pending\nlabels:\n- perf\npriority: 2\nmodel: opus\n---\n"
        ),
        "{raw}"
    );

    repo.chant(&["start", "001"]);
    repo.chant(&["check", "001", "1", "2"]);
    repo.chant(&["check", "001", "2", "--uncheck"]);
    assert!(repo
        .chant(&["show", "001", "--raw"])
        .contains("- [x] Findings written down\n- [ ] Reviewed\n"));
    repo.chant(&["check", "001", "2"]);
    repo.chant(&["done", "001"]);
    let diff = repo.chant(&["diff", "001"]);
    assert!(
        diff.starts_with("--- 001-comprehension (before its last change)\n"),
        "{diff}"
    );
    assert!(
        diff.contains("\n-status: in_progress\n+status: completed\n")
            && diff.contains("\n+completed_at: "),
        "{diff}"
    );
    let since_add = repo.chant(&["diff", "001", "refs/chant/specs~10"]);
    assert!(since_add.contains("\n+model: opus\n"), "{since_add}");
    assert_eq!(
        repo.chant(&["archive", "--completed"]),
        "archived 1: 001-comprehension\n"
    );
    assert_eq!(repo.list_json(&[]).len(), 5);
    assert_eq!(repo.list_json(&["--archived"]).len(), 1);
    assert_eq!(
        ready_ids(&repo),
        vec!["002-reproduction"],
        "an archived dependency still counts"
    );
    assert!(repo.chant(&["show", "001"]).contains("(archived)"));

    let hits: Vec<serde_json::Value> =
        serde_json::from_str(&repo.chant(&["search", "PHASE 1", "--json"])).unwrap();
    assert_eq!(
        hits.len(),
        1,
        "search is case-insensitive and covers archived specs"
    );
    assert_eq!(hits[0]["id"], "001-comprehension");

    let dag = repo.chant(&["dag"]);
    assert!(
        dag.starts_with(
            "002-reproduction [pending] Phase 2: Reproduction\n└── 003-root-cause [pending]"
        ),
        "{dag}"
    );
    let dot = repo.chant(&["dag", "--format", "dot"]);
    assert!(
        dot.contains("\"002-reproduction\" -> \"003-root-cause\";"),
        "{dot}"
    );
}

#[test]
fn lint_reports_errors_and_warnings() {
    use git_chant::store::paths::spec_path;
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "Same title", "--id", "a-1"]);
    repo.chant(&[
        "add",
        "Same title",
        "--id",
        "a-2",
        "--depends-on",
        "a-1",
        "--type",
        "research",
    ]);
    let clean = repo.chant_out(&["lint", "a-1"]);
    assert_eq!(clean.status.code(), Some(0), "warnings alone exit 0");
    assert_eq!(
        String::from_utf8_lossy(&clean.stdout).lines().last(),
        Some("1 specs checked: 0 errors, 1 warnings")
    );

    // What git chant itself refuses to write, written with plumbing: a cycle, an unknown
    // status, an unknown dependency.
    repo.put_ledger_file(
        &spec_path("c-1", false),
        "---\nstatus: pending\ndepends_on:\n- c-2\n---\n# C1\n\n## Acceptance Criteria\n- [ ] x\n",
    );
    repo.put_ledger_file(&spec_path("c-2", false), "---\nstatus: blocked\ndepends_on:\n- c-1\n- gone-9\n---\n# C2\n\n## Acceptance Criteria\n- [ ] x\n");
    let out = repo.chant_out(&["lint", "--json"]);
    assert_eq!(out.status.code(), Some(1), "errors make lint exit 1");
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    for expected in [
        ("a-1", "duplicate-title"),
        ("a-2", "type-fields"),
        ("c-1", "cycle"),
        ("c-2", "cycle"),
        ("c-2", "unknown-status"),
        ("c-2", "unknown-dependency"),
    ] {
        assert!(
            rules.contains(&expected),
            "{expected:?} missing from {rules:?}"
        );
    }
    assert!(!rules
        .iter()
        .any(|(id, rule)| *id == "a-1" && *rule == "cycle"));
}
