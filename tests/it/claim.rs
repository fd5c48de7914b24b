//! Claims across machines, end to end: two clones with their own identities and a real bare
//! server with the hook. Concurrent `ready --claim` processes never take one spec twice; a
//! claim that lost the race is dropped with everything else still pushed; the server
//! refuses a hand-made push that replaces a claim, and accepts `claim --force`; the merge
//! keeps the earlier claim whichever side merges; release, expiry and bad leases.

use std::process::Output;

use git_chant::merge::spec::merge_spec;
use git_chant::spec::claim::Claim;
use git_chant::spec::Spec;
use git_chant::store::paths::spec_path;
use proptest::prelude::*;

use crate::harness::{assert_success, Repo};

const ALICE: &str = "Alice <alice@example.com>";
const BOB: &str = "Bob <bob@example.com>";

/// A clone with its own identity.
fn person(name: &str) -> Repo {
    let repo = Repo::without_identity();
    repo.git(&["config", "user.name", name]);
    repo.git(&[
        "config",
        "user.email",
        &format!("{}@example.com", name.to_lowercase()),
    ]);
    repo
}

/// A bare server with the hook; Alice's clone created the ledger with `ids` (pending,
/// ready) and pushed it; Bob's clone took it with `init --remote origin`.
fn setup(ids: &[&str]) -> (Repo, Repo, Repo) {
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    let url = server.path.to_str().unwrap().to_owned();
    let a = person("Alice");
    a.chant(&["init"]);
    for id in ids {
        a.chant(&["add", &format!("Spec {id}"), "--id", id]);
    }
    a.git(&["remote", "add", "origin", &url]);
    a.chant(&["push"]);
    let b = person("Bob");
    b.git(&["remote", "add", "origin", &url]);
    b.chant(&["init", "--remote", "origin"]);
    (server, a, b)
}

/// The claim of `id` in the server's ledger.
fn server_claim(server: &Repo, id: &str) -> Option<Claim> {
    let text = server.git(&[
        "show",
        &format!("refs/chant/specs:{}", spec_path(id, false)),
    ]);
    Spec::parse(id, text.as_bytes()).unwrap().valid_claim()
}

