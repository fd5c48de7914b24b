//! The input rules, as every writer applies them: `add`, `set` and `edit` refuse the same
//! things in the same words (and write nothing), `import` reports them, a dotted key sets a
//! nested field, and a write that would change nothing commits nothing and says so.

use crate::harness::{Repo, Run};
use crate::trust_client::stderr;

fn repo() -> Repo {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo
}

/// How many commits the ledger has.
fn ledger_commits(repo: &Repo) -> usize {
    repo.git(&["rev-list", "--count", "refs/chant/specs"])
        .trim()
        .parse()
        .unwrap()
}

/// Runs a command that must be refused with exit 1, saying each of `said`, and writing no
/// ledger commit; returns its (unwrapped) stderr.
fn refused(repo: &Repo, args: &[&str], said: &[&str]) -> String {
    let before = ledger_commits(repo);
    let out = repo.chant_out(args);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
    for piece in said {
        assert!(
            text.contains(piece),
            "{args:?}: missing `{piece}` in: {text}"
        );
    }
    assert_eq!(ledger_commits(repo), before, "{args:?} wrote nothing");
    text
}

/// Runs a command that must be refused; checks it wrote no ledger commit.
fn refused_run(repo: &Repo, args: &[&str]) -> Run {
    let before = ledger_commits(repo);
    let run = repo.run(args);
    assert_eq!(ledger_commits(repo), before, "{args:?} wrote nothing");
    run
}

