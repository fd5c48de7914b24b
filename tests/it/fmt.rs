//! `git chant fmt` and the spec format over the fixtures: valid ones are canonical and
//! lossless, invalid ones give a diagnostic that names their line.

use git_chant::diag::{render, Style};
use git_chant::spec::Spec;

use crate::{chant, fixture_files, fixtures};

/// Every invalid fixture and the line its diagnostic must name.
const INVALID: &[(&str, usize)] = &[
    ("approval-not-a-mapping.md", 4),
    ("dashes-inside-unclosed-quote.md", 4),
    ("depends-on-not-a-list.md", 4),
    ("duplicate-key.md", 4),
    ("empty.md", 1),
    ("frontmatter-not-a-mapping.md", 2),
    ("invalid-utf8.md", 5),
    ("labels-not-a-list.md", 4),
    ("no-frontmatter.md", 1),
    ("status-not-a-string.md", 3),
    ("tab-indentation.md", 3),
    ("unclosed-frontmatter.md", 1),
    ("yaml-unclosed-flow-list.md", 5),
];

fn name(path: &std::path::Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn fmt_check_accepts_every_valid_fixture() {
    let files = fixture_files("valid");
    assert!(files.len() >= 12, "expected a dozen valid fixtures");
    let out = chant()
        .arg("fmt")
        .arg("--check")
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn valid_fixtures_round_trip_byte_for_byte() {
    for path in fixture_files("valid") {
        let bytes = std::fs::read(&path).unwrap();
        let spec = Spec::parse(&name(&path), &bytes).unwrap();
        assert_eq!(
            spec.render().as_bytes(),
            bytes.as_slice(),
            "{}",
            path.display()
        );
        assert!(spec.title().is_some(), "{} has a title", path.display());
    }
}

#[test]
fn every_invalid_fixture_is_listed_and_names_its_line() {
    let files: Vec<String> = fixture_files("invalid").iter().map(|p| name(p)).collect();
    let listed: Vec<String> = INVALID.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        files, listed,
        "fixtures/invalid and INVALID must list the same files"
    );
    for (file, line) in INVALID {
        let bytes = std::fs::read(fixtures().join("invalid").join(file)).unwrap();
        let err = Spec::parse(file, &bytes).unwrap_err();
        let text = render(&err, Style::Plain);
        assert!(
            text.contains(&format!("{file}:{line}:")),
            "{file} should name line {line}:\n{text}"
        );
        insta::assert_snapshot!(format!("invalid__{file}"), text);
    }
}

#[test]
fn fmt_exits_4_with_the_diagnostic_for_an_invalid_file() {
    let path = fixtures().join("invalid").join("duplicate-key.md");
    let out = chant()
        .args(["fmt", "--check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("duplicate-key.md:4:"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn fmt_rewrites_in_place_and_check_reports_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.md");
    let original = "---\nstatus:   pending\nlabels: [a, b]\n---\n# T\n";
    std::fs::write(&path, original).unwrap();

    let out = chant()
        .args(["fmt", "--check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("\n-labels: [a, b]\n") && diff.contains("\n+labels:\n+- a\n+- b\n"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "--check writes nothing"
    );

    let out = chant().arg("fmt").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let canonical = "---\nstatus: pending\nlabels:\n- a\n- b\n---\n# T\n";
    assert_eq!(std::fs::read_to_string(&path).unwrap(), canonical);
    let out = chant()
        .args(["fmt", "--check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn fmt_reads_stdin_and_writes_stdout() {
    let mut cmd = chant();
    cmd.args(["fmt", "-"]);
    let out = crate::harness::with_stdin(cmd, b"---\ndepends_on: [x]\n---\n# T\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "---\ndepends_on:\n- x\n---\n# T\n"
    );
}

#[test]
fn fmt_without_files_is_a_usage_error() {
    let out = chant().arg("fmt").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn fmt_keeps_a_key_that_is_a_mapping_instead_of_rewriting_it_as_null() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.md");
    std::fs::write(&path, "---\n{x: 1}: map\nlabels: [a]\n---\n# T\n").unwrap();
    let out = chant().arg("fmt").arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "---\n{x: 1}: map\nlabels:\n- a\n---\n# T\n"
    );
}
