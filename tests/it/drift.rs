//! `git chant drift`: the files a completed spec tracks that changed in commits after its
//! completion commit, from history (the same on a fresh clone, whatever the file times).

use crate::harness::{assert_success, hermetic, Repo};

/// A repository with hooks and a documentation spec `d1` tracking `docs/guide.md`,
/// completed by the commit that wrote the guide; returns it and that commit.
fn setup() -> (Repo, String) {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    add(&repo, "d1", "documentation", "tracks", "docs/guide.md");
    let done = commit_file(
        &repo,
        "docs/guide.md",
        "v1",
        "chant(d1): write the guide\n\nChant-Status: completed",
    );
    let shown = repo.run(&["show", "d1", "--json"]).json();
    assert_eq!(shown["status"], "completed", "{shown}");
    (repo, done)
}

/// Spec `id` of type `kind` with `pattern` in list `field`, its one criterion ticked.
fn add(repo: &Repo, id: &str, kind: &str, field: &str, pattern: &str) {
    repo.chant(&["add", "A spec", "--id", id, "--type", kind]);
    repo.chant(&["set", id, field, "--add", pattern]);
    repo.chant(&["check", id, "1"]);
}

/// Writes `path` and commits it with `message`; returns the commit.
fn commit_file(repo: &Repo, path: &str, content: &str, message: &str) -> String {
    let file = repo.path.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, format!("{content}\n")).unwrap();
    repo.git(&["add", path]);
    repo.git(&["commit", "-q", "-m", message]);
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

#[test]
fn a_later_commit_to_a_tracked_file_is_reported_with_that_commit() {
    let (repo, _) = setup();
    commit_file(&repo, "other.txt", "x", "Unrelated change");
    let clean = repo.run(&["drift", "--exit-code"]);
    assert!(clean.success(), "{}", clean.stderr);
    assert_eq!(clean.stdout, "d1: no drift\n");

    let reword = commit_file(&repo, "docs/guide.md", "v2", "Reword the guide");
    commit_file(&repo, "other.txt", "y", "Another unrelated change");
    let out = repo.run(&["drift"]);
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "d1: docs/guide.md changed in {} Reword the guide\n",
            &reword[..12]
        )
    );
    // --exit-code: 1 when anything drifted.
    let code = repo.run(&["drift", "--exit-code", "d1"]);
    assert_eq!(code.status.code(), Some(1), "{}", code.stderr);
    assert_eq!(code.stdout, out.stdout);
    // Up to another commit: before the rewording there is none.
    let before = repo.run(&["drift", "--rev", "HEAD~2", "--exit-code"]);
    assert!(before.success(), "{}", before.stderr);
    assert_eq!(before.stdout, "d1: no drift\n");
}

#[test]
fn a_fresh_clone_reports_the_same_whatever_the_file_times() {
    let (repo, done) = setup();
    let reword = commit_file(&repo, "docs/guide.md", "v2", "Reword the guide");
    let here = repo.run(&["drift", "--json"]).json();

    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("clone");
    let mut cmd = std::process::Command::new("git");
    hermetic(&mut cmd, tmp.path())
        .args(["clone", "-q"])
        .arg(&repo.path)
        .arg(&path);
    assert_success(&cmd.output().unwrap());
    let clone = Repo::at(tmp, path);
    clone.git(&["config", "user.name", "Clone User"]);
    clone.git(&["config", "user.email", "clone@example.com"]);
    clone.chant(&["fetch"]);
    // The checkout wrote every file just now, long after `completed_at`: an mtime
    // comparison would call everything drifted. History says one commit changed one file.
    let there = clone.run(&["drift", "--json"]).json();
    assert_eq!(there, here);
    assert_eq!(there["specs"][0]["since"], done);
    assert_eq!(there["specs"][0]["files"][0]["commits"][0]["id"], reword);
    assert_eq!(
        clone.run(&["drift"]).stdout,
        format!(
            "d1: docs/guide.md changed in {} Reword the guide\n",
            &reword[..12]
        )
    );
}

#[test]
fn globs_in_target_files_match_repository_paths() {
    let (repo, _) = setup();
    add(&repo, "c1", "code", "target_files", "src/**/*.rs");
    let done = commit_file(
        &repo,
        "src/lib.rs",
        "fn a() {}",
        "chant(c1): the code\n\nChant-Status: completed",
    );
    let nested = commit_file(&repo, "src/deep/er/mod.rs", "fn b() {}", "Nested module");
    commit_file(&repo, "src/notes.md", "not rust", "Notes");
    commit_file(&repo, "tests/a.rs", "fn t() {}", "A test outside src");
    let top = commit_file(&repo, "src/lib.rs", "fn a2() {}", "Top module");
    let report = repo.run(&["drift", "c1", "--json"]).json();
    let spec = &report["specs"][0];
    assert_eq!(spec["id"], "c1");
    assert_eq!(spec["since"], done);
    assert_eq!(spec["patterns"], serde_json::json!(["src/**/*.rs"]));
    let files: Vec<(&str, &str)> = spec["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["commits"][0]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("src/deep/er/mod.rs", nested.as_str()),
            ("src/lib.rs", top.as_str())
        ]
    );
}

#[test]
fn json_names_the_rev_each_spec_and_what_was_skipped() {
    let (repo, _) = setup();
    let reword = commit_file(&repo, "docs/guide.md", "v2", "Reword the guide");
    // Completed without a code commit: nothing to compare from.
    add(&repo, "r1", "research", "informed_by", "docs/*.md");
    repo.chant(&["start", "r1"]);
    repo.chant(&["done", "r1"]);
    let out = repo.run(&["drift", "--json"]);
    assert!(out.success(), "{}", out.stderr);
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    assert_eq!(
        out.json(),
        serde_json::json!({
            "rev": head,
            "specs": [{
                "id": "d1",
                "since": repo.git(&["rev-parse", "HEAD~1"]).trim(),
                "patterns": ["docs/guide.md"],
                "ignored": [],
                "files": [{
                    "path": "docs/guide.md",
                    "commits": [{"id": reword, "short": &reword[..12], "subject": "Reword the guide"}],
                }],
            }],
            "skipped": [{"id": "r1", "reason": "no recorded commit to compare from"}],
        })
    );
    assert!(repo
        .run(&["drift"])
        .stdout
        .ends_with("r1: skipped: no recorded commit to compare from\n"));
}

#[test]
fn a_merged_branch_reports_its_own_commit_not_the_merge() {
    let (repo, _) = setup();
    repo.git(&["switch", "-q", "-c", "topic"]);
    let reword = commit_file(&repo, "docs/guide.md", "v2", "Reword on a branch");
    repo.git(&["switch", "-q", "main"]);
    commit_file(&repo, "other.txt", "x", "Meanwhile on main");
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge topic", "topic"]);
    assert_eq!(
        repo.run(&["drift"]).stdout,
        format!(
            "d1: docs/guide.md changed in {} Reword on a branch\n",
            &reword[..12]
        )
    );
}
