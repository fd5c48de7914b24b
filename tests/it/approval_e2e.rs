//! Approvals between real commands and a real server: `git chant start`/`approve`, as a
//! user would run them, pushed to a bare repository whose pre-receive hook enforces
//! `chant.requireApproval`, `chant.approvers` and `chant.requireSignedApprovals` (the
//! plumbing-built cases are in `approval_server.rs`).

use std::path::{Path, PathBuf};

use crate::harness::Repo;

/// An ed25519 key made for the test: its private key file and its public key line.
fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    (key, public)
}

fn push(client: &Repo) -> (bool, String) {
    let out = client
        .git_cmd(&["push", "origin", "refs/chant/specs"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.success(), stderr)
}

fn tip(repo: &Repo) -> String {
    repo.git(&["rev-parse", "refs/chant/specs"])
        .trim()
        .to_owned()
}

/// Pushes, expects a refusal carrying `tag`, and puts the client back at the server's tip.
fn refused(client: &Repo, server: &Repo, tag: &str) {
    let before = tip(server);
    let (ok, stderr) = push(client);
    assert!(!ok, "expected a refusal with {tag}:\n{stderr}");
    assert!(stderr.contains(tag) && stderr.contains(" r"), "{stderr}");
    assert_eq!(tip(server), before, "a refused push moves nothing");
    client.git(&["update-ref", "refs/chant/specs", &before]);
}

fn identity(repo: &Repo, name: &str, email: &str) {
    repo.git(&["config", "user.name", name]);
    repo.git(&["config", "user.email", email]);
}

#[test]
fn only_a_signed_approval_by_an_approver_lets_a_strict_server_start_the_spec() {
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    let (ann_key, ann_public) = keygen(server.home(), "ann");
    let allowed = server.home().join("allowed_signers");
    std::fs::write(&allowed, format!("ann@example.com {ann_public}")).unwrap();
    for (key, value) in [
        ("chant.requireApproval", "true"),
        ("chant.approvers", "ann@example.com"),
        ("chant.requireSignedApprovals", "true"),
        ("gpg.ssh.allowedSignersFile", allowed.to_str().unwrap()),
    ] {
        server.git(&["config", key, value]);
    }

    let client = Repo::new();
    client.chant(&["init"]);
    client.chant(&["add", "Risky migration", "--id", "r", "--needs-approval"]);
    client.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    let (ok, stderr) = push(&client);
    assert!(ok, "a spec waiting for approval is accepted: {stderr}");

    // Started anyway (forced past the local gate): the server refuses it.
    client.chant(&["start", "r", "--force"]);
    refused(&client, &server, "[approval]");

    // Approved by someone who is not an approver.
    client.chant(&["approve", "r"]);
    refused(&client, &server, "[approver]");

    // By the approver, unsigned.
    identity(&client, "Ann Approver", "ann@example.com");
    client.chant(&["approve", "r"]);
    refused(&client, &server, "[signature]");

    // Signed with a key the server does not know for her.
    let (other_key, _) = keygen(client.home(), "other");
    client.git(&["config", "gpg.format", "ssh"]);
    client.git(&["config", "chant.signApprovals", "true"]);
    client.git(&["config", "user.signingkey", other_key.to_str().unwrap()]);
    client.chant(&["approve", "r"]);
    refused(&client, &server, "[signature]");

    // Signed with her key: accepted, and anyone can check it on the server.
    client.git(&["config", "user.signingkey", ann_key.to_str().unwrap()]);
    assert_eq!(
        client.chant(&["approve", "r", "--comment", "rollback plan reviewed"]),
        "r: approved by Ann Approver <ann@example.com> (signed)\n"
    );
    let (ok, stderr) = push(&client);
    assert!(ok, "the signed approval is accepted: {stderr}");
    let shown = server.git(&["log", "--show-signature", "-1", "refs/chant/specs"]);
    assert!(
        shown.contains("Good \"git\" signature for ann@example.com"),
        "{shown}"
    );

    // Now the work may start, by anyone.
    identity(&client, "Test User", "test@example.com");
    client.chant(&["start", "r"]);
    let (ok, stderr) = push(&client);
    assert!(ok, "starting an approved spec is accepted: {stderr}");
    let spec = server.git(&[
        "show",
        &format!(
            "refs/chant/specs:{}",
            git_chant::store::paths::spec_path("r", false)
        ),
    ]);
    assert!(spec.contains("status: in_progress"), "{spec}");
    assert!(
        spec.contains("by: Ann Approver <ann@example.com>"),
        "{spec}"
    );
}
