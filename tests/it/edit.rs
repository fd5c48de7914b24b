//! `git chant edit` with scripted editors: a plain edit, an edit racing another writer
//! (merged), a real conflict (refused, edit kept), an invalid edit (refused, kept), and on
//! a terminal the editor re-opened after a failed check.

use crate::harness::Repo;

/// A repository with one spec, and an editor script running `script` (with `$1` the file).
fn setup(script: &str) -> (Repo, String) {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let body = repo.home().join("body.md");
    std::fs::write(
        &body,
        "# Phase 1\n\n## Acceptance Criteria\n\n- [ ] Findings written down\n- [ ] Reviewed\n",
    )
    .unwrap();
    repo.chant(&[
        "add",
        "Phase 1",
        "--id",
        "p1",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    let editor = repo.home().join("editor.sh");
    let script = script.replace("CHANT", env!("CARGO_BIN_EXE_git-chant"));
    std::fs::write(&editor, format!("#!/bin/sh\nset -e\n{script}\n")).unwrap();
    let editor = format!("sh {}", editor.display());
    (repo, editor)
}

fn edit(repo: &Repo, editor: &str) -> std::process::Output {
    repo.chant_cmd(&["edit", "p1"])
        .env("GIT_EDITOR", editor)
        .output()
        .unwrap()
}

/// The kept edits (`.md`; each has its `.md.base` beside it).
fn kept_edits(repo: &Repo) -> Vec<std::path::PathBuf> {
    let Ok(dir) = std::fs::read_dir(repo.path.join(".git/chant/edit")) else {
        return Vec::new();
    };
    let mut found: Vec<_> = dir
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    found.sort();
    found
}

fn raw(repo: &Repo) -> String {
    repo.chant(&["show", "p1", "--raw"])
}

#[test]
fn an_edit_is_validated_and_written() {
    let (repo, editor) = setup("sed -i 's/Reviewed/Peer reviewed/' \"$1\"");
    let out = edit(&repo, &editor);
    crate::harness::assert_success(&out);
    assert!(raw(&repo).contains("- [ ] Peer reviewed\n"));
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s", "refs/chant/specs"]),
        "chant: edit p1\n"
    );
}

#[test]
fn a_change_made_while_editing_is_merged() {
    let (repo, editor) =
        setup("CHANT check p1 1 >/dev/null\nsed -i 's/^# Phase 1$/# Phase 1, renamed/' \"$1\"");
    let out = edit(&repo, &editor);
    crate::harness::assert_success(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("merged"));
    let text = raw(&repo);
    assert!(
        text.contains("# Phase 1, renamed\n") && text.contains("- [x] Findings written down\n"),
        "{text}"
    );
}

#[test]
fn a_conflicting_change_is_refused_and_the_edit_kept() {
    let (repo, editor) = setup(
        "CHANT check p1 1 >/dev/null\nsed -i 's/Findings written down/Findings written/' \"$1\"",
    );
    let out = edit(&repo, &editor);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("changed while you edited it") && stderr.contains("your edit is kept at"),
        "{stderr}"
    );
    let text = raw(&repo);
    assert!(
        text.contains("- [x] Findings written down\n"),
        "the other change stays: {text}"
    );
    let kept = kept_edits(&repo);
    assert_eq!(kept.len(), 1);
    let kept = std::fs::read_to_string(&kept[0]).unwrap();
    assert!(
        kept.contains("- [ ] Findings written\n"),
        "nothing typed is lost"
    );
}

#[test]
fn an_invalid_edit_is_refused_and_kept() {
    let (repo, editor) = setup("sed -i 's/^status: pending$/status: [oops/' \"$1\"");
    let before = raw(&repo);
    let out = edit(&repo, &editor);
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("p1:4:")
            && stderr.contains("your edit is kept at")
            && stderr.contains("git chant edit p1 --resume"),
        "{stderr}"
    );
    // `fmt --check` takes files, not ids: the help must not send the user there.
    assert!(!stderr.contains("fmt --check p1"), "{stderr}");
    assert_eq!(raw(&repo), before);
}

#[test]
fn an_edit_that_drops_the_title_is_refused_and_kept() {
    let (repo, editor) = setup("sed -i '/^# Phase 1$/d' \"$1\"");
    let before = raw(&repo);
    let out = edit(&repo, &editor);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("p1: no `# Title` line in the body")
            && stderr.contains("git chant edit p1 --resume"),
        "{stderr}"
    );
    assert_eq!(raw(&repo), before);
    assert_eq!(kept_edits(&repo).len(), 1);
}

