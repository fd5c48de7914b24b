//! Approval gates, client side: `add --needs-approval` blocks a spec until `approve`,
//! decisions are made by the git identity (config or `GIT_COMMITTER_*`, never an argument)
//! in one ledger commit with upstream's discussion entry, `reject --action` writes its fix
//! spec or members in the same commit, `set` cannot forge a decision, agent co-authored
//! work asks for approval, `list --approval` filters, lint and the server check the fields,
//! and `chant.signApprovals` has git sign the commit.

use git_chant::store::paths::spec_path;

use crate::harness::Repo;

const BODY: &str = "# Ship it\n\n## Acceptance Criteria\n\n- [ ] Tests pass\n- [ ] Docs updated\n";

/// A ledger with spec `t` (two criteria) that needs approval.
fn setup() -> Repo {
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

fn raw(repo: &Repo, id: &str) -> String {
    repo.chant(&["show", id, "--raw"])
}

fn stderr_of(out: &std::process::Output) -> String {
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

#[test]
fn lint_and_the_server_check_the_approval_record() {
    let repo = setup();
    repo.put_ledger_file(
        &spec_path("x", false),
        "---\ntype: code\nstatus: pending\napproval:\n  required: true\n  status: approved\n  by: ana\n---\n# X\n\n## Acceptance Criteria\n\n- [ ] a\n",
    );
    repo.put_ledger_file(
        &spec_path("y", false),
        "---\ntype: code\nstatus: pending\napproval:\n  required: true\n  status: pending\n  by: ana\n---\n# Y\n\n## Acceptance Criteria\n\n- [ ] a\n",
    );
    let out = repo.chant_out(&["lint", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let of = |id: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["id"] == id && f["rule"] == "approval")
            .map(|f| {
                format!(
                    "{} {}",
                    f["severity"].as_str().unwrap(),
                    f["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        of("x"),
        ["error `approval.status` is approved, but `approval.at` does not say who and when"]
    );
    assert_eq!(
        of("y"),
        ["error `approval.status` is pending, but `approval.by` names an approver"]
    );
    assert!(of("t").is_empty(), "what approve writes is well formed");

    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    repo.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    let out = repo
        .git_cmd(&["push", "origin", "refs/chant/specs"])
        .output()
        .unwrap();
    let text = stderr_of(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("[approval-field]")
            && text.contains("`approval.at` does not say who and when"),
        "{text}"
    );
}

#[test]
fn completing_agent_co_authored_work_asks_for_approval() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.put_ledger_file(
        "config.md",
        "---\nproject:\n  name: p\napproval:\n  require_approval_for_agent_work: true\n---\n# Config\n",
    );
    repo.chant(&["add", "By hand", "--id", "h"]);
    repo.chant(&["add", "By agent", "--id", "a"]);
    repo.chant(&["add", "By hook", "--id", "k"]);
    for id in ["h", "a", "k"] {
        repo.chant(&["check", id, "1"]);
    }
    repo.chant(&["hooks", "install"]);
    repo.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "chant(h): by hand\n\nCo-authored-by: Ana <ana@mail.com>",
    ]);
    repo.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "chant(a): with help\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>",
    ]);
    // `done` completes: a human co-author asks nothing, an agent's asks for approval.
    repo.chant(&["done", "h"]);
    assert!(!raw(&repo, "h").contains("approval"));
    let out = repo.chant_out(&["done", "a"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr_of(&out)
    );
    assert!(said.contains("`git chant approve a`"), "{said}");
    let a = raw(&repo, "a");
    assert!(a.contains("status: completed\n"), "{a}");
    assert!(
        a.contains("approval:\n  required: true\n  status: pending\n"),
        "{a}"
    );

    // The approval's event joins the status events on the agent's commit.
    repo.chant(&["approve", "a"]);
    let notes = repo.git(&["log", "-1", "--notes=chant", "--format=%N", "HEAD"]);
    assert!(
        notes.contains("a in_progress->completed approval=required")
            && notes.contains("a approved by=Test%20User%20<test@example.com>"),
        "{notes}"
    );

    // The hook path (`Chant-Status: completed`) applies the same rule.
    repo.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "chant(k): all of it\n\nChant-Status: completed\nCo-authored-by: GitHub Copilot <copilot@github.com>",
    ]);
    let k = raw(&repo, "k");
    assert!(k.contains("status: completed\n"), "{k}");
    assert!(
        k.contains("approval:\n  required: true\n  status: pending\n"),
        "{k}"
    );
    let ids: Vec<String> = repo
        .list_json(&["--approval", "pending"])
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["k"], "a was approved above");
}

#[test]
fn a_signed_approval_verifies_with_git_and_a_signing_failure_writes_nothing() {
    let repo = setup();
    let key = repo.home().join("key");
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = repo.home().join("allowed_signers");
    std::fs::write(&allowed, format!("test@example.com {public}")).unwrap();
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&["config", "user.signingkey", key.to_str().unwrap()]);
    repo.git(&[
        "config",
        "gpg.ssh.allowedSignersFile",
        allowed.to_str().unwrap(),
    ]);
    repo.git(&["config", "chant.signApprovals", "true"]);

    assert_eq!(
        repo.chant(&["approve", "t"]),
        "t: approved by Test User <test@example.com> (signed)\n"
    );
    let shown = repo.git(&["log", "--show-signature", "-1", "refs/chant/specs"]);
    assert!(
        shown.contains("Good \"git\" signature for test@example.com"),
        "{shown}"
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%cn <%ce> %G?", "refs/chant/specs"]),
        "Test User <test@example.com> G\n"
    );
    assert!(raw(&repo, "t").contains("  status: approved\n"));

    // Another spec, a key that is not there: a clear error, the ledger as it was.
    repo.chant(&["add", "Other", "--id", "o", "--needs-approval"]);
    repo.git(&[
        "config",
        "user.signingkey",
        repo.home().join("missing").to_str().unwrap(),
    ]);
    let tip = repo.git(&["rev-parse", "refs/chant/specs"]);
    let out = repo.chant_out(&["approve", "o"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out)
            .contains("git could not sign the ledger commit (chant.signApprovals is true)"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(repo.git(&["rev-parse", "refs/chant/specs"]), tip);
    assert!(raw(&repo, "o").contains("  status: pending\n"));
}
