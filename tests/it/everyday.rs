//! Everyday correctness (issue 13): what a new user tripped over, each through the real
//! commands — upstream specs with bare scalars in string lists, the index against a
//! rebuild, rewrites that repeat events, stale locks and `doctor`.

use crate::harness::Repo;

const NUMERIC_SHAS: &str = "---\ntype: code\nstatus: completed\ncommits:\n- 3614866\n- 0123456\n- abc1234\nlabels:\n- true\n- 2026\n---\n# Upstream wrote this\n\n## Acceptance Criteria\n\n- [x] done\n";

#[test]
fn bare_scalars_in_string_lists_read_as_their_text_and_keep_their_bytes() {
    let repo = Repo::new();
    std::fs::create_dir_all(repo.path.join(".chant/specs")).unwrap();
    std::fs::write(
        repo.path.join(".chant/specs/2026-01-02-001-abc.md"),
        NUMERIC_SHAS,
    )
    .unwrap();
    repo.chant(&["init"]);
    repo.chant(&["import"]);
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "abc", "--json"])).unwrap();
    assert_eq!(
        shown["frontmatter"]["commits"],
        serde_json::json!(["3614866", "0123456", "abc1234"]),
        "the short SHAs as written, leading zero kept"
    );
    assert_eq!(
        shown["frontmatter"]["labels"],
        serde_json::json!(["true", "2026"])
    );
    assert_eq!(repo.list_json(&[]).len(), 1);
    repo.chant(&["lint"]);
    let path = git_chant::store::paths::spec_path("2026-01-02-001-abc", false);
    let stored = repo.git(&["cat-file", "blob", &format!("refs/chant/specs:{path}")]);
    assert_eq!(stored, NUMERIC_SHAS, "stored byte for byte");
    // A mapping where a string belongs is still refused, naming the field.
    let bad = NUMERIC_SHAS.replace("- abc1234", "- {sha: abc1234}");
    let run = repo.run_stdin(&["fmt", "--check", "-"], &bad);
    assert!(!run.success() && run.stderr.contains("commits"), "{run}");
}

/// A shard folder that is not `id`'s.
fn wrong_shard(id: &str) -> String {
    let right = git_chant::store::paths::shard(id);
    if right == "00" {
        "01".into()
    } else {
        "00".into()
    }
}

