//! The pre-receive gate end to end: real `git push` to a real bare repository with the hook
//! installed. Each rule has a push it rejects; the test reads the `remote:` lines and checks
//! that the server's ref did not move.

use git_chant::store::paths::{shard, spec_path};

use crate::harness::Repo;

struct Pair {
    server: Repo,
    client: Repo,
}

/// A server with the hook and a client whose ledger (specs `a`, pending, and `b`) is pushed.
fn pair() -> Pair {
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    let client = Repo::new();
    client.chant(&["init"]);
    client.chant(&["add", "Spec A", "--id", "a"]);
    client.chant(&["add", "Spec B", "--id", "b"]);
    client.commit("code");
    client.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    let out = push(&client, &["refs/chant/specs", "main"]);
    assert!(out.0, "a valid first push is accepted: {}", out.1);
    Pair { server, client }
}

/// `git push origin <refspecs>`: (accepted, stderr).
fn push(client: &Repo, refspecs: &[&str]) -> (bool, String) {
    let mut args = vec!["push", "origin"];
    args.extend_from_slice(refspecs);
    let out = client.git_cmd(&args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn server_tip(pair: &Pair, name: &str) -> String {
    pair.server
        .git_cmd(&["rev-parse", name])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap()
}

/// Pushes `refspecs` expecting a rejection whose remote lines contain every `expected` piece,
/// and checks that the server's ledger did not move.
fn rejected(pair: &Pair, refspecs: &[&str], expected: &[&str]) -> String {
    let before = server_tip(pair, "refs/chant/specs");
    let (ok, stderr) = push(&pair.client, refspecs);
    assert!(!ok, "the push should be rejected:\n{stderr}");
    for piece in expected {
        assert!(stderr.contains(piece), "missing `{piece}` in:\n{stderr}");
    }
    assert!(
        stderr.contains("remote: git chant: push rejected:"),
        "{stderr}"
    );
    assert_eq!(
        server_tip(pair, "refs/chant/specs"),
        before,
        "the server's ledger did not move"
    );
    stderr
}

#[test]
fn a_valid_change_is_accepted() {
    let pair = pair();
    pair.client.chant(&["start", "a"]);
    pair.client.chant(&["done", "a", "--force"]);
    let (ok, stderr) = push(&pair.client, &["refs/chant/specs"]);
    assert!(ok, "{stderr}");
    assert_eq!(
        server_tip(&pair, "refs/chant/specs"),
        pair.client.git(&["rev-parse", "refs/chant/specs"])
    );
}

#[test]
fn deletion_and_rewritten_history_are_rejected() {
    let pair = pair();
    rejected(&pair, &[":refs/chant/specs"], &["remote: refs/chant/specs: spec -: field -: deleting this ref is not allowed [deletion]"]);
    pair.client
        .git(&["update-ref", "refs/chant/specs", "refs/chant/specs~1"]);
    pair.client.chant(&["add", "Other", "--id", "c"]);
    rejected(
        &pair,
        &["+refs/chant/specs"],
        &["history may not be rewritten [fast-forward]"],
    );
}

#[test]
fn every_spec_rule_rejects_its_push() {
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "format",
            "FORMAT".into(),
            "chant-ledger 9\n",
            "FORMAT is `chant-ledger 9`",
        ),
        (
            "parse",
            spec_path("c", false),
            "no frontmatter here\n",
            "spec c: field -: c:1: no frontmatter",
        ),
        (
            "id",
            format!("specs/{}/Bad_Id.md", shard("Bad_Id")),
            "---\nstatus: pending\n---\n# X\n",
            "[id]",
        ),
        (
            "path",
            "specs/zz/c.md".into(),
            "---\nstatus: pending\n---\n# X\n",
            "specs/zz does not belong in the ledger",
        ),
        (
            "unique",
            spec_path("a", true),
            "---\nstatus: pending\n---\n# A\n",
            "a is both live and archived",
        ),
        (
            "status",
            spec_path("c", false),
            "---\nstatus: bogus\n---\n# C\n",
            "field status: unknown status `bogus` [status]",
        ),
        (
            "transition",
            spec_path("a", false),
            "---\ntype: code\nstatus: completed\n---\n# Spec A\n",
            "moves it pending -> completed, which is not allowed",
        ),
        (
            "dependency",
            spec_path("c", false),
            "---\nstatus: pending\ndepends_on:\n- ghost\n---\n# C\n",
            "field depends_on: depends on ghost, which is not in the ledger [dependency]",
        ),
        (
            "path",
            "notes.txt".into(),
            "hello\n",
            "notes.txt does not belong in the ledger [path]",
        ),
    ];
    for (rule, path, content, expected) in cases {
        let pair = pair();
        pair.client.put_ledger_file(&path, content);
        let stderr = rejected(&pair, &["refs/chant/specs"], &[expected]);
        // The line that says what is wrong carries the rule's tag.
        let tag = format!("[{rule}]");
        assert!(
            stderr
                .lines()
                .any(|line| line.contains(expected) && line.trim_end().ends_with(&tag)),
            "{rule}: {stderr}"
        );
    }
}

