//! A fresh `git clone` of a repository with a ledger, against a real bare server: one
//! command (`git chant init --remote origin`, or `git chant fetch`) makes it usable, and
//! what it takes is the server's history, so its later pushes are accepted.

use crate::harness::{assert_success, hermetic, Repo};
use crate::trust_client::stderr;

/// A bare server (with the pre-receive hook) holding a branch, a ledger with spec `one`
/// and a note on the branch's commit, pushed by a first clone; returns (server, first).
fn server_with_ledger() -> (Repo, Repo) {
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    let first = Repo::new();
    let commit = first.commit("code");
    first.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    first.git(&["push", "-q", "origin", "main"]);
    first.chant(&["init"]);
    first.chant(&["add", "One", "--id", "one"]);
    first.chant(&["event", &commit, "one", "commit"]);
    first.chant(&["push"]);
    (server, first)
}

/// `git clone` of the server, with an identity.
fn clone(server: &Repo) -> Repo {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("clone");
    let mut cmd = std::process::Command::new("git");
    hermetic(&mut cmd, tmp.path())
        .args(["clone", "-q"])
        .arg(&server.path)
        .arg(&path);
    assert_success(&cmd.output().unwrap());
    let repo = Repo::at(tmp, path);
    repo.git(&["config", "user.name", "Clone User"]);
    repo.git(&["config", "user.email", "clone@example.com"]);
    repo
}

fn ids(repo: &Repo) -> Vec<String> {
    repo.list_json(&["--all"])
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_fresh_clone_names_the_one_command_and_fetch_alone_makes_it_usable() {
    let (server, first) = server_with_ledger();
    let second = clone(&server);
    let out = second.chant_out(&["list"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("git chant init --remote origin"), "{text}");
    let said = second.chant(&["fetch"]);
    assert!(
        said.contains("refs/chant/specs: created from origin's ledger"),
        "{said}"
    );
    assert_eq!(ids(&second), vec!["one"]);
    assert_eq!(
        second.git(&["rev-parse", "refs/chant/specs", "refs/notes/chant"]),
        first.git(&["rev-parse", "refs/chant/specs", "refs/notes/chant"]),
        "the server's ledger and notes, as they are"
    );
    // A second fetch changes nothing local; what the clone adds then syncs.
    second.chant(&["fetch"]);
    second.chant(&["add", "Two", "--id", "two"]);
    second.chant(&["sync"]);
    first.chant(&["sync"]);
    assert_eq!(ids(&first), vec!["one", "two"]);
}

#[test]
fn init_remote_on_a_clone_takes_the_servers_ledger_and_notes() {
    let (server, first) = server_with_ledger();
    let second = clone(&server);
    let said = second.chant(&["init", "--remote", "origin"]);
    assert!(
        said.contains("took origin's ledger into refs/chant/specs")
            && said.contains("took origin's notes into refs/notes/chant")
            && said.contains("git chant hooks install"),
        "{said}"
    );
    assert_eq!(ids(&second), vec!["one"]);
    let rewrite = second.git(&["config", "--get-all", "notes.rewriteRef"]);
    assert!(rewrite.contains("refs/notes/chan[t]\n"), "{rewrite}");
    let note = second.git(&["log", "-1", "--notes=chant", "--format=%N", "main"]);
    assert!(note.contains(" one commit"), "{note}");
    // Its history is the server's: a push needs no merge of a second root.
    second.chant(&["add", "Two", "--id", "two"]);
    second.chant(&["push"]);
    first.chant(&["sync"]);
    assert_eq!(ids(&first), vec!["one", "two"]);
    // Running it again changes nothing.
    let tip = second.git(&["rev-parse", "refs/chant/specs"]);
    second.chant(&["init", "--remote", "origin"]);
    assert_eq!(second.git(&["rev-parse", "refs/chant/specs"]), tip);
}

#[test]
fn init_remote_without_a_ledger_there_creates_one_to_push() {
    let server = Repo::bare();
    let first = Repo::new();
    first.commit("code");
    first.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    first.git(&["push", "-q", "origin", "main"]);
    let second = clone(&server);
    let said = second.chant(&["init", "--remote", "origin"]);
    assert!(
        said.contains("created refs/chant/specs")
            && said.contains("origin has no ledger yet: `git chant sync origin` pushes this one"),
        "{said}"
    );
    second.chant(&["sync"]);
    assert_eq!(
        server.git(&["rev-parse", "refs/chant/specs"]),
        second.git(&["rev-parse", "refs/chant/specs"])
    );
}
