//! Human output across the trust boundary: control sequences in titles and criteria reach
//! a pipe and a terminal escaped, JSON stays exact, and miette keeps its colours.

use super::{setup, stderr};
use crate::harness::{hermetic, Repo};

const EVIL_TITLE: &str = "Clip \x1b]52;c;SGVsbG8=\x07 and wipe \x1b[2J done";

/// A spec whose title carries OSC 52 (clipboard write) and a clear-screen sequence, and
/// whose criterion carries another, as a push from anyone could bring it (`add` refuses
/// such a title).
fn evil_repo() -> Repo {
    let repo = setup();
    repo.put_ledger_file(
        &git_chant::store::paths::spec_path("evil", false),
        &format!("---\ntype: code\nstatus: pending\n---\n# {EVIL_TITLE}\n\n## Acceptance Criteria\n\n- [ ] tick \x1b[2J\u{9b}31m me\n"),
    );
    repo
}

fn assert_escaped(shown: &str, what: &str) {
    assert!(
        !shown.contains(['\x1b', '\x07', '\u{9b}']),
        "{what} sent a control character: {shown:?}"
    );
}

#[test]
fn data_reaches_a_pipe_escaped() {
    let repo = evil_repo();
    for args in [
        &["list"][..],
        &["show", "evil"],
        &["ready"],
        &["search", "wipe"],
        &["status"],
        &["dag"],
    ] {
        let shown = repo.chant(args);
        assert_escaped(&shown, &format!("{args:?}"));
        assert!(
            shown.contains("Clip \\e]52;c;SGVsbG8=\\x07 and wipe \\e[2J"),
            "{args:?}: {shown}"
        );
    }
    // The criterion quoted by a refusal is escaped too.
    repo.chant(&["start", "evil"]);
    let out = repo.chant_out(&["done", "evil"]);
    assert_eq!(out.status.code(), Some(1));
    assert_escaped(&String::from_utf8_lossy(&out.stderr), "done's refusal");
    assert!(
        stderr(&out).contains("tick \\e[2J\\u{9b}31m me"),
        "{}",
        stderr(&out)
    );
    // JSON stays JSON, with the exact title, and no raw control either.
    let json = repo.chant(&["list", "--json"]);
    assert_escaped(&json, "list --json");
    let items: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(items[0]["title"], EVIL_TITLE);
}

/// On a terminal (a pty from util-linux `script`) the data arrives escaped while the
/// diagnostics keep their colour.
#[test]
fn data_reaches_a_terminal_escaped_and_colour_still_works() {
    let repo = evil_repo();
    repo.chant(&["start", "evil"]);
    let mut cmd = std::process::Command::new("script");
    hermetic(&mut cmd, repo.home())
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .current_dir(&repo.path)
        .args([
            "-qec",
            "git-chant list; git-chant show evil; git-chant search wipe; git-chant done evil",
            "/dev/null",
        ])
        .stdin(std::process::Stdio::null());
    let out = cmd
        .output()
        .expect("util-linux `script` (.ci/run installs it)");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        !shown.contains("\x1b]52") && !shown.contains("\x1b[2J"),
        "{shown:?}"
    );
    assert!(!shown.contains(['\x07', '\u{9b}']), "{shown:?}");
    assert!(shown.contains("\\e]52;c;SGVsbG8=\\x07"), "{shown:?}");
    assert!(shown.contains("tick \\e[2J\\u{9b}31m me"), "{shown:?}");
    // miette's own colours (SGR sequences) are still drawn around the escaped text.
    assert!(
        shown.contains("\x1b[3"),
        "no colour on the terminal: {shown:?}"
    );
}