#[test]
fn list_show_and_lint_agree_on_a_spec_stored_outside_its_shard() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "Placed well", "--id", "good"]);
    let path = format!("specs/{}/stray.md", wrong_shard("stray"));
    repo.put_ledger_file(&path, "---\nstatus: pending\n---\n# Stray\n");
    let ids = |repo: &Repo| -> Vec<String> {
        repo.list_json(&[])
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&repo), ["good"], "a rebuilt index");
    repo.chant(&["add", "Unrelated", "--id", "later"]);
    assert_eq!(
        ids(&repo),
        ["good", "later"],
        "an updated index says the same"
    );
    // show agrees: no such spec; lint names the file and the fix.
    insta::assert_snapshot!(repo.run(&["show", "stray"]), @r"
        ------- stderr -------
        chant::id::unknown

          × no spec matches `stray`
          help: `git chant list --all` shows every spec id
        [EOF]
        [exit status: 1]
        ");
    let lint = repo.run(&["lint"]);
    assert!(lint.stdout.contains(&path), "{lint}");
    insta::assert_snapshot!(lint, @r"
        error[layout] stray: stored at specs/00/stray.md but its id puts it at specs/ad/stray.md, so no command sees it; `git chant doctor --fix` moves it
        2 specs checked: 1 errors, 0 warnings
        [EOF]
        [exit status: 1]
        ");
}

#[test]
fn a_bare_repository_keeps_a_reflog_of_the_ledger() {
    let server = Repo::bare();
    server.git(&["config", "user.name", "Server Admin"]);
    server.git(&["config", "user.email", "admin@example.com"]);
    server.chant(&["init"]);
    server.chant(&["add", "On the server", "--id", "s"]);
    let reflog = server.git(&["reflog", "show", "--format=%gs", "refs/chant/specs"]);
    assert_eq!(reflog, "chant: add s\nchant: init\n");
}

/// Who git itself would say commits, in `repo` with `env`: `Some("name <email>")` of the
/// committer, or `None` when git refuses the committer or the author (as `git commit` does).
fn git_ident(repo: &Repo, env: &[(&str, &str)]) -> Option<String> {
    let ident = |role: &str| {
        let mut cmd = repo.git_cmd(&["var", role]);
        cmd.envs(env.iter().copied());
        let out = cmd.output().unwrap();
        let line = String::from_utf8(out.stdout).unwrap();
        out.status
            .success()
            .then(|| line[..line.rfind('>').unwrap() + 1].to_owned())
    };
    ident("GIT_AUTHOR_IDENT")?;
    ident("GIT_COMMITTER_IDENT")
}

#[test]
fn identity_follows_gits_rules() {
    // (config, environment): git chant signs as git would, or refuses where git refuses.
    // Every case gives an email somewhere or forbids guessing: git's guess from the
    // hostname asks the resolver, which git chant does not (see store/whoami.rs).
    type Pairs = &'static [(&'static str, &'static str)];
    let cases: &[(Pairs, Pairs)] = &[
        (&[("user.email", "only@example.com")], &[]),
        (
            &[("user.name", "Only Name")],
            &[("EMAIL", "env@example.com")],
        ),
        (
            &[
                ("user.email", "e@example.com"),
                ("user.useConfigOnly", "true"),
            ],
            &[],
        ),
        (
            &[("user.name", "N"), ("user.useConfigOnly", "true")],
            &[("EMAIL", "e@example.com")],
        ),
        (&[("user.email", "e@example.com"), ("user.name", "")], &[]),
        (
            &[("user.email", "e@example.com")],
            &[("GIT_COMMITTER_NAME", " ")],
        ),
        (
            &[("user.name", "N"), ("user.email", "e@example.com")],
            &[("GIT_COMMITTER_EMAIL", "")],
        ),
    ];
    for (config, env) in cases {
        let repo = Repo::without_identity();
        for (key, value) in *config {
            repo.git(&["config", key, value]);
        }
        let expected = git_ident(&repo, env);
        let mut cmd = repo.chant_cmd(&["init"]);
        cmd.envs(env.iter().copied());
        let out = cmd.output().unwrap();
        match &expected {
            Some(ident) => {
                assert!(
                    out.status.success(),
                    "{config:?} {env:?}: git signs as {ident}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let signed = repo.git(&["log", "-1", "--format=%cn <%ce>", "refs/chant/specs"]);
                assert_eq!(signed.trim(), ident, "{config:?} {env:?}");
            }
            None => {
                assert_eq!(
                    out.status.code(),
                    Some(1),
                    "{config:?} {env:?}: git refuses"
                );
                assert!(String::from_utf8_lossy(&out.stderr).contains("no git identity"));
            }
        }
    }
}

#[test]
fn a_range_of_commits_made_in_one_second_stops_where_the_histories_meet() {
    // root - x - y (old), x - b, merge(y, b) (new): every commit in the same second, as
    // when two clones sync at once.
    let repo = Repo::new();
    let tree = repo.git(&["hash-object", "-t", "tree", "-w", "/dev/null"]);
    let tree = tree.trim();
    let commit = |parents: &[&str], m: &str| {
        let mut args = vec!["commit-tree", tree, "-m", m];
        for p in parents {
            args.extend(["-p", p]);
        }
        repo.git(&args).trim().to_owned()
    };
    let mut chain = vec![commit(&[], "root")];
    for n in 0..30 {
        let next = commit(&[chain.last().unwrap()], &format!("c{n}"));
        chain.push(next);
    }
    let x = chain.last().unwrap().clone();
    let y = commit(&[&x], "y");
    let b = commit(&[&x], "b");
    let m = commit(&[&y, &b], "merge");
    let store = git_chant::store::Store::open(&repo.path).unwrap();
    let id = |s: &str| gix::ObjectId::from_hex(s.as_bytes()).unwrap();
    let range = git_chant::store::range::between(store.repo(), id(&m), Some(id(&y))).unwrap();
    assert_eq!(
        range,
        vec![id(&b), id(&m)],
        "b then the merge, nothing of y's history"
    );
}

/// Sets a file's modification time `secs` seconds into the past.
fn age(path: &std::path::Path, secs: u64) {
    let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
    file.set_modified(then).unwrap();
}

fn doctor_json(repo: &Repo, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut all = vec!["doctor", "--json"];
    all.extend_from_slice(args);
    let out = repo.chant_out(&all);
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

fn states<'a>(checks: &'a [serde_json::Value], area: &str) -> Vec<&'a str> {
    checks
        .iter()
        .filter(|c| c["area"] == area)
        .map(|c| c["state"].as_str().unwrap())
        .collect()
}

#[test]
fn a_lock_a_killed_writer_left_is_named_at_once_and_doctor_fix_removes_it() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    assert_eq!(
        doctor_json(&repo, &[]).0,
        Some(0),
        "a fresh repository is healthy"
    );
    let lock = repo.path.join(".git/refs/chant/specs.lock");
    std::fs::write(&lock, "").unwrap();
    // A young lock is a write under way: doctor leaves it alone.
    let (code, checks) = doctor_json(&repo, &["--fix"]);
    assert_eq!((code, states(&checks, "locks")), (Some(0), vec!["advice"]));
    assert!(lock.exists());
    age(&lock, 120);
    let started = std::time::Instant::now();
    let out = repo.chant_out(&["add", "Blocked"]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("specs.lock") && stderr.contains("git chant doctor --fix"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "said at once, not after 11 s of retries"
    );
    let (code, checks) = doctor_json(&repo, &[]);
    assert_eq!((code, states(&checks, "locks")), (Some(1), vec!["problem"]));
    let (code, checks) = doctor_json(&repo, &["--fix"]);
    assert_eq!((code, states(&checks, "locks")), (Some(0), vec!["fixed"]));
    assert!(!lock.exists());
    repo.chant(&["add", "Unblocked"]);
}

#[test]
fn doctor_fix_cleans_temp_files_sets_the_notes_config_prunes_worktrees_and_moves_strays() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.commit("base");
    let tmp = repo.path.join(".git/chant/.tmpXyZ12");
    std::fs::create_dir_all(tmp.parent().unwrap()).unwrap();
    std::fs::write(&tmp, "").unwrap();
    age(&tmp, 600);
    repo.git(&["config", "--unset", "notes.displayRef"]);
    let gone = repo.home().join("gone-worktree");
    repo.git(&["worktree", "add", "-q", gone.to_str().unwrap()]);
    std::fs::remove_dir_all(&gone).unwrap();
    let path = format!("specs/{}/stray.md", wrong_shard("stray"));
    repo.put_ledger_file(&path, "---\nstatus: pending\n---\n# Stray\n");

    let (code, checks) = doctor_json(&repo, &[]);
    assert_eq!(code, Some(1));
    for area in ["temp files", "notes config", "worktrees", "layout"] {
        assert_eq!(states(&checks, area), vec!["problem"], "{area}: {checks:?}");
    }
    let (code, checks) = doctor_json(&repo, &["--fix"]);
    assert_eq!(code, Some(0), "{checks:?}");
    for area in ["temp files", "notes config", "worktrees", "layout"] {
        assert_eq!(states(&checks, area), vec!["fixed"], "{area}: {checks:?}");
    }
    assert!(!tmp.exists());
    assert_eq!(
        repo.git(&["config", "notes.displayRef"]),
        "refs/notes/chant\n"
    );
    assert!(!repo.git(&["worktree", "list"]).contains("gone-worktree"));
    assert!(
        repo.list_json(&[]).iter().any(|s| s["id"] == "stray"),
        "the stray is a spec again"
    );
    repo.chant(&["lint"]);
    assert_eq!(doctor_json(&repo, &[]).0, Some(0), "nothing left to fix");
}

