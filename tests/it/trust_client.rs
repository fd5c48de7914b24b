//! The client side of the trust boundary: a ledger (config.md, prompts, specs) written by
//! whoever could push never makes git chant run a command, read or write a path outside
//! the worktree or export folder, follow a link on import or export, read without bound,
//! work in a repository format it cannot honour, or send control sequences to a terminal.
mod files;
mod output;

use crate::harness::{assert_success, hermetic, Repo};

/// A repository with a commit and a ledger.
pub(super) fn setup() -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo
}

/// Standard error with miette's line wrapping undone: each line without its frame, joined
/// by spaces.
pub(super) fn stderr(out: &std::process::Output) -> String {
    let frame: &[char] = &[' ', '│', '×', '╰', '─', '▶', '├', '┬', '·'];
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(|l| l.trim_start_matches(frame).trim_end())
        .collect::<Vec<_>>()
        .join(" ")
}
#[test]
fn an_agent_named_by_the_ledger_is_never_run() {
    let repo = setup();
    repo.chant(&["add", "Spec", "--id", "s1"]);
    let pwned = repo.home().join("PWNED");
    repo.put_ledger_file(
        "config.md",
        &format!(
            "---\nproject:\n  name: p\nagent: sh -c 'touch {}'\n---\n# Config\n",
            pwned.display()
        ),
    );
    let out = repo.chant_out(&["work", "s1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("the ledger's config.md names agent `sh -c 'touch ")
            && said.contains("never runs a command from the ledger")
            && said.contains("git config chant.agent <command>"),
        "{said}"
    );
    assert!(said.contains("no agent command configured"), "{said}");
    assert!(!pwned.exists(), "the ledger's command ran");
    assert!(!repo.path.join(".git/chant/worktrees/s1/PWNED").exists());
    let s1: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "s1", "--json"])).unwrap();
    assert_eq!(s1["status"], "pending", "nothing was started");
}

