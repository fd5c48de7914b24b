//! Landing under a careful user's and an attacker's eye: a checkout of the target in the
//! middle of a rebase, many landings into one checkout at once, uncommitted work beside
//! what a landing touches (in the user's checkout and in the spec's own worktree), a kept
//! branch landed again, members given out of order, a dependent rebased after its
//! dependency was rebased already, a target checked out twice, a commit on the branch
//! while it lands, and an ignored file differing only in case where the file system folds it.

use std::process::Output;

use crate::harness::{assert_fsck_clean, assert_success, Repo};
use crate::land::{setup, work};

fn commit_file(repo: &Repo, path: &str, text: &str) {
    let file = repo.path.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
    repo.git(&["add", path]);
    repo.git(&["commit", "-q", "-m", &format!("write {path}")]);
}

fn status(repo: &Repo, id: &str) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", id, "--json"])).unwrap();
    shown["status"].as_str().unwrap().to_owned()
}

fn tip(repo: &Repo, rev: &str) -> String {
    repo.git(&["rev-parse", rev]).trim().to_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(repo: &Repo, path: &str) -> String {
    std::fs::read_to_string(repo.path.join(path)).unwrap()
}

#[test]
fn a_rebase_of_main_in_progress_in_the_checkout_is_not_moved_under() {
    let repo = setup(&[("b1", &[])]);
    repo.commit("mine 1");
    repo.commit("mine 2");
    assert_success(&work(&repo, &[], &["b1"]));
    // The user rebases main and stops to edit a commit: HEAD is detached, main is the
    // branch git will move when the rebase ends (from where it started).
    let out = repo
        .git_cmd(&["rebase", "-q", "-i", "HEAD~1"])
        .env("GIT_SEQUENCE_EDITOR", "sed -i s/^pick/edit/")
        .output()
        .unwrap();
    assert_success(&out);
    let before = tip(&repo, "main");

    let out = repo.chant_out(&["merge", "b1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("main is being rebased in"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tip(&repo, "main"), before, "main did not move");
    assert_eq!(status(&repo, "b1"), "completed");
    assert!(!repo.git(&["branch", "--list", "chant/b1"]).is_empty());

    // Once the rebase is over, it lands.
    assert_success(&repo.git_cmd(&["rebase", "--continue"]).output().unwrap());
    assert_success(&repo.chant_out(&["merge", "b1"]));
    assert!(repo.path.join("work-b1.txt").exists());
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_fsck_clean(&repo);
}

#[test]
fn six_merge_processes_into_a_checked_out_main_all_land_and_leave_it_clean() {
    let ids = ["m1", "m2", "m3", "m4", "m5", "m6"];
    let specs: Vec<(&str, &[&str])> = ids.iter().map(|id| (*id, &[][..])).collect();
    let repo = setup(&specs);
    assert_success(&work(&repo, &[], &ids));
    let children: Vec<_> = ids
        .iter()
        .map(|id| repo.chant_cmd(&["merge", id]).spawn().unwrap())
        .collect();
    for child in children {
        assert_success(&child.wait_with_output().unwrap());
    }
    for id in ids {
        assert!(repo.path.join(format!("work-{id}.txt")).exists(), "{id}");
    }
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "",
        "index and files are main's"
    );
    assert!(repo.git(&["branch", "--list", "chant/*"]).is_empty());
    assert_fsck_clean(&repo);
}

#[test]
fn a_change_beside_what_the_landing_adds_in_a_folder_does_not_block_it() {
    let repo = setup(&[("f1", &[])]);
    commit_file(&repo, "src/a.rs", "a\n");
    assert_success(&work(&repo, &[("FAKE_AGENT_FILE", "src/new.rs")], &["f1"]));
    std::fs::write(repo.path.join("src/a.rs"), "a, edited\n").unwrap();
    std::fs::write(repo.path.join("src/scratch.rs"), "untracked\n").unwrap();

    let out = repo.chant_out(&["merge", "f1"]);
    assert_success(&out);
    assert_eq!(read(&repo, "src/new.rs"), "work for f1\n");
    assert_eq!(read(&repo, "src/a.rs"), "a, edited\n");
    assert_eq!(read(&repo, "src/scratch.rs"), "untracked\n");
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        " M src/a.rs\n?? src/scratch.rs\n"
    );
    assert_fsck_clean(&repo);
}

#[test]
fn uncommitted_work_in_the_specs_worktree_keeps_it_and_its_branch() {
    let repo = setup(&[("u1", &[]), ("u2", &[])]);
    assert_success(&work(&repo, &[], &["u1", "u2"]));
    let wt = repo.path.join(".git/chant/worktrees/u1");
    std::fs::write(wt.join("notes.txt"), "not committed\n").unwrap();
    std::fs::write(wt.join("work-u1.txt"), "edited after\n").unwrap();

    let out = repo.chant_out(&["merge", "u1"]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("kept: it has uncommitted changes"), "{said}");
    assert_eq!(
        std::fs::read_to_string(wt.join("notes.txt")).unwrap(),
        "not committed\n"
    );
    assert_eq!(
        std::fs::read_to_string(wt.join("work-u1.txt")).unwrap(),
        "edited after\n"
    );
    assert!(!repo.git(&["branch", "--list", "chant/u1"]).is_empty());
    assert_eq!(read(&repo, "work-u1.txt"), "work for u1\n", "main has it");
    let listed = repo.chant(&["worktrees"]);
    let line = listed.lines().find(|l| l.starts_with("u1 ")).unwrap();
    assert!(line.contains(" landed "), "{listed}");

    // Pruning keeps it too, and says so; a clean landed worktree goes.
    let wt2 = repo.path.join(".git/chant/worktrees/u2");
    assert_success(&repo.chant_out(&["merge", "u2", "--keep"]));
    let out = repo.chant_out(&["worktrees", "--prune"]);
    assert_success(&out);
    assert!(!wt2.exists());
    assert_eq!(
        std::fs::read_to_string(wt.join("notes.txt")).unwrap(),
        "not committed\n"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("u1: kept"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_fsck_clean(&repo);
}

#[test]
fn a_kept_branch_landed_again_is_already_there_not_a_conflict() {
    let repo = setup(&[("k1", &[])]);
    commit_file(&repo, "shared.txt", "base\n");
    let env = [("FAKE_AGENT_FILE", "shared.txt"), ("FAKE_AGENT_TEXT", "k1")];
    assert_success(&work(&repo, &env, &["k1"]));
    assert_success(&repo.chant_out(&["merge", "k1", "--squash", "--keep"]));
    commit_file(&repo, "shared.txt", "main moved on\n");
    let before = tip(&repo, "main");

    let out = repo.chant_out(&["merge", "k1"]);
    assert_success(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "k1: already in main\n"
    );
    assert_eq!(tip(&repo, "main"), before);
    assert_eq!(status(&repo, "k1"), "completed");
}

#[test]
fn members_land_in_member_order_with_another_spec_named_between_them() {
    let repo = setup(&[("drv.1", &[]), ("drv.2", &[]), ("other", &[])]);
    assert_success(&work(&repo, &[], &["drv.1", "drv.2", "other"]));
    let out = repo.chant_out(&["merge", "drv.2", "other", "drv.1"]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    let at = |id: &str| said.find(&format!("{id}: landed")).unwrap();
    assert!(at("drv.1") < at("drv.2"), "{said}");
    assert!(
        at("drv.2") < at("other"),
        "the group lands where it is first named: {said}"
    );
}

#[test]
fn a_dependent_rebased_after_its_rebased_dependency_drops_the_dependencys_commit() {
    let repo = setup(&[("c1", &[]), ("c3", &["c1"])]);
    commit_file(&repo, "f.txt", "base\n");
    let env = [("FAKE_AGENT_FILE", "f.txt"), ("FAKE_AGENT_TEXT", "c1")];
    assert_success(&work(&repo, &env, &["c1"]));
    // c3 starts from c1's unlanded branch, so it holds c1's commit.
    assert_success(&work(&repo, &[], &["c3"]));
    repo.commit("main moves on");
    assert_success(&repo.chant_out(&["merge", "c1", "--rebase"]));
    commit_file(&repo, "f.txt", "user\n");

    // git rebase drops c1's original commit (its change is in main already, rewritten);
    // replaying it would conflict with the user's later edit.
    let out = repo.chant_out(&["merge", "c3", "--rebase"]);
    assert_success(&out);
    assert_eq!(read(&repo, "f.txt"), "user\n");
    assert_eq!(read(&repo, "work-c3.txt"), "work for c3\n");
    assert_eq!(
        repo.git(&["log", "--format=%s", "-3", "main"]),
        "chant(c3): do the work\nwrite f.txt\nchant(c1): do the work\n"
    );
    assert_eq!(status(&repo, "c3"), "completed");
    assert_fsck_clean(&repo);
}

#[test]
fn a_target_checked_out_twice_is_refused_rather_than_one_checkout_left_behind() {
    let repo = setup(&[("t1", &[])]);
    assert_success(&work(&repo, &[], &["t1"]));
    let other = repo.home().join("second");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "--force",
        other.to_str().unwrap(),
        "main",
    ]);
    let before = tip(&repo, "main");

    let out = repo.chant_out(&["merge", "t1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("main is checked out in") && stderr(&out).contains("second"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tip(&repo, "main"), before);
    let in_other = repo.git(&["-C", other.to_str().unwrap(), "status", "--porcelain"]);
    assert_eq!(in_other, "", "the second checkout matches main");
    assert_eq!(status(&repo, "t1"), "completed");
}

#[test]
fn a_commit_on_the_branch_after_the_landing_was_computed_keeps_branch_and_worktree() {
    let repo = setup(&[("l1", &[])]);
    assert_success(&work(&repo, &[], &["l1"]));
    // The agent (or someone in its worktree) commits while the landing brings main's
    // checkout along: git runs post-merge there after main moved.
    let hook = repo.path.join(".git/hooks/post-merge");
    let mut text = std::fs::read_to_string(&hook).unwrap_or_else(|_| "#!/bin/sh\n".into());
    text.push_str(
        "\ngit -C .git/chant/worktrees/l1 commit -q --allow-empty --no-verify -m late || true\n",
    );
    std::fs::write(&hook, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();

    let out = repo.chant_out(&["merge", "l1"]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("kept: chant/l1 has commits made after it landed"),
        "{said}"
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s", "chant/l1"]).trim(),
        "late"
    );
    assert!(repo.path.join(".git/chant/worktrees/l1").exists());
    let listed = repo.chant(&["worktrees"]);
    assert!(
        listed.contains("not landed"),
        "the late commit is still to land: {listed}"
    );
}

#[test]
fn on_a_case_insensitive_checkout_an_ignored_file_differing_in_case_blocks_the_landing() {
    let repo = setup(&[("i1", &[])]);
    assert_success(&work(&repo, &[("FAKE_AGENT_FILE", "README.md")], &["i1"]));
    // What git sets where the file system folds case: there, README.md is readme.md.
    repo.git(&["config", "core.ignoreCase", "true"]);
    std::fs::write(repo.path.join(".git/info/exclude"), "readme.md\n").unwrap();
    std::fs::write(repo.path.join("readme.md"), "my ignored notes\n").unwrap();
    let before = tip(&repo, "main");

    let out = repo.chant_out(&["merge", "i1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("uncommitted changes in readme.md"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tip(&repo, "main"), before);
    assert_eq!(read(&repo, "readme.md"), "my ignored notes\n");
}

/// The spec's `target_branch:` is ledger data, written for people: a push naming another
/// branch there does not move that branch; the landing goes where the run recorded.
#[test]
fn a_target_branch_named_in_the_ledger_does_not_choose_where_work_lands() {
    let repo = setup(&[("t1", &[])]);
    repo.git(&["branch", "production"]);
    let production = repo.git(&["rev-parse", "production"]);
    assert_success(&work(&repo, &[], &["t1"]));
    repo.chant(&["set", "t1", "target_branch", "production"]);
    repo.chant(&["set", "t1", "branch", "production"]);
    assert_success(&repo.chant_out(&["merge", "t1"]));
    assert_eq!(repo.git(&["rev-parse", "production"]), production);
    assert!(repo
        .git(&["ls-tree", "--name-only", "main"])
        .contains("work-t1.txt"));
}
