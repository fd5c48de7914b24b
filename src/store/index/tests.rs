//! The index file round-trips, and a reader given any damaged file (sums recomputed, so
//! the damage reaches the bounds checks) never panics.

use super::format::{self, u64_at, BLOCK, HEADER_LEN};
use super::{decode, write, SpecSummary, View};
use crate::spec::claim::Claim;

fn spec(id: &str, archived: bool, status: &str, deps: &[&str]) -> SpecSummary {
    SpecSummary {
        id: id.to_owned(),
        archived,
        blob: format!("{:0>40}", id.len()),
        title: format!("Title of {id} ✓"),
        status: status.to_owned(),
        kind: "code".to_owned(),
        labels: vec!["bug".to_owned(), id.to_owned()],
        depends_on: deps.iter().map(|d| (*d).to_owned()).collect(),
        checked: 1,
        total: 3,
        approval: (id == "b").then(|| "approved".to_owned()),
        approval_required: id == "b",
        claim: (id == "c").then(|| Claim {
            by: "A <a@example.com>".to_owned(),
            at: "2026-01-01T00:00:00Z".to_owned(),
            until: "2026-01-01T02:00:00Z".to_owned(),
        }),
        error: (id == "e").then(|| "no frontmatter".to_owned()),
    }
}

fn sample() -> (Vec<SpecSummary>, Vec<(String, String)>, Vec<u8>) {
    let specs = vec![
        spec("a", false, "completed", &[]),
        spec("b", false, "pending", &["a"]),
        spec("c", false, "pending", &["b", "gone"]),
        spec("d", false, "in_progress", &[]),
        spec("d.1", false, "pending", &[]),
        spec("d.2", false, "pending", &[]),
        spec("e", false, "", &[]),
        spec("z", true, "completed", &[]),
    ];
    let shards = vec![("specs/0a".to_owned(), "1".repeat(40))];
    let bytes = write::encode(&[7; 20], &shards, &specs, 7);
    (specs, shards, bytes)
}

#[test]
fn a_file_reads_back_as_written_whole_and_in_parts() {
    let (specs, shards, bytes) = sample();
    let mut view = View::of_bytes(bytes.clone()).expect("a file just written checks");
    let (built, ready) = decode(&mut view).expect("it decodes");
    assert_eq!(
        ready,
        [false, true, false, false, true, false, false, false]
    );
    assert_eq!((built.specs, built.shards, built.live), (specs, shards, 7));
    // b's dependency is done and its approval given; c waits for b; d.2 for d.1. By
    // depth: d.1 depends on nothing, b on a.
    let ready: Vec<String> = view
        .ready_order()
        .unwrap()
        .into_iter()
        .map(|n| view.id(n).unwrap())
        .collect();
    assert_eq!(ready, ["d.1", "b"]);
    let groups = view.by_status().unwrap();
    let names: Vec<(&str, usize)> = groups.iter().map(|(n, l)| (n.as_str(), l.len())).collect();
    assert_eq!(
        names,
        [
            ("", 1),
            ("completed", 1),
            ("in_progress", 1),
            ("pending", 4)
        ]
    );
    assert_eq!(view.find("z").unwrap(), Some(7));
    assert_eq!(view.find("d.1").unwrap(), Some(4));
    assert_eq!(view.find("nope").unwrap(), None);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format::FILE);
    std::fs::write(&path, &bytes).unwrap();
    let mut on_disk = View::open(&path).expect("the file opens");
    assert_eq!(on_disk.summary(2).unwrap().0, sample().0[2]);
    assert_eq!(on_disk.find("e").unwrap(), Some(6));
}

/// Recomputes every sum, so that a damaged byte passes them and reaches the checks of
/// offsets, counts and lengths.
fn reseal(bytes: &mut [u8]) {
    let at = 80 + format::BLOCKS * 16;
    let (Some(start), Some(len)) = (u64_at(bytes, at), u64_at(bytes, at + 8)) else {
        return;
    };
    let (start, len) = (start as usize, len as usize);
    let fits = start >= HEADER_LEN && start.checked_add(len) == Some(bytes.len());
    if fits && len == (start - HEADER_LEN).div_ceil(BLOCK as usize) * 8 {
        let sums: Vec<u8> = bytes[HEADER_LEN..start]
            .chunks(BLOCK as usize)
            .flat_map(|b| format::checksum(b).to_le_bytes())
            .collect();
        bytes[start..].copy_from_slice(&sums);
        let sum = format::checksum(&bytes[start..]);
        bytes[at + 16..at + 24].copy_from_slice(&sum.to_le_bytes());
    }
    let sum = format::checksum(&bytes[..HEADER_LEN - 8]);
    bytes[HEADER_LEN - 8..HEADER_LEN].copy_from_slice(&sum.to_le_bytes());
}

/// Everything a command reads, on a damaged file: no panic, whatever comes back.
fn read_everything(mut view: View) {
    let _ = view
        .ready_order()
        .map(|o| o.into_iter().map(|n| view.summary(n)).count());
    let _ = view.by_status();
    let _ = view.shards();
    for id in ["a", "d.", "z", ""] {
        let _ = view.find(id);
    }
    let _ = view.lower_bound(0, view.count(), "d.");
    for n in 0..view.count().min(64) {
        let _ = view.state(n);
        let _ = view.title(n);
    }
    let _ = decode(&mut view);
}

#[test]
fn a_damaged_file_is_refused_or_read_without_panicking() {
    let (_, _, bytes) = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format::FILE);
    let (mut refused, mut opened) = (0, 0);
    for at in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[at] ^= mask;
            // Unsealed, the sums catch every flip.
            assert!(
                View::of_bytes(damaged.clone()).is_none(),
                "flip at {at} passed"
            );
            reseal(&mut damaged);
            match View::of_bytes(damaged.clone()) {
                Some(view) => {
                    opened += 1;
                    read_everything(view);
                }
                None => refused += 1,
            }
            std::fs::write(&path, &damaged).unwrap();
            if let Some(view) = View::open(&path) {
                read_everything(view);
            }
        }
    }
    for len in 0..bytes.len() {
        assert!(
            View::of_bytes(bytes[..len].to_vec()).is_none(),
            "cut at {len}"
        );
    }
    assert!(
        refused > 0 && opened > 0,
        "{refused} refused, {opened} opened"
    );
}
