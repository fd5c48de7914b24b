//! Approvals anyone can check, client side: lint and the server refuse a malformed
//! decision, completing agent co-authored work asks for approval (with real commits
//! carrying the trailer), and `chant.signApprovals` has git sign the approval's commit.

use git_chant::store::paths::spec_path;

use crate::approval::{raw, setup, stderr_of};
use crate::harness::Repo;

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
    let notes = repo.git(&["log", "-1", "--notes=chant", "--format=%N", "HEAD"]);
    assert!(
        notes.contains("k pending->completed approval=required"),
        "{notes}"
    );
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

/// A `commits:` entry comes from whoever pushed the ledger: a revision expression in it
/// (`HEAD`, `:/message`) must not make a teammate's `done` judge, or note its events on,
/// whatever that teammate's own refs and history name.
#[test]
fn a_listed_commit_that_is_not_a_hex_id_is_never_resolved() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.put_ledger_file(
        "config.md",
        "---\nproject:\n  name: p\napproval:\n  require_approval_for_agent_work: true\n---\n# Config\n",
    );
    repo.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "her own work\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>",
    ]);
    repo.put_ledger_file(
        &spec_path("x", false),
        "---\ntype: code\nstatus: in_progress\ncommits:\n- HEAD\n- ':/Claude'\n- main~0\n---\n# X\n\n## Acceptance Criteria\n\n- [x] a\n",
    );
    let out = repo.chant_out(&["done", "x"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let x = raw(&repo, "x");
    assert!(x.contains("status: completed\n"), "{x}");
    assert!(!x.contains("approval"), "HEAD's co-author was judged: {x}");
    let notes = repo.git(&["log", "-1", "--notes=chant", "--format=%N", "HEAD"]);
    assert!(!notes.contains("x "), "an event landed on HEAD: {notes}");
    let shown = repo.chant(&["show", "x"]);
    assert!(shown.contains("# X"), "{shown}");
}