#[test]
fn a_commit_stamped_before_its_parents_does_not_make_old_history_new() {
    // root - a - b - h (a clock in 1980) - o (old); b - s; merge(o, s) (new).
    let repo = Repo::new();
    let tree = repo.git(&["hash-object", "-t", "tree", "-w", "/dev/null"]);
    let commit = |parents: &[&str], date: &str| {
        let mut args = vec!["commit-tree", tree.trim(), "-m", "c"];
        for p in parents {
            args.extend(["-p", p]);
        }
        let out = repo
            .git_cmd(&args)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let root = commit(&[], "1000000000 +0000");
    let a = commit(&[&root], "1000000100 +0000");
    let b = commit(&[&a], "1000000200 +0000");
    let h = commit(&[&b], "315532800 +0000");
    let o = commit(&[&h], "1000000300 +0000");
    let s = commit(&[&b], "1000000400 +0000");
    let n = commit(&[&o, &s], "1000000500 +0000");
    let store = git_chant::store::Store::open(&repo.path).unwrap();
    let id = |s: &str| gix::ObjectId::from_hex(s.as_bytes()).unwrap();
    let range = git_chant::store::range::between(store.repo(), id(&n), Some(id(&o))).unwrap();
    assert_eq!(
        range,
        vec![id(&s), id(&n)],
        "what git rev-list {n} ^{o} lists"
    );
}

#[test]
fn doctor_fix_moves_only_files_named_by_a_valid_id() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let odd = format!("specs/{}/Not An Id.md", wrong_shard("Not An Id"));
    repo.put_ledger_file(&odd, "---\nstatus: pending\n---\n# Odd\n");
    let (code, checks) = doctor_json(&repo, &["--fix"]);
    assert_eq!(
        (code, states(&checks, "layout")),
        (Some(1), vec!["problem"]),
        "{checks:?}"
    );
    let tree = repo.git(&["ls-tree", "-r", "--name-only", "refs/chant/specs"]);
    assert!(tree.contains(&odd), "left where it was: {tree}");
    assert!(repo.list_json(&[]).is_empty(), "and no spec: {tree}");
}
