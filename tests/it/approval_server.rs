//! The server's approval rules end to end: ledger commits built with git plumbing (as any
//! client, or an attacker, could), pushed with a real `git push` to a bare repository with
//! the pre-receive hook, and the same update checked by `git chant validate` run on the
//! server repository. The rules come from the server's git config only.

use git_chant::store::paths::spec_path;

use crate::harness::{assert_success, Repo};

struct Pair {
    server: Repo,
    client: Repo,
}

const ANN: (&str, &str) = ("Ann Approver", "ann@example.com");
const TEST: (&str, &str) = ("Test User", "test@example.com");

fn spec_a(status: &str, approval: &str, body: &str) -> String {
    format!("---\ntype: code\nstatus: {status}\napproval:\n  required: true\n{approval}---\n# Spec A\n{body}")
}

fn pending_a() -> String {
    spec_a("pending", "  status: pending\n", "")
}

fn approved_a(status: &str, by: &str) -> String {
    spec_a(
        status,
        &format!("  status: approved\n  by: {by}\n  at: 2026-02-02T14:27:53Z\n"),
        "\n## Approval Discussion\n\n**Ann Approver** - 2026-02-02 14:27 - APPROVED\n",
    )
}

/// A server with the hook and `config` set, and a client whose ledger holds `a`, requiring
/// approval and pending, and `b`, pushed.
fn pair(config: &[(&str, &str)]) -> Pair {
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    for (key, value) in config {
        server.git(&["config", "--add", key, value]);
    }
    let client = Repo::new();
    client.chant(&["init"]);
    client.chant(&["add", "Spec B", "--id", "b"]);
    client.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    let pair = Pair { server, client };
    commit_a(&pair, &pending_a(), TEST, None);
    let (ok, stderr) = push(&pair);
    assert!(
        ok,
        "a pending spec that requires approval is accepted: {stderr}"
    );
    pair
}

/// A ledger commit writing `content` as spec `a` (and `extra` files), committed as `who`,
/// signed with the ssh key at `key` when given; made the client's ledger tip.
fn commit_with(
    pair: &Pair,
    content: &str,
    extra: &[(&str, &str)],
    who: (&str, &str),
    key: Option<&std::path::Path>,
) -> String {
    let client = &pair.client;
    let index = client.home().join("approval-index");
    let git = |args: &[&str]| {
        let out = client
            .git_cmd(args)
            .env("GIT_INDEX_FILE", &index)
            .env("GIT_COMMITTER_NAME", who.0)
            .env("GIT_COMMITTER_EMAIL", who.1)
            .output()
            .unwrap();
        assert_success(&out);
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    git(&["read-tree", "refs/chant/specs"]);
    let a = spec_path("a", false);
    let mut files = vec![(a.as_str(), content)];
    files.extend_from_slice(extra);
    for (path, text) in files {
        let blob = client.put_blob(text);
        git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{blob},{path}"),
        ]);
    }
    let tree = git(&["write-tree"]);
    let mut args = vec![];
    let signing;
    if let Some(key) = key {
        signing = format!("user.signingkey={}", key.display());
        args.extend(["-c", "gpg.format=ssh", "-c", &signing]);
    }
    args.extend([
        "commit-tree",
        &tree,
        "-p",
        "refs/chant/specs",
        "-m",
        "approval",
    ]);
    if key.is_some() {
        args.push("-S");
    }
    let commit = git(&args);
    client.git(&["update-ref", "refs/chant/specs", &commit]);
    let _ = std::fs::remove_file(index);
    commit
}

fn commit_a(pair: &Pair, content: &str, who: (&str, &str), key: Option<&std::path::Path>) {
    commit_with(pair, content, &[], who, key);
}

