//! The ledger with real git: init, add, show, list, notes both ways, bare repositories,
//! and the index cache.

use git_chant::store::paths::{shard, NOTES_REF};
use git_chant::store::Store;

use crate::harness::Repo;

#[test]
fn init_then_add_is_visible_to_plain_git() {
    let repo = Repo::new();
    assert!(repo.chant(&["init"]).contains("created"));
    assert!(
        repo.chant(&["init"]).contains("already"),
        "init is idempotent"
    );
    let id = repo.chant(&[
        "add",
        "Root cause",
        "--id",
        "003-root-cause",
        "--label",
        "bug",
    ]);
    assert_eq!(id.trim(), "003-root-cause");

    assert_eq!(
        repo.git(&["cat-file", "-p", "refs/chant/specs:FORMAT"]),
        "chant-ledger 1\n"
    );
    let path = format!(
        "refs/chant/specs:specs/{}/003-root-cause.md",
        shard("003-root-cause")
    );
    let via_git = repo.git(&["show", &path]);
    assert_eq!(via_git, repo.chant(&["show", "003-root-cause", "--raw"]));
    assert!(via_git.contains("# Root cause\n") && via_git.contains("labels:\n- bug\n"));

    crate::harness::assert_fsck_clean(&repo);
    assert_eq!(
        repo.git(&["reflog", "show", "--format=%gs", "refs/chant/specs"])
            .lines()
            .count(),
        2
    );
    let message = repo.git(&["log", "-1", "--format=%B", "refs/chant/specs"]);
    assert_eq!(
        message,
        "chant: add 003-root-cause\n\nChant-Spec: 003-root-cause\nChant-Op: add\n\n"
    );
    assert_eq!(
        repo.git(&["config", "--get-all", "notes.rewriteRef"]),
        "refs/notes/chan[t]\nrefs/notes/chant-outpu[t]\n"
    );
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "",
        "the working tree is untouched"
    );
}

#[test]
fn generated_ids_follow_the_days_sequence_and_short_ids_resolve() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let first = repo.chant(&["add", "One"]).trim().to_owned();
    let second = repo.chant(&["add", "Two", "--depends-on", &first[first.len() - 3..]]);
    let second = second.trim();
    assert_eq!(&first[11..14], "001");
    assert_eq!(&second[11..14], "002");
    let list = repo.list_json(&[]);
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["depends_on"][0], first.as_str());
    assert_eq!(list[0]["ready"], true);
    assert_eq!(list[1]["ready"], false);
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", &second[11..], "--json"])).unwrap();
    assert_eq!(shown["id"], second);
    assert_eq!(
        shown["blocked_by"][0],
        format!("depends on {first} (pending)")
    );
    assert_eq!(shown["frontmatter"]["status"], "pending");
    // A session names them by placeholder: `[id-1]` is the first id seen.
    insta::assert_snapshot!(repo.run(&["list"]), @r"
        [id-1]       ready           code           0/1  One
        [id-2]       blocked         code           0/1  Two
        [EOF]
        ");
}

#[test]
fn unknown_and_ambiguous_ids_are_clear_errors() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "A", "--id", "abc-1"]);
    repo.chant(&["add", "B", "--id", "abc-2"]);
    insta::assert_snapshot!(repo.run(&["show", "abc"]), @r"
        ------- stderr -------
        chant::id::ambiguous

          × `abc` is ambiguous: it matches abc-1, abc-2
          help: give more of the id, e.g. `abc-1`
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["show", "zzz"]), @r"
        ------- stderr -------
        chant::id::unknown

          × no spec matches `zzz`
          help: `git chant list --all` shows every spec id
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["add", "Dup", "--id", "abc-1"]), @r"
        ------- stderr -------
        chant::add::id_taken

          × a spec with id `abc-1` already exists
          help: choose another `--id`, or `git chant show abc-1` to see the existing spec
        [EOF]
        [exit status: 1]
        ");
}

