//! Upstream compatibility: a `.chant/` tree of every kind of spec imports, exports back byte
//! for byte, imports twice without change, and history gets its notes.

use std::path::Path;

use crate::fixtures;
use crate::harness::Repo;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn upstream() -> std::path::PathBuf {
    fixtures().join("upstream/.chant")
}

#[test]
fn import_then_export_reproduces_every_file() {
    let repo = Repo::new();
    copy_dir(&upstream(), &repo.path.join(".chant"));
    repo.chant(&["init"]);
    let out = repo.chant(&["import", "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["summary"]["found"]["spec"], 21, "{out}");
    assert_eq!(summary["summary"]["found"]["archived"], 10);
    assert_eq!(summary["summary"]["found"]["prompt"], 3);
    assert_eq!(summary["summary"]["found"]["config"], 1);
    assert!(summary["summary"]["conflicts"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(repo.list_json(&[]).len(), 21);
    assert_eq!(repo.list_json(&["--archived"]).len(), 10);
    assert_eq!(
        repo.git(&["status", "--porcelain", "--ignored", "--", ".chant"])
            .lines()
            .count(),
        1,
        "the working tree copy is untouched"
    );

    let out = repo.home().join("exported");
    repo.chant(&["export", out.to_str().unwrap()]);
    let diff = std::process::Command::new("diff")
        .arg("-r")
        .arg(upstream())
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        diff.status.success(),
        "diff -r: {}",
        String::from_utf8_lossy(&diff.stdout)
    );

    let tip = repo.git(&["rev-parse", "refs/chant/specs"]);
    let again: serde_json::Value =
        serde_json::from_str(&repo.chant(&["import", "--json"])).unwrap();
    assert_eq!(again["summary"]["written"], 0);
    assert_eq!(again["summary"]["skipped"], 35);
    assert_eq!(
        repo.git(&["rev-parse", "refs/chant/specs"]),
        tip,
        "importing twice changes nothing"
    );

    // Upstream's oddities load and lint reports them.
    let lint = repo.chant_out(&["lint", "--json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&lint.stdout).unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"unknown-status") && rules.contains(&"unknown-type"),
        "{rules:?}"
    );
}

#[test]
fn a_changed_spec_needs_force_and_a_dry_run_writes_nothing() {
    let repo = Repo::new();
    copy_dir(&upstream(), &repo.path.join(".chant"));
    repo.chant(&["init"]);
    let dry = repo.chant(&["import", "--dry-run"]);
    assert!(dry.contains("would write 35"), "{dry}");
    assert!(repo.list_json(&[]).is_empty());
    repo.chant(&["import"]);
    let file = repo.path.join(".chant/specs/fix-login.md");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Fix the login race", "Fix the login race, renamed");
    std::fs::write(&file, text).unwrap();
    let out = repo.chant_out(&["import"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("differs from the ledger: specs/fix-login.md")
            && stdout.contains("--force"),
        "{stdout}"
    );
    repo.chant(&["import", "--force"]);
    assert!(repo
        .chant(&["show", "fix-login", "--raw"])
        .contains("renamed"));
}

#[test]
fn history_commits_get_their_notes_on_import() {
    let repo = Repo::new();
    copy_dir(&upstream(), &repo.path.join(".chant"));
    let named = repo.commit("chant(fix-login): first attempt");
    repo.commit("unrelated work");
    let other = repo.commit("chant(003-root-cause): analysis");
    let plain = repo.git(&["rev-parse", "HEAD~1"]).trim().to_owned();
    repo.chant(&["init"]);
    repo.chant(&["import"]);
    assert!(repo
        .git(&["notes", "--ref=chant", "show", &named])
        .contains(" fix-login commit"));
    assert!(repo
        .git(&["notes", "--ref=chant", "show", &other])
        .contains(" 003-root-cause commit"));
    assert!(!repo
        .git_cmd(&["notes", "--ref=chant", "show", &plain])
        .output()
        .unwrap()
        .status
        .success());
    // The specs keep their bytes: the seed spec still lists its short commit id only.
    let raw = repo.chant(&["show", "003-root-cause", "--raw"]);
    assert_eq!(
        raw,
        std::fs::read_to_string(upstream().join("specs/003-root-cause.md")).unwrap()
    );
}

#[test]
fn import_from_a_commit() {
    let repo = Repo::new();
    copy_dir(&upstream(), &repo.path.join(".chant"));
    repo.git(&["add", ".chant"]);
    repo.git(&["commit", "-q", "-m", "upstream chant files"]);
    std::fs::remove_dir_all(repo.path.join(".chant")).unwrap();
    repo.chant(&["init"]);
    repo.chant(&["import", ".chant", "--rev", "HEAD"]);
    assert_eq!(repo.list_json(&["--all"]).len(), 31);
}
