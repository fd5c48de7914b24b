//! The kept lint report (issue 20): the last full lint of the ledger, used as it is when
//! nothing changed, spliced after a change, and never trusted when damaged. Every lint
//! here is compared with one made from nothing, so a finding the splice gets wrong on
//! a spec that did not change (the cross-spec rules) shows.

use git_chant::store::paths::spec_path;

use crate::harness::Repo;

const KEPT: &str = ".git/chant/lint-report-v1.bin";
const FACTS: &str = ".git/chant/lint-v1.bin";

fn spec(title: &str, extra: &str) -> String {
    format!("---\n{extra}---\n# {title}\n\nSee c-3.\n\n## Acceptance Criteria\n\n- [ ] it works\n")
}

fn put(repo: &Repo, id: &str, text: &str) {
    repo.put_ledger_file(&spec_path(id, false), text);
}

/// `lint` and `lint --json` as they are, then the same with no kept report or cache
/// (judged from the specs alone): they must agree, and the report must be kept.
fn lint(repo: &Repo) -> String {
    let text = repo.run(&["lint"]);
    let json = repo.run(&["lint", "--json"]);
    assert!(repo.path.join(KEPT).exists(), "lint keeps its report");
    for file in [KEPT, FACTS] {
        std::fs::remove_file(repo.path.join(file)).unwrap();
    }
    let fresh_json = repo.run(&["lint", "--json"]);
    let fresh = repo.run(&["lint"]);
    assert_eq!(text.stdout, fresh.stdout, "kept against fresh");
    assert_eq!(json.stdout, fresh_json.stdout, "kept against fresh, --json");
    assert_eq!(text.status.code(), fresh.status.code());
    // Leave a kept report of this tree for the next change to be spliced into.
    repo.run(&["lint"]);
    text.stdout
}

#[test]
fn a_change_shows_on_the_other_specs_it_touches() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    put(&repo, "a-1", &spec("Alpha", "type: odd\n"));
    put(&repo, "b-2", &spec("Beta", "depends_on:\n- a-1\n"));
    put(&repo, "c-3", &spec("Gamma", ""));
    put(&repo, "d-4", &spec("Delta", "type: driver\n"));
    let out = lint(&repo);
    assert!(out.contains("warning[unknown-type] a-1"), "{out}");
    assert!(out.contains("warning[coupling] a-1: mentions c-3"), "{out}");
    assert!(out.contains("a driver has no members"), "{out}");
    assert!(!out.contains("b-2: depends on"), "{out}");
    // A change only to a-1's own findings: spliced, the others as they were.
    put(&repo, "a-1", &spec("Alpha", "type: code\n"));
    let out = lint(&repo);
    assert!(!out.contains("unknown-type"), "{out}");
    assert!(out.contains("warning[coupling] b-2: mentions c-3"), "{out}");
    // a-1 stops parsing: b-2's dependency is gone, and c-3 is no longer mentioned by it.
    put(&repo, "a-1", "---\ntype: [\n---\n# Alpha\n");
    let out = lint(&repo);
    assert!(out.contains("error[parse] a-1"), "{out}");
    assert!(
        out.contains("error[unknown-dependency] b-2: depends on `a-1`, which does not exist"),
        "{out}"
    );
    // a-1 back, cancelled: b-2's finding changes with it.
    put(&repo, "a-1", &spec("Alpha", "status: cancelled\n"));
    let out = lint(&repo);
    assert!(!out.contains("unknown-dependency"), "{out}");
    assert!(
        out.contains("warning[dependency-state] b-2: depends on a-1, which is cancelled"),
        "{out}"
    );
    // c-3 takes d-4's title: both are duplicates; and back.
    put(&repo, "c-3", &spec("Delta", ""));
    let out = lint(&repo);
    assert!(
        out.contains("warning[duplicate-title] c-3: same title as d-4"),
        "{out}"
    );
    assert!(
        out.contains("warning[duplicate-title] d-4: same title as c-3"),
        "{out}"
    );
    put(&repo, "c-3", &spec("Gamma", ""));
    let out = lint(&repo);
    assert!(!out.contains("duplicate-title"), "{out}");
    // A member of d-4 appears: its finding goes; a stray file shows.
    put(&repo, "d-4.1", &spec("Member", ""));
    repo.put_ledger_file("specs/zz-not-a-spec.txt", "x");
    let out = lint(&repo);
    assert!(!out.contains("no members"), "{out}");
    assert!(
        out.contains("error[layout] specs/zz-not-a-spec.txt"),
        "{out}"
    );
}

#[test]
fn a_damaged_kept_report_gives_the_same_findings_and_is_rebuilt() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    put(&repo, "a-1", &spec("Alpha", "type: odd\n"));
    put(&repo, "b-2", &spec("Alpha", "depends_on:\n- zz-9\n"));
    let first = repo.run(&["lint"]);
    assert!(first.stdout.contains("duplicate-title"), "{first}");
    let kept = repo.path.join(KEPT);
    let written = std::fs::read(&kept).expect("lint keeps its report");
    let mut flipped = written.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    for damaged in [
        written[..written.len() - 3].to_vec(),
        flipped,
        b"not a report".to_vec(),
        Vec::new(),
    ] {
        std::fs::write(&kept, &damaged).unwrap();
        let run = repo.run(&["lint"]);
        assert_eq!(run.stdout, first.stdout, "{run}");
        assert_eq!(run.status.code(), Some(1));
        assert_eq!(std::fs::read(&kept).unwrap(), written, "rewritten whole");
    }
}