fn local_claim(repo: &Repo, id: &str) -> serde_json::Value {
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", id, "--json"])).unwrap();
    assert_eq!(shown["claim"], shown["frontmatter"]["claim"]);
    shown["claim"].clone()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn ten_concurrent_ready_claims_take_each_spec_once() {
    let ids = ["s1", "s2", "s3", "s4", "s5"];
    let (server, a, b) = setup(&ids);
    // Spawned together: five processes in each clone, sharing its repository.
    let children: Vec<(&str, std::process::Child)> = (0..10)
        .map(|i| {
            let (who, clone) = if i % 2 == 0 { (ALICE, &a) } else { (BOB, &b) };
            let child = clone
                .chant_cmd(&["ready", "--claim", "--lease", "30m"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            (who, child)
        })
        .collect();
    let mut claimed: Vec<(String, &str)> = Vec::new();
    let mut none_left = 0;
    for (who, child) in children {
        let out = child.wait_with_output().unwrap();
        match out.status.code() {
            Some(0) => {
                let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
                claimed.push((id, who));
            }
            Some(3) => {
                assert!(
                    stderr(&out).contains("no ready spec left unclaimed"),
                    "{}",
                    stderr(&out)
                );
                none_left += 1;
            }
            code => panic!("ready --claim exited {code:?}: {}", stderr(&out)),
        }
    }
    claimed.sort();
    let taken: Vec<&str> = claimed.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(taken, ids, "each spec claimed exactly once: {claimed:?}");
    assert_eq!(none_left, 5);
    for (id, who) in &claimed {
        let claim = server_claim(&server, id).expect("the server holds the claim");
        assert_eq!(claim.by, *who, "{id}: the server holds the winner's claim");
    }
}

#[test]
fn a_claim_that_lost_the_race_names_the_holder_and_loses_nothing_else() {
    let (server, a, b) = setup(&["s1", "s2"]);
    let said = a.chant(&["claim", "s1"]);
    assert!(
        said.contains("claimed s1 until") && said.contains("pushed to origin"),
        "{said}"
    );
    // Bob has not fetched since: his ledger still has s1 unclaimed.
    b.chant(&["set", "s2", "labels", "--add", "bob-was-here"]);
    let out = b.chant_out(&["claim", "s1"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("s1 is claimed by Alice <alice@example.com>"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        local_claim(&b, "s1")["by"],
        ALICE,
        "Bob's clone has Alice's claim"
    );
    let s2 = server.git(&[
        "show",
        &format!("refs/chant/specs:{}", spec_path("s2", false)),
    ]);
    assert!(
        s2.contains("bob-was-here"),
        "Bob's other change reached the server: {s2}"
    );
    assert_eq!(server_claim(&server, "s1").unwrap().by, ALICE);
    // Someone else's claim is refused locally too, before any push.
    let out = b.chant_out(&["claim", "s1"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        !stderr(&out).contains("reached origin first"),
        "{}",
        stderr(&out)
    );
}

/// Rewrites spec `id`'s claim in Bob's ledger with plumbing and pushes it with plain git.
fn forge(b: &Repo, id: &str, claim: &str) -> (bool, String) {
    let path = spec_path(id, false);
    let text = b.git(&["show", &format!("refs/chant/specs:{path}")]);
    // The `claim:` line and the indented lines under it give way to `claim`.
    let start = text.find("\nclaim:").unwrap() + 1;
    let mut end = start + text[start..].find('\n').unwrap() + 1;
    while text[end..].starts_with("  ") {
        end += text[end..].find('\n').unwrap() + 1;
    }
    let forged = format!("{}{claim}{}", &text[..start], &text[end..]);
    b.put_ledger_file(&path, &forged);
    let out = b
        .git_cmd(&["push", "origin", "refs/chant/specs"])
        .output()
        .unwrap();
    (out.status.success(), stderr(&out))
}

#[test]
fn the_server_refuses_a_forged_claim_and_accepts_a_forced_one() {
    let (server, a, b) = setup(&["s1"]);
    a.chant(&["claim", "s1"]);
    b.chant(&["sync"]);
    let before = server.git(&["rev-parse", "refs/chant/specs"]);
    let mine = "claim:\n  by: Bob <bob@example.com>\n  at: 2020-01-01T00:00:00Z\n  until: 2099-01-01T00:00:00Z\n";
    let (ok, said) = forge(&b, "s1", mine);
    assert!(!ok, "a push replacing Alice's claim is refused");
    assert!(
        said.contains("replaces the unexpired claim of Alice <alice@example.com>")
            && said.contains("[claim]"),
        "{said}"
    );
    assert_eq!(server.git(&["rev-parse", "refs/chant/specs"]), before);
    // Removing it is refused the same way; a malformed one is refused by shape.
    b.git(&["update-ref", "refs/chant/specs", before.trim()]);
    let (ok, said) = forge(&b, "s1", "");
    assert!(!ok && said.contains("[claim]"), "{said}");
    b.git(&["update-ref", "refs/chant/specs", before.trim()]);
    let bad = "claim:\n  by: Bob <bob@example.com>\n  at: 2099-01-01T00:00:00Z\n  until: 2020-01-01T00:00:00Z\n";
    let (ok, said) = forge(&b, "s1", bad);
    assert!(
        !ok && said.contains("`claim.until` must be after `claim.at`"),
        "{said}"
    );
    b.git(&["update-ref", "refs/chant/specs", before.trim()]);
    // Forced, it goes through, and says so in the ledger.
    let out = b.chant_out(&["claim", "s1", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("replaced the claim of Alice"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server_claim(&server, "s1").unwrap().by, BOB);
    let log = server.git(&["log", "-1", "--format=%B", "refs/chant/specs"]);
    assert!(
        log.contains("Chant-Forced: claim s1 Alice <alice@example.com>"),
        "{log}"
    );
    // Alice's own clone then takes Bob's claim through the merge, without a word from the server.
    a.chant(&["sync"]);
    assert_eq!(local_claim(&a, "s1")["by"], BOB);
}

#[test]
fn the_server_allows_a_minute_of_clock_skew() {
    let (server, a, b) = setup(&["s1", "s2"]);
    let now = time::OffsetDateTime::now_utc();
    let claimed = |id: &str, ends_in: i64| {
        let path = spec_path(id, false);
        let text = a.git(&["show", &format!("refs/chant/specs:{path}")]);
        let until = git_chant::clock::format(now + time::Duration::seconds(ends_in));
        let at = git_chant::clock::format(now - time::Duration::hours(1));
        let claim = format!("---\nclaim:\n  by: {ALICE}\n  at: {at}\n  until: {until}\n");
        a.put_ledger_file(&path, &text.replacen("---\n", &claim, 1));
    };
    // Alice's leases end in 20 s (s1) and in 5 minutes (s2), by the server's clock.
    claimed("s1", 20);
    claimed("s2", 300);
    a.chant(&["push"]);
    b.chant(&["sync"]);
    let take = "claim:\n  by: Bob <bob@example.com>\n  at: 2020-01-01T00:00:00Z\n  until: 2099-01-01T00:00:00Z\n";
    let before = server.git(&["rev-parse", "refs/chant/specs"]);
    let (ok, said) = forge(&b, "s2", take);
    assert!(
        !ok && said.contains("[claim]"),
        "five minutes left: still held: {said}"
    );
    b.git(&["update-ref", "refs/chant/specs", before.trim()]);
    let (ok, said) = forge(&b, "s1", take);
    assert!(ok, "a lease ending within the skew counts as ended: {said}");
}

#[test]
fn release_expiry_and_leases() {
    let (server, a, b) = setup(&["s1", "s2"]);
    a.chant(&["claim", "s1", "--lease", "1h30m"]);
    let claim = server_claim(&server, "s1").unwrap();
    let (at, until) = (
        git_chant::spec::claim::parse_time(&claim.at).unwrap(),
        git_chant::spec::claim::parse_time(&claim.until).unwrap(),
    );
    assert_eq!((until - at).whole_seconds(), 5400);
    b.chant(&["sync"]);
    let out = b.chant_out(&["release", "s1"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "someone else's claim is not Bob's to release"
    );
    assert!(
        stderr(&out).contains("s1 is not claimed by you"),
        "{}",
        stderr(&out)
    );
    assert!(a
        .chant(&["release", "s1"])
        .contains("released s1 (pushed to origin)"));
    assert_eq!(server_claim(&server, "s1"), None);
    assert!(a
        .chant(&["release", "s1"])
        .contains("not claimed, nothing to release"));
    b.chant(&["sync"]);
    assert!(b.chant(&["claim", "s1"]).contains("claimed s1"));

    // A claim whose lease has ended is free to take, by `claim` and by `ready --claim`.
    let path = spec_path("s2", false);
    let text = a.git(&["show", &format!("refs/chant/specs:{path}")]);
    let expired = text.replacen(
        "---\n",
        "---\nclaim:\n  by: Carol <carol@example.com>\n  at: 2020-01-01T00:00:00Z\n  until: 2020-01-01T02:00:00Z\n",
        1,
    );
    a.chant(&["sync"]);
    a.put_ledger_file(&path, &expired);
    a.chant(&["push"]);
    b.chant(&["sync"]);
    let listed = b.chant(&["ready"]);
    assert!(
        listed.contains("(claimed by Bob <bob@example.com> until") && !listed.contains("Carol"),
        "ready lists claimed specs, with unexpired claims shown: {listed}"
    );
    assert_eq!(b.chant(&["ready", "--claim"]).trim(), "s2");
    assert_eq!(server_claim(&server, "s2").unwrap().by, BOB);
    let out = a.chant_out(&["ready", "--claim"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("no ready spec left unclaimed"),
        "{}",
        stderr(&out)
    );
    let items = a.list_json(&[]);
    assert_eq!(
        items[1]["claim"]["by"], BOB,
        "list --json shows the claim: {items:?}"
    );

    // Bad leases: on the command line a usage error, in config a named one.
    let out = a.chant_out(&["claim", "s1", "--lease", "10x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`10x` is not a lease"),
        "{}",
        stderr(&out)
    );
    a.git(&["config", "chant.claim.lease", "soon"]);
    let out = a.chant_out(&["claim", "s1", "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("chant.claim.lease"),
        "{}",
        stderr(&out)
    );
    // And `set` never writes a claim.
    let out = a.chant_out(&["set", "s1", "claim.by", "Mallory <m@example.com>"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("claims go through `git chant claim`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_clone_without_a_remote_claims_locally_and_the_library_renews() {
    let repo = person("Alice");
    repo.chant(&["init"]);
    repo.chant(&["add", "Solo", "--id", "solo"]);
    let said = repo.chant(&["claim", "solo", "--lease", "10m"]);
    assert!(said.contains("local only: no remote"), "{said}");
    let store = git_chant::store::Store::open(&repo.path).unwrap();
    let first = local_claim(&repo, "solo");
    let lease = git_chant::spec::claim::Lease::parse("3h").unwrap();
    let renewed = git_chant::ops::claim::renew(&store, "solo", Some(lease), None).unwrap();
    let claim = renewed.claim.unwrap();
    assert_eq!(claim.at, first["at"], "a renewal keeps `at`");
    assert_ne!(claim.until, first["until"]);
    assert_eq!(local_claim(&repo, "solo")["until"], claim.until.as_str());
    git_chant::ops::claim::release(&store, "solo", false, None).unwrap();
    let err = git_chant::ops::claim::renew(&store, "solo", None, None).unwrap_err();
    assert!(
        err.to_string().contains("solo is not claimed by you"),
        "{err}"
    );
}

fn claim_strategy() -> impl Strategy<Value = Option<Claim>> {
    let hour = |h: u32| format!("2026-02-02T{h:02}:00:00Z");
    prop_oneof![
        1 => Just(None),
        4 => (prop::sample::select(vec![ALICE, BOB]), 0u32..6, 1u32..4).prop_map(move |(by, at, len)| {
            Some(Claim { by: by.into(), at: hour(at), until: hour(at + len) })
        }),
    ]
}

fn with_claim(claim: &Option<Claim>) -> Spec {
    let mut spec = Spec::parse("s", b"---\nstatus: pending\n---\n# S\n").unwrap();
    spec.set_claim(claim.as_ref());
    spec
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Both sides claimed (or released) the spec: the same claim is kept in either merge
    /// order, it is the earlier unless that one had ended when the other was taken, a
    /// claim beats none, and the other is recorded as a conflict.
    #[test]
    fn the_merge_keeps_the_earlier_claim_in_either_order(
        base in claim_strategy(), ours in claim_strategy(), theirs in claim_strategy()
    ) {
        prop_assume!(ours != base && theirs != base && ours != theirs);
        let (b, o, t) = (with_claim(&base), with_claim(&ours), with_claim(&theirs));
        let (one, conflicts) = merge_spec("s", Some(&b), &o, &t);
        let (other, _) = merge_spec("s", Some(&b), &t, &o);
        prop_assert_eq!(one.valid_claim(), other.valid_claim());
        let expected = match (&ours, &theirs) {
            (Some(x), Some(y)) => {
                let ended = |c: &Claim, d: &Claim| c.until <= d.at;
                let first = if (&x.at, &x.by) == (&y.at, &y.by) {
                    if x.until >= y.until { x } else { y }
                } else if (&x.at, &x.by) < (&y.at, &y.by) { x } else { y };
                Some(if ended(x, y) { y } else if ended(y, x) { x } else { first }).cloned()
            }
            (Some(x), None) | (None, Some(x)) => Some(x.clone()),
            (None, None) => None,
        };
        prop_assert_eq!(one.valid_claim(), expected);
        prop_assert!(conflicts.iter().any(|c| c.field == "claim"), "{:?}", conflicts);
    }
}

#[test]
fn sync_records_the_claim_a_merge_dropped() {
    // Two clones that never met a server: each claims the same spec, at hours apart.
    let (a, b) = (person("Alice"), person("Bob"));
    a.chant(&["init"]);
    a.chant(&["add", "Shared", "--id", "s1"]);
    b.git(&["remote", "add", "a", a.path.to_str().unwrap()]);
    b.chant(&["init", "--remote", "a"]);
    b.git(&["remote", "remove", "a"]);
    let path = spec_path("s1", false);
    let text = a.git(&["show", &format!("refs/chant/specs:{path}")]);
    let claimed = |by: &str, at: &str, until: &str| {
        text.replacen(
            "---\n",
            &format!("---\nclaim:\n  by: {by}\n  at: {at}\n  until: {until}\n"),
            1,
        )
    };
    a.put_ledger_file(
        &path,
        &claimed(ALICE, "2026-02-02T11:00:00Z", "2026-02-02T13:00:00Z"),
    );
    b.put_ledger_file(
        &path,
        &claimed(BOB, "2026-02-02T10:00:00Z", "2026-02-02T12:00:00Z"),
    );
    // Each fetches the other's claim before either merges: two merges, one per order.
    for (x, y) in [(&a, &b), (&b, &a)] {
        x.git(&[
            "fetch",
            "-q",
            y.path.to_str().unwrap(),
            "+refs/chant/specs:refs/peer",
        ]);
    }
    for x in [&a, &b] {
        x.chant(&["sync", "--from", "refs/peer"]);
        assert_eq!(local_claim(x, "s1")["by"], BOB, "the earlier claim is kept");
        let conflicts = x.chant(&["conflicts"]);
        assert!(
            conflicts.contains("s1 claim") && conflicts.contains(ALICE),
            "{conflicts}"
        );
    }
    assert_eq!(
        a.git(&["rev-parse", "refs/chant/specs^{tree}"]),
        b.git(&["rev-parse", "refs/chant/specs^{tree}"]),
        "both merges made the same ledger"
    );
}

/// `work --claim`: a spec someone else holds is not started; one it runs is claimed on
/// the server while it runs, its lease renewed, and released once completed.
#[test]
fn work_claims_what_it_runs_renews_the_lease_and_releases_it() {
    let (server, a, b) = setup(&["s1", "s2"]);
    let agent = format!(
        "sh {}",
        crate::fixtures().join("agents/fake-agent.sh").display()
    );
    for repo in [&a, &b] {
        repo.commit("initial");
        repo.chant(&["hooks", "install"]);
    }
    b.chant(&["claim", "s1"]);
    let out = a.chant_out(&["work", "s1", "--claim", "--agent", &agent]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("Bob"), "{}", stderr(&out));
    assert_eq!(
        local_claim(&a, "s1")["by"].as_str().unwrap(),
        server_claim(&server, "s1").unwrap().by
    );
    let shown: serde_json::Value =
        serde_json::from_str(&a.chant(&["show", "s1", "--json"])).unwrap();
    assert_eq!(shown["status"], "pending", "not started");

    // A short lease, renewed while the agent thinks.
    a.git(&["config", "chant.claim", "true"]);
    a.git(&["config", "chant.claim.lease", "3s"]);
    let out = a
        .chant_cmd(&["work", "s2", "--agent", &agent])
        .env("FAKE_AGENT_MODE", "slow")
        .env("FAKE_AGENT_SLEEP", "2.5")
        .output()
        .unwrap();
    assert_success(&out);
    let claim = local_claim(&a, "s2");
    let at = time::OffsetDateTime::parse(
        claim["at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let until = time::OffsetDateTime::parse(
        claim["until"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(until - at > time::Duration::seconds(3), "renewed: {claim}");
    assert!(server_claim(&server, "s2").is_some_and(|c| c.by.contains("alice")));

    // Completed: released.
    a.chant(&["reset", "s2"]);
    let out = a
        .chant_cmd(&["work", "s2", "--agent", &agent])
        .env("FAKE_AGENT_TEXT", "more work")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    assert!(local_claim(&a, "s2").is_null());
}
