//! The lint cache (issue 20): each spec file's own findings kept per blob under
//! `.git/chant/`, used when nothing changed, never trusted when damaged, and never
//! standing in for a file that changed.

use git_chant::store::paths::spec_path;

use crate::harness::Repo;

const ODD_TYPE: &str = "---\ntype: odd\n---\n# Alpha\n\n## Acceptance Criteria\n\n- [ ] it works\n";

fn put(repo: &Repo, id: &str, text: &str) {
    repo.put_ledger_file(&spec_path(id, false), text);
}

#[test]
fn a_second_lint_uses_the_cache_and_a_damaged_cache_is_rebuilt() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    put(&repo, "a-1", ODD_TYPE);
    let first = repo.run(&["lint"]);
    assert!(
        first.stdout.contains("warning[unknown-type] a-1"),
        "{first}"
    );
    let cache = repo.path.join(".git/chant/lint-v1.bin");
    let written = std::fs::read(&cache).expect("lint writes its cache");
    let modified = std::fs::metadata(&cache).unwrap().modified().unwrap();
    // Nothing changed: the cache is read as it is, not rewritten.
    let again = repo.run(&["lint"]);
    assert_eq!(again.stdout, first.stdout);
    assert_eq!(
        std::fs::metadata(&cache).unwrap().modified().unwrap(),
        modified,
        "an up-to-date cache is used, not rewritten"
    );
    // A truncated file, a damaged byte, another program's file: the same findings, from
    // the specs, and the cache written whole again.
    let mut flipped = written.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    for damaged in [
        written[..written.len() - 3].to_vec(),
        flipped,
        b"not a cache".to_vec(),
    ] {
        std::fs::write(&cache, &damaged).unwrap();
        let run = repo.run(&["lint"]);
        assert_eq!(run.stdout, first.stdout, "{run}");
        assert_eq!(std::fs::read(&cache).unwrap(), written, "rewritten whole");
    }
}

#[test]
fn a_changed_spec_is_checked_again_and_a_fixed_finding_disappears() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    put(&repo, "a-1", ODD_TYPE);
    let dependent =
        "---\ndepends_on:\n- a-1\n---\n# Beta\n\n## Acceptance Criteria\n\n- [ ] it works\n";
    put(&repo, "b-2", dependent);
    let run = repo.run(&["lint"]);
    assert!(run.stdout.contains("warning[unknown-type] a-1"), "{run}");
    assert!(!run.stdout.contains("b-2"), "{run}");
    // a-1 changes: its new finding appears, the one it fixed goes, and b-2 (cached,
    // unchanged) is judged against a-1's new state by the ledger-wide rules.
    put(
        &repo,
        "a-1",
        &ODD_TYPE.replace("type: odd", "type: code\nstatus: cancelled"),
    );
    let run = repo.run(&["lint"]);
    assert!(!run.stdout.contains("unknown-type"), "fixed: {run}");
    assert!(
        run.stdout
            .contains("warning[dependency-state] b-2: depends on a-1, which is cancelled"),
        "{run}"
    );
    put(
        &repo,
        "a-1",
        &ODD_TYPE.replace("type: odd", "status: someday"),
    );
    let run = repo.run(&["lint"]);
    assert!(run.stdout.contains("error[unknown-status] a-1"), "{run}");
    assert!(!run.stdout.contains("dependency-state"), "{run}");
    assert_eq!(run.status.code(), Some(1), "{run}");
}
