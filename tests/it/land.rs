//! Landing agent work (`git chant merge`, `work --merge`) with the fake agent: dependents
//! start from their dependencies' branches, branches land in dependency order, a clean
//! checkout of the target is brought along and a dirty one refused without losing a byte,
//! conflicts leave the target alone, and every strategy keeps `commits:` and the notes.

use std::process::Output;

use crate::fixtures;
use crate::harness::{assert_fsck_clean, assert_success, Repo};

fn agent() -> String {
    format!("sh {}", fixtures().join("agents/fake-agent.sh").display())
}

/// A repository on `main` with a commit, hooks installed, and specs `(id, deps)`.
pub(crate) fn setup(specs: &[(&str, &[&str])]) -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    for (id, deps) in specs {
        let mut args = vec!["add", id, "--id", id];
        for d in *deps {
            args.extend(["--depends-on", d]);
        }
        repo.chant(&args);
    }
    repo
}

/// `work` with the fake agent (mode `complete` unless `env` says otherwise).
pub(crate) fn work(repo: &Repo, env: &[(&str, &str)], args: &[&str]) -> Output {
    let agent = agent();
    let mut all = vec!["work", "--agent", agent.as_str()];
    all.extend_from_slice(args);
    let mut cmd = repo.chant_cmd(&all);
    cmd.env("FAKE_AGENT_MODE", "complete");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn show(repo: &Repo, id: &str) -> serde_json::Value {
    serde_json::from_str(&repo.chant(&["show", id, "--json"])).unwrap()
}

fn files_at(repo: &Repo, rev: &str) -> Vec<String> {
    repo.git(&["ls-tree", "--name-only", rev])
        .lines()
        .map(str::to_owned)
        .collect()
}

fn head_branch(repo: &Repo) -> String {
    repo.git(&["symbolic-ref", "HEAD"]).trim().to_owned()
}

fn tip(repo: &Repo, rev: &str) -> String {
    repo.git(&["rev-parse", rev]).trim().to_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_chain_builds_on_its_dependencies_and_lands_in_order_into_the_checkout() {
    let repo = setup(&[("c1", &[]), ("c2", &["c1"]), ("c3", &["c2"])]);
    assert_success(&work(&repo, &[], &["--chain"]));
    let wt = |id: &str| repo.path.join(format!(".git/chant/worktrees/{id}"));
    assert!(
        wt("c2").join("work-c1.txt").exists(),
        "c2 starts from c1's work"
    );
    assert!(wt("c3").join("work-c1.txt").exists() && wt("c3").join("work-c2.txt").exists());
    assert_eq!(show(&repo, "c3")["frontmatter"]["branch"], "chant/c3");
    assert_eq!(show(&repo, "c3")["frontmatter"]["target_branch"], "main");
    let listed = repo.chant(&["worktrees"]);
    assert!(
        listed.contains("chant/c2") && listed.contains("not landed"),
        "{listed}"
    );

    let out = repo.chant_out(&["merge", "--all-completed"]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    let order: Vec<usize> = ["c1:", "c2:", "c3:"]
        .iter()
        .map(|id| said.find(id).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{said}");
    assert_eq!(head_branch(&repo), "refs/heads/main", "HEAD stays on main");
    for f in ["work-c1.txt", "work-c2.txt", "work-c3.txt"] {
        assert!(repo.path.join(f).exists(), "{f} is in the checkout");
    }
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "",
        "index and files match main"
    );
    let subjects = repo.git(&["log", "--format=%s", "main"]);
    assert!(subjects.starts_with("chant(c3)"), "{subjects}");
    assert!(!wt("c1").exists() && repo.git(&["branch", "--list", "chant/*"]).is_empty());
    let events = repo.git(&["notes", "--ref=chant", "show", "main"]);
    assert!(events.contains(" c3 landed into=main"), "{events}");
    assert_eq!(
        repo.chant(&["merge", "--all-completed"]),
        "nothing to land: no completed spec has an unlanded branch\n"
    );
    assert_fsck_clean(&repo);
}

#[test]
fn a_dirty_checkout_is_refused_and_keeps_every_byte() {
    let repo = setup(&[("d1", &[])]);
    std::fs::write(repo.path.join("shared.txt"), "base\n").unwrap();
    repo.git(&["add", "shared.txt"]);
    repo.git(&["commit", "-q", "-m", "shared"]);
    let env = [
        ("FAKE_AGENT_FILE", "shared.txt"),
        ("FAKE_AGENT_TEXT", "agent"),
    ];
    assert_success(&work(&repo, &env, &["d1"]));
    let before = tip(&repo, "main");
    std::fs::write(repo.path.join("shared.txt"), "mine, not committed\n").unwrap();
    std::fs::write(repo.path.join("notes.txt"), "untracked\n").unwrap();

    let out = repo.chant_out(&["merge", "d1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("uncommitted changes in shared.txt") && !err.contains("notes.txt"),
        "{err}"
    );
    assert_eq!(tip(&repo, "main"), before, "main did not move");
    assert_eq!(
        std::fs::read_to_string(repo.path.join("shared.txt")).unwrap(),
        "mine, not committed\n"
    );
    assert_eq!(
        std::fs::read_to_string(repo.path.join("notes.txt")).unwrap(),
        "untracked\n"
    );
    assert_eq!(show(&repo, "d1")["status"], "completed");

    // An untracked file where the landing would put one is in the way too.
    repo.git(&["checkout", "-q", "shared.txt"]);
    let env = [("FAKE_AGENT_FILE", "new.txt")];
    repo.chant(&["add", "D2", "--id", "d2"]);
    assert_success(&work(&repo, &env, &["d2"]));
    std::fs::write(repo.path.join("new.txt"), "my own new.txt\n").unwrap();
    let out = repo.chant_out(&["merge", "d2"]);
    assert!(
        stderr(&out).contains("uncommitted changes in new.txt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(repo.path.join("new.txt")).unwrap(),
        "my own new.txt\n"
    );

    // Changes elsewhere do not block, and stay.
    std::fs::remove_file(repo.path.join("new.txt")).unwrap();
    assert_success(&repo.chant_out(&["merge", "d1", "d2"]));
    assert_eq!(
        std::fs::read_to_string(repo.path.join("shared.txt")).unwrap(),
        "agent\n"
    );
    assert_eq!(
        std::fs::read_to_string(repo.path.join("notes.txt")).unwrap(),
        "untracked\n"
    );
    assert_eq!(head_branch(&repo), "refs/heads/main");
    assert_fsck_clean(&repo);
}

#[test]
fn a_user_on_another_branch_is_untouched_while_main_moves() {
    let repo = setup(&[("o1", &[])]);
    assert_success(&work(&repo, &[], &["o1"]));
    repo.git(&["checkout", "-q", "-b", "feature"]);
    std::fs::write(repo.path.join("wip.txt"), "wip\n").unwrap();
    let main_before = tip(&repo, "main");
    let out = repo.chant_out(&["merge", "o1"]);
    assert_success(&out);
    assert_eq!(head_branch(&repo), "refs/heads/feature");
    assert!(
        !repo.path.join("work-o1.txt").exists(),
        "the feature checkout is as it was"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "?? wip.txt\n");
    assert_eq!(repo.git(&["rev-parse", "main~1"]).trim(), main_before);
    assert!(files_at(&repo, "main").contains(&"work-o1.txt".to_owned()));
    assert_fsck_clean(&repo);
}

#[test]
fn a_conflict_leaves_main_alone_and_resolve_lands_it() {
    let repo = setup(&[("k1", &[])]);
    std::fs::write(repo.path.join("shared.txt"), "base\n").unwrap();
    repo.git(&["add", "shared.txt"]);
    repo.git(&["commit", "-q", "-m", "shared"]);
    let env = [
        ("FAKE_AGENT_FILE", "shared.txt"),
        ("FAKE_AGENT_TEXT", "agent"),
    ];
    assert_success(&work(&repo, &env, &["k1"]));
    std::fs::write(repo.path.join("shared.txt"), "main moved\n").unwrap();
    repo.git(&["commit", "-q", "-am", "main changes shared"]);
    let before = tip(&repo, "main");

    let out = repo.chant_out(&["merge", "k1"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("conflicts with main in shared.txt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tip(&repo, "main"), before);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    let k1 = show(&repo, "k1");
    assert_eq!(k1["status"], "needs_attention");
    assert_eq!(
        k1["frontmatter"]["conflicting_files"],
        serde_json::json!(["shared.txt"])
    );

    let agent = agent();
    let out = repo
        .chant_cmd(&["merge", "k1", "--resolve", "--agent", &agent])
        .env("FAKE_AGENT_MODE", "resolve")
        .output()
        .unwrap();
    assert_success(&out);
    assert_eq!(
        std::fs::read_to_string(repo.path.join("shared.txt")).unwrap(),
        "resolved shared.txt\n"
    );
    let k1 = show(&repo, "k1");
    assert_eq!(k1["status"], "completed");
    assert!(k1["frontmatter"].get("conflicting_files").is_none(), "{k1}");
    // The agent's commit and its resolution (main merged into chant/k1), fast-forwarded.
    assert_eq!(
        repo.git(&["rev-list", "--count", &format!("{before}..main")])
            .trim(),
        "2"
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s", "main"]).trim(),
        "Merge main into chant/k1"
    );
    let note = repo.git(&["notes", "--ref=chant-output", "show", "main"]);
    assert!(note.contains("fake agent: resolved the merge"), "{note}");
    assert_fsck_clean(&repo);
}

#[test]
fn rebase_and_squash_keep_commits_and_notes() {
    let repo = setup(&[("r1", &[]), ("q1", &[])]);
    assert_success(&work(&repo, &[], &["r1", "q1"]));
    let old_r1 = tip(&repo, "chant/r1");
    let old_q1 = tip(&repo, "chant/q1");
    // main moves on, so neither lands as a fast-forward.
    repo.commit("main moves on");

    assert_success(&repo.chant_out(&["merge", "r1", "--rebase"]));
    let new_r1 = tip(&repo, "main");
    assert_ne!(new_r1, old_r1);
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s%n%an", "main"]),
        "chant(r1): do the work\nTest User\n"
    );
    assert_eq!(
        show(&repo, "r1")["frontmatter"]["commits"],
        serde_json::json!([new_r1])
    );
    let note = repo.git(&["notes", "--ref=chant-output", "show", &new_r1]);
    assert!(
        note.starts_with("---\nspec: r1\n"),
        "the transcript followed: {note}"
    );
    assert_eq!(
        repo.git(&["rev-list", "--merges", "--count", "main"])
            .trim(),
        "0"
    );

    assert_success(&repo.chant_out(&["merge", "q1", "--squash"]));
    let squashed = tip(&repo, "main");
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s", "main"]).trim(),
        "chant(q1): q1"
    );
    assert_eq!(
        repo.git(&["rev-parse", "main^"]).trim(),
        new_r1,
        "one commit on top"
    );
    assert_eq!(
        show(&repo, "q1")["frontmatter"]["commits"],
        serde_json::json!([squashed])
    );
    let note = repo.git(&["notes", "--ref=chant-output", "show", &squashed]);
    assert!(note.starts_with("---\nspec: q1\n"), "{note}");
    assert!(repo
        .git(&["notes", "--ref=chant", "show", &squashed])
        .contains(" q1 landed "));
    assert!(!old_q1.is_empty());
    assert_fsck_clean(&repo);
}

#[test]
fn two_merge_processes_landing_different_specs_both_land() {
    let repo = setup(&[("p1", &[]), ("p2", &[])]);
    assert_success(&work(&repo, &[], &["p1", "p2"]));
    let children: Vec<_> = ["p1", "p2"]
        .iter()
        .map(|id| {
            repo.chant_cmd(&["merge", id])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        assert_success(&child.wait_with_output().unwrap());
    }
    let files = files_at(&repo, "main");
    assert!(
        files.contains(&"work-p1.txt".to_owned()) && files.contains(&"work-p2.txt".to_owned()),
        "{files:?}"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(head_branch(&repo), "refs/heads/main");
    assert_fsck_clean(&repo);
}

#[test]
fn work_in_parallel_with_merge_lands_four_specs() {
    let repo = setup(&[("w1", &[]), ("w2", &[]), ("w3", &[]), ("w4", &[])]);
    let out = work(&repo, &[], &["--parallel", "4", "--merge", "--all"]);
    assert_success(&out);
    let files = files_at(&repo, "main");
    for i in 1..=4 {
        assert!(files.contains(&format!("work-w{i}.txt")), "{files:?}");
        assert!(repo.path.join(format!("work-w{i}.txt")).exists());
    }
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert!(repo.git(&["branch", "--list", "chant/*"]).is_empty());
    assert_fsck_clean(&repo);
}

#[test]
fn what_cannot_land_says_why() {
    let repo = setup(&[("g1", &[]), ("pending1", &[])]);
    assert_success(&work(&repo, &[], &["g1"]));
    repo.git(&["worktree", "remove", "--force", ".git/chant/worktrees/g1"]);
    repo.git(&["branch", "-D", "chant/g1"]);
    let out = repo.chant_out(&["merge", "g1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("g1 has no branch chant/g1 to land"),
        "{}",
        stderr(&out)
    );
    let out = repo.chant_out(&["merge", "pending1"]);
    assert!(
        stderr(&out).contains("pending1 is pending, not completed"),
        "{}",
        stderr(&out)
    );
    let out = repo.chant_out(&["merge", "nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nosuch"), "{}", stderr(&out));
    let out = repo.chant_out(&["merge", "refs/chant/specs"]);
    assert!(
        stderr(&out).contains("git chant sync --from refs/chant/specs"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_checkout_a_git_command_holds_is_reported_busy_not_moving() {
    let repo = setup(&[("b1", &[])]);
    assert_success(&work(&repo, &[], &["b1"]));
    let before = tip(&repo, "main");
    let lock = repo.path.join(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    let out = repo.chant_out(&["merge", "b1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kept the checkout"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tip(&repo, "main"), before);
    std::fs::remove_file(&lock).unwrap();
    assert_success(&repo.chant_out(&["merge", "b1"]));
    assert!(repo.path.join("work-b1.txt").exists());
}