#[test]
fn add_refuses_empty_blank_multi_line_and_control_titles() {
    let repo = repo();
    insta::assert_snapshot!(refused_run(&repo, &["add", ""]), @r"
        ------- stderr -------
        chant::input::title

          × add: the title is empty
          help: a title is one non-blank line, the body's `# ` line (e.g. `# Fix the race in the store`)
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(refused_run(&repo, &["add", "   "]), @r"
        ------- stderr -------
        chant::input::title

          × add: the title is empty
          help: a title is one non-blank line, the body's `# ` line (e.g. `# Fix the race in the store`)
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(refused_run(&repo, &["add", "one\ntwo"]), @r"
        ------- stderr -------
        chant::input::title

          × add: the title spans several lines
          help: a title is one non-blank line, the body's `# ` line (e.g. `# Fix the race in the store`)
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(refused_run(&repo, &["add", "bell \x07 here"]), @r"
        ------- stderr -------
        chant::input::title

          × add: the title holds a control character (\x07)
          help: a title is one non-blank line, the body's `# ` line (e.g. `# Fix the race in the store`)
        [EOF]
        [exit status: 1]
        ");
    repo.chant(&["add", "  Padded  ", "--id", "p"]);
    assert!(repo.chant(&["show", "p", "--raw"]).contains("\n# Padded\n"));
}

#[test]
fn add_and_set_refuse_an_unknown_type_in_the_same_words() {
    let repo = repo();
    let add = refused(
        &repo,
        &["add", "T", "--type", "bogus"],
        &["unknown type `bogus`"],
    );
    repo.chant(&["add", "T", "--id", "t"]);
    let set = refused(
        &repo,
        &["set", "t", "type", "bogus"],
        &["unknown type `bogus`"],
    );
    let help = |text: &str| text[text.find("help:").unwrap()..].to_owned();
    assert_eq!(help(&add), help(&set));
    repo.chant(&["add", "Odd", "--id", "odd", "--type", "bogus", "--force"]);
    assert!(repo
        .chant(&["show", "odd", "--raw"])
        .contains("type: bogus\n"));
}

#[test]
fn member_of_takes_only_an_open_driver() {
    let repo = repo();
    repo.chant(&["add", "Code", "--id", "code"]);
    refused(
        &repo,
        &["add", "M", "--member-of", "code"],
        &[
            "code is a code spec, not a driver",
            "git chant set code type driver",
        ],
    );
    repo.chant(&["add", "Driver", "--id", "drv", "--type", "driver"]);
    assert_eq!(repo.chant(&["add", "M", "--member-of", "drv"]), "drv.1\n");
    repo.chant(&["cancel", "drv"]);
    refused(
        &repo,
        &["add", "M2", "--member-of", "drv"],
        &["driver drv is cancelled", "git chant reopen drv"],
    );
}

#[test]
fn a_body_files_title_must_agree_with_the_argument() {
    let repo = repo();
    let body = repo.home().join("body.md");
    std::fs::write(&body, "# Written title\n\nText.\n").unwrap();
    let file = body.to_str().unwrap();
    refused(
        &repo,
        &["add", "Other title", "--body-file", file],
        &["the title `Other title` differs from the body file's `# Written title`"],
    );
    repo.chant(&["add", "Written title", "--id", "same", "--body-file", file]);
    std::fs::write(&body, "Text without a heading.\n").unwrap();
    repo.chant(&["add", "Given", "--id", "given", "--body-file", file]);
    assert!(repo
        .chant(&["show", "given", "--raw"])
        .ends_with("---\n# Given\n\nText without a heading.\n"));
}

#[test]
fn a_dotted_key_sets_a_nested_field() {
    let repo = repo();
    repo.chant(&["add", "T", "--id", "t"]);
    repo.chant(&["set", "t", "approval.required", "true"]);
    let raw = repo.chant(&["show", "t", "--raw"]);
    assert!(raw.contains("approval:\n  required: true\n---\n"), "{raw}");
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "t", "--json"])).unwrap();
    assert_eq!(shown["frontmatter"]["approval"]["required"], true);
    assert!(shown["frontmatter"].get("approval.required").is_none());
    assert_eq!(shown["ready"], false, "a pending approval blocks it");
    refused(
        &repo,
        &["set", "t", "approval.required", "yes"],
        &["must be true or false"],
    );
    // A decision is only ever `approve`'s or `reject`'s (tests/it/approval.rs).
    refused(
        &repo,
        &["set", "t", "approval.status", "pending"],
        &["`approval.status` is recorded by `git chant approve` and `git chant reject`"],
    );
    // Unknown keys nest too; a scalar on the way is refused, as is a known non-mapping.
    repo.chant(&["set", "t", "extra.deep.key", "3"]);
    assert!(repo
        .chant(&["show", "t", "--raw"])
        .contains("extra:\n  deep:\n    key: 3\n"));
    refused(
        &repo,
        &["set", "t", "extra.deep.key.more", "1"],
        &["`extra.deep.key` holds `3`, not a mapping"],
    );
    refused(
        &repo,
        &["set", "t", "model.name", "x"],
        &["`model` holds a string, not a mapping"],
    );
    refused(&repo, &["set", "t", "title", "New"], &["git chant edit"]);
    let lint = repo.chant_out(&["lint", "t"]);
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stdout)
    );
}

#[test]
fn writes_that_change_nothing_commit_nothing_and_say_unchanged() {
    let repo = repo();
    repo.chant(&["add", "T", "--id", "t", "--label", "bug"]);
    let start = ledger_commits(&repo);
    for (args, said) in [
        (
            vec!["set", "t", "labels", "--add", "bug"],
            "t: labels unchanged\n",
        ),
        (
            vec!["set", "t", "labels", "--remove", "nope"],
            "t: labels unchanged\n",
        ),
        (vec!["set", "t", "type", "code"], "t: type unchanged\n"),
        (
            vec!["check", "t", "1", "--uncheck"],
            "t: unchanged: already clear: 1\n",
        ),
    ] {
        assert_eq!(repo.chant(&args), said, "{args:?}");
        assert_eq!(
            ledger_commits(&repo),
            start,
            "{args:?} made a ledger commit"
        );
    }
    assert_eq!(
        repo.chant(&["set", "t", "model", "opus"]),
        "t: model updated\n"
    );
    assert_eq!(
        repo.chant(&["set", "t", "model", "opus"]),
        "t: model unchanged\n"
    );
    assert_eq!(repo.chant(&["check", "t", "1"]), "t: ticked 1\n");
    assert_eq!(
        repo.chant(&["check", "t", "1"]),
        "t: unchanged: already ticked: 1\n"
    );
    assert_eq!(ledger_commits(&repo), start + 2);
}

