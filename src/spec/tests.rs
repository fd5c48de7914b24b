use super::*;

const SEED: &str = include_str!("../../fixtures/valid/003-root-cause.md");

#[test]
fn seed_spec_fields_read_as_upstream_wrote_them() {
    let spec = Spec::parse("003-root-cause", SEED.as_bytes()).unwrap();
    assert_eq!(spec.kind(), "research");
    assert_eq!(spec.status(), "completed");
    assert_eq!(spec.depends_on(), vec!["002-reproduction"]);
    assert_eq!(spec.commits(), vec!["311326f"]);
    assert_eq!(spec.completed_at(), Some("2026-02-02T14:27:53Z"));
    assert_eq!(spec.model(), Some("sonnet"));
    assert_eq!(spec.prompt(), Some("research"));
    assert_eq!(spec.list("informed_by").len(), 2);
    assert_eq!(
        spec.title(),
        Some("Phase 3: Root Cause Analysis - Find the bug in Issue #42")
    );
    assert_eq!(criteria_counts(spec.body()), (5, 5));
    assert_eq!(spec.render(), SEED);
}

#[test]
fn changing_status_changes_only_that_line() {
    let mut spec = Spec::parse("s", SEED.as_bytes()).unwrap();
    spec.set_text("status", "in_progress");
    let expected = SEED.replacen("status: completed\n", "status: in_progress\n", 1);
    assert_eq!(spec.render(), expected);
}

#[test]
fn appending_a_commit_renders_a_block_list_in_place() {
    let mut spec = Spec::parse("s", SEED.as_bytes()).unwrap();
    let mut commits: Vec<String> = spec.commits().iter().map(|s| s.to_string()).collect();
    commits.push("a".repeat(40));
    spec.set_list("commits", &commits);
    let expected = SEED.replacen(
        "commits:\n- 311326f\n",
        &format!("commits:\n- 311326f\n- {}\n", "a".repeat(40)),
        1,
    );
    assert_eq!(spec.render(), expected);
}

#[test]
fn depends_on_as_a_single_string_reads_as_a_list() {
    let text = "---\ndepends_on: 001-a\n---\n# T\n";
    let spec = Spec::parse("s", text.as_bytes()).unwrap();
    assert_eq!(spec.depends_on(), vec!["001-a"]);
    assert_eq!(
        spec.status(),
        "pending",
        "absent status defaults to pending"
    );
    assert_eq!(spec.kind(), "code", "absent type defaults to code");
}

#[test]
fn unknown_type_and_status_load() {
    let text = "---\ntype: docs\nstatus: blocked\n---\n# T\n";
    let spec = Spec::parse("s", text.as_bytes()).unwrap();
    assert_eq!((spec.kind(), spec.status()), ("docs", "blocked"));
    assert!(!is_known_type(spec.kind()) && !is_known_status(spec.status()));
}

#[test]
fn dashes_inside_a_yaml_string_do_not_split_the_frontmatter() {
    let text = "---\nnote: \"--- not a delimiter\"\nblock: |\n  ---\n  indented\n---\n# T\n";
    let spec = Spec::parse("s", text.as_bytes()).unwrap();
    assert_eq!(spec.text("note"), Some("--- not a delimiter"));
    assert_eq!(spec.text("block"), Some("---\nindented\n"));
    assert_eq!(spec.render(), text);
}

#[test]
fn crlf_files_round_trip() {
    let text = "---\r\nstatus: pending\r\n---\r\n# T\r\n";
    let spec = Spec::parse("s", text.as_bytes()).unwrap();
    assert_eq!(spec.status(), "pending");
    assert_eq!(spec.render(), text);
}

#[test]
fn a_ten_megabyte_body_parses() {
    let mut text =
        String::from("---\nstatus: pending\n---\n# Big\n\n## Acceptance Criteria\n- [ ] x\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str("a line of body text that goes on for a while to fill the file up\n");
    }
    let spec = Spec::parse("big", text.as_bytes()).unwrap();
    assert_eq!(spec.criteria().len(), 1);
    assert_eq!(spec.render().len(), text.len());
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "empty"),
        (b"---\nstatus: pending\n", "never closed"),
        (b"\x00\x01\x02\xff\xfe", "invalid UTF-8"),
        (b"---\n\xff\n---\n", "invalid UTF-8"),
        (b"status: pending\n", "no frontmatter"),
        (b"---\n[unclosed\n---\n", "invalid YAML"),
        (b"---\n42\n---\n", "must be a mapping"),
    ];
    for (bytes, expected) in cases {
        let err = Spec::parse("x.md", bytes).unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "{:?}: {err}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn ticking_a_criterion_changes_one_byte() {
    let text = "---\nstatus: pending\n---\n# T\n\n## Acceptance Criteria\n\n- [ ] a\n- [ ] b\n";
    let mut spec = Spec::parse("s", text.as_bytes()).unwrap();
    assert!(spec.set_criterion(2, true));
    assert!(!spec.set_criterion(3, true));
    assert_eq!(spec.render(), text.replace("- [ ] b", "- [x] b"));
}

#[test]
fn new_specs_render_like_upstream() {
    let spec = Spec::new(
        vec![
            ("type", Value::from("code")),
            ("status", Value::from("pending")),
            ("labels", Value::Sequence(vec!["a".into()])),
        ],
        "# Title\n",
    );
    assert_eq!(
        spec.render(),
        "---\ntype: code\nstatus: pending\nlabels:\n- a\n---\n# Title\n"
    );
}

#[test]
fn the_criteria_section_is_found_and_its_prose_kept_without_the_boxes() {
    let body = "# T\n\n## Acceptance Criteria\n\n- [ ] old\n\n## Acceptance Criteria\n\nAll of:\n- [x] one\n- [ ] two\n\n```\n## not a heading\n- [ ] fenced\n```\n\n## Notes\n\nafter\n";
    let range = criteria_section(body).unwrap();
    assert!(body[range.clone()].starts_with("## Acceptance Criteria\n\nAll of:"));
    assert!(body[range.end..].starts_with("## Notes\n"));
    assert_eq!(
        without_criteria(body, range),
        "\nAll of:\n\n```\n## not a heading\n- [ ] fenced\n```\n\n"
    );
    assert_eq!(criteria_section("# T\n\n## Context\n\n- [ ] x\n"), None);
    let last = "## Acceptance Criteria\n- [ ] a\n";
    assert_eq!(criteria_section(last), Some(0..last.len()));
}