fn push(pair: &Pair) -> (bool, String) {
    let out = pair
        .client
        .git_cmd(&["push", "origin", "refs/chant/specs"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn server_tip(pair: &Pair) -> String {
    pair.server
        .git(&["rev-parse", "refs/chant/specs"])
        .trim()
        .to_owned()
}

/// The client's ledger checked twice: by `git chant validate` on the server repository (the
/// commits fetched there first) and by a push. Both must agree; returns the push's verdict
/// and the `remote:` lines, after checking that a refused push moved nothing.
fn check(pair: &Pair) -> (bool, String) {
    let before = server_tip(pair);
    let client = pair.client.path.to_str().unwrap();
    pair.server.git(&[
        "fetch",
        "-q",
        client,
        "+refs/chant/specs:refs/validate/specs",
    ]);
    let out = pair.server.chant_out(&[
        "validate",
        &before,
        "refs/validate/specs",
        "refs/chant/specs",
        "--json",
    ]);
    let problems: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let (ok, stderr) = push(pair);
    assert_eq!(
        ok,
        problems.is_empty(),
        "validate said {problems:?}, the push:\n{stderr}"
    );
    assert_eq!(out.status.code(), Some(if ok { 0 } else { 4 }));
    for problem in &problems {
        let tag = format!("[{}]", problem["rule"].as_str().unwrap());
        assert!(
            stderr.contains(&tag),
            "validate's {tag} not in the push's refusal:\n{stderr}"
        );
    }
    if ok {
        assert_eq!(
            server_tip(pair),
            pair.client.git(&["rev-parse", "refs/chant/specs"]).trim()
        );
    } else {
        assert!(
            stderr.contains("remote: git chant: push rejected:"),
            "{stderr}"
        );
        assert_eq!(server_tip(pair), before, "a refused push moves nothing");
    }
    (ok, stderr)
}

/// Expects a refusal holding every piece, then puts the client's ledger back at the server's.
fn refused(pair: &Pair, pieces: &[&str]) {
    let (ok, stderr) = check(pair);
    assert!(!ok, "the push should be refused:\n{stderr}");
    for piece in pieces {
        assert!(stderr.contains(piece), "missing `{piece}` in:\n{stderr}");
    }
    pair.client
        .git(&["update-ref", "refs/chant/specs", &server_tip(pair)]);
}

fn accepted(pair: &Pair) {
    let (ok, stderr) = check(pair);
    assert!(ok, "the push should be accepted:\n{stderr}");
}

#[test]
fn a_spec_that_requires_approval_starts_only_once_approved() {
    let pair = pair(&[("chant.requireApproval", "true")]);
    commit_a(
        &pair,
        &spec_a("in_progress", "  status: pending\n", ""),
        TEST,
        None,
    );
    refused(&pair, &[
        "remote: refs/chant/specs: spec a: field approval.status: commit ",
        "moves it pending -> in_progress, but it requires approval and its approval is pending (chant.requireApproval): approve it first with `git chant approve a` [approval]",
    ]);
    // Arriving already started and completed, in one commit each, is a move too.
    commit_a(
        &pair,
        &spec_a("in_progress", "  status: rejected\n", ""),
        TEST,
        None,
    );
    commit_a(
        &pair,
        &spec_a("completed", "  status: rejected\n", ""),
        TEST,
        None,
    );
    refused(
        &pair,
        &["its approval is rejected", "in_progress -> completed"],
    );
    commit_a(
        &pair,
        &approved_a("pending", "Test User <test@example.com>"),
        TEST,
        None,
    );
    accepted(&pair);
    commit_a(
        &pair,
        &approved_a("in_progress", "Test User <test@example.com>"),
        TEST,
        None,
    );
    accepted(&pair);
}

#[test]
fn without_the_config_an_unapproved_start_is_accepted() {
    let pair = pair(&[]);
    commit_a(
        &pair,
        &spec_a("in_progress", "  status: pending\n", ""),
        TEST,
        None,
    );
    accepted(&pair);
}

#[test]
fn only_approvers_approve_and_approval_by_names_the_committer() {
    let pair = pair(&[
        ("chant.requireApproval", "true"),
        ("chant.approvers", "Ann Approver <ann@example.com>"),
        ("chant.approvers", "carl@example.com"),
    ]);
    commit_a(
        &pair,
        &approved_a("pending", "Test User <test@example.com>"),
        TEST,
        None,
    );
    refused(&pair, &[
        "spec a: field approval: commit ",
        "records it approved, but its committer test@example.com is not in chant.approvers: approve it with `git chant approve a` (or `git chant reject a`) as one of chant.approvers [approver]",
    ]);
    // An approver's commit naming someone else.
    commit_a(
        &pair,
        &approved_a("pending", "Carl <carl@example.com>"),
        ANN,
        None,
    );
    refused(&pair, &[
        "field approval.by: commit ",
        "records it approved by `Carl <carl@example.com>`, but its committer is Ann Approver <ann@example.com>",
    ]);
    // An approval mixed with another change (here spec b) is refused, naming the file.
    let b = spec_path("b", false);
    commit_with(
        &pair,
        &approved_a("pending", "Ann Approver <ann@example.com>"),
        &[(
            &b,
            "---\ntype: code\nstatus: pending\n---\n# Spec B, edited\n",
        )],
        ANN,
        None,
    );
    refused(
        &pair,
        &[&format!(
            "approves a and also changes {b}: an approval commit changes only `approval`"
        )],
    );
    // An approval that also starts the spec: the same.
    commit_a(
        &pair,
        &approved_a("in_progress", "Ann Approver <ann@example.com>"),
        ANN,
        None,
    );
    refused(&pair, &["approves a and also changes"]);
    commit_a(
        &pair,
        &approved_a("pending", "Ann Approver <ann@example.com>"),
        ANN,
        None,
    );
    accepted(&pair);
    // Once approved, anyone may start it.
    commit_a(
        &pair,
        &approved_a("in_progress", "Ann Approver <ann@example.com>"),
        TEST,
        None,
    );
    accepted(&pair);
}

#[test]
fn a_new_spec_arriving_approved_needs_an_approver() {
    let pair = pair(&[("chant.approvers", "ann@example.com")]);
    let c = spec_path("c", false);
    let approved_c = "---\ntype: code\nstatus: pending\napproval:\n  required: true\n  status: approved\n  by: Test User <test@example.com>\n  at: 2026-02-02T14:27:53Z\n---\n# C\n";
    commit_with(&pair, &pending_a(), &[(&c, approved_c)], TEST, None);
    refused(
        &pair,
        &[
            "spec c: field approval: commit ",
            "records it approved, but its committer test@example.com is not in chant.approvers",
        ],
    );
    // Dropping a spec's approval requirement is an approver's decision too.
    commit_a(
        &pair,
        "---\ntype: code\nstatus: pending\n---\n# Spec A\n",
        TEST,
        None,
    );
    refused(&pair, &["drops its approval requirement, but its committer test@example.com is not in chant.approvers: leave it to one of chant.approvers (`git chant set a approval.required false`) [approver]"]);
}

/// An ed25519 key made in the test: (private key path, public key line).
fn ssh_key(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, String) {
    let path = dir.join(name);
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    (path, public.trim().to_owned())
}

#[test]
fn signed_approvals_are_checked_by_git_with_the_servers_allowed_signers() {
    let keys = tempfile::tempdir().unwrap();
    let (ann_key, ann_public) = ssh_key(keys.path(), "ann");
    let (stranger_key, _) = ssh_key(keys.path(), "stranger");
    let allowed = keys.path().join("allowed_signers");
    std::fs::write(
        &allowed,
        format!("ann@example.com namespaces=\"git\" {ann_public}\n"),
    )
    .unwrap();
    let pair = pair(&[
        ("chant.requireApproval", "true"),
        ("chant.requireSignedApprovals", "true"),
        ("gpg.ssh.allowedSignersFile", allowed.to_str().unwrap()),
    ]);
    let ann = approved_a("pending", "Ann Approver <ann@example.com>");
    commit_a(&pair, &ann, ANN, None);
    refused(&pair, &[
        "decides an approval and is not signed (chant.requireSignedApprovals): approve it with `git chant approve a` with chant.signApprovals true and a key the server trusts for ann@example.com [signature]",
    ]);
    commit_a(&pair, &ann, ANN, Some(&stranger_key));
    refused(
        &pair,
        &[
            "a signature by a key the server does not trust",
            "[signature]",
        ],
    );
    // Ann's key, on a commit whose committer is someone else.
    commit_a(
        &pair,
        &approved_a("pending", "Test User <test@example.com>"),
        TEST,
        Some(&ann_key),
    );
    refused(
        &pair,
        &["a good signature by ann@example.com, not by its committer test@example.com"],
    );
    commit_a(&pair, &ann, ANN, Some(&ann_key));
    accepted(&pair);
    let shown = pair
        .server
        .git(&["log", "--show-signature", "-1", "refs/chant/specs"]);
    assert!(
        shown.contains("Good \"git\" signature for ann@example.com"),
        "{shown}"
    );
    // Commits that decide nothing need no signature.
    commit_a(
        &pair,
        &approved_a("in_progress", "Ann Approver <ann@example.com>"),
        TEST,
        None,
    );
    accepted(&pair);
}

#[test]
fn approval_commits_need_no_signature_unless_the_server_asks() {
    let pair = pair(&[("chant.approvers", "ann@example.com")]);
    commit_a(
        &pair,
        &approved_a("pending", "Ann Approver <ann@example.com>"),
        ANN,
        None,
    );
    accepted(&pair);
}

#[test]
fn a_merge_bringing_an_approval_from_either_parent_decides_nothing() {
    let pair = pair(&[("chant.approvers", "ann@example.com")]);
    let base = server_tip(&pair);
    let b = spec_path("b", false);
    let edited_b = "---\ntype: code\nstatus: pending\n---\n# Spec B, edited\n";
    let side = commit_with(&pair, &pending_a(), &[(&b, edited_b)], TEST, None);
    pair.client.git(&["update-ref", "refs/chant/specs", &base]);
    let approval = commit_with(
        &pair,
        &approved_a("pending", "Ann Approver <ann@example.com>"),
        &[],
        ANN,
        None,
    );
    // The merge, by someone who is no approver, with the approval on its second parent:
    // compared with its first parent alone it would look like an approval.
    let client = &pair.client;
    let index = client.home().join("merge-index");
    let git = |args: &[&str]| {
        let out = client
            .git_cmd(args)
            .env("GIT_INDEX_FILE", &index)
            .output()
            .unwrap();
        assert_success(&out);
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    git(&["read-tree", &side]);
    let a_blob = git(&[
        "rev-parse",
        &format!("{approval}:{}", spec_path("a", false)),
    ]);
    git(&[
        "update-index",
        "--cacheinfo",
        &format!("100644,{a_blob},{}", spec_path("a", false)),
    ]);
    let tree = git(&["write-tree"]);
    let merge = git(&[
        "commit-tree",
        &tree,
        "-p",
        &side,
        "-p",
        &approval,
        "-m",
        "Merge",
    ]);
    client.git(&["update-ref", "refs/chant/specs", &merge]);
    accepted(&pair);
}

#[test]
fn a_rejection_is_an_approvers_act_and_may_bring_its_fix_spec() {
    let pair = pair(&[("chant.approvers", "ann@example.com")]);
    let rejected = |by: &str| {
        spec_a(
            "pending",
            &format!("  status: rejected\n  by: {by}\n  at: 2026-02-02T14:27:53Z\n"),
            "\n## Approval Discussion\n\n**Ann Approver** - 2026-02-02 14:27 - REJECTED\nToo broad.\n",
        )
    };
    commit_a(&pair, &rejected("Test User <test@example.com>"), TEST, None);
    refused(
        &pair,
        &["records it rejected, but its committer test@example.com is not in chant.approvers"],
    );
    // What `reject --action dependency` writes in the same commit: a fix spec.
    let fix = spec_path("a-fix", false);
    commit_with(
        &pair,
        &rejected("Ann Approver <ann@example.com>"),
        &[(
            &fix,
            "---\ntype: code\nstatus: pending\n---\n# Fix the rejected spec\n",
        )],
        ANN,
        None,
    );
    accepted(&pair);
}
