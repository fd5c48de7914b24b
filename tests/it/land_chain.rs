//! Where runs start and how chains land: the README's six-phase `work --chain --merge`
//! (main holds every phase in order, the checkout never switched, an uncommitted change
//! kept), a spec with two unlanded dependencies starting from their merge, and
//! dependencies that conflict stopping the run before the agent starts.

use crate::fixtures;
use crate::harness::{assert_fsck_clean, assert_success, Repo};

fn agent() -> String {
    format!("sh {}", fixtures().join("agents/fake-agent.sh").display())
}

fn repo() -> Repo {
    let repo = Repo::new();
    std::fs::write(repo.path.join("README"), "mine\n").unwrap();
    repo.git(&["add", "README"]);
    repo.git(&["commit", "-q", "-m", "initial"]);
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    repo
}

fn status(repo: &Repo, id: &str) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", id, "--json"])).unwrap();
    shown["status"].as_str().unwrap().to_owned()
}

#[test]
fn the_readmes_six_phase_chain_ends_with_every_phase_on_main() {
    let repo = repo();
    let mut prev: Option<String> = None;
    for n in 1..=6 {
        let id = format!("phase{n}");
        let title = format!("Phase {n}");
        let mut args = vec!["add", title.as_str(), "--id", id.as_str()];
        if let Some(p) = &prev {
            args.extend(["--depends-on", p.as_str()]);
        }
        repo.chant(&args);
        prev = Some(id);
    }
    // An uncommitted change no phase touches, and an untracked file.
    std::fs::write(repo.path.join("README"), "mine, edited\n").unwrap();
    std::fs::write(repo.path.join("scratch.txt"), "untracked\n").unwrap();

    let out = repo
        .chant_cmd(&["work", "--chain", "--merge", "--agent", &agent()])
        .output()
        .unwrap();
    assert_success(&out);
    let subjects = repo.git(&["log", "--format=%s", "main"]);
    let expected: Vec<String> = (1..=6)
        .rev()
        .map(|n| format!("chant(phase{n}): do the work"))
        .chain(["initial".to_owned()])
        .collect();
    assert_eq!(subjects.lines().collect::<Vec<_>>(), expected);
    assert_eq!(
        repo.git(&["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
    assert_eq!(
        std::fs::read_to_string(repo.path.join("README")).unwrap(),
        "mine, edited\n"
    );
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        " M README\n?? scratch.txt\n"
    );
    for n in 1..=6 {
        assert!(repo.path.join(format!("work-phase{n}.txt")).exists());
        assert_eq!(status(&repo, &format!("phase{n}")), "completed");
    }
    assert!(repo.git(&["branch", "--list", "chant/*"]).is_empty());
    assert_fsck_clean(&repo);
}

#[test]
fn two_unlanded_dependencies_are_merged_into_the_start_and_a_conflict_stops_it() {
    let repo = repo();
    repo.chant(&["add", "A", "--id", "a"]);
    repo.chant(&["add", "B", "--id", "b"]);
    repo.chant(&[
        "add",
        "C",
        "--id",
        "c",
        "--depends-on",
        "a",
        "--depends-on",
        "b",
    ]);
    let agent = agent();
    assert_success(&repo.chant_out(&["work", "a", "b", "--agent", &agent]));
    assert_success(&repo.chant_out(&["work", "c", "--agent", &agent]));
    let tree = repo.git(&["ls-tree", "--name-only", "chant/c"]);
    assert!(
        tree.contains("work-a.txt") && tree.contains("work-b.txt") && tree.contains("work-c.txt"),
        "{tree}"
    );
    let parents = repo.git(&["log", "-1", "--format=%P", "chant/c~1"]);
    assert_eq!(
        parents.split_whitespace().count(),
        2,
        "c starts from a merge of a and b"
    );

    // x and y both write shared.txt differently: z cannot start from both.
    repo.chant(&["add", "X", "--id", "x"]);
    repo.chant(&["add", "Y", "--id", "y"]);
    repo.chant(&[
        "add",
        "Z",
        "--id",
        "z",
        "--depends-on",
        "x",
        "--depends-on",
        "y",
    ]);
    for id in ["x", "y"] {
        let out = repo
            .chant_cmd(&["work", id, "--agent", &agent])
            .env("FAKE_AGENT_FILE", "shared.txt")
            .env("FAKE_AGENT_TEXT", id)
            .output()
            .unwrap();
        assert_success(&out);
    }
    let out = repo.chant_out(&["work", "z", "--agent", &agent]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("z: its dependencies' branches conflict in shared.txt"),
        "{err}"
    );
    assert_eq!(status(&repo, "z"), "pending", "nothing started");
    assert!(!repo.path.join(".git/chant/worktrees/z").exists());
    assert!(repo.git(&["branch", "--list", "chant/z"]).is_empty());
}
