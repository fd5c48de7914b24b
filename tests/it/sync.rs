//! Sharing the ledger between real clones of a real bare repository: overlapping changes
//! synced in every order converge to identical ledgers and notes, with exactly the
//! recorded conflicts; a stress run of random operations loses no one-sided change.

use crate::harness::{assert_fsck_clean, Repo};

/// A bare server holding a ledger (s1 in progress with three criteria, s2 pending) and a
/// code commit with a note, and `n` clones that have synced it.
fn setup(n: usize) -> (Repo, Vec<Repo>, String) {
    let origin = Repo::new();
    origin.chant(&["init"]);
    let body = origin.home().join("s1.md");
    std::fs::write(
        &body,
        "# Shared one\n\n## Acceptance Criteria\n\n- [ ] one\n- [ ] two\n- [ ] three\n",
    )
    .unwrap();
    origin.chant(&[
        "add",
        "Shared one",
        "--id",
        "s1",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    origin.chant(&["add", "Shared two", "--id", "s2"]);
    origin.chant(&["start", "s1"]);
    let commit = origin.commit("code");
    origin.chant(&["event", &commit, "s1", "commit"]);
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    origin.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    origin.git(&["push", "-q", "origin", "main"]);
    origin.chant(&["push"]);
    let clones = (0..n)
        .map(|_| {
            let clone = Repo::new();
            clone.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
            clone.git(&["fetch", "-q", "origin"]);
            clone.git(&["checkout", "-q", "-b", "main", "origin/main"]);
            clone.chant(&["sync"]);
            clone.chant(&["init"]);
            clone
        })
        .collect();
    (server, clones, commit)
}

fn tips(repo: &Repo) -> String {
    repo.git(&[
        "rev-parse",
        "refs/chant/specs^{tree}",
        "refs/notes/chant^{tree}",
    ])
}

fn show(repo: &Repo, id: &str) -> serde_json::Value {
    serde_json::from_str(&repo.chant(&["show", id, "--json"])).unwrap()
}

#[test]
fn three_clones_converge_in_every_order() {
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    for order in orders {
        let (_server, clones, commit) = setup(3);
        let (a, b, c) = (&clones[0], &clones[1], &clones[2]);
        a.chant(&["check", "s1", "1", "2", "3"]);
        a.chant(&["done", "s1"]);
        a.chant(&["set", "s1", "model", "opus"]);
        a.chant(&["add", "From A", "--id", "a-new"]);
        a.chant(&["event", &commit, "s1", "note-from-a"]);
        b.chant(&["set", "s1", "labels", "--add", "urgent"]);
        b.chant(&["check", "s1", "3"]);
        b.chant(&["set", "s1", "model", "sonnet"]);
        b.chant(&["add", "From B", "--id", "b-new"]);
        b.chant(&["event", &commit, "s1", "note-from-b"]);
        c.chant(&["cancel", "s2"]);
        for round in 0..2 {
            for &i in &order {
                let out = clones[i].chant_out(&["sync"]);
                assert!(
                    out.status.success(),
                    "order {order:?} round {round}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        let first = tips(&clones[0]);
        for clone in &clones {
            assert_eq!(
                tips(clone),
                first,
                "order {order:?}: identical ledgers and notes"
            );
            assert_fsck_clean(clone);
        }
        let s1 = show(a, "s1");
        assert_eq!(s1["status"], "completed", "order {order:?}");
        assert_eq!(s1["frontmatter"]["labels"], serde_json::json!(["urgent"]));
        assert_eq!(s1["criteria"]["checked"], 3);
        assert_eq!(show(a, "s2")["status"], "cancelled");
        assert_eq!(show(a, "a-new")["title"], "From A");
        assert_eq!(show(a, "b-new")["title"], "From B");
        let note = a.git(&["notes", "--ref=chant", "show", &commit]);
        assert!(
            note.contains(" s1 note-from-a\n")
                && note.contains(" s1 note-from-b\n")
                && note.contains(" s1 commit\n"),
            "{note}"
        );
        for clone in &clones {
            let conflicts: Vec<serde_json::Value> =
                serde_json::from_str(&clone.chant(&["conflicts", "--json"])).unwrap();
            assert_eq!(
                conflicts.len(),
                1,
                "order {order:?}: exactly the model conflict: {conflicts:?}"
            );
            assert_eq!(
                (
                    conflicts[0]["spec"].as_str(),
                    conflicts[0]["field"].as_str()
                ),
                (Some("s1"), Some("model"))
            );
            assert_eq!(
                (conflicts[0]["kept"].as_str(), conflicts[0]["lost"].as_str()),
                (Some("sonnet"), Some("opus"))
            );
        }
        assert_eq!(s1["frontmatter"]["model"], "sonnet");
    }
}

#[test]
fn resolving_a_conflict_with_set_removes_it_from_the_list() {
    let (_server, clones, _) = setup(2);
    clones[0].chant(&["set", "s2", "model", "opus"]);
    clones[1].chant(&["set", "s2", "model", "haiku"]);
    clones[0].chant(&["sync"]);
    clones[1].chant(&["sync"]);
    assert!(clones[1]
        .chant(&["conflicts"])
        .contains("s2 model: kept \"opus\"; lost \"haiku\""));
    clones[1].chant(&["set", "s2", "model", "haiku"]);
    assert_eq!(clones[1].chant(&["conflicts"]), "no unresolved conflicts\n");
}

/// Rewrites criterion `one` of s1 to `text` through `edit`, as a user would.
fn rewrite_criterion(clone: &Repo, text: &str) {
    let out = clone
        .chant_cmd(&["edit", "s1"])
        .env(
            "GIT_EDITOR",
            format!("sed -i 's/- \\[ \\] one/- [ ] {text}/'"),
        )
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
}

#[test]
fn a_body_line_both_clones_rewrote_keeps_the_text_that_sorts_last_in_either_order() {
    for (first, second) in [("aaa", "zzz"), ("zzz", "aaa")] {
        let (_server, clones, _) = setup(2);
        rewrite_criterion(&clones[0], first);
        rewrite_criterion(&clones[1], second);
        clones[0].chant(&["sync"]);
        let said = clones[1].chant(&["sync"]);
        clones[0].chant(&["sync"]);
        for clone in &clones {
            let body = show(clone, "s1")["body"].as_str().unwrap().to_owned();
            assert!(body.contains("- [ ] zzz\n"), "{first} synced first: {body}");
            assert!(!body.contains("aaa"), "{first} synced first: {body}");
            let conflicts: Vec<serde_json::Value> =
                serde_json::from_str(&clone.chant(&["conflicts", "--json"])).unwrap();
            assert_eq!(conflicts.len(), 1, "{conflicts:?}");
            assert_eq!(conflicts[0]["kept"], "- [ ] zzz\n", "{first} synced first");
            assert_eq!(conflicts[0]["lost"], "- [ ] aaa\n", "{first} synced first");
        }
        assert!(said.contains("kept \"- [ ] zzz"), "{said}");
    }
}

#[test]
fn push_without_sync_is_refused_with_advice() {
    let (_server, clones, _) = setup(2);
    clones[0].chant(&["add", "One", "--id", "x-1"]);
    clones[0].chant(&["push"]);
    clones[1].chant(&["add", "Two", "--id", "x-2"]);
    let out = clones[1].chant_out(&["push"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("git chant sync origin"));
    clones[1].chant(&["sync"]);
    assert_eq!(clones[1].list_json(&[]).len(), 4);
}

#[test]
fn init_remote_makes_plain_git_fetch_bring_the_ledger() {
    let (_server, clones, _) = setup(2);
    clones[0].chant(&["add", "Later", "--id", "later"]);
    clones[0].chant(&["push"]);
    clones[1].chant(&["init", "--remote", "origin"]);
    clones[1].git(&["fetch", "-q", "origin"]);
    let theirs = clones[1].git(&["rev-parse", "refs/remotes/origin/chant/specs"]);
    assert_eq!(theirs, clones[0].git(&["rev-parse", "refs/chant/specs"]));
    assert!(clones[1]
        .git_cmd(&[
            "rev-parse",
            "--verify",
            "-q",
            "refs/notes/remotes/origin/chant"
        ])
        .output()
        .unwrap()
        .status
        .success());
    clones[1].chant(&["sync", "--from", "origin/chant/specs"]);
    assert!(clones[1].chant(&["show", "later"]).contains("# Later"));
}

/// A small deterministic generator for the stress run.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn four_clones_with_random_operations_lose_nothing() {
    let (_server, clones, _) = setup(4);
    let mut rng = Lcg(7);
    let mut labels: Vec<String> = Vec::new();
    let mut own: Vec<(String, usize, bool)> = Vec::new(); // (id, ticks, started)
    for step in 0..200 {
        let i = rng.below(4) as usize;
        let clone = &clones[i];
        match rng.below(5) {
            0 => {
                let id = format!("c{i}-{step}");
                clone.chant(&["add", "Own", "--id", &id]);
                own.push((id, 0, false));
            }
            1 => {
                let label = format!("l{i}-{step}");
                clone.chant(&["set", "s1", "labels", "--add", &label]);
                labels.push(label);
            }
            2 | 3 => {
                // Change a spec this clone created (a one-sided change for the others).
                let mine: Vec<usize> = (0..own.len())
                    .filter(|k| own[*k].0.starts_with(&format!("c{i}-")))
                    .collect();
                if let Some(&k) = mine.get(rng.below(mine.len().max(1) as u64) as usize) {
                    if own[k].2 {
                        if own[k].1 == 0 {
                            clone.chant(&["check", &own[k].0, "1"]);
                            own[k].1 = 1;
                        }
                    } else {
                        clone.chant(&["start", &own[k].0]);
                        own[k].2 = true;
                    }
                }
            }
            _ => {
                let out = clone.chant_out(&["sync"]);
                crate::harness::assert_success(&out);
            }
        }
    }
    for _ in 0..2 {
        for clone in &clones {
            clone.chant(&["sync"]);
        }
    }
    let first = tips(&clones[0]);
    for clone in &clones {
        assert_eq!(tips(clone), first, "identical ledgers and notes");
    }
    let s1 = show(&clones[0], "s1");
    let have: Vec<&str> = s1["frontmatter"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for label in &labels {
        assert!(have.contains(&label.as_str()), "label {label} lost");
    }
    let list = clones[0].list_json(&["--all"]);
    for (id, ticks, started) in &own {
        let spec = list
            .iter()
            .find(|s| s["id"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} lost"));
        assert_eq!(spec["criteria"]["checked"], *ticks as u64, "{id}");
        assert_eq!(
            spec["status"],
            if *started { "in_progress" } else { "pending" },
            "{id}"
        );
    }
    assert_fsck_clean(&clones[0]);
}

#[test]
fn two_clones_adding_and_syncing_at_once_never_fail() {
    let (server, clones, _) = setup(2);
    std::thread::scope(|scope| {
        for (n, clone) in clones.iter().enumerate() {
            scope.spawn(move || {
                for k in 0..10 {
                    clone.chant(&[
                        "add",
                        &format!("Clone {n} spec {k}"),
                        "--id",
                        &format!("c{n}-{k}"),
                    ]);
                    let out = clone.chant_out(&["sync"]);
                    assert!(
                        out.status.success(),
                        "clone {n} sync {k} lost a race it should have retried: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
    });
    let on_server = server.git(&["ls-tree", "-r", "--name-only", "refs/chant/specs"]);
    for n in 0..2 {
        for k in 0..10 {
            assert!(
                on_server.contains(&format!("c{n}-{k}.md")),
                "c{n}-{k} on the server"
            );
        }
    }
}

/// The merge takes a spec only the remote changed as the remote has it (even a move to the
/// archive: two paths for one spec), keeps what only this clone changed, and merges a spec
/// both changed field by field.
#[test]
fn one_sided_changes_and_moves_merge_as_they_are() {
    let (_server, clones, _commit) = setup(2);
    let (a, b) = (&clones[0], &clones[1]);
    b.chant(&["add", "Bob's", "--id", "b-own"]);
    b.chant(&["sync"]);
    a.chant(&["sync"]);
    a.chant(&["cancel", "s2"]);
    a.chant(&["archive", "s2"]);
    a.chant(&["add", "Alice's", "--id", "a-own"]);
    a.chant(&["check", "s1", "1"]);
    a.chant(&["sync"]);
    b.chant(&["set", "b-own", "labels", "--add", "mine"]);
    b.chant(&["set", "s1", "model", "opus"]);
    let out = b.chant_out(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    a.chant(&["sync"]);
    assert_eq!(tips(a), tips(b), "identical ledgers and notes");
    assert_fsck_clean(b);
    let paths = b.git(&["ls-tree", "-r", "--name-only", "refs/chant/specs"]);
    let s2: Vec<&str> = paths.lines().filter(|p| p.ends_with("/s2.md")).collect();
    assert!(
        s2.len() == 1 && s2[0].starts_with("archive/"),
        "s2 only in the archive: {s2:?}"
    );
    assert_eq!(show(b, "s2")["status"], "cancelled");
    assert_eq!(show(b, "a-own")["title"], "Alice's");
    let s1 = show(b, "s1");
    assert_eq!(s1["criteria"]["checked"], 1);
    assert_eq!(s1["frontmatter"]["model"], "opus");
    let own = show(b, "b-own");
    assert_eq!(own["frontmatter"]["labels"], serde_json::json!(["mine"]));
}
