//! The search cache (issue 20): each spec's lowercased body kept under `.git/chant/`
//! (`search-v1.bin`), keyed by the ledger tree; the same results as reading every blob,
//! a spec changed since found by its new text only, and a damaged file never trusted.

use git_chant::store::paths::spec_path;

use crate::harness::Repo;

const CACHE: &str = ".git/chant/search-v1.bin";

fn found(repo: &Repo, text: &str) -> Vec<String> {
    let hits: Vec<serde_json::Value> =
        serde_json::from_str(&repo.chant(&["search", text, "--json"])).unwrap();
    hits.iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

fn three_specs() -> Repo {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.add_spec("s-1", "Walrus tusks", "Measure the Walrus.\n");
    repo.add_spec("s-2", "Narwhal", "No walruses here; a narwhal.\n");
    repo.add_spec("s-3", "Seal", "Nothing of that kind.\n");
    repo
}

#[test]
fn a_damaged_search_cache_gives_the_same_results_and_is_written_whole_again() {
    let repo = three_specs();
    assert_eq!(found(&repo, "WALRUS"), ["s-1", "s-2"]);
    let cache = repo.path.join(CACHE);
    let written = std::fs::read(&cache).expect("search writes its cache");
    assert_eq!(found(&repo, "walrus"), ["s-1", "s-2"], "from the cache");

    let mut damaged = Vec::new();
    damaged.push(("truncated", written[..written.len() - 9].to_vec()));
    damaged.push(("cut in the texts", written[..200].to_vec()));
    for at in [130, written.len() / 2, written.len() - 3, 20, 40] {
        let mut flipped = written.clone();
        flipped[at] ^= 0x20;
        damaged.push(("a flipped bit", flipped));
    }
    let mut longer = written.clone();
    longer.extend_from_slice(b"more");
    damaged.push(("longer than its header says", longer));
    damaged.push(("garbage", b"git-chant search\n\x01\0\0\0garbage".to_vec()));
    damaged.push(("empty", Vec::new()));
    for (what, bytes) in damaged {
        std::fs::write(&cache, &bytes).unwrap();
        assert_eq!(found(&repo, "walrus"), ["s-1", "s-2"], "{what}");
        assert_eq!(found(&repo, "narwhal"), ["s-2"], "{what}");
        assert_eq!(
            std::fs::read(&cache).unwrap(),
            written,
            "{what}: the cache is written whole again"
        );
    }
}

#[test]
fn a_spec_changed_after_the_cache_was_built_is_found_by_its_new_text_only() {
    let repo = three_specs();
    assert_eq!(found(&repo, "walrus"), ["s-1", "s-2"]);
    let old_tree = std::fs::read(repo.path.join(CACHE)).unwrap();
    // Changed behind git chant's back, through git plumbing: only the tree says so.
    repo.put_ledger_file(
        &spec_path("s-1", false),
        "---\ntype: code\nstatus: pending\n---\n# Tusks\n\nNow about a dugong.\n",
    );
    assert_eq!(found(&repo, "walrus"), ["s-2"], "not by its old text");
    assert_eq!(found(&repo, "DUGONG"), ["s-1"], "by its new text");
    assert_eq!(found(&repo, "narwhal"), ["s-2"], "the others kept");
    // A cache of an older tree is updated, not trusted.
    std::fs::write(repo.path.join(CACHE), old_tree).unwrap();
    assert_eq!(found(&repo, "walrus"), ["s-2"]);
    assert_eq!(found(&repo, "dugong"), ["s-1"]);
    // The frontmatter is not searched, with or without a cache.
    assert_eq!(found(&repo, "status: pending"), Vec::<String>::new());
}

#[test]
fn non_ascii_case_short_needles_and_archived_specs() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.add_spec("u-1", "Sommer", "Im ÉTÉ auf der STRAẞE.\n");
    repo.add_spec("u-2", "Strasse", "Die STRASSE ist nass.\n");
    repo.add_spec("u-3", "Odos", "Η ΟΔΟΣ, İstanbul.\n");
    repo.add_spec("u-4", "Plain", "qz marks it.\n");
    repo.chant(&["cancel", "u-4"]);
    repo.chant(&["archive", "u-4"]);
    let cases: &[(&str, &[&str])] = &[
        ("été", &["u-1"]),
        ("ÉTÉ", &["u-1"]),
        // `to_lowercase` keeps ß and lowercases ẞ to it: "strasse" is another text.
        ("straße", &["u-1"]),
        ("STRASSE", &["u-2"]),
        // A final sigma, lowercased as the word's end on both sides.
        ("ΟΔΟΣ", &["u-3"]),
        ("ὀδός", &[]),
        // İ lowercases to i and a combining dot: a plain `istanbul` is not in the text.
        ("İSTANBUL", &["u-3"]),
        ("istanbul", &[]),
        ("é", &["u-1"]),
        ("ß", &["u-1"]),
        ("q", &["u-4"]),
        ("QZ", &["u-4"]),
        ("z m", &["u-4"]),
        ("", &["u-1", "u-2", "u-3", "u-4"]),
    ];
    for pass in ["built", "cached"] {
        for (needle, want) in cases {
            assert_eq!(found(&repo, needle), *want, "{pass}: {needle:?}");
        }
        assert!(repo.path.join(CACHE).exists(), "the texts are cached");
    }
    let hits: Vec<serde_json::Value> =
        serde_json::from_str(&repo.chant(&["search", "qz", "--json"])).unwrap();
    assert_eq!(hits[0]["archived"], true, "an archived spec is found");
}
