//! Every writer's ledger commit, byte for byte: `log`, `conflicts`, the push validator and
//! other clones read these messages, so how a write is built may change but what it
//! writes may not.

use crate::harness::Repo;

/// The messages of the ledger's commits, oldest first, each ended by `--`.
fn messages(repo: &Repo) -> String {
    repo.git(&[
        "log",
        "--topo-order",
        "--reverse",
        "--format=%B--",
        "refs/chant/specs",
    ])
}

fn write(repo: &Repo, name: &str, text: &str) -> String {
    let path = repo.home().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn spec_file(id: &str) -> String {
    format!("---\ntype: code\nstatus: pending\n---\n# Stray {id}\n")
}

#[test]
fn every_writer_writes_the_message_it_always_wrote() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let body = write(
        &repo,
        "body.md",
        "# One\n\n## Acceptance Criteria\n\n- [ ] a\n- [ ] b\n",
    );
    repo.chant(&["add", "One", "--id", "s1", "--body-file", &body]);
    repo.chant(&["add", "Two", "--id", "s2", "--depends-on", "s1"]);
    repo.chant(&["add", "Three", "--id", "s3"]);
    repo.chant(&["check", "s1", "1", "2"]);
    repo.chant(&["check", "s1", "2", "--uncheck"]);
    repo.chant(&["check", "s1", "2"]);
    repo.chant(&["set", "s2", "model", "opus"]);
    repo.chant(&["start", "s1"]);
    repo.chant(&["done", "s1"]);
    let editor = write(
        &repo,
        "editor.sh",
        "sed -i 's/^status: pending/status: in_progress/' \"$1\"\n",
    );
    let out = repo
        .chant_cmd(&["edit", "s2"])
        .env("GIT_EDITOR", format!("sh {editor}"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");

    // A group: the driver follows its members; a forced move with a two-line reason.
    let driver = write(
        &repo,
        "driver.md",
        "# Migrate\n\n## Acceptance Criteria\n\n- [x] split\n",
    );
    repo.chant(&[
        "add",
        "Migrate",
        "--id",
        "mig",
        "--type",
        "driver",
        "--body-file",
        &driver,
    ]);
    repo.chant(&["add", "Parse", "--member-of", "mig"]);
    repo.chant(&["start", "mig.1"]);
    repo.chant(&["done", "mig.1", "--force", "--reason", "two\nlines"]);

    // The hooks: a commit naming three specs (one it starts), then an amend.
    repo.chant(&["hooks", "install"]);
    std::fs::write(repo.path.join("a.txt"), "a\n").unwrap();
    repo.git(&["add", "a.txt"]);
    repo.git(&[
        "commit",
        "-q",
        "-m",
        "chant(s2): work\n\nChant-Spec: s1\nChant-Spec: s3\nChant-Status: completed",
    ]);
    repo.git(&["commit", "-q", "--amend", "-m", "chant(s2): work, amended"]);
    // A commit the hooks did not see, for reindex.
    repo.git(&[
        "-c",
        "core.hooksPath=/dev/null",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "chant(s1): late",
    ]);
    repo.chant(&["reindex"]);
    let amended = repo.git(&["rev-parse", "HEAD~1"]);
    let late = repo.git(&["rev-parse", "HEAD"]);
    let note = |commit: &str| repo.git(&["notes", "--ref=refs/notes/chant", "show", commit.trim()]);
    let notes = format!("{}--\n{}", note(&amended), note(&late));
    let plain = repo.commit("plain");
    let transcript = write(&repo, "transcript.txt", "did it\n");
    repo.chant(&["output", "s2", "--commit", &plain, "--file", &transcript]);
    repo.chant(&["event", &plain, "s2", "commit"]);
    let output = repo.git(&["notes", "--ref=refs/notes/chant-output", "show", &plain]);
    assert!(output.ends_with("---\ndid it\n"), "{output}");
    assert!(note(&plain).contains(" s2 commit"), "{}", note(&plain));
    repo.chant(&["archive", "s1", "s2", "--force"]);
    repo.chant(&["archive", "mig.1"]);

    // Two specs outside their shard, which doctor moves in one commit.
    repo.put_ledger_file("specs/zz/2026-01-01-001-aaa.md", &spec_file("a"));
    repo.put_ledger_file("specs/zz/2026-01-01-002-bbb.md", &spec_file("b"));
    repo.chant(&["doctor", "--fix"]);

    // Both sides set the same field: a merge that records the conflict.
    let base = repo.git(&["rev-parse", "refs/chant/specs"]);
    repo.chant(&["set", "mig", "model", "opus"]);
    let theirs = repo.git(&["rev-parse", "refs/chant/specs"]);
    repo.git(&["update-ref", "refs/other/specs", theirs.trim()]);
    repo.git(&["update-ref", "refs/chant/specs", base.trim()]);
    repo.chant(&["set", "mig", "model", "haiku"]);
    repo.chant(&["sync", "--from", "refs/other/specs"]);

    let upstream = repo.home().join("up/specs");
    std::fs::create_dir_all(&upstream).unwrap();
    std::fs::write(upstream.join("2026-01-02-001-ccc.md"), spec_file("c")).unwrap();
    repo.chant(&["import", upstream.parent().unwrap().to_str().unwrap()]);

    // What reads the trailers back.
    let conflicts = repo.chant(&["conflicts"]);
    assert!(
        conflicts.contains("mig model: kept \"opus\"; lost \"haiku\""),
        "{conflicts}"
    );
    let log = repo.chant(&["log", "mig.1"]);
    assert!(
        log.contains("status in_progress -> completed (forced)\n    reason: two lines\n"),
        "{log}"
    );
    assert_eq!(
        notes,
        "2026-02-02T14:27:53Z s2 commit\n\n2026-02-02T14:27:53Z s1 commit\n2026-02-02T14:27:53Z s3 commit\n2026-02-02T14:27:53Z s3 pending->in_progress\n--\n2026-02-02T14:27:53Z s1 commit\n"
    );
    assert_eq!(
        messages(&repo),
        concat!(
        "chant: init\n\nChant-Op: init\n--\n",
        "chant: add s1\n\nChant-Spec: s1\nChant-Op: add\n--\n",
        "chant: add s2\n\nChant-Spec: s2\nChant-Op: add\n--\n",
        "chant: add s3\n\nChant-Spec: s3\nChant-Op: add\n--\n",
        "chant: check s1 1,2\n\nChant-Spec: s1\nChant-Op: check 1,2\n--\n",
        "chant: uncheck s1 2\n\nChant-Spec: s1\nChant-Op: uncheck 2\n--\n",
        "chant: check s1 2\n\nChant-Spec: s1\nChant-Op: check 2\n--\n",
        "chant: set model s2\n\nChant-Spec: s2\nChant-Op: set model\n--\n",
        "chant: start s1\n\nChant-Spec: s1\nChant-Op: status pending -> in_progress\n--\n",
        "chant: done s1\n\nChant-Spec: s1\nChant-Op: status in_progress -> completed\n--\n",
        "chant: edit s2\n\nChant-Spec: s2\nChant-Op: edit, status pending -> in_progress\n--\n",
        "chant: add mig\n\nChant-Spec: mig\nChant-Op: add\n--\n",
        "chant: add mig.1\n\nChant-Spec: mig.1\nChant-Op: add\n--\n",
        "chant: start mig.1\n\nChant-Spec: mig.1\nChant-Op: status pending -> in_progress\nChant-Driver: mig pending -> in_progress\n--\n",
        "chant: done mig.1\n\nChant-Spec: mig.1\nChant-Op: status in_progress -> completed\nChant-Forced: true\nChant-Reason: two lines\nChant-Driver: mig in_progress -> completed\n--\n",
        "chant: record 3ba377e47a5d\n\nChant-Spec: s3\nChant-Spec: s1\nChant-Spec: s2\nChant-Op: status pending -> in_progress\nChant-Commit: 3ba377e47a5d3b27fc8364f1182c92312028356b\n--\n",
        "chant: record 9faf893eedff\n\nChant-Spec: s2\nChant-Op: record commit\nChant-Commit: 9faf893eedffe6e6cc60559e83e5d4dcb4f20970\n--\n",
        "chant: follow rewritten commits\n\nChant-Spec: s1\nChant-Spec: s2\nChant-Spec: s3\nChant-Op: rewrite\n--\n",
        "chant: reindex\n\nChant-Spec: s1\nChant-Op: reindex\n--\n",
        "chant: output s2\n\nChant-Spec: s2\nChant-Op: attach transcript\n--\n",
        "chant: archive 2 specs\n\nChant-Spec: s1\nChant-Spec: s2\nChant-Op: archive\n--\n",
        "chant: archive mig.1\n\nChant-Spec: mig.1\nChant-Op: archive\n--\n",
        "plumbing\n--\n",
        "plumbing\n--\n",
        "chant: doctor: move misplaced specs\n\nChant-Spec: 2026-01-01-002-bbb\nChant-Spec: 2026-01-01-001-aaa\nChant-Op: doctor\n--\n",
        "chant: set model mig\n\nChant-Spec: mig\nChant-Op: set model\n--\n",
        "chant: set model mig\n\nChant-Spec: mig\nChant-Op: set model\n--\n",
        "chant: merge refs/other/specs\n\nChant-Spec: mig\nChant-Op: merge\nChant-Conflict: mig model {\"kept\":\"opus\",\"lost\":\"haiku\"}\n--\n",
        "chant: import 1 files\n\nChant-Op: import\n--\n"
        )
    );
}
