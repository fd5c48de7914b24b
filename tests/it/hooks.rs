//! The client hooks with real `git commit`, `--amend`, `rebase -i`, `cherry-pick`, `merge`
//! and `--no-verify`; `reindex` where no hook runs. After each, a spec's `commits:` holds
//! exactly the reachable commits that name it, and `git log --notes=chant` shows events.

use crate::harness::Repo;

/// A repository with hooks installed and spec `s1` (two criteria).
fn setup() -> Repo {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let body = repo.home().join("body.md");
    std::fs::write(
        &body,
        "# Spec one\n\n## Acceptance Criteria\n\n- [ ] a\n- [ ] b\n",
    )
    .unwrap();
    repo.chant(&[
        "add",
        "Spec one",
        "--id",
        "2026-01-01-001-s1x",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    repo.chant(&["hooks", "install"]);
    repo
}

fn commit_file(repo: &Repo, file: &str, message: &str) -> String {
    std::fs::write(repo.path.join(file), format!("{file}\n")).unwrap();
    repo.git(&["add", file]);
    repo.git(&["commit", "-q", "-m", message]);
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

fn spec(repo: &Repo) -> serde_json::Value {
    serde_json::from_str(&repo.chant(&["show", "s1x", "--json"])).unwrap()
}

fn commits(repo: &Repo) -> Vec<String> {
    let mut list: Vec<String> = spec(repo)["frontmatter"]["commits"]
        .as_array()
        .map(|a| a.iter().map(|c| c.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    list.sort();
    list
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn a_commit_naming_a_spec_advances_it_and_is_noted() {
    let repo = setup();
    let ledger_before = repo.git(&["rev-parse", "refs/chant/specs"]);
    commit_file(&repo, "plain.txt", "an ordinary commit");
    assert_eq!(
        repo.git(&["rev-parse", "refs/chant/specs"]),
        ledger_before,
        "no reference, no ledger write"
    );

    let c1 = commit_file(&repo, "a.txt", "chant(s1x): first step");
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]),
        "chant(2026-01-01-001-s1x): first step\n",
        "short id expanded"
    );
    let s = spec(&repo);
    assert_eq!(s["status"], "in_progress");
    assert_eq!(commits(&repo), vec![c1.clone()]);
    let log = repo.git(&["log", "-1", "--notes=chant"]);
    assert!(
        log.contains("2026-01-01-001-s1x commit")
            && log.contains("2026-01-01-001-s1x pending->in_progress"),
        "{log}"
    );

    // Completing by trailer waits for the criteria, and says which are open.
    std::fs::write(repo.path.join("b.txt"), "b\n").unwrap();
    repo.git(&["add", "b.txt"]);
    let out = repo
        .git_cmd(&[
            "commit",
            "-q",
            "-m",
            "chant(s1x): more\n\nChant-Status: completed",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("criteria still open: 1. a; 2. b"),
        "{out:?}"
    );
    assert_eq!(spec(&repo)["status"], "in_progress");
    repo.chant(&["check", "s1x", "1", "2"]);
    commit_file(
        &repo,
        "c.txt",
        "chant(s1x): done\n\nChant-Status: completed",
    );
    assert_eq!(spec(&repo)["status"], "completed");
    assert_eq!(commits(&repo).len(), 3);
}

#[test]
fn unknown_and_ambiguous_ids_are_refused_by_commit_msg() {
    let repo = setup();
    repo.chant(&["add", "Other", "--id", "2026-01-01-002-s1y"]);
    std::fs::write(repo.path.join("x.txt"), "x\n").unwrap();
    repo.git(&["add", "x.txt"]);
    let out = repo
        .git_cmd(&["commit", "-m", "chant(nope): x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no spec matches `nope`"));
    let out = repo
        .git_cmd(&["commit", "-m", "chant(2026-01-01-00): x"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("2026-01-01-001-s1x, 2026-01-01-002-s1y"),
        "{stderr}"
    );
    assert!(stderr.is_ascii(), "hook output is plain ASCII");
    repo.git(&["config", "chant.hooks.strict", "false"]);
    let out = repo
        .git_cmd(&["commit", "-q", "-m", "chant(nope): x"])
        .output()
        .unwrap();
    assert!(out.status.success(), "strict=false only warns");
}

#[test]
fn amend_and_rebase_squash_leave_exactly_the_reachable_commits() {
    let repo = setup();
    let base = commit_file(&repo, "base.txt", "base");
    commit_file(&repo, "a.txt", "chant(s1x): one");
    repo.git(&["commit", "-q", "--amend", "-m", "chant(s1x): one, amended"]);
    let amended = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    assert_eq!(commits(&repo), vec![amended.clone()]);
    assert!(repo
        .git(&["notes", "--ref=chant", "show", &amended])
        .contains(" commit"));

    let two = commit_file(&repo, "b.txt", "chant(s1x): two");
    assert_eq!(commits(&repo), sorted(vec![amended.clone(), two]));
    // Squash the second commit into the first with a scripted sequence editor.
    let out = repo
        .git_cmd(&["rebase", "-q", "-i", &base])
        .env("GIT_SEQUENCE_EDITOR", "sed -i '2s/^pick/squash/'")
        .env("GIT_EDITOR", "true")
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
    let squashed = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    assert_eq!(
        commits(&repo),
        vec![squashed.clone()],
        "post-rewrite followed the squash"
    );
    let log = repo.git(&["log", "-1", "--notes=chant"]);
    assert!(log.contains("2026-01-01-001-s1x commit"), "{log}");
    let again = repo.chant(&["reindex"]);
    assert!(
        again.contains("0 commits linked, 0 dropped, 0 specs changed"),
        "reindex is idempotent: {again}"
    );
}

#[test]
fn cherry_pick_merge_and_hookless_commits_are_recovered_by_reindex() {
    let repo = setup();
    commit_file(&repo, "base.txt", "base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let on_feature = commit_file(&repo, "f.txt", "chant(s1x): on feature");
    repo.git(&["checkout", "-q", "main"]);
    commit_file(&repo, "m.txt", "main moves on");
    repo.git(&["cherry-pick", &on_feature]);
    let picked = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    assert_eq!(
        commits(&repo),
        sorted(vec![on_feature.clone(), picked.clone()]),
        "post-commit runs on cherry-pick"
    );

    // A commit made where no hook ran (a tool, or hooks switched off).
    repo.git(&["checkout", "-q", "feature"]);
    std::fs::write(repo.path.join("g.txt"), "g\n").unwrap();
    repo.git(&["add", "g.txt"]);
    repo.git(&[
        "-c",
        "core.hooksPath=/nonexistent",
        "commit",
        "-q",
        "-m",
        "chant(2026-01-01-001-s1x): without hooks",
    ]);
    let hookless = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    // A merge commit naming the spec: git runs no post-commit for it.
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "chant(2026-01-01-001-s1x): merge feature",
    ]);
    let merge = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    // --no-verify skips commit-msg, but post-commit still records.
    std::fs::write(repo.path.join("h.txt"), "h\n").unwrap();
    repo.git(&["add", "h.txt"]);
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "chant(2026-01-01-001-s1x): no verify",
    ]);
    let no_verify = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    assert!(commits(&repo).contains(&no_verify));
    assert!(!commits(&repo).contains(&hookless) && !commits(&repo).contains(&merge));

    let report = repo.chant(&["reindex"]);
    assert!(report.contains("2 commits linked"), "{report}");
    assert_eq!(
        commits(&repo),
        sorted(vec![
            on_feature,
            picked,
            hookless.clone(),
            merge.clone(),
            no_verify
        ])
    );
    for c in [&hookless, &merge] {
        assert!(repo
            .git(&["notes", "--ref=chant", "show", c])
            .contains("2026-01-01-001-s1x commit"));
    }
}

#[test]
fn an_existing_hook_keeps_running_and_hooks_path_is_honoured() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let hooks = repo.path.join(".githooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let user_hook = "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/user-hook-ran\"\n";
    std::fs::write(hooks.join("post-commit"), user_hook).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            hooks.join("post-commit"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let out = repo.chant(&["hooks", "install"]);
    assert!(
        out.contains("post-commit: added to the existing hook"),
        "{out}"
    );
    assert!(
        hooks.join("commit-msg").exists(),
        "installed under core.hooksPath"
    );
    assert_eq!(
        repo.chant(&["hooks", "install"])
            .matches("already installed")
            .count(),
        3
    );
    let status = repo.chant(&["hooks", "status"]);
    assert!(
        status.contains("post-commit: installed") && status.contains("git-chant on PATH: /"),
        "{status}"
    );

    repo.chant(&["add", "S", "--id", "s-1"]);
    commit_file(&repo, "a.txt", "chant(s-1): work");
    assert_eq!(
        std::fs::read_to_string(repo.path.join(".git/user-hook-ran")).unwrap(),
        "ran\n"
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&repo.chant(&["show", "s-1", "--json"])).unwrap()
            ["status"],
        "in_progress"
    );

    repo.chant(&["hooks", "uninstall"]);
    assert_eq!(
        std::fs::read_to_string(hooks.join("post-commit")).unwrap(),
        user_hook
    );
    commit_file(&repo, "b.txt", "after uninstall");
    assert_eq!(
        std::fs::read_to_string(repo.path.join(".git/user-hook-ran")).unwrap(),
        "ran\nran\n"
    );
}

#[test]
fn post_rewrite_copies_notes_when_git_does_not() {
    let repo = setup();
    repo.git(&["config", "--unset-all", "notes.rewriteRef"]);
    commit_file(&repo, "a.txt", "chant(s1x): one");
    repo.git(&["commit", "-q", "--amend", "-m", "chant(s1x): one, amended"]);
    let amended = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let note = repo.git(&["notes", "--ref=chant", "show", &amended]);
    assert!(
        note.contains("2026-01-01-001-s1x pending->in_progress"),
        "the old commit's events were copied: {note}"
    );
    assert_eq!(commits(&repo), vec![amended]);
}

#[test]
fn amends_and_rebases_leave_one_commit_event_per_spec() {
    let repo = setup();
    let base = commit_file(&repo, "base.txt", "base");
    commit_file(&repo, "a.txt", "chant(s1x): one");
    for (n, date) in ["2026-02-03T10:00:00Z", "2026-02-04T10:00:00Z"]
        .iter()
        .enumerate()
    {
        let out = repo
            .git_cmd(&[
                "commit",
                "-q",
                "--amend",
                "-m",
                &format!("chant(s1x): one, amended {n}"),
            ])
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        crate::harness::assert_success(&out);
    }
    let out = repo
        .git_cmd(&["rebase", "-q", "--force-rebase", &base])
        .env("GIT_COMMITTER_DATE", "2026-02-05T10:00:00Z")
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let note = repo.git(&["notes", "--ref=chant", "show", &head]);
    let events: Vec<&str> = note
        .lines()
        .filter(|l| l.ends_with(" 2026-01-01-001-s1x commit"))
        .collect();
    assert_eq!(
        events.len(),
        1,
        "one commit event, not one per rewrite: {note}"
    );
    assert!(
        note.contains("2026-02-05T10:00:00Z 2026-01-01-001-s1x commit"),
        "the rebased commit's own: {note}"
    );
}

#[test]
fn amend_and_rebase_after_init_print_no_notes_warnings_and_still_carry_notes() {
    let repo = Repo::new();
    repo.git(&["config", "--add", "notes.rewriteRef", "refs/notes/chant"]);
    repo.git(&[
        "config",
        "--add",
        "notes.rewriteRef",
        "refs/notes/chant-output",
    ]);
    repo.chant(&["init"]); // replaces what earlier versions wrote
    let rewrite = repo.git(&["config", "--get-all", "notes.rewriteRef"]);
    assert_eq!(rewrite, "refs/notes/chan[t]\nrefs/notes/chant-outpu[t]\n");
    let base = repo.commit("base");
    repo.commit("one");
    for args in [
        &[
            "commit",
            "--amend",
            "--allow-empty",
            "-q",
            "-m",
            "one again",
        ][..],
        &["rebase", "-q", "--force-rebase", "--keep-empty", &base],
    ] {
        let out = repo.git_cmd(args).output().unwrap();
        crate::harness::assert_success(&out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("notes ref"), "{args:?}: {stderr}");
    }
    // The globs still carry notes along.
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    repo.chant(&["event", &head, "s1", "marked"]);
    repo.git(&[
        "commit",
        "--amend",
        "--allow-empty",
        "-q",
        "-m",
        "one, third time",
    ]);
    let note = repo.git(&["notes", "--ref=chant", "show", "HEAD"]);
    assert!(note.contains(" s1 marked"), "{note}");
}

/// `PATH` with only the directory of the `git` the tests run and the shell's: no git-chant.
fn path_without_chant() -> String {
    let git = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .find(|d| d.join("git").is_file())
        .unwrap();
    assert!(!git.join("git-chant").exists());
    format!("{}:/usr/bin:/bin", git.display())
}

#[test]
fn a_missing_git_chant_warns_and_lets_the_commit_through() {
    let repo = setup();
    for message in ["chant(s1x): names a spec", "names none"] {
        std::fs::write(repo.path.join("f.txt"), message).unwrap();
        repo.git(&["add", "f.txt"]);
        let out = repo
            .git_cmd(&["commit", "-q", "-m", message])
            .env("PATH", path_without_chant())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{message}: {stderr}");
        if message.starts_with("chant(") {
            assert!(
                stderr.contains("git-chant is not on this hook's PATH"),
                "{stderr}"
            );
            assert!(stderr.contains("git chant reindex"), "{stderr}");
        } else {
            assert_eq!(stderr, "", "a commit naming no spec needs no git-chant");
        }
    }
    let out = repo.chant(&["reindex"]);
    assert!(
        out.contains("1 commits linked"),
        "reindex records what the hooks missed: {out}"
    );
}

#[test]
fn a_commit_naming_no_spec_never_starts_git_chant() {
    let repo = setup();
    // A git-chant first on PATH that logs each start, then runs the real one.
    let bin = repo.home().join("logging-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = repo.home().join("starts.log");
    let shim = bin.join("git-chant");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\necho \"$3\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            env!("CARGO_BIN_EXE_git-chant")
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), path_without_chant());
    let commit = |message: &str, extra: &[&str]| {
        std::fs::write(repo.path.join("f.txt"), message).unwrap();
        repo.git(&["add", "f.txt"]);
        let mut args = vec!["commit", "-q", "-m", message];
        args.extend_from_slice(extra);
        let out = repo.git_cmd(&args).env("PATH", &path).output().unwrap();
        crate::harness::assert_success(&out);
        std::fs::read_to_string(&log).unwrap_or_default()
    };
    assert_eq!(commit("an ordinary commit", &[]), "", "no start at all");
    assert_eq!(
        commit("chant(s1x): a step", &[]),
        "commit-msg\npost-commit\n"
    );
    assert_eq!(
        commit("another ordinary one", &[]),
        "commit-msg\npost-commit\n"
    );
    // Without commit-msg (--no-verify) post-commit cannot know, and asks git-chant.
    assert_eq!(
        commit("chant(s1x): unverified", &["--no-verify"]),
        "commit-msg\npost-commit\npost-commit\n"
    );
    assert_eq!(commits(&repo).len(), 2, "both commits naming s1x recorded");
}

#[test]
fn shims_installed_by_earlier_versions_still_run() {
    let repo = setup();
    let hook = repo.path.join(".git/hooks/post-commit");
    std::fs::write(
        &hook,
        "#!/bin/sh\n# BEGIN git-chant\nexec git-chant hook post-commit \"$@\"\n# END git-chant\n",
    )
    .unwrap();
    let id = commit_file(&repo, "old.txt", "chant(s1x): through an old shim");
    assert_eq!(commits(&repo), vec![id]);
}

#[test]
fn a_word_left_by_an_aborted_commit_does_not_hide_the_next_one() {
    let repo = setup();
    std::fs::write(repo.path.join("a.txt"), "a").unwrap();
    repo.git(&["add", "a.txt"]);
    // Aborted after commit-msg said "names no spec": an empty message.
    let out = repo
        .git_cmd(&["commit", "-q", "--cleanup=strip", "-m", "# nothing"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = repo
        .git_cmd(&[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "chant(s1x): unverified",
        ])
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    assert_eq!(commits(&repo), vec![head], "post-commit recorded it");
}