#[test]
fn missing_identity_and_missing_ledger_say_what_to_run() {
    let repo = Repo::without_identity();
    let out = repo.chant_out(&["init"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("git config --global user.name"), "{stderr}");
    assert!(
        repo.git_cmd(&["rev-parse", "--verify", "refs/chant/specs"])
            .output()
            .unwrap()
            .status
            .code()
            != Some(0)
    );

    let repo = Repo::new();
    insta::assert_snapshot!(repo.run(&["list"]), @r"
        ------- stderr -------
        chant::store::no_ledger

          × no ledger yet: refs/chant/specs does not exist
          help: in a clone of a repository that has one, `git chant init --remote origin` takes origin's;
                otherwise `git chant init` creates it
        [EOF]
        [exit status: 1]
        ");
}

/// Ledger commits are signed the way git signs commits: the environment before `git -c`
/// and config, an empty name is no name, and a date git would reject stops the write.
#[test]
fn ledger_commits_are_signed_as_git_would_sign_them() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let out = repo
        .chant_cmd(&["add", "Signed", "--id", "signed"])
        // What `git -c committer.name=…` hands its subcommands.
        .env("GIT_CONFIG_PARAMETERS", "'committer.name'='From Cli'")
        .env("GIT_COMMITTER_NAME", "From Env")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_AUTHOR_DATE", "@1770000000 +0200")
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
    let signed = repo.git(&[
        "log",
        "-1",
        "--format=%cn <%ce>|%an <%ae> %ad",
        "--date=raw",
        "refs/chant/specs",
    ]);
    assert_eq!(
        signed.trim(),
        "From Env <test@example.com>|Test User <author@example.com> 1770000000 +0200"
    );

    let out = repo
        .chant_cmd(&["add", "From cli"])
        .env("GIT_CONFIG_PARAMETERS", "'committer.name'='From Cli'")
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
    let committer = repo.git(&["log", "-1", "--format=%cn", "refs/chant/specs"]);
    assert_eq!(committer.trim(), "From Cli");

    let tip = repo.git(&["rev-parse", "refs/chant/specs"]);
    let out = repo
        .chant_cmd(&["add", "Bad date"])
        .env("GIT_COMMITTER_DATE", "next tuesday-ish")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GIT_COMMITTER_DATE"), "{stderr}");
    let out = repo
        .chant_cmd(&["add", "No name"])
        .env("GIT_AUTHOR_NAME", " ")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no git identity"));
    assert_eq!(
        repo.git(&["rev-parse", "refs/chant/specs"]),
        tip,
        "nothing written"
    );
}

#[test]
fn a_bare_repository_lists_and_shows_the_same_specs() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "One", "--id", "one"]);
    repo.chant(&["add", "Two", "--id", "two", "--depends-on", "one"]);
    let bare = Repo::bare();
    repo.git(&[
        "push",
        "-q",
        bare.path.to_str().unwrap(),
        "refs/chant/specs",
    ]);
    assert_eq!(bare.list_json(&[]), repo.list_json(&[]));
    assert_eq!(
        bare.chant(&["show", "two", "--raw"]),
        repo.chant(&["show", "two", "--raw"])
    );
}

#[test]
fn git_dir_and_git_c_are_honoured() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let elsewhere = tempfile::tempdir().unwrap();
    let out = repo
        .chant_cmd(&["add", "Via GIT_DIR", "--id", "via-git-dir"])
        .current_dir(elsewhere.path())
        .env("GIT_DIR", repo.path.join(".git"))
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
    // `git -c user.name=…` reaches git-chant as GIT_CONFIG_PARAMETERS.
    let out = repo
        .chant_cmd(&["add", "Via -c", "--id", "via-c"])
        .env("GIT_CONFIG_PARAMETERS", "'user.name'='Other Person'")
        .output()
        .unwrap();
    crate::harness::assert_success(&out);
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an", "refs/chant/specs"]),
        "Other Person\n"
    );
}

#[test]
fn notes_written_by_git_are_read_and_ours_are_shown_by_git() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    // More than 71 notes makes git switch to a fanout tree.
    let commits: Vec<String> = (0..80).map(|i| repo.commit(&format!("c{i}"))).collect();
    for (i, c) in commits.iter().enumerate() {
        let line = format!("2026-02-02T14:27:53Z spec-{i} commit");
        repo.git(&["notes", "--ref=chant", "add", "-m", &line, c]);
    }
    assert!(
        repo.git(&["ls-tree", "refs/notes/chant"]).contains("tree"),
        "fanout in use"
    );
    let store = Store::open(&repo.path).unwrap();
    for (i, c) in commits.iter().enumerate() {
        let id = gix::ObjectId::from_hex(c.as_bytes()).unwrap();
        let text = git_chant::notes::read(&store, NOTES_REF, id)
            .unwrap()
            .unwrap();
        assert_eq!(text, format!("2026-02-02T14:27:53Z spec-{i} commit\n"));
    }

    // Ours, appended to a note git wrote, in the fanout tree: git shows both lines.
    repo.chant(&[
        "event",
        &commits[5],
        "spec-5",
        "pending->in_progress",
        "model=sonnet",
    ]);
    let shown = repo.git(&["notes", "--ref=chant", "show", &commits[5]]);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 2, "{shown}");
    assert!(
        lines[1].ends_with(" spec-5 pending->in_progress model=sonnet"),
        "{shown}"
    );
    let log = repo.git(&["log", "-1", "--notes=chant", &commits[5]]);
    assert!(log.contains("pending->in_progress"), "{log}");
    crate::harness::assert_fsck_clean(&repo);
}