#[test]
fn prompt_paths_stay_inside_the_worktree_and_placeholders_expand_once() {
    let repo = setup();
    let home = repo.home();
    std::fs::write(home.join(".secret"), "SECRET-IN-HOME\n").unwrap();
    std::fs::write(home.join("outside.txt"), "OUTSIDE-CONTENT\n").unwrap();
    std::fs::write(repo.path.join("inside.txt"), "INSIDE-CONTENT\n").unwrap();
    std::os::unix::fs::symlink(home.join("outside.txt"), repo.path.join("link-out")).unwrap();
    repo.git(&["add", "inside.txt", "link-out"]);
    repo.git(&["commit", "-q", "-m", "files"]);

    let body = home.join("body.md");
    std::fs::write(
        &body,
        "# Spec\n\nBODY-MARK {{spec.context}} {{spec.id}}\n\n## Acceptance Criteria\n\n- [ ] done\n",
    )
    .unwrap();
    repo.chant(&[
        "add",
        "Spec",
        "--id",
        "s1",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    let outside = home.join("outside.txt");
    let context = [
        "inside.txt",
        "~/.secret",
        "../../etc/hostname",
        "/etc/hostname",
        outside.to_str().unwrap(),
        "../../../../../outside.txt",
        "link-out",
    ];
    for path in context {
        repo.chant(&["set", "s1", "context", "--add", path]);
    }
    repo.chant(&["set", "s1", "target_files", "--add", "../evil.rs"]);
    repo.chant(&["set", "s1", "prompt", "ctx"]);
    repo.put_ledger_file(
        "prompts/ctx.md",
        "---\nname: ctx\n---\n{{spec.description}}\nTARGETS:\n{{spec.target_files}}\nCONTEXT:\n{{spec.context}}\n",
    );
    // The ledger's own agent must not run either: the local one does.
    let pwned = home.join("PWNED");
    repo.put_ledger_file(
        "config.md",
        &format!("---\nagent: touch {}\n---\n# Config\n", pwned.display()),
    );
    let captured = home.join("prompt.txt");
    let agent = home.join("capture.sh");
    std::fs::write(&agent, "#!/bin/sh\ncat > \"$CAPTURE\"\n").unwrap();
    repo.git(&["config", "chant.agent", &format!("sh {}", agent.display())]);
    let out = repo
        .chant_cmd(&["work", "s1"])
        .env("CAPTURE", &captured)
        .output()
        .unwrap();
    assert_success(&out);
    assert!(!pwned.exists(), "the ledger's agent ran");

    let prompt = std::fs::read_to_string(&captured).unwrap();
    assert!(
        prompt.contains("### inside.txt\n\n```\nINSIDE-CONTENT\n"),
        "{prompt}"
    );
    for leaked in ["SECRET-IN-HOME", "OUTSIDE-CONTENT"] {
        assert!(
            !prompt.contains(leaked),
            "{leaked} reached the prompt: {prompt}"
        );
    }
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    if hostname.trim().len() >= 8 {
        assert!(!prompt.contains(hostname.trim()), "{prompt}");
    }
    for skipped in [
        "(skipped context path `~/.secret`: a home-directory path)".to_owned(),
        "(skipped context path `../../etc/hostname`: outside the worktree)".to_owned(),
        "(skipped context path `/etc/hostname`: an absolute path)".to_owned(),
        format!(
            "(skipped context path `{}`: an absolute path)",
            outside.display()
        ),
        "(skipped context path `../../../../../outside.txt`: outside the worktree)".to_owned(),
        "(skipped context path `link-out`: outside the worktree (through a symbolic link))"
            .to_owned(),
        "(skipped target path `../evil.rs`: outside the worktree)".to_owned(),
    ] {
        assert!(prompt.contains(&skipped), "no `{skipped}` in: {prompt}");
    }
    // The body came in through {{spec.description}}: its placeholders stay literal.
    assert!(
        prompt.contains("BODY-MARK {{spec.context}} {{spec.id}}"),
        "{prompt}"
    );
}
/// `git init` with extra options, e.g. another ref or object format.
fn init_with(options: &[&str]) -> Repo {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("repo");
    let mut cmd = std::process::Command::new("git");
    hermetic(&mut cmd, tmp.path())
        .args(["init", "-q"])
        .args(options)
        .arg(&path);
    assert_success(&cmd.output().unwrap());
    let repo = Repo::at(tmp, path);
    repo.git(&["config", "user.name", "Test User"]);
    repo.git(&["config", "user.email", "test@example.com"]);
    repo
}

#[test]
fn repository_formats_git_chant_cannot_honour_are_refused() {
    for (option, said, how) in [
        (
            "--ref-format=reftable",
            "refs in the `reftable` format",
            "git rev-parse --show-ref-format",
        ),
        (
            "--object-format=sha256",
            "uses `sha256` object ids",
            "git rev-parse --show-object-format",
        ),
    ] {
        let repo = init_with(&[option]);
        let config = std::fs::read_to_string(repo.path.join(".git/config")).unwrap();
        let out = repo.chant_out(&["init"]);
        assert_eq!(out.status.code(), Some(1), "{option}: {}", stderr(&out));
        let text = stderr(&out);
        assert!(
            text.contains(said) && text.contains(how),
            "{option}: {text}"
        );
        assert!(!repo.path.join(".git/refs/chant").exists(), "{option}");
        assert_eq!(repo.git(&["for-each-ref"]), "", "{option}");
        let after = std::fs::read_to_string(repo.path.join(".git/config")).unwrap();
        assert_eq!(after, config, "{option}: the config is untouched");
    }
    let repo = init_with(&[]);
    repo.git(&["config", "core.repositoryFormatVersion", "1"]);
    repo.git(&["config", "extensions.frobnicate", "true"]);
    let out = repo.chant_out(&["init"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`extensions.frobnicate`"),
        "{}",
        stderr(&out)
    );
    // Extensions git chant works alongside are fine.
    let repo = init_with(&[]);
    repo.git(&["config", "core.repositoryFormatVersion", "1"]);
    repo.git(&["config", "extensions.worktreeConfig", "true"]);
    repo.chant(&["init"]);
}
