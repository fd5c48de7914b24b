//! The command line itself: every command's `--help`, man pages where `git chant --help`
//! finds them, shell completions, the filters, sorts and limits of `list`, `ready` and
//! `search`, and `status`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::harness::{hermetic, Repo, Scratch};

/// Whether a working `man` is on this machine (CI images may lack one).
fn have_man() -> bool {
    Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn ids(specs: &[serde_json::Value]) -> Vec<&str> {
    specs.iter().map(|s| s["id"].as_str().unwrap()).collect()
}

/// Every command path (`[]`, `["list"]`, `["hooks", "install"]`, …) but the hidden ones.
fn command_paths(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut inner = path.clone();
        inner.push(sub.get_name().to_owned());
        command_paths(sub, inner, out);
    }
}

/// Each command's `--help` is a committed snapshot, `snapshots/it__cli__help__<page>.snap`
/// (`<page>` as its man page is named). A command without one fails here, before insta
/// could store one, and so does a snapshot of a command that is gone; to add one, run the
/// test with `INSTA_UPDATE=always`, read the new file, commit it.
#[test]
fn every_commands_help_is_a_committed_snapshot() {
    use clap::CommandFactory;
    let mut paths = Vec::new();
    command_paths(&git_chant::cli::Cli::command(), Vec::new(), &mut paths);
    let page = |path: &[String]| {
        std::iter::once("git-chant")
            .chain(path.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("-")
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots");
    let committed: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let page = name
                .strip_prefix("it__cli__help__")?
                .strip_suffix(".snap")?;
            Some(page.to_owned())
        })
        .collect();
    let commands: BTreeSet<String> = paths.iter().map(|p| page(p)).collect();
    assert!(commands.len() > 40, "{commands:?}");
    let writing = matches!(
        std::env::var("INSTA_UPDATE").as_deref(),
        Ok("always" | "force")
    );
    let missing: Vec<&String> = commands.difference(&committed).collect();
    let stale: Vec<&String> = committed.difference(&commands).collect();
    assert!(
        writing || (missing.is_empty() && stale.is_empty()),
        "help snapshots missing for {missing:?}, left for commands that are gone: {stale:?}"
    );
    let scratch = Scratch::new();
    for path in &paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = scratch.run(&args);
        assert!(run.success(), "{args:?}: {run}");
        insta::assert_snapshot!(format!("help__{}", page(path)), run);
    }
}