#[test]
fn a_corrupt_index_cache_is_rebuilt() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "One", "--id", "one"]);
    let before = repo.list_json(&[]);
    let cache = repo.path.join(".git/chant/index-v2.bin");
    assert!(cache.exists(), "list writes the index cache");
    std::fs::write(&cache, b"{ not json").unwrap();
    assert_eq!(repo.list_json(&[]), before);
    repo.chant(&["add", "Two", "--id", "two"]);
    let after = repo.list_json(&[]);
    assert_eq!(after.len(), 2, "the cache follows the new tree");
}

/// A ledger large enough to be read on every core (600 specs, packed by `git fast-import`
/// as delta chains, plus loose ones from `add`): every summary lands on its own spec, and
/// `search` finds exactly the specs holding the text.
#[test]
fn a_large_packed_ledger_reads_every_spec_onto_its_own_id() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    let mut stream = String::from(
        "commit refs/chant/specs\ncommitter T <t@example.com> 1770000000 +0000\n\
         data 9\nbulk load\nfrom refs/chant/specs^0\n",
    );
    let mut expected = std::collections::BTreeMap::new();
    // Written out of id order, so the pack's order is not the ledger's.
    for i in (0..600).map(|k| k * 389 % 600) {
        let id = format!("bulk-{i:03}");
        let status = ["pending", "completed", "in_progress"][i % 3];
        let text = format!(
            "---\ntype: code\nstatus: {status}\n---\n# Spec {i} about topic {}\n\n\
             Shared prose that makes the blobs delta well against each other.\n\n\
             ## Acceptance Criteria\n\n- [x] first\n- [ ] second\n",
            i % 7
        );
        stream.push_str(&format!(
            "M 100644 inline specs/{}/{id}.md\ndata {}\n{text}\n",
            shard(&id),
            text.len()
        ));
        expected.insert(id, (format!("Spec {i} about topic {}", i % 7), status));
    }
    let out =
        crate::harness::with_stdin(repo.git_cmd(&["fast-import", "--quiet"]), stream.as_bytes());
    crate::harness::assert_success(&out);
    for i in 0..3 {
        let id = format!("loose-{i}");
        repo.chant(&["add", &format!("Loose {i}"), "--id", &id]);
        expected.insert(id, (format!("Loose {i}"), "pending"));
    }

    let listed: Vec<serde_json::Value> =
        serde_json::from_str(&repo.chant(&["list", "--json", "--all"])).unwrap();
    let got: std::collections::BTreeMap<String, (String, &str)> = listed
        .iter()
        .map(|s| {
            let status = match s["status"].as_str().unwrap() {
                "pending" => "pending",
                "completed" => "completed",
                "in_progress" => "in_progress",
                other => panic!("unexpected status {other}"),
            };
            (
                s["id"].as_str().unwrap().to_owned(),
                (s["title"].as_str().unwrap().to_owned(), status),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(listed
        .iter()
        .filter(|s| s["id"].as_str().unwrap().starts_with("bulk-"))
        .all(|s| s["criteria"] == serde_json::json!({"checked": 1, "total": 2})));

    let found: Vec<serde_json::Value> =
        serde_json::from_str(&repo.chant(&["search", "topic 3", "--json"])).unwrap();
    let mut found: Vec<&str> = found.iter().map(|s| s["id"].as_str().unwrap()).collect();
    found.sort();
    let wanted: Vec<String> = (0..600)
        .filter(|i| i % 7 == 3)
        .map(|i| format!("bulk-{i:03}"))
        .collect();
    assert_eq!(found, wanted);
}
