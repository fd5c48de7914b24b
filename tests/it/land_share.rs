//! Sharing landed work: `merge --push` against a real bare remote that moved meanwhile
//! (merged, or conflicting: the spec landed, the push is the user's), `merge --pr` with a stand-in `gh` that records its arguments and without one, and the
//! strategies that refuse (`--ff-only`).

use crate::fixtures;
use crate::harness::{assert_fsck_clean, assert_success, path_with, Repo};

/// A clone of a bare remote on `main`, hooks installed, with spec `s1` worked to
/// completion by the fake agent.
fn clone_with_completed_spec() -> (Repo, Repo) {
    let server = Repo::bare();
    let repo = Repo::new();
    repo.commit("initial");
    repo.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    repo.git(&["push", "-q", "origin", "main"]);
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    repo.chant(&["add", "First", "--id", "s1"]);
    let agent = format!("sh {}", fixtures().join("agents/fake-agent.sh").display());
    assert_success(&repo.chant_out(&["work", "s1", "--agent", &agent]));
    (server, repo)
}

#[test]
fn push_after_landing_merges_a_remote_that_moved_and_never_forces() {
    let (server, repo) = clone_with_completed_spec();
    // Someone else pushes to main first.
    let other = Repo::new();
    other.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    other.git(&["fetch", "-q", "origin"]);
    other.git(&["checkout", "-q", "-b", "main", "origin/main"]);
    other.commit("theirs");
    other.git(&["push", "-q", "origin", "main"]);
    let theirs = other.git(&["rev-parse", "HEAD"]).trim().to_owned();

    let out = repo.chant_out(&["merge", "s1", "--push"]);
    assert_success(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("pushed to origin"));
    let on_server = server.git(&["rev-parse", "main"]).trim().to_owned();
    assert_eq!(on_server, repo.git(&["rev-parse", "main"]).trim());
    assert_eq!(
        server.git(&["merge-base", "--is-ancestor", &theirs, "main"]),
        "",
        "their commit is kept"
    );
    assert!(server
        .git(&["ls-tree", "--name-only", "main"])
        .contains("work-s1.txt"));
    assert_eq!(
        repo.git(&["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_fsck_clean(&repo);
}

#[test]
fn a_push_that_conflicts_with_the_remote_says_the_spec_landed_and_how_to_push() {
    let (server, repo) = clone_with_completed_spec();
    let other = Repo::new();
    other.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    other.git(&["fetch", "-q", "origin"]);
    other.git(&["checkout", "-q", "-b", "main", "origin/main"]);
    std::fs::write(other.path.join("work-s1.txt"), "theirs\n").unwrap();
    other.git(&["add", "work-s1.txt"]);
    other.git(&["commit", "-q", "-m", "theirs"]);
    other.git(&["push", "-q", "origin", "main"]);
    let on_server = server.git(&["rev-parse", "main"]);

    let out = repo.chant_out(&["merge", "s1", "--push"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("s1 landed in main, but main was not pushed: origin/main conflicts")
            && err.contains("git pull --no-rebase origin main")
            && !err.contains("--resolve"),
        "{err}"
    );
    assert_eq!(server.git(&["rev-parse", "main"]), on_server);
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "s1", "--json"])).unwrap();
    assert_eq!(shown["status"], "completed");
    assert!(repo
        .git(&["ls-tree", "--name-only", "main"])
        .contains("work-s1.txt"));
}

#[test]
fn pr_pushes_the_branch_and_opens_a_pull_request_with_gh_or_says_how() {
    let (server, repo) = clone_with_completed_spec();
    let main_before = repo.git(&["rev-parse", "main"]);
    let fake = repo.home().join("fakebin");
    std::fs::create_dir_all(&fake).unwrap();
    let record = repo.home().join("gh-args");
    std::fs::write(
        fake.join("gh"),
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {}\necho https://example.invalid/pull/1\n",
            record.display()
        ),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", fake.join("gh").to_str().unwrap()])
        .status()
        .unwrap();
    let out = repo
        .chant_cmd(&["merge", "s1", "--pr"])
        .env("PATH", path_with(&fake))
        .output()
        .unwrap();
    assert_success(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("https://example.invalid/pull/1"));
    let args = std::fs::read_to_string(&record).unwrap();
    assert!(
        args.starts_with("pr\ncreate\n--base\nmain\n--head\nchant/s1\n--title\nchant(s1): First\n"),
        "{args}"
    );
    assert!(
        !server.git(&["rev-parse", "chant/s1"]).is_empty(),
        "the branch was pushed"
    );
    assert_eq!(
        repo.git(&["rev-parse", "main"]),
        main_before,
        "nothing landed locally"
    );

    // Without gh: the branch is pushed and the command printed.
    std::fs::remove_file(fake.join("gh")).unwrap();
    let out = repo
        .chant_cmd(&["merge", "s1", "--pr"])
        .env("PATH", path_with(&fake))
        .output()
        .unwrap();
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("gh is not available")
            && said.contains("gh pr create --base main --head chant/s1 --title 'chant(s1): First'"),
        "{said}"
    );
}

#[test]
fn ff_only_refuses_when_the_target_moved_and_changes_nothing() {
    let (_server, repo) = clone_with_completed_spec();
    repo.commit("main moves on");
    let before = repo.git(&["rev-parse", "main"]);
    let out = repo.chant_out(&["merge", "s1", "--ff-only"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ff-only was asked"));
    assert_eq!(repo.git(&["rev-parse", "main"]), before);
    assert!(
        !repo.git(&["branch", "--list", "chant/s1"]).is_empty(),
        "the branch stays"
    );
    // git config chant.merge.strategy picks the default.
    repo.git(&["config", "chant.merge.strategy", "squash"]);
    assert_success(&repo.chant_out(&["merge", "s1"]));
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]).trim(),
        "chant(s1): First"
    );
}