#[test]
fn man_pages_install_one_page_per_command_and_git_help_finds_them() {
    let repo = Repo::new();
    let dir = repo.home().join("man");
    let said = repo.chant(&["install-man-pages", dir.to_str().unwrap()]);
    let pages = dir.join("man1");
    assert!(said.contains(&pages.display().to_string()), "{said}");
    // Not on man's search path: the output says how to put it there.
    assert!(said.contains("MANPATH="), "{said}");
    for name in [
        "git-chant",
        "git-chant-list",
        "git-chant-show",
        "git-chant-hooks-install",
    ] {
        let page = std::fs::read_to_string(pages.join(format!("{name}.1")))
            .unwrap_or_else(|e| panic!("{name}.1: {e}"));
        assert!(page.contains(&format!("\n.TH {name} 1 ")), "{page}");
        assert!(
            page.contains(".SH SYNOPSIS") && page.contains(".SH OPTIONS"),
            "{page}"
        );
        if name != "git-chant-hooks-install" {
            assert!(page.contains(".SH EXAMPLES\n.nf\n"), "{page}");
        }
    }
    let list = std::fs::read_to_string(pages.join("git-chant-list.1")).unwrap();
    assert!(
        list.contains("\\-\\-status") && list.contains("blocked"),
        "{list}"
    );
    assert!(
        !pages.join("git-chant-hook.1").exists(),
        "hidden commands get no page"
    );

    if !have_man() {
        eprintln!("no `man` on this machine: skipping the rendering half");
        return;
    }
    let mut man = Command::new("man");
    hermetic(&mut man, repo.home())
        .arg("-l")
        .arg(pages.join("git-chant-list.1"))
        .env("MANWIDTH", "100");
    let rendered = man.output().unwrap();
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(
        text.contains("git chant list") && text.contains("--sort"),
        "{text}"
    );
    // git turns `git chant --help` into `man git-chant`.
    let out = repo
        .git_cmd(&["chant", "--help"])
        .env("MANPATH", &dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    crate::harness::assert_success(&out);
    assert!(
        text.contains("git-chant-list(1)") && text.contains("EXAMPLES"),
        "{text}"
    );
}

#[test]
fn man_pages_go_to_the_users_man_dir_by_default() {
    let repo = Repo::new();
    repo.chant(&["install-man-pages"]);
    let page = repo.home().join(".local/share/man/man1/git-chant-show.1");
    assert!(page.is_file(), "{}", page.display());
}

/// Completes `line` (the cursor at its end) in bash with the generated script and, when
/// this machine has it, git's own bash completion, as `git chant <TAB>` would.
fn complete(repo: &Repo, script: &Path, line: &str) -> String {
    let git_completion = "/usr/share/bash-completion/completions/git";
    let body = format!(
        "source {script}\n\
         read -ra COMP_WORDS <<< \"$LINE\"; [[ \"$LINE\" == *' ' ]] && COMP_WORDS+=('')\n\
         COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n\
         if [ -f {git_completion} ]; then source {git_completion}; COMP_LINE=$LINE; \
         COMP_POINT=${{#LINE}}; __git_wrap__git_main; else _git_chant; fi\n\
         echo \"${{COMPREPLY[*]}}\"",
        script = script.display()
    );
    let mut cmd = Command::new("bash");
    hermetic(&mut cmd, repo.home())
        .current_dir(&repo.path)
        .env("LINE", line)
        .args(["-c", &body]);
    let out = cmd.output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn bash_completions_name_the_subcommands_and_complete_through_git() {
    let repo = Repo::new();
    let script = repo.chant(&["completions", "bash"]);
    for word in [
        "list",
        "show",
        "install-man-pages",
        "completions",
        "--status",
    ] {
        assert!(script.contains(word), "{word}");
    }
    assert!(
        script.contains("complete -F _gitchant"),
        "registered for git-chant"
    );
    let path = repo.home().join("git-chant.bash");
    std::fs::write(&path, &script).unwrap();
    assert_eq!(complete(&repo, &path, "git chant li"), "list lint");
    assert_eq!(
        complete(&repo, &path, "git chant list --sort "),
        "id status title updated"
    );
    for shell in ["zsh", "fish"] {
        assert!(repo
            .chant(&["completions", shell])
            .contains("install-man-pages"));
    }
    assert_eq!(
        repo.chant_out(&["completions", "tcsh"]).status.code(),
        Some(2)
    );
}

/// a1 ready, b1 blocked on a1, c1 in progress, d1 (type task) ready.
fn four_specs() -> Repo {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "beta", "--id", "a1", "--label", "x"]);
    repo.chant(&["add", "Alpha", "--id", "b1", "--depends-on", "a1"]);
    repo.chant(&["add", "Gamma", "--id", "c1", "--label", "x"]);
    repo.chant(&["add", "delta", "--id", "d1", "--type", "task"]);
    repo.chant(&["start", "c1"]);
    repo
}