#[test]
fn a_cycle_and_several_problems_are_all_reported() {
    let pair = pair();
    pair.client.put_ledger_file(
        &spec_path("a", false),
        "---\nstatus: pending\ndepends_on:\n- b\n---\n# A\n",
    );
    pair.client.put_ledger_file(
        &spec_path("b", false),
        "---\nstatus: pending\ndepends_on:\n- a\n---\n# B\n",
    );
    pair.client
        .put_ledger_file(&spec_path("c", false), "---\nstatus: nope\n---\n# C\n");
    let stderr = rejected(
        &pair,
        &["refs/chant/specs"],
        &["dependency cycle: a -> b -> a", "unknown status `nope`"],
    );
    assert!(stderr.contains("problems in 1 ref"), "{stderr}");
}

#[test]
fn notes_must_parse_and_name_existing_specs() {
    let pair = pair();
    let commit = pair.client.git(&["rev-parse", "HEAD"]).trim().to_owned();
    pair.client.git(&[
        "notes",
        "--ref=chant",
        "add",
        "-m",
        "2026-02-02T14:27:53Z ghost commit",
        &commit,
    ]);
    let before = server_tip(&pair, "refs/notes/chant");
    let (ok, stderr) = push(&pair.client, &["refs/notes/chant"]);
    assert!(
        !ok && stderr.contains("names spec ghost that is not in the ledger"),
        "{stderr}"
    );
    assert_eq!(server_tip(&pair, "refs/notes/chant"), before);
    // Every pushed commit is checked: start again from what the server has.
    pair.client.git(&["update-ref", "-d", "refs/notes/chant"]);
    pair.client.git(&[
        "notes",
        "--ref=chant",
        "add",
        "-f",
        "-m",
        "not an event",
        &commit,
    ]);
    let (ok, stderr) = push(&pair.client, &["refs/notes/chant"]);
    assert!(!ok && stderr.contains("[note]"), "{stderr}");
    pair.client.git(&["update-ref", "-d", "refs/notes/chant"]);
    pair.client.git(&[
        "notes",
        "--ref=chant",
        "add",
        "-f",
        "-m",
        "2026-02-02T14:27:53Z a commit",
        &commit,
    ]);
    let (ok, stderr) = push(&pair.client, &["refs/notes/chant"]);
    assert!(ok, "{stderr}");
}

#[test]
fn an_atomic_push_with_a_bad_ledger_rejects_the_branch_too() {
    let pair = pair();
    pair.client.commit("more code");
    pair.client
        .put_ledger_file(&spec_path("c", false), "---\nstatus: bogus\n---\n# C\n");
    let main_before = server_tip(&pair, "refs/heads/main");
    let (ok, _) = push(&pair.client, &["--atomic", "main", "refs/chant/specs"]);
    assert!(!ok);
    assert_eq!(
        server_tip(&pair, "refs/heads/main"),
        main_before,
        "the branch did not move either"
    );
}

