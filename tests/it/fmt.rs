//! `git chant fmt` and the spec format over the fixtures: valid ones are canonical and
//! lossless, invalid ones give a diagnostic that names their line.

use git_chant::diag::{render, Style};
use git_chant::spec::Spec;

use crate::harness::Scratch;
use crate::{fixture_files, fixtures};

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
    let out = Scratch::new()
        .chant_cmd(&["fmt", "--check"])
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
    // Named relative to the working directory: miette wraps a message by its real length.
    let dir = Scratch::new();
    let fixture = fixtures().join("invalid").join("duplicate-key.md");
    std::fs::copy(fixture, dir.path().join("duplicate-key.md")).unwrap();
    let run = dir.run(&["fmt", "--check", "duplicate-key.md"]);
    insta::assert_snapshot!(run, @r#"
        ------- stderr -------
        chant::spec::yaml

          × duplicate-key.md:4: invalid YAML in frontmatter: duplicate entry with key "status"
           ╭─[duplicate-key.md:4:1]
         3 │ status: pending
         4 │ status: completed
           · ────────┬────────
           ·         ╰── here
         5 │ ---
           ╰────
          help: fix the YAML on line 4; `git chant fmt --check duplicate-key.md` re-checks the file
        [EOF]
        [exit status: 4]
        "#);
}

#[test]
fn fmt_rewrites_in_place_and_check_reports_a_diff() {
    let dir = Scratch::new();
    let path = dir.path().join("spec.md");
    let file = path.to_str().unwrap();
    let original = "---\nstatus:   pending\nlabels: [a, b]\n---\n# T\n";
    std::fs::write(&path, original).unwrap();

    insta::assert_snapshot!(dir.run(&["fmt", "--check", file]), @r"
        --- $HOME/spec.md
        +++ $HOME/spec.md (canonical)
        @@ -1,5 +1,7 @@
         ---
        -status:   pending
        -labels: [a, b]
        +status: pending
        +labels:
        +- a
        +- b
         ---
         # T
        [EOF]
        [exit status: 1]
        ");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "--check writes nothing"
    );

    insta::assert_snapshot!(dir.run(&["fmt", file]), @"");
    let canonical = "---\nstatus: pending\nlabels:\n- a\n- b\n---\n# T\n";
    assert_eq!(std::fs::read_to_string(&path).unwrap(), canonical);
    insta::assert_snapshot!(dir.run(&["fmt", "--check", file]), @"");
}

#[test]
fn fmt_reads_stdin_and_writes_stdout() {
    let run = Scratch::new().run_stdin(&["fmt", "-"], "---\ndepends_on: [x]\n---\n# T\n");
    insta::assert_snapshot!(run, @r"
        ---
        depends_on:
        - x
        ---
        # T
        [EOF]
        ");
}

#[test]
fn fmt_without_files_is_a_usage_error() {
    insta::assert_snapshot!(Scratch::new().run(&["fmt"]), @r"
        ------- stderr -------
        error: the following required arguments were not provided:
          <FILES>...

        Usage: git chant fmt <FILES>...

        For more information, try '--help'.
        [EOF]
        [exit status: 2]
        ");
}

#[test]
fn fmt_keeps_a_key_that_is_a_mapping_instead_of_rewriting_it_as_null() {
    let dir = Scratch::new();
    let path = dir.path().join("spec.md");
    std::fs::write(&path, "---\n{x: 1}: map\nlabels: [a]\n---\n# T\n").unwrap();
    let run = dir.run(&["fmt", path.to_str().unwrap()]);
    assert!(run.success(), "{run}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "---\n{x: 1}: map\nlabels:\n- a\n---\n# T\n"
    );
}
