//! `git chant activity`: every kind of event from the ledger's trailers and the notes,
//! newest first, the filters, and unicode titles that a fixed-width column must not cut
//! through (upstream panicked slicing an em dash).

use serde_json::Value;

use crate::harness::Repo;

/// An RFC 3339 time `minutes` before now.
fn ago(minutes: i64) -> String {
    let t = time::OffsetDateTime::now_utc() - time::Duration::minutes(minutes);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// Runs git chant as `who`, dated `minutes` ago.
fn chant_as(repo: &Repo, who: &str, minutes: i64, args: &[&str]) {
    let at = ago(minutes);
    let out = repo
        .chant_cmd(args)
        .env("GIT_AUTHOR_NAME", who)
        .env(
            "GIT_AUTHOR_EMAIL",
            format!("{}@example.com", who.to_lowercase()),
        )
        .env("GIT_AUTHOR_DATE", &at)
        .env("GIT_COMMITTER_DATE", &at)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A ledger commit on top of the tip with `trailers`, as a writer this branch does not have
/// yet (approvals) or a landing that conflicted would leave it.
fn ledger_op(repo: &Repo, who: &str, minutes: i64, spec: &str, op: &str) {
    let at = ago(minutes);
    let message = format!("chant: {op} {spec}\n\nChant-Spec: {spec}\nChant-Op: {op}\n");
    let out = repo
        .git_cmd(&[
            "commit-tree",
            "refs/chant/specs^{tree}",
            "-p",
            "refs/chant/specs",
            "-m",
            &message,
        ])
        .env("GIT_AUTHOR_NAME", who)
        .env("GIT_AUTHOR_DATE", &at)
        .env("GIT_COMMITTER_DATE", &at)
        .output()
        .unwrap();
    assert!(out.status.success());
    let commit = String::from_utf8(out.stdout).unwrap();
    repo.git(&["update-ref", "refs/chant/specs", commit.trim()]);
}

/// 59 letters then an em dash: the 60th character, where the title column is cut, is the
/// three bytes of the dash, so a byte slice at 60 would land inside it.
fn long_title() -> String {
    format!("{}—then more words", "a".repeat(59))
}

/// Every kind of event over ten days, by Alice and Bob.
fn history() -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    let body = repo.home().join("body.md");
    std::fs::write(&body, "## Acceptance Criteria\n\n- [ ] one\n").unwrap();
    let body = body.to_str().unwrap();
    let title = long_title();
    chant_as(
        &repo,
        "Alice",
        14_400,
        &["add", &title, "--id", "a-one", "--body-file", body],
    );
    chant_as(
        &repo,
        "Bob",
        14_300,
        &["add", "Bée — deux", "--id", "b-two"],
    );
    chant_as(
        &repo,
        "Alice",
        14_200,
        &["add", "Troisième", "--id", "c-three"],
    );
    chant_as(&repo, "Alice", 4_000, &["start", "a-one"]);
    chant_as(&repo, "Alice", 3_900, &["check", "a-one", "1"]);
    chant_as(&repo, "Alice", 3_800, &["done", "a-one"]);
    chant_as(&repo, "Bob", 300, &["start", "b-two"]);
    chant_as(&repo, "Bob", 290, &["fail", "b-two"]);
    ledger_op(&repo, "Bob", 280, "b-two", "merge conflict");
    chant_as(&repo, "Bob", 270, &["cancel", "c-three"]);
    ledger_op(&repo, "Carol", 60, "a-one", "approve");
    ledger_op(&repo, "Carol", 50, "b-two", "reject");
    // A landing's note event, dated now (events take the clock, not GIT_*_DATE).
    repo.chant(&["event", "HEAD", "a-one", "landed", "into=main"]);
    repo
}

fn feed(repo: &Repo, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["activity", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&repo.chant(&args)).unwrap()
}

fn pairs(feed: &[Value]) -> Vec<(String, String)> {
    feed.iter()
        .map(|e| {
            (
                e["spec"].as_str().unwrap().to_owned(),
                e["event"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_event_kind_newest_first_from_trailers_and_notes() {
    let repo = history();
    let all = feed(&repo, &[]);
    let want = [
        ("a-one", "landed"),
        ("b-two", "rejected"),
        ("a-one", "approved"),
        ("c-three", "cancelled"),
        ("b-two", "conflict"),
        ("b-two", "failed"),
        ("b-two", "started"),
        ("a-one", "completed"),
        ("a-one", "ticked"),
        ("a-one", "started"),
        ("c-three", "created"),
        ("b-two", "created"),
        ("a-one", "created"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(s, e)| (s.to_string(), e.to_string()))
        .collect();
    assert_eq!(pairs(&all), want);
    // Who landed it: the committer of the commit the note is on.
    assert_eq!(all[0]["by"], "Test User");
    assert_eq!(all[0]["detail"], "into main");
    let approved = &all[2];
    assert_eq!(approved["by"], "Carol");
    assert_eq!(approved["title"], long_title().as_str());
    let ticked = &all[8];
    assert_eq!(ticked["by"], "Alice");
    assert_eq!(ticked["email"], "alice@example.com");
    assert_eq!(ticked["detail"], "criterion 1");
    assert_eq!(all[7]["detail"], "in_progress -> completed");
    assert_eq!(all[11]["title"], "Bée — deux");
    // Newest first, by time.
    let times: Vec<&str> = all.iter().map(|e| e["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
}

#[test]
fn the_human_feed_cuts_titles_between_characters() {
    let repo = history();
    let out = repo.chant(&["activity", "--spec", "a-one"]);
    let cut = format!("{}…", "a".repeat(59));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(lines.iter().all(|l| l.contains(&cut)), "{out}");
    assert!(!out.contains("then more words"), "{out}");
    assert!(
        lines[1].contains(" Carol ") && lines[1].contains(" approved "),
        "{out}"
    );
    // The other specs' unicode titles are whole.
    let all = repo.chant(&["activity"]);
    assert!(all.contains("Bée — deux"), "{all}");
    assert!(all.contains("Troisième"), "{all}");
}

#[test]
fn since_by_spec_and_limit_filter_the_feed() {
    let repo = history();
    let recent = feed(&repo, &["--since", "2h"]);
    assert_eq!(
        pairs(&recent),
        [
            ("a-one", "landed"),
            ("b-two", "rejected"),
            ("a-one", "approved")
        ]
        .map(|(s, e)| (s.to_owned(), e.to_owned()))
    );
    assert_eq!(feed(&repo, &["--since", "1d"]).len(), 7);
    assert_eq!(feed(&repo, &["--since", "1w"]).len(), 10);
    assert_eq!(feed(&repo, &["--since", &ago(285)]).len(), 5);
    let bob = feed(&repo, &["--by", "bob"]);
    assert_eq!(bob.len(), 5);
    assert!(bob.iter().all(|e| e["by"] == "Bob"));
    let by_email = feed(&repo, &["--by", "ALICE@example"]);
    assert_eq!(by_email.len(), 5);
    // A short id resolves.
    let b = feed(&repo, &["--spec", "b-t"]);
    assert_eq!(
        pairs(&b),
        ["rejected", "conflict", "failed", "started", "created"]
            .map(|e| ("b-two".to_owned(), e.to_owned()))
    );
    let both = feed(&repo, &["--spec", "b-two", "--by", "carol"]);
    assert_eq!(pairs(&both), [("b-two".to_owned(), "rejected".to_owned())]);
    assert_eq!(feed(&repo, &["--limit", "3"]).len(), 3);
}

#[test]
fn a_since_that_is_no_time_is_a_usage_error_naming_it() {
    let repo = history();
    let out = repo.chant_out(&["activity", "--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--since") && err.contains("yesterday"),
        "{err}"
    );
    let out = repo.chant_out(&["activity", "--spec", "zzz"]);
    assert_eq!(out.status.code(), Some(1));
}

/// A pushed ledger commit may say anything in its author and trailers: terminal escapes
/// never reach the output, and the JSON stays parseable.
#[test]
fn hostile_names_and_trailers_are_shown_escaped() {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["add", "Plain", "--id", "p"]);
    ledger_op(&repo, "Eve\x1b]0;pwned\x07\x1b[2J", 1, "p", "approve");
    ledger_op(
        &repo,
        "Mallory",
        0,
        "p\x1b[31mred",
        "status pending -> in_progress\x1b[0m",
    );
    let human = repo.chant(&["activity"]);
    assert!(
        !human.contains('\x1b') && !human.contains('\x07'),
        "{human:?}"
    );
    assert!(human.contains("Eve"), "{human}");
    let json: Value = serde_json::from_str(&repo.chant(&["activity", "--json"])).unwrap();
    let who: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["by"].as_str())
        .collect();
    assert!(
        who.iter().any(|w| w.starts_with("Eve\u{1b}]0;pwned")),
        "{json}"
    );
}
