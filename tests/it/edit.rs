//! `git chant edit` with scripted editors: a plain edit, an edit racing another writer
//! (merged), a real conflict (refused, edit kept), and an invalid edit (refused, kept).

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
    let kept: Vec<_> = std::fs::read_dir(repo.path.join(".git/chant/edit"))
        .unwrap()
        .collect();
    assert_eq!(kept.len(), 1);
    let kept = std::fs::read_to_string(kept[0].as_ref().unwrap().path()).unwrap();
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
        stderr.contains("p1:4:") && stderr.contains("your edit is kept at"),
        "{stderr}"
    );
    assert_eq!(raw(&repo), before);
}
