//! `git chant show` (and `log`) as people read them: numbered criteria, a driver's members,
//! transcript tails, decoded event values, JSON like the other commands, and git's pager
//! on a terminal (a pty from util-linux `script`).

use std::process::{Command, Output, Stdio};

use crate::harness::{hermetic, Repo};

/// A repository with spec `s1` (three criteria, the second ticked) and hooks installed.
fn setup() -> Repo {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let criteria = "## Acceptance Criteria\n\n- [ ] one\n- [x] two\n- [ ] three\n";
    repo.add_spec("s1", "Criteria", criteria);
    repo
}

#[test]
fn show_numbers_the_criteria_that_check_takes() {
    let repo = setup();
    insta::assert_snapshot!(repo.run(&["show", "s1"]), @r"
        ---
        type: code
        status: pending
        ---
        # Criteria

        ## Acceptance Criteria

        - [ ] one
        - [x] two
        - [ ] three

        -- s1: ready

        acceptance criteria, 1 of 3 ticked (git chant check s1 <n>):
           1. [ ] one
           2. [x] two
           3. [ ] three
        [EOF]
        ");
    insta::assert_snapshot!(repo.run(&["check", "s1", "3"]), @r"
        s1: ticked 3
        [EOF]
        ");
    assert!(repo.chant(&["show", "s1"]).contains("   3. [x] three\n"));
    let shown = repo.run(&["show", "s1", "--json"]).json();
    assert_eq!(shown["criteria"]["items"][2]["number"], 3);
    assert_eq!(shown["criteria"]["items"][2]["text"], "three");
    assert_eq!(shown["criteria"]["checked"], 2);
}

#[test]
fn show_lists_a_drivers_members_with_their_state() {
    let repo = setup();
    repo.chant(&["add", "Drive", "--id", "d1", "--type", "driver"]);
    repo.chant(&["add", "First step", "--member-of", "d1"]);
    repo.chant(&["add", "Second step", "--member-of", "d1"]);
    insta::assert_snapshot!(repo.run(&["show", "d1"]), @r"
        ---
        type: driver
        status: pending
        ---
        # Drive

        ## Acceptance Criteria

        - [ ] Describe what done looks like

        -- d1: ready

        acceptance criteria, 0 of 1 ticked (git chant check d1 <n>):
           1. [ ] Describe what done looks like

        members (2):
          d1.1  ready           First step
          d1.2  blocked         Second step
        [EOF]
        ");
    repo.chant(&["start", "d1.1"]);
    let shown = repo.run(&["show", "d1", "--json"]).json();
    assert_eq!(shown["members"][0]["id"], "d1.1");
    assert_eq!(shown["members"][0]["state"], "in_progress");
    assert_eq!(shown["members"][1]["state"], "blocked");
    assert!(!repo.chant(&["show", "s1"]).contains("members ("));
}

#[test]
fn show_prints_a_transcripts_header_and_last_lines_unless_asked_for_all() {
    let repo = setup();
    repo.commit("work");
    let file = repo.home().join("t.txt");
    let lines: Vec<String> = (1..=50).map(|n| format!("line {n}")).collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let file = file.to_str().unwrap();
    repo.chant(&["output", "s1", "--commit", "HEAD", "--file", file]);
    let text = repo.chant(&["show", "s1"]);
    assert!(text.contains("spec: s1\n"), "the header: {text}");
    assert!(
        text.contains("line 31\n") && text.contains("line 50\n"),
        "{text}"
    );
    assert!(!text.contains("line 30\n"), "{text}");
    assert!(
        text.contains("30 earlier lines; `git chant show s1 --transcript`"),
        "{text}"
    );
    let all = repo.chant(&["show", "s1", "--transcript"]);
    assert!(
        all.contains("\nline 1\n") && !all.contains("earlier lines"),
        "{all}"
    );
    // JSON keeps the whole note.
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "s1", "--json"])).unwrap();
    assert!(shown["transcripts"][0]["text"]
        .as_str()
        .unwrap()
        .contains("line 1\n"));
}

#[test]
fn event_values_are_decoded_for_people_and_kept_for_machines() {
    let repo = setup();
    repo.chant(&["hooks", "install"]);
    repo.commit("chant(s1): begin");
    repo.chant(&["fail", "s1", "--reason", "agent exited 0"]);
    let shown = repo.run(&["show", "s1"]);
    assert!(
        shown.stdout.contains("reason=\"agent exited 0\""),
        "{shown}"
    );
    assert!(!shown.stdout.contains("%20"), "{shown}");
    insta::assert_snapshot!(repo.run(&["log", "s1"]), @r#"
        [commit-2] 2026-02-02T14:27:53Z Test User            status in_progress -> failed
            reason: agent exited 0
        [commit-3] 2026-02-02T14:27:53Z Test User            status pending -> in_progress
        [commit-4] 2026-02-02T14:27:53Z Test User            add

        code commits:
          [commit-1]
            2026-02-02T14:27:53Z s1 commit
            2026-02-02T14:27:53Z s1 pending->in_progress
            [now] s1 in_progress->failed reason="agent exited 0"
        [EOF]
        "#);
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "s1", "--json"])).unwrap();
    let notes = shown["notes"].to_string();
    assert!(notes.contains("reason=agent%20exited%200"), "{notes}");
}

#[test]
fn show_json_is_compact_in_a_pipe_like_the_other_commands() {
    let repo = setup();
    let out = repo.chant(&["show", "s1", "--json"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("{\"id\":\"s1\""), "{out}");
}

/// `line` run by sh on a terminal (a pty from `script`), with `env` added.
fn on_a_terminal(repo: &Repo, line: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("script");
    hermetic(&mut cmd, repo.home())
        .current_dir(&repo.path)
        .envs(env.iter().copied())
        .args(["-qec", line, "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.output()
        .expect("util-linux `script` (.ci/run installs it)")
}

fn shown(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn on_a_terminal_show_pages_through_gits_pager_settings() {
    let repo = setup();
    let paged = [("GIT_PAGER", "sed s/^/PAGED:/")];
    let out = on_a_terminal(&repo, "git-chant show s1", &paged);
    let text = shown(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("PAGED:# Criteria\n"), "{text}");
    assert!(text.contains("PAGED:   2. [x] two\n"), "{text}");

    // git's pager environment, unless the user set it.
    let env_pager = [("GIT_PAGER", "echo \"LESS=$LESS LV=$LV\"; cat >/dev/null")];
    assert!(
        shown(&on_a_terminal(&repo, "git-chant show s1", &env_pager)).contains("LESS=FRX LV=-c")
    );
    let mine = [env_pager[0], ("LESS", "-R")];
    assert!(shown(&on_a_terminal(&repo, "git-chant show s1", &mine)).contains("LESS=-R LV=-c"));

    // core.pager beats PAGER, as in git; `git --no-pager` turns it off.
    repo.git(&["config", "core.pager", "sed s/^/CORE:/"]);
    let text = shown(&on_a_terminal(
        &repo,
        "git chant log s1",
        &[("PAGER", "sed s/^/ENV:/")],
    ));
    assert!(text.contains("CORE:") && !text.contains("ENV:"), "{text}");
    let text = shown(&on_a_terminal(&repo, "git --no-pager chant show s1", &[]));
    assert!(
        text.contains("# Criteria\n") && !text.contains("CORE:"),
        "{text}"
    );

    // Not a terminal: no pager.
    let out = repo
        .chant_cmd(&["show", "s1"])
        .envs(paged)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("---\n") && !text.contains("PAGED:"),
        "{text}"
    );
}