#[test]
fn a_kept_edit_resumes_and_merges_with_what_changed_since() {
    // The first session drops the title and renames a criterion: refused, kept.
    let (repo, editor) = setup("sed -i -e '/^# Phase 1$/d' -e 's/Reviewed/Peer reviewed/' \"$1\"");
    assert_eq!(edit(&repo, &editor).status.code(), Some(1));
    // Meanwhile someone ticks criterion 1.
    repo.chant(&["check", "p1", "1"]);
    // Resuming shows the kept text (the rename is there); putting the title back saves it.
    let fix = repo.home().join("fix.sh");
    std::fs::write(
        &fix,
        r#"#!/bin/sh
set -e
grep -q 'Peer reviewed' "$1"
sed -i 's/^## Acceptance/# Phase 1, again\n\n&/' "$1"
"#,
    )
    .unwrap();
    let out = repo
        .chant_cmd(&["edit", "p1", "--resume"])
        .env("GIT_EDITOR", format!("sh {}", fix.display()))
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("merged"));
    let text = raw(&repo);
    assert!(
        text.contains(
            "# Phase 1, again
"
        ) && text.contains(
            "- [ ] Peer reviewed
"
        ) && text.contains(
            "- [x] Findings written down
"
        ),
        "both the resumed edit and the other change: {text}"
    );
    assert!(
        kept_edits(&repo).is_empty(),
        "a saved edit is no longer kept"
    );
    let out = repo.chant_out(&["edit", "p1", "--resume"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no kept edit of p1"));
}

#[test]
fn a_failing_editor_is_named_with_the_setting_that_chose_it() {
    let (repo, _) = setup("true");
    let out = edit(&repo, "no-such-editor-here");
    let text = crate::trust_client::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("the editor `no-such-editor-here` could not be started")
            && text.contains("$GIT_EDITOR is `no-such-editor-here`")
            && text.contains("core.editor"),
        "{text}"
    );
    assert!(!text.contains("check that the path exists"), "{text}");
    let out = repo
        .chant_cmd(&["edit", "p1"])
        .env("EDITOR", "false")
        .output()
        .unwrap();
    let text = crate::trust_client::stderr(&out);
    assert!(
        text.contains("the editor `false` exited with 1") && text.contains("$EDITOR is `false`"),
        "{text}"
    );
    assert!(
        kept_edits(&repo).is_empty(),
        "nothing was typed, nothing is kept"
    );
}

/// `edit` on a terminal (a pty from util-linux `script`) answering the re-open question.
fn edit_on_a_terminal(repo: &Repo, editor: &str, answer: &str) -> std::process::Output {
    use std::io::Write;
    let mut cmd = std::process::Command::new("script");
    crate::harness::hermetic(&mut cmd, repo.home())
        .current_dir(&repo.path)
        .env("GIT_EDITOR", editor)
        .args(["-qec", "git-chant edit p1", "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd
        .spawn()
        .expect("util-linux `script` (.ci/run installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn on_a_terminal_a_failed_check_reopens_the_editor() {
    // The first session breaks the YAML; the second fixes it and adds a label.
    let (repo, editor) = setup(
        "n=$(cat \"$HOME/calls\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$HOME/calls\"\n\
         if [ $n = 1 ]; then sed -i 's/^status: pending$/status: [oops/' \"$1\"; \
         else sed -i 's/^status: .*$/status: pending\\nlabels:\\n- reopened/' \"$1\"; fi",
    );
    let out = edit_on_a_terminal(&repo, &editor, "y\n");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("Re-open the editor? [Y/n]"), "{shown}");
    assert!(shown.contains("p1: saved"), "{shown}");
    let calls = std::fs::read_to_string(repo.home().join("calls")).unwrap();
    assert_eq!(calls.trim(), "2");
    assert!(raw(&repo).contains("status: pending\nlabels:\n- reopened\n"));

    // Declining keeps the broken edit in a file and changes nothing.
    std::fs::write(repo.home().join("calls"), "0").unwrap();
    let before = raw(&repo);
    let out = edit_on_a_terminal(&repo, &editor, "n\n");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("your edit is kept at"), "{shown}");
    assert_eq!(out.status.code(), Some(4), "{shown}");
    assert_eq!(raw(&repo), before);
}