#[test]
fn garbage_is_rejected_with_a_message() {
    // A ref pointing at a blob.
    let pair = pair();
    let blob = pair.client.put_blob("just bytes\n");
    let (ok, stderr) = push(&pair.client, &[&format!("+{blob}:refs/chant/specs")]);
    assert!(
        !ok && stderr.contains("is not a commit [not-a-commit]"),
        "{stderr}"
    );
    // A ledger commit whose tree has no FORMAT, and binary bytes as a spec.
    let pair = pair_with_size_limit();
    pair.client
        .put_ledger_file(&spec_path("bin", false), "\u{0}\u{1}binary\u{7f}");
    let stderr = rejected(&pair, &["refs/chant/specs"], &["spec bin", "[parse]"]);
    assert!(!stderr.contains("panicked"));
    let empty_tree = pair
        .client
        .git(&["hash-object", "-t", "tree", "-w", "/dev/null"]);
    let commit = pair.client.git(&[
        "commit-tree",
        empty_tree.trim(),
        "-p",
        "refs/chant/specs",
        "-m",
        "emptied",
    ]);
    pair.client
        .git(&["update-ref", "refs/chant/specs", commit.trim()]);
    rejected(
        &pair,
        &["refs/chant/specs"],
        &["the ledger has no FORMAT file [format]"],
    );
    pair.client
        .git(&["update-ref", "refs/chant/specs", "refs/chant/specs~1"]);
    // A 50 MB blob: rejected by size, without reading it.
    let big = "x".repeat(50 * 1024 * 1024);
    pair.client.put_ledger_file(&spec_path("big", false), &big);
    rejected(
        &pair,
        &["refs/chant/specs"],
        &["more than chant.maxSpecBytes"],
    );
}

fn pair_with_size_limit() -> Pair {
    let pair = pair();
    pair.server
        .git(&["config", "chant.maxSpecBytes", "1000000"]);
    pair
}

#[test]
fn optional_policies_writers_and_known_specs() {
    let pair = pair();
    pair.server
        .git(&["config", "chant.allowedWriters", "someone@example.com"]);
    pair.client.chant(&["start", "a"]);
    rejected(
        &pair,
        &["refs/chant/specs"],
        &["test@example.com, who is not in chant.allowedWriters [writer]"],
    );
    pair.server
        .git(&["config", "--unset", "chant.allowedWriters"]);
    assert!(push(&pair.client, &["refs/chant/specs"]).0);

    pair.server
        .git(&["config", "chant.requireKnownSpecs", "true"]);
    pair.client.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "--no-verify",
        "-m",
        "chant(ghost): work",
    ]);
    let (ok, stderr) = push(&pair.client, &["main"]);
    assert!(
        !ok && stderr.contains("no spec matches `ghost` [known-spec]"),
        "{stderr}"
    );
}

#[test]
fn validate_runs_the_same_checks_outside_a_hook() {
    let pair = pair();
    let old = pair
        .client
        .git(&["rev-parse", "refs/chant/specs"])
        .trim()
        .to_owned();
    pair.client
        .put_ledger_file(&spec_path("c", false), "---\nstatus: bogus\n---\n# C\n");
    let out = pair.client.chant_out(&[
        "validate",
        &old,
        "refs/chant/specs",
        "refs/chant/specs",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(4));
    let problems: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0]["rule"], "status");
    assert_eq!(problems[0]["spec"], "c");
    let ok = pair
        .client
        .chant_out(&["validate", &old, &old, "refs/chant/specs"]);
    assert_eq!(ok.status.code(), Some(0));
}

#[test]
fn the_update_hook_checks_one_ref() {
    let server = Repo::bare();
    let hook = server.path.join("hooks/update");
    std::fs::write(&hook, "#!/bin/sh\nexec git-chant hook update \"$@\"\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let client = Repo::new();
    client.chant(&["init"]);
    client.chant(&["add", "A", "--id", "a"]);
    client.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    assert!(push(&client, &["refs/chant/specs"]).0);
    client.put_ledger_file(&spec_path("b", false), "---\nstatus: bogus\n---\n# B\n");
    let (ok, stderr) = push(&client, &["refs/chant/specs"]);
    assert!(
        !ok && stderr.contains("unknown status `bogus` [status]"),
        "{stderr}"
    );
}
