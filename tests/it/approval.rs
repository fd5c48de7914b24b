//! Approval gates, client side: `add --needs-approval` blocks a spec until `approve`,
//! decisions are made by the git identity (config or `GIT_COMMITTER_*`, never an argument)
//! in one ledger commit with upstream's discussion entry, `reject --action` writes its fix
//! spec or members in the same commit, `set` and `edit` cannot forge a decision, and
//! `list --approval` filters. The checks others can make are in approval_checks.rs.

use git_chant::store::paths::spec_path;

use crate::harness::Repo;

const BODY: &str = "# Ship it\n\n## Acceptance Criteria\n\n- [ ] Tests pass\n- [ ] Docs updated\n";

/// A ledger with spec `t` (two criteria) that needs approval.
pub fn setup() -> Repo {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let file = repo.home().join("body.md");
    std::fs::write(&file, BODY).unwrap();
    repo.chant(&[
        "add",
        "Ship it",
        "--id",
        "t",
        "--needs-approval",
        "--body-file",
        file.to_str().unwrap(),
    ]);
    repo
}

pub fn raw(repo: &Repo, id: &str) -> String {
    repo.chant(&["show", id, "--raw"])
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ledger_commits(repo: &Repo) -> usize {
    repo.git(&["rev-list", "--count", "refs/chant/specs"])
        .trim()
        .parse()
        .unwrap()
}

/// The files the ledger's last commit changed.
fn last_changed(repo: &Repo) -> Vec<String> {
    repo.git(&[
        "diff-tree",
        "-r",
        "--name-only",
        "refs/chant/specs~1",
        "refs/chant/specs",
    ])
    .lines()
    .map(str::to_owned)
    .collect()
}

#[test]
fn a_spec_that_needs_approval_is_blocked_until_approved() {
    let repo = setup();
    assert!(
        raw(&repo, "t").contains("approval:\n  required: true\n  status: pending\n---\n"),
        "{}",
        raw(&repo, "t")
    );
    assert_eq!(repo.chant(&["ready"]), "", "not ready");
    let listed = repo.list_json(&[]);
    assert_eq!(listed[0]["ready"], false);
    assert_eq!(listed[0]["approval"], "pending");
    assert!(repo
        .chant(&["show", "t"])
        .contains("blocked: approval is pending (`git chant approve t`)"));
    repo.commit("code");
    for args in [&["start", "t"][..], &["work", "t", "--agent", "true"]] {
        let out = repo.chant_out(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr_of(&out).contains("t cannot start: approval is pending (`git chant approve t`)"),
            "{args:?}: {}",
            stderr_of(&out)
        );
    }

    let before = ledger_commits(&repo);
    assert_eq!(
        repo.chant(&["approve", "t", "--comment", "Looks right"]),
        "t: approved by Test User <test@example.com>\n"
    );
    assert_eq!(ledger_commits(&repo), before + 1, "one ledger commit");
    assert_eq!(
        last_changed(&repo),
        [spec_path("t", false)],
        "only that spec"
    );
    assert_eq!(
        raw(&repo, "t"),
        "---\ntype: code\nstatus: pending\napproval:\n  required: true\n  status: approved\n  by: Test User <test@example.com>\n  at: 2026-02-02T14:27:53Z\n---\n# Ship it\n\n## Acceptance Criteria\n\n- [ ] Tests pass\n- [ ] Docs updated\n\n## Approval Discussion\n\n**Test User** - 2026-02-02 14:27 - APPROVED\nLooks right\n"
    );
    let message = repo.git(&["log", "-1", "--format=%cn <%ce>%n%B", "refs/chant/specs"]);
    assert_eq!(
        message,
        "Test User <test@example.com>\nchant: approve t\n\nChant-Spec: t\nChant-Op: approve\n\n"
    );
    assert_eq!(
        repo.chant(&["ready"])
            .lines()
            .next()
            .unwrap_or("")
            .split_whitespace()
            .next(),
        Some("t")
    );
    assert_eq!(repo.list_json(&[])[0]["ready"], true);
    assert_eq!(
        repo.chant(&["approve", "t"]),
        "t: already approved by Test User <test@example.com>\n"
    );
    assert_eq!(
        ledger_commits(&repo),
        before + 1,
        "approving again writes nothing"
    );
    repo.chant(&["start", "t"]);
}

#[test]
fn the_approver_is_the_git_identity_never_an_argument() {
    let repo = setup();
    let out = repo.chant_out(&["approve", "t", "--by", "Someone Else"]);
    assert_eq!(out.status.code(), Some(2), "no --by: {}", stderr_of(&out));
    assert!(!raw(&repo, "t").contains("Someone"));

    // GIT_COMMITTER_* wins over user.name / user.email, as in git.
    let out = repo
        .chant_cmd(&["reject", "t", "--reason", "Needs a migration plan"])
        .env("GIT_COMMITTER_NAME", "Rae Viewer")
        .env("GIT_COMMITTER_EMAIL", "rae@example.org")
        .env("GIT_COMMITTER_DATE", "2026-03-04T05:06:07Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = raw(&repo, "t");
    assert!(
        text.contains(
            "  status: rejected\n  by: Rae Viewer <rae@example.org>\n  at: 2026-03-04T05:06:07Z\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("## Approval Discussion\n\n**Rae Viewer** - 2026-03-04 05:06 - REJECTED\nNeeds a migration plan\n"),
        "{text}"
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%cn <%ce>", "refs/chant/specs"]),
        "Rae Viewer <rae@example.org>\n"
    );
    assert!(repo
        .git(&["log", "-1", "--format=%B", "refs/chant/specs"])
        .contains("Chant-Op: reject\nChant-Reason: Needs a migration plan\n"));
    // A rejected spec is blocked, and says what unblocks it.
    assert!(repo
        .chant(&["show", "t"])
        .contains("its approval was rejected"));
    assert_eq!(repo.list_json(&[])[0]["ready"], false);

    // Then from git config; the second entry follows the first after a blank line.
    repo.git(&["config", "user.name", "Cy Config"]);
    repo.git(&["config", "user.email", "cy@example.net"]);
    repo.chant(&["approve", "t"]);
    let text = raw(&repo, "t");
    assert!(
        text.contains("  by: Cy Config <cy@example.net>\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "REJECTED\nNeeds a migration plan\n\n**Cy Config** - 2026-02-02 14:27 - APPROVED\n"
        ),
        "{text}"
    );
    assert_eq!(repo.list_json(&[])[0]["ready"], true);
}

#[test]
fn a_dependency_rejection_creates_the_fix_spec_the_original_then_waits_for() {
    let repo = setup();
    let before = ledger_commits(&repo);
    let said = repo.chant(&[
        "reject",
        "t",
        "--reason",
        "Fix the flaky test\nfirst",
        "--action",
        "dependency",
    ]);
    assert_eq!(ledger_commits(&repo), before + 1, "one ledger commit");
    let fix = said
        .lines()
        .find_map(|l| l.strip_prefix("t: now depends on the fix spec "))
        .unwrap_or_else(|| panic!("{said}"))
        .to_owned();
    assert_eq!(last_changed(&repo).len(), 2, "the spec and its fix");
    let t = raw(&repo, "t");
    assert!(t.contains(&format!("depends_on:\n- {fix}\n")), "{t}");
    assert!(t.contains("  status: rejected\n"), "{t}");
    assert_eq!(
        raw(&repo, &fix),
        "---\ntype: code\nstatus: pending\n---\n# Fix rejection issues for t\n\n## Context\n\nOriginal spec t was rejected with reason:\n> Fix the flaky test\n> first\n\n## Acceptance Criteria\n\n- [ ] Address rejection feedback\n- [ ] Changes ready for re-review\n"
    );
    let list = repo.list_json(&[]);
    let ready: Vec<&str> = list
        .iter()
        .filter(|s| s["ready"] == true)
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ready, [fix.as_str()]);
    assert!(repo
        .chant(&["show", "t"])
        .contains(&format!("depends on {fix} (pending)")));
}

#[test]
fn a_group_rejection_makes_a_driver_whose_members_take_its_criteria() {
    let repo = setup();
    let before = ledger_commits(&repo);
    assert_eq!(
        repo.chant(&["reject", "t", "--reason", "Too big", "--action", "group"]),
        "t: rejected by Test User <test@example.com>\nt: now a driver of t.1, t.2\n"
    );
    assert_eq!(ledger_commits(&repo), before + 1, "one ledger commit");
    let t = raw(&repo, "t");
    assert!(t.starts_with("---\ntype: driver\n"), "{t}");
    assert!(t.contains("members:\n- t.1\n- t.2\n"), "{t}");
    assert_eq!(
        raw(&repo, "t.2"),
        "---\ntype: code\nstatus: pending\n---\n# Docs updated\n\n## Acceptance Criteria\n\n- [ ] Docs updated\n"
    );
    for member in ["t.1", "t.2"] {
        assert!(
            !raw(&repo, member).contains("depends_on"),
            "members never depend on the driver"
        );
    }
    let list = repo.list_json(&[]);
    let state = |id: &str| {
        list.iter()
            .find(|s| s["id"] == id)
            .map(|s| s["ready"].clone())
            .unwrap()
    };
    assert_eq!(state("t.1"), true);
    assert_eq!(
        state("t.2"),
        false,
        "waits for t.1, as upstream orders members"
    );
    assert!(repo
        .chant(&["show", "t.2"])
        .contains("waits for earlier member t.1"));
}

#[test]
fn set_cannot_forge_a_decision() {
    let repo = setup();
    for field in ["approval.status", "approval.by", "approval.at"] {
        let out = repo.chant_out(&["set", "t", field, "approved"]);
        assert_eq!(out.status.code(), Some(1), "{field}");
        let text = stderr_of(&out);
        assert!(
            text.contains(&format!(
                "`{field}` is recorded by `git chant approve` and `git chant reject`"
            )) && text.contains("git chant approve <id>"),
            "{text}"
        );
    }
    assert!(raw(&repo, "t").contains("  status: pending\n"));
    // Nor can an edit write one by hand.
    let editor = repo.home().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/  status: pending/  status: approved\\n  by: Me <me@x>\\n  at: 2026-01-01T00:00:00Z/' \"$1\"\n",
    )
    .unwrap();
    let out = repo
        .chant_cmd(&["edit", "t"])
        .env("GIT_EDITOR", format!("sh {}", editor.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("are recorded by `git chant approve`"),
        "{}",
        stderr_of(&out)
    );
    assert!(raw(&repo, "t").contains("  status: pending\n"));
    repo.chant(&["set", "t", "approval.required", "false"]);
    assert!(raw(&repo, "t").contains("  required: false\n"));
    assert_eq!(
        repo.list_json(&[])[0]["ready"],
        true,
        "not required, not pending"
    );
}

#[test]
fn list_filters_by_approval_state() {
    let repo = setup();
    repo.chant(&["add", "Second", "--id", "u", "--needs-approval"]);
    repo.chant(&["add", "Third", "--id", "v", "--needs-approval"]);
    repo.chant(&["add", "Plain", "--id", "w"]);
    repo.chant(&["approve", "u"]);
    repo.chant(&["reject", "v", "--reason", "no"]);
    let ids = |state: &str| -> Vec<String> {
        repo.list_json(&["--approval", state])
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("pending"), ["t"]);
    assert_eq!(ids("approved"), ["u"]);
    assert_eq!(ids("rejected"), ["v"]);
    // The MCP server's `list` takes the same filter.
    let mut server = crate::mcp::Server::start(&repo, &[]);
    let listed = server.call(
        "list",
        serde_json::json!({"approval": ["approved", "rejected"]}),
    );
    server.finish();
    let mcp: Vec<&str> = listed["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(mcp, ["u", "v"]);
    assert_eq!(listed["specs"][1]["approval"], "rejected");
    let all = repo.list_json(&[]);
    assert!(all
        .iter()
        .find(|s| s["id"] == "w")
        .unwrap()
        .get("approval")
        .is_none());
    assert!(repo
        .chant(&["list", "--approval", "rejected"])
        .starts_with("v "));
    assert_eq!(
        repo.chant_out(&["list", "--approval", "maybe"])
            .status
            .code(),
        Some(2)
    );
}
