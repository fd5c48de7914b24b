//! The binary index (`.git/chant/index-v2.bin`): a damaged, truncated, foreign or stale
//! file is never trusted. Each time the read commands print what they print with a fresh
//! index, and the file is rewritten as a fresh one.

use crate::harness::Repo;

const FILE: &str = ".git/chant/index-v2.bin";

/// The read commands whose output comes from the index (with and without its fast paths).
const READS: &[&[&str]] = &[
    &["list"],
    &["list", "--limit", "3"],
    &["list", "--status", "pending", "--limit", "5", "--json"],
    &["list", "--all", "--json"],
    &["ready"],
    &["ready", "--limit", "1"],
    &["ready", "--json"],
    &["status"],
    &["status", "--json"],
    &["show", "drv"],
];

fn ledger() -> Repo {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "Base", "--id", "base"]);
    repo.chant(&["add", "On base", "--id", "top", "--depends-on", "base"]);
    repo.chant(&["add", "Driver", "--id", "drv", "--type", "driver"]);
    for _ in 0..3 {
        repo.chant(&["add", "Member", "--member-of", "drv"]);
    }
    repo.chant(&["add", "Gated", "--id", "gated", "--needs-approval"]);
    repo.chant(&["add", "Old", "--id", "old"]);
    repo.chant(&["start", "old"]);
    repo.chant(&["start", "drv.1"]);
    repo
}

fn outputs(repo: &Repo) -> Vec<String> {
    READS.iter().map(|args| repo.chant(args)).collect()
}

fn file(repo: &Repo) -> Vec<u8> {
    std::fs::read(repo.path.join(FILE)).expect("the read commands write the index")
}

/// Damages the file with `damage`, then checks every read against the fresh outputs and
/// that the file was written anew.
fn check(repo: &Repo, fresh: &[String], good: &[u8], what: &str, damage: impl Fn(&mut Vec<u8>)) {
    for (args, want) in READS.iter().zip(fresh) {
        let mut bytes = good.to_vec();
        damage(&mut bytes);
        std::fs::write(repo.path.join(FILE), &bytes).unwrap();
        assert_eq!(&repo.chant(args), want, "{what}: git chant {args:?}");
        assert_eq!(
            file(repo),
            good,
            "{what}: git chant {args:?} rewrites the file"
        );
    }
}

#[test]
fn a_damaged_index_file_is_rebuilt_and_the_reads_do_not_change() {
    let repo = ledger();
    let fresh = outputs(&repo);
    assert!(
        fresh[7].contains("ready (") && fresh[9].contains("drv.3"),
        "{fresh:?}"
    );
    let good = file(&repo);
    assert!(!repo.path.join(".git/chant/index-v1.json").exists());
    let len = good.len();
    check(&repo, &fresh, &good, "a flipped byte in the records", |b| {
        b[512 + 9] ^= 0x20
    });
    check(&repo, &fresh, &good, "a flipped byte in the strings", |b| {
        b[len / 2] ^= 0x01
    });
    check(&repo, &fresh, &good, "a flipped byte in the header", |b| {
        b[70] ^= 0x04
    });
    check(&repo, &fresh, &good, "a truncated file", |b| {
        b.truncate(len - 9)
    });
    check(&repo, &fresh, &good, "a file of garbage", |b| {
        *b = b"git-chant index\n\x04\0\0\0 garbage".to_vec()
    });
    check(&repo, &fresh, &good, "an empty file", Vec::clear);
}

#[test]
fn an_index_file_of_another_tree_is_updated_not_trusted() {
    let repo = ledger();
    outputs(&repo);
    let before = file(&repo);
    repo.chant(&["add", "Later", "--id", "later", "--depends-on", "base"]);
    repo.chant(&["start", "base"]);
    let fresh = outputs(&repo);
    assert!(
        fresh[0].contains("later") && !fresh[4].contains("base"),
        "{fresh:?}"
    );
    let good = file(&repo);
    assert_ne!(before, good);
    check(&repo, &fresh, &good, "the file of the tree before", |b| {
        *b = before.clone()
    });
    // A whole file of another ledger altogether (another repository's tree).
    let other = Repo::new();
    other.chant(&["init"]);
    other.chant(&["add", "Elsewhere", "--id", "elsewhere"]);
    other.chant(&["list"]);
    let foreign = file(&other);
    check(&repo, &fresh, &good, "another repository's file", |b| {
        *b = foreign.clone()
    });
}

/// After each change, the file updated from the one before it reads the same as, and is
/// byte for byte, the file built from nothing.
#[test]
fn an_index_updated_change_by_change_equals_a_fresh_build() {
    let repo = ledger();
    outputs(&repo);
    let changes: &[&[&str]] = &[
        // A dependency completed: `top` becomes ready.
        &["start", "base"],
        &["done", "base", "--force"],
        &["add", "Later", "--id", "later", "--depends-on", "top"],
        &["archive", "base"],
        &["add", "Member", "--member-of", "drv"],
        &["set", "gated", "model", "x"],
    ];
    for change in changes {
        repo.chant(change);
        let updated = outputs(&repo);
        let file_updated = file(&repo);
        std::fs::remove_file(repo.path.join(FILE)).unwrap();
        assert_eq!(outputs(&repo), updated, "after git chant {change:?}");
        assert_eq!(file(&repo), file_updated, "after git chant {change:?}");
    }
    let last = outputs(&repo);
    assert!(
        last[4].contains("top")
            && last[9].contains("drv.4")
            && !last[0].lines().any(|l| l.starts_with("base ")),
        "{last:?}"
    );
}