#[test]
fn import_stores_upstream_bytes_and_reports_the_same_rules() {
    let repo = repo();
    let dir = repo.path.join(".chant/specs");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = "---\ntype: code\nstatus: pending\n---\nNo heading here.\n";
    std::fs::write(dir.join("untitled.md"), spec).unwrap();
    let said = repo.chant(&["import"]);
    assert!(
        said.contains("breaks an input rule: specs/untitled.md: no `# Title` line in the body"),
        "{said}"
    );
    assert_eq!(repo.chant(&["show", "untitled", "--raw"]), spec);
    let lint = repo.chant_out(&["lint", "untitled"]);
    assert!(String::from_utf8_lossy(&lint.stdout).contains("no `# Title` line in the body"));
}

#[test]
fn a_byte_order_mark_is_dropped_from_input_and_named_in_a_file() {
    let repo = repo();
    let body = repo.home().join("body.md");
    std::fs::write(&body, "\u{feff}# Marked\n\nText.\n").unwrap();
    repo.chant(&[
        "add",
        "Marked",
        "--id",
        "m",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    let raw = repo.chant(&["show", "m", "--raw"]);
    assert!(
        !raw.contains('\u{feff}') && raw.ends_with("---\n# Marked\n\nText.\n"),
        "{raw}"
    );
    let file = repo.home().join("bom.md");
    std::fs::write(&file, "\u{feff}---\nstatus: pending\n---\n# T\n").unwrap();
    let out = repo.chant_out(&["fmt", "--check", file.to_str().unwrap()]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(
        text.contains("UTF-8 byte-order mark") && text.contains("sed -i"),
        "{text}"
    );
    assert!(!text.contains("line 1 must be exactly"), "{text}");
}

#[test]
fn merge_of_a_code_branch_says_what_it_is_and_what_to_run() {
    let repo = repo();
    repo.commit("code");
    repo.git(&["branch", "chant/t1"]);
    insta::assert_snapshot!(repo.run(&["merge", "chant/t1"]), @r"
        ------- stderr -------
        chant::merge::not_a_spec

          × `chant/t1` is a git revision, not a spec
          help: `git chant merge` lands specs' branches (`git chant merge <id>`); to merge chant/t1 into
                your checkout, run `git merge chant/t1`
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["sync", "--from", "chant/t1"]), @r"
        ------- stderr -------
        chant::store::not_a_ledger

          × `chant/t1` is not a chant ledger: its commit [commit-1] has no
          │ FORMAT file, so it is not a ledger commit
          help: `git chant sync --from` takes a ledger revision, such as `origin/chant/specs` (refs/
                remotes/origin/chant/specs, which `git chant fetch origin` brings); an agent's branch
                `chant/<id>` lands with `git chant merge <id>`
        [EOF]
        [exit status: 1]
        ");
}

#[test]
fn an_unknown_remote_is_named_with_the_configured_ones() {
    let repo = repo();
    insta::assert_snapshot!(repo.run(&["init", "--remote", "origin"]), @r"
        ------- stderr -------
        chant::store::unknown_remote

          × no remote named `origin` in this repository
          help: this repository has no remotes: add one with `git remote add origin <url>`
        [EOF]
        [exit status: 1]
        ");
    repo.git(&["remote", "add", "upstream", "/nowhere"]);
    repo.git(&["remote", "add", "fork", "/nowhere/else"]);
    for args in [
        &["init", "--remote", "origin"][..],
        &["fetch", "origin"],
        &["sync"],
    ] {
        let text = stderr(&repo.chant_out(args));
        assert!(
            text.contains("its remotes: fork, upstream"),
            "{args:?}: {text}"
        );
    }
}
