//! `list --json` in index order is written straight from the index file's records
//! (src/ops/list_json.rs); with `--sort id` it still goes through the summaries and
//! serde. Both must give the same bytes for every kind of field, hostile text included.

use git_chant::store::paths::spec_path;

use crate::harness::Repo;

/// Every escape JSON output has: quotes, backslash, the C0 controls with and without a
/// short form, DEL, C1 controls, and non-ASCII text that passes as it is.
const HOSTILE: &str = "q\\\"b\\\\s/\\x01\\b\\t\\n\\f\\r\\e[2J\\x1f \\x7f\\x80\\x9b\\x9f\\xa0 é ☃ 𝄞";

/// Live ids sort before archived ones, so `--sort id` keeps the index's order.
fn ledger() -> Repo {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "Base", "--id", "a-base", "--label", "core"]);
    repo.chant(&["add", "On base", "--id", "a-top", "--depends-on", "a-base"]);
    repo.chant(&["add", "Gated", "--id", "a-gated", "--needs-approval"]);
    repo.chant(&["add", "Old", "--id", "z-old"]);
    repo.chant(&["add", "Older", "--id", "z-older", "--label", "core"]);
    repo.chant(&["cancel", "z-old"]);
    repo.chant(&["cancel", "z-older"]);
    repo.chant(&["archive", "z-old", "z-older", "--force"]);
    repo.chant(&["start", "a-base"]);
    repo.put_ledger_file(
        &spec_path("a-hostile", false),
        &format!(
            "---\ntype: code\nstatus: \"pen{HOSTILE}\"\nlabels: [\"{HOSTILE}\", core, \"\"]\n\
             depends_on: [a-base, \"gone{HOSTILE}\"]\n\
             claim:\n  by: Carol <carol@example.com>\n  at: 2020-01-01T00:00:00Z\n  until: 2020-01-01T02:00:00Z\n\
             ---\n# Title \u{7f}\u{9b}\x1b[31m \"q\" \\b\\ é ☃\n\n## Acceptance Criteria\n\n- [x] a\n- [ ] b\n"
        ),
    );
    repo.put_ledger_file(
        &spec_path("a-claimed", false),
        "---\ntype: code\nstatus: pending\nlabels: [core]\nclaim:\n  by: \"Ev\\\"e \\e <e@x.org>\"\n  at: 2020-01-01T00:00:00Z\n  until: 2099-01-01T00:00:00Z\n---\n# Claimed\n",
    );
    repo.put_ledger_file(
        &spec_path("a-broken", false),
        "---\nstatus: [\n---\n# Does not parse \u{85}\n",
    );
    repo
}

#[test]
fn list_json_from_the_records_is_byte_identical_to_serde() {
    let repo = ledger();
    let cases: &[&[&str]] = &[
        &[],
        &["--all"],
        &["--archived"],
        &["--status", "pending"],
        &["--status", "in_progress", "--status", "blocked"],
        &["--ready"],
        &["--label", "core"],
        &["--label", HOSTILE_LABEL],
        &["--type", "code"],
        &["--approval", "pending"],
        &["--all", "--label", "core", "--limit", "2"],
        &["--limit", "0"],
    ];
    // The table in index order is written from the records too (`ops::list_json::visit`).
    for (case, json) in cases.iter().flat_map(|c| [(c, true), (c, false)]) {
        let args = |sorted: bool| {
            let mut args = vec!["list"];
            if json {
                args.push("--json");
            }
            args.extend_from_slice(case);
            if sorted {
                args.extend(["--sort", "id"]);
            }
            args
        };
        let fast = repo.chant_out(&args(false));
        let slow = repo.chant_out(&args(true));
        assert!(fast.status.success(), "{case:?} {json}: {fast:?}");
        assert_eq!(
            String::from_utf8_lossy(&fast.stdout),
            String::from_utf8_lossy(&slow.stdout),
            "{case:?} {json}"
        );
        assert_eq!(fast.stdout, slow.stdout, "{case:?} {json}");
        assert_eq!(fast.stderr, slow.stderr, "{case:?} {json}");
    }
    // The hostile spec is there with its fields, and no raw control reaches the output.
    let all = String::from_utf8(repo.chant_out(&["list", "--json", "--all"]).stdout).unwrap();
    assert!(
        !all.contains(|c: char| c.is_control() && c != '\n'),
        "{all:?}"
    );
    for shown in [
        r#"\u007f\u0080\u009b\u009f"#,
        r#"q\"b\\s/\u0001\b\t\n\f\r\u001b[2J\u001f"#,
    ] {
        assert!(all.contains(shown), "{shown} in {all}");
    }
    let items: Vec<serde_json::Value> = serde_json::from_str(&all).unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "a-base",
            "a-broken",
            "a-claimed",
            "a-gated",
            "a-hostile",
            "a-top",
            "z-old",
            "z-older"
        ]
    );
    let hostile = &items[4];
    assert_eq!(hostile["claim"]["by"], "Carol <carol@example.com>");
    assert_eq!(
        hostile["criteria"],
        serde_json::json!({"checked": 1, "total": 2})
    );
    assert_eq!(items[3]["approval"], "pending");
}

/// `HOSTILE` as YAML reads it.
const HOSTILE_LABEL: &str =
    "q\"b\\s/\x01\x08\t\n\x0c\r\x1b[2J\x1f \u{7f}\u{80}\u{9b}\u{9f}\u{a0} é ☃ 𝄞";