#[test]
fn unknown_filter_values_are_usage_errors_listing_the_valid_ones() {
    let repo = four_specs();
    insta::assert_snapshot!(repo.run(&["list", "--status", "bogus"]), @r"
        ------- stderr -------
        error: invalid value 'bogus' for '--status <STATUS>'
          [possible values: pending, in_progress, paused, completed, failed, needs_attention, cancelled, ready, blocked]

        For more information, try '--help'.
        [EOF]
        [exit status: 2]
        ");
    insta::assert_snapshot!(repo.run(&["list", "--type", "Research"]), @r"
        ------- stderr -------
        error: invalid value 'Research' for '--type <TYPE>'
          [possible values: code, task, driver, group, research, documentation]

          tip: a similar value exists: 'research'

        For more information, try '--help'.
        [EOF]
        [exit status: 2]
        ");
}

#[test]
fn status_filters_select_the_states_the_table_shows() {
    let repo = four_specs();
    assert_eq!(ids(&repo.list_json(&["--status", "ready"])), ["a1", "d1"]);
    assert_eq!(ids(&repo.list_json(&["--status", "blocked"])), ["b1"]);
    assert_eq!(
        ids(&repo.list_json(&["--status", "pending"])),
        ["a1", "b1", "d1"]
    );
    let both = repo.list_json(&["--status", "blocked", "--status", "in_progress"]);
    assert_eq!(ids(&both), ["b1", "c1"]);
    assert_eq!(ids(&repo.list_json(&["--type", "task"])), ["d1"]);
    assert_eq!(ids(&repo.list_json(&["--label", "x", "--ready"])), ["a1"]);
    insta::assert_snapshot!(repo.run(&["list"]), @r"
        a1                       ready           code           0/1  beta
        b1                       blocked         code           0/1  Alpha
        c1                       in_progress     code           0/1  Gamma
        d1                       ready           task           0/1  delta
        [EOF]
        ");
}

#[test]
fn list_ready_and_search_sort_and_limit() {
    let repo = four_specs();
    // Titles ignore case: Alpha, beta, delta, Gamma.
    assert_eq!(
        ids(&repo.list_json(&["--sort", "title"])),
        ["b1", "a1", "d1", "c1"]
    );
    // Lifecycle order of the shown state, ties by id.
    assert_eq!(
        ids(&repo.list_json(&["--sort", "status"])),
        ["a1", "d1", "b1", "c1"]
    );
    assert_eq!(
        ids(&repo.list_json(&["--sort", "title", "--limit", "2"])),
        ["b1", "a1"]
    );
    let ready: Vec<serde_json::Value> =
        serde_json::from_str(&repo.chant(&["ready", "--json", "--sort", "title"])).unwrap();
    assert_eq!(ids(&ready), ["a1", "d1"]);
    insta::assert_snapshot!(repo.run(&["ready", "--limit", "1"]), @r"
        a1                       code          beta
        [EOF]
        ");
    let found: Vec<serde_json::Value> = serde_json::from_str(
        &repo.chant(&["search", "a", "--json", "--sort", "title", "--limit", "3"]),
    )
    .unwrap();
    assert_eq!(ids(&found), ["b1", "a1", "d1"]);
    insta::assert_snapshot!(repo.run(&["list", "--sort", "age"]), @r"
        ------- stderr -------
        error: invalid value 'age' for '--sort <KEY>'
          [possible values: id, status, title, updated]

        For more information, try '--help'.
        [EOF]
        [exit status: 2]
        ");
}

#[test]
fn sort_updated_puts_the_latest_ledger_change_first() {
    let repo = four_specs();
    // Every write so far is dated 2026-02-02 (the harness); two later ones.
    let at = |date: &str, args: &[&str]| {
        let out = repo
            .chant_cmd(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        crate::harness::assert_success(&out);
    };
    at("2026-02-04T00:00:00Z", &["check", "b1", "1"]);
    at("2026-02-03T00:00:00Z", &["check", "d1", "1"]);
    let sorted = repo.list_json(&["--sort", "updated"]);
    assert_eq!(ids(&sorted), ["b1", "d1", "a1", "c1"]);
    assert_eq!(sorted[0]["updated"], "2026-02-04T00:00:00Z");
    assert_eq!(sorted[2]["updated"], "2026-02-02T14:27:53Z");
    assert_eq!(
        ids(&repo.list_json(&["--sort", "updated", "--limit", "1"])),
        ["b1"]
    );
    // Without --sort updated the field is not computed.
    assert!(repo.list_json(&[])[0].get("updated").is_none());
}

#[test]
fn status_lists_paused_specs() {
    let repo = four_specs();
    repo.chant(&["pause", "c1"]);
    insta::assert_snapshot!(repo.run(&["status"]), @r"
        4 specs: paused 1, pending 3

        ready (2):
          a1                       beta
          d1                       delta

        paused (1):
          c1                       Gamma
        [EOF]
        ");
    let report: serde_json::Value =
        serde_json::from_str(&repo.chant(&["status", "--json"])).unwrap();
    assert_eq!(report["paused"], serde_json::json!(["c1"]));
}
