//! Races between real processes: concurrent adds, concurrent note appends, and writers
//! killed with SIGKILL. Nothing may be lost, duplicated or half-applied.

use std::collections::HashSet;

use crate::harness::{assert_fsck_clean, Repo};

#[test]
fn eight_processes_adding_25_specs_each_lose_nothing() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    std::thread::scope(|scope| {
        for worker in 0..8 {
            let repo = &repo;
            scope.spawn(move || {
                for n in 0..25 {
                    let title = format!("worker {worker} spec {n}");
                    let out = repo.chant_out(&["add", &title]);
                    crate::harness::assert_success(&out);
                }
            });
        }
    });
    let list = repo.list_json(&[]);
    assert_eq!(list.len(), 200, "every add landed");
    let ids: HashSet<&str> = list.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 200, "ids are unique");
    let titles: HashSet<&str> = list.iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 200, "no spec overwrote another");
    let commits = repo.git(&["rev-list", "--count", "refs/chant/specs"]);
    assert_eq!(commits.trim(), "201", "one commit per operation");
    assert_fsck_clean(&repo);
}

#[test]
fn eight_processes_appending_events_to_one_commit_lose_nothing() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let commit = repo.commit("work");
    std::thread::scope(|scope| {
        for worker in 0..8 {
            let (repo, commit) = (&repo, &commit);
            scope.spawn(move || {
                for n in 0..10 {
                    let event = format!("event-{worker}-{n}");
                    let out = repo.chant_out(&["event", commit, "spec-a", &event]);
                    crate::harness::assert_success(&out);
                }
            });
        }
    });
    let note = repo.git(&["notes", "--ref=chant", "show", &commit]);
    for worker in 0..8 {
        for n in 0..10 {
            assert!(
                note.contains(&format!(" spec-a event-{worker}-{n}\n")),
                "event-{worker}-{n} lost"
            );
        }
    }
    assert_eq!(note.lines().count(), 80);
}

#[test]
fn a_writer_killed_at_any_point_leaves_a_consistent_ledger() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    for round in 0..12u64 {
        let mut child = repo
            .chant_cmd(&["add", &format!("round {round}")])
            .spawn()
            .unwrap();
        // Spread the kills over the life of the process (it lives a few milliseconds).
        std::thread::sleep(std::time::Duration::from_micros(round * 700));
        let _ = child.kill();
        let _ = child.wait();
    }
    // Whatever landed is whole: the ref points at a commit whose tree lists exactly one
    // spec per `add` commit, each of which parses.
    let adds = repo.git(&["log", "--format=%s", "refs/chant/specs"]);
    let adds = adds
        .lines()
        .filter(|s| s.starts_with("chant: add "))
        .count();
    let list = repo.list_json(&[]);
    assert_eq!(list.len(), adds);
    for spec in &list {
        let id = spec["id"].as_str().unwrap();
        repo.chant(&["show", id]);
    }
    assert_fsck_clean(&repo);
    // And the ledger still takes writes: no stale lock was left behind.
    repo.chant(&["add", "after the kills"]);
}

#[test]
fn a_ledger_that_stays_locked_is_a_clear_conflict_and_writes_nothing() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let tip = repo.git(&["rev-parse", "refs/chant/specs"]);
    // A lock left by a crashed writer (or held by a very slow one).
    let lock = repo.path.join(".git/refs/chant/specs.lock");
    std::fs::write(&lock, "").unwrap();
    let out = repo
        .chant_cmd(&["add", "Blocked"])
        .env("GIT_CONFIG_PARAMETERS", "'core.filesRefLockTimeout'='0'")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gave up after") && stderr.contains("specs.lock"),
        "{stderr}"
    );
    assert_eq!(repo.git(&["rev-parse", "refs/chant/specs"]), tip);
    std::fs::remove_file(lock).unwrap();
    repo.chant(&["add", "Now it lands"]);
}
