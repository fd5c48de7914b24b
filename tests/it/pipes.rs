//! Every command that prints, with its stdout a pipe nobody reads (`git chant show x |
//! true`): no panic, no diagnostic, the exit it would have had.

use crate::harness::Repo;

#[test]
fn commands_writing_into_a_closed_pipe_end_quietly() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "Piped", "--id", "p1"]);
    repo.chant(&["add", "Second", "--id", "p2", "--depends-on", "p1"]);
    let commands: &[&[&str]] = &[
        &["show", "p1"],
        &["show", "p1", "--json"],
        &["show", "p1", "--raw"],
        &["list"],
        &["list", "--json"],
        &["status"],
        &["ready"],
        &["search", "Piped"],
        &["log", "p1"],
        &["dag"],
        &["lint"],
        &["conflicts"],
        &["doctor"],
        &["hooks", "status"],
        &["worktrees"],
        &["--help"],
        &["completions", "bash"],
    ];
    for args in commands {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader); // closed before the command writes a byte
        let out = repo.chant_cmd(args).stdout(writer).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}
