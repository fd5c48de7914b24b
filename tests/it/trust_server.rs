//! The server as a trust boundary: each push an attacker could make with plain git plumbing
//! (`git mktree`, `git commit-tree`), sent with a real `git push` to a bare repository with
//! the hook, is refused with its `remote:` line, and the server's refs do not move.

use git_chant::store::paths::{shard, spec_path};

use crate::harness::{assert_success, with_stdin, Repo};

struct Pair {
    server: Repo,
    client: Repo,
}

/// A server with the hook and a client whose ledger (specs `a` and `b`, pending) is pushed.
fn pair() -> Pair {
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    // git's own object checks would refuse some of these first: the validator must not
    // rely on them (a server may have them off).
    server.git(&["config", "receive.fsckObjects", "false"]);
    let client = Repo::new();
    client.chant(&["init"]);
    client.chant(&["add", "Spec A", "--id", "a"]);
    client.chant(&["add", "Spec B", "--id", "b"]);
    client.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    let (ok, stderr) = push(&client, &["refs/chant/specs"]);
    assert!(ok, "a valid first push is accepted: {stderr}");
    Pair { server, client }
}

fn push(client: &Repo, refspecs: &[&str]) -> (bool, String) {
    let mut args = vec!["push", "origin"];
    args.extend_from_slice(refspecs);
    let out = client.git_cmd(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.success(), stderr)
}

fn tip(repo: &Repo, name: &str) -> String {
    let out = repo
        .git_cmd(&["rev-parse", "-q", "--verify", name])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Pushes expecting a rejection naming every piece, with the server's refs unchanged.
fn refused(pair: &Pair, refspecs: &[&str], pieces: &[&str]) -> String {
    let refs = [
        "refs/chant/specs",
        "refs/notes/chant",
        "refs/notes/chant-output",
    ];
    let before: Vec<String> = refs.iter().map(|r| tip(&pair.server, r)).collect();
    let (ok, stderr) = push(&pair.client, refspecs);
    assert!(!ok, "the push should be refused:\n{stderr}");
    assert!(
        stderr.contains("remote: git chant: push rejected:"),
        "{stderr}"
    );
    for piece in pieces {
        assert!(stderr.contains(piece), "missing `{piece}` in:\n{stderr}");
    }
    let after: Vec<String> = refs.iter().map(|r| tip(&pair.server, r)).collect();
    assert_eq!(before, after, "the server's refs did not move");
    stderr
}

/// `git mktree --missing` of ls-tree lines (it accepts any name, mode and duplicate).
fn mktree(repo: &Repo, lines: &[String]) -> String {
    let input = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    let out = with_stdin(repo.git_cmd(&["mktree", "--missing"]), input.as_bytes());
    assert_success(&out);
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn ls_tree(repo: &Repo, treeish: &str) -> Vec<String> {
    let out = repo.git_cmd(&["ls-tree", treeish]).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The ledger tip's tree with the entries of folder `dir` edited: entries named in
/// `remove` dropped, `add` lines appended. Returns the new root tree.
fn edit_tree(repo: &Repo, base: &str, dir: &str, remove: &[&str], add: &[String]) -> String {
    let treeish = if dir.is_empty() {
        format!("{base}^{{tree}}")
    } else {
        format!("{base}:{dir}")
    };
    let mut lines: Vec<String> = ls_tree(repo, &treeish)
        .into_iter()
        .filter(|l| !remove.iter().any(|r| l.ends_with(&format!("\t{r}"))))
        .collect();
    lines.extend_from_slice(add);
    let mut tree = mktree(repo, &lines);
    let mut path: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    while let Some(name) = path.pop() {
        let parent = path.join("/");
        let treeish = if parent.is_empty() {
            format!("{base}^{{tree}}")
        } else {
            format!("{base}:{parent}")
        };
        let mut lines: Vec<String> = ls_tree(repo, &treeish)
            .into_iter()
            .filter(|l| !l.ends_with(&format!("\t{name}")))
            .collect();
        lines.push(format!("040000 tree {tree}\t{name}"));
        tree = mktree(repo, &lines);
    }
    tree
}

/// A ledger commit of `tree` on `parents`, made the ledger tip; returns its id.
fn commit(repo: &Repo, tree: &str, parents: &[&str], message: &str) -> String {
    let mut args = vec!["commit-tree", tree, "-m", message];
    for p in parents {
        args.extend(["-p", p]);
    }
    let id = repo.git(&args).trim().to_owned();
    repo.git(&["update-ref", "refs/chant/specs", &id]);
    id
}

fn edit_ledger(repo: &Repo, dir: &str, remove: &[&str], add: &[String]) -> String {
    let tree = edit_tree(repo, "refs/chant/specs", dir, remove, add);
    commit(repo, &tree, &["refs/chant/specs"], "plumbing")
}

const COMPLETED_A: &str = "---\ntype: code\nstatus: completed\n---\n# Spec A\n";

#[test]
fn odd_names_modes_and_places_are_refused() {
    let pair = pair();
    let blob = pair.client.put_blob("# evil\n");
    let base = tip(&pair.client, "refs/chant/specs");
    let cases: Vec<(&str, &[&str], Vec<String>, &str)> = vec![
        (
            "prompts",
            &[],
            vec![format!("100644 blob {blob}\t..")],
            "[name]",
        ),
        (
            "prompts",
            &[],
            vec![format!("100644 blob {blob}\tx\\..\\evil.md")],
            "[name]",
        ),
        (
            "prompts",
            &["standard.md"],
            vec![format!(
                "040000 tree {}\tstandard.md",
                mktree(&pair.client, &[])
            )],
            "prompts/standard.md does not belong",
        ),
        (
            "prompts",
            &["standard.md"],
            vec![format!("100755 blob {blob}\tstandard.md")],
            "an executable (100755)",
        ),
        (
            "prompts",
            &["standard.md"],
            vec![format!("120000 blob {blob}\tstandard.md")],
            "a symlink (120000)",
        ),
        (
            "",
            &["config.md"],
            vec![format!("160000 commit {base}\tconfig.md")],
            "config.md is a gitlink (160000)",
        ),
        (
            "",
            &["FORMAT"],
            vec![format!("120000 blob {blob}\tFORMAT")],
            "FORMAT is a symlink",
        ),
        (
            "",
            &[],
            vec![format!("100644 blob {blob}\tnotes.txt")],
            "notes.txt does not belong in the ledger [path]",
        ),
        (
            "prompts",
            &[],
            vec![format!("100644 blob {blob}\tdeep")],
            "prompts/deep does not belong",
        ),
    ];
    for (dir, remove, add, piece) in cases {
        pair.client.git(&["update-ref", "refs/chant/specs", &base]);
        edit_ledger(&pair.client, dir, remove, &add);
        refused(&pair, &["refs/chant/specs"], &[piece]);
    }
}

#[test]
fn a_second_entry_of_one_name_is_refused() {
    let pair = pair();
    let hh = shard("a");
    let second = pair.client.put_blob(COMPLETED_A);
    let line = format!("100644 blob {second}\ta.md");
    edit_ledger(&pair.client, &format!("specs/{hh}"), &[], &[line]);
    refused(
        &pair,
        &["refs/chant/specs"],
        &["a second entry of that name"],
    );
}

#[test]
fn completing_a_spec_cannot_be_hidden() {
    let pair = pair();
    let base = tip(&pair.client, "refs/chant/specs");
    let path = spec_path("a", false);
    let (dir, file) = path.rsplit_once('/').unwrap();
    let completed = pair.client.put_blob(COMPLETED_A);
    let completed_line = format!("100644 blob {completed}\t{file}");

    // A merge whose second parent is a new root holding the completed spec.
    let tree = edit_tree(
        &pair.client,
        &base,
        dir,
        &[file],
        std::slice::from_ref(&completed_line),
    );
    let root = pair
        .client
        .git(&["commit-tree", &tree, "-m", "side"])
        .trim()
        .to_owned();
    commit(&pair.client, &tree, &[&base, &root], "merge");
    refused(&pair, &["refs/chant/specs"], &["has no parent", "[root]"]);

    // An unparsable version, then completed.
    pair.client.git(&["update-ref", "refs/chant/specs", &base]);
    pair.client.put_ledger_file(&path, "not a spec\n");
    pair.client.put_ledger_file(&path, COMPLETED_A);
    refused(&pair, &["refs/chant/specs"], &["spec a", "[parse]"]);

    // Deleted, then added back as completed; and deleted outright.
    pair.client.git(&["update-ref", "refs/chant/specs", &base]);
    edit_ledger(&pair.client, dir, &[file], &[]);
    let deleted = tip(&pair.client, "refs/chant/specs");
    edit_ledger(
        &pair.client,
        dir,
        &[],
        std::slice::from_ref(&completed_line),
    );
    refused(
        &pair,
        &["refs/chant/specs"],
        &["deletes a: archive it instead", "[delete]"],
    );
    pair.server.git(&["config", "chant.allowDelete", "true"]);
    refused(
        &pair,
        &["refs/chant/specs"],
        &["moves it pending -> completed", "[transition]"],
    );
    pair.server.git(&["config", "--unset", "chant.allowDelete"]);
    pair.client
        .git(&["update-ref", "refs/chant/specs", &deleted]);
    refused(&pair, &["refs/chant/specs"], &["[delete]"]);
}

#[test]
fn every_pushed_commit_is_checked_not_only_the_last() {
    let pair = pair();
    // 2 MB added in one commit and removed in the next: every clone would download it.
    let big = "x".repeat(2 << 20);
    let path = spec_path("big", false);
    pair.client.put_ledger_file(&path, &big);
    let (dir, file) = path.rsplit_once('/').unwrap();
    edit_ledger(&pair.client, dir, &[file], &[]);
    refused(
        &pair,
        &["refs/chant/specs"],
        &["more than chant.maxSpecBytes", "[size]"],
    );
}

#[test]
fn forcing_can_be_limited_to_some_writers() {
    let pair = pair();
    pair.client.chant(&["done", "a", "--force"]);
    pair.server
        .git(&["config", "chant.forceWriters", "lead@example.com"]);
    refused(
        &pair,
        &["refs/chant/specs"],
        &["test@example.com is not in chant.forceWriters [force]"],
    );
    pair.server
        .git(&["config", "chant.forceWriters", "test@example.com"]);
    let (ok, stderr) = push(&pair.client, &["refs/chant/specs"]);
    assert!(ok, "{stderr}");
}

/// A commit with a note from `git notes`, pushed.
fn pair_with_notes() -> (Pair, String) {
    let pair = pair();
    let code = pair.client.commit("code");
    pair.client.git(&[
        "notes",
        "--ref=chant",
        "add",
        "-m",
        "2026-02-02T14:27:53Z a commit",
        &code,
    ]);
    let (ok, stderr) = push(&pair.client, &["refs/notes/chant"]);
    assert!(ok, "{stderr}");
    (pair, code)
}

fn edit_notes(repo: &Repo, add: &[String]) {
    let mut lines = ls_tree(repo, "refs/notes/chant^{tree}");
    lines.extend_from_slice(add);
    let tree = mktree(repo, &lines);
    let id = repo.git(&[
        "commit-tree",
        &tree,
        "-p",
        "refs/notes/chant",
        "-m",
        "notes",
    ]);
    repo.git(&["update-ref", "refs/notes/chant", id.trim()]);
}

#[test]
fn notes_trees_hold_only_notes() {
    let (pair, code) = pair_with_notes();
    let base = tip(&pair.client, "refs/notes/chant");
    let junk = pair.client.put_blob("junk\n");
    let event = pair.client.put_blob("2026-02-02T14:27:53Z b commit\n");
    let cases = [
        (format!("100644 blob {junk}\tjunk"), "junk does not belong"),
        (
            format!("100644 blob {event}\t{code}"),
            "a second entry of that name",
        ),
        (
            format!(
                "040000 tree {}\t{}",
                mktree(
                    &pair.client,
                    &[format!("100644 blob {event}\t{}", &code[2..])]
                ),
                &code[..2]
            ),
            "is stored twice",
        ),
        (
            format!("120000 blob {junk}\t{}", "f".repeat(40)),
            "a symlink",
        ),
    ];
    for (line, piece) in cases {
        pair.client.git(&["update-ref", "refs/notes/chant", &base]);
        edit_notes(&pair.client, &[line]);
        refused(&pair, &["refs/notes/chant"], &[piece]);
    }
}

#[test]
fn refs_below_the_notes_refs_are_refused() {
    let pair = pair();
    let code = pair.client.commit("code");
    pair.client.git(&[
        "notes",
        "--ref=chant-output",
        "add",
        "-m",
        "transcript",
        &code,
    ]);
    refused(
        &pair,
        &["refs/notes/chant-output:refs/notes/chant-output/x"],
        &[
            "only refs/chant/specs, refs/notes/chant and refs/notes/chant-output are accepted",
            "[ref]",
        ],
    );
    refused(&pair, &["refs/chant/specs:refs/chant/other"], &["[ref]"]);
    pair.server
        .git(&["config", "chant.allowRef", "refs/chant/other"]);
    assert!(push(&pair.client, &["refs/chant/specs:refs/chant/other"]).0);
}

#[test]
fn install_server_turns_on_fsck_of_received_objects() {
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    assert_eq!(
        server.git(&["config", "receive.fsckObjects"]).trim(),
        "true"
    );
}

/// A ledger of `n` specs, each depending on the previous one, in one commit.
fn chain(repo: &Repo, n: usize) {
    let mut stream = String::from("commit refs/chant/specs\ncommitter T <t@example.com> 1700000000 +0000\ndata 6\nchain\nfrom refs/chant/specs^0\n");
    for i in 0..n {
        let id = format!("c{i}");
        let deps = if i == 0 {
            String::new()
        } else {
            format!("depends_on:\n- c{}\n", i - 1)
        };
        let body = format!("---\ntype: code\nstatus: pending\n{deps}---\n# C{i}\n");
        stream.push_str(&format!(
            "M 100644 inline {}\ndata {}\n{body}\n",
            spec_path(&id, false),
            body.len()
        ));
    }
    let out = with_stdin(repo.git_cmd(&["fast-import", "--quiet"]), stream.as_bytes());
    assert_success(&out);
}

#[test]
fn a_long_dependency_chain_and_a_deep_tree_are_checked_in_linear_time() {
    let pair = pair();
    chain(&pair.client, 2000);
    let started = std::time::Instant::now();
    let (ok, stderr) = push(&pair.client, &["refs/chant/specs"]);
    assert!(ok, "{stderr}");
    // Not a speed target (that is `cargo xtask bench`): a cubic check took 74 s here.
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());

    // A tree 15,000 folders deep (git's own limit refuses it in a push; `validate` in CI
    // reads what a fetch or another tool brought): refused where it starts.
    let old = tip(&pair.client, "refs/chant/specs");
    let deep = "d/".repeat(15_000);
    let stream = format!("commit refs/chant/specs\ncommitter T <t@example.com> 1700000000 +0000\ndata 4\ndeep\nfrom refs/chant/specs^0\nM 100644 inline {deep}x\ndata 2\nx\n\n");
    let out = with_stdin(
        pair.client.git_cmd(&["fast-import", "--quiet"]),
        stream.as_bytes(),
    );
    assert_success(&out);
    let out = pair
        .client
        .chant_out(&["validate", &old, "refs/chant/specs", "refs/chant/specs"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{stdout}");
    assert!(
        stdout.contains("d does not belong in the ledger [path]"),
        "{stdout}"
    );
}

#[test]
fn a_merge_cannot_roll_the_ledger_back_or_skip_checks() {
    let pair = pair();
    let old = tip(&pair.client, "refs/chant/specs");
    let first = pair
        .client
        .git(&["rev-list", "--max-parents=0", &old])
        .trim()
        .to_owned();
    // The ledger's creation merged with the tip, holding the creation's tree: a
    // fast-forward that deletes every spec without changing a file against its first parent.
    let tree = format!("{first}^{{tree}}");
    let tree = pair.client.git(&["rev-parse", &tree]).trim().to_owned();
    commit(&pair.client, &tree, &[&first, &old], "merge");
    refused(
        &pair,
        &["refs/chant/specs"],
        &["already in its other parent's history", "[merge]"],
    );
}

#[test]
fn a_twin_in_the_archive_cannot_launder_a_transition() {
    let pair = pair();
    // a is pending. One commit adds an archived twin in progress, the next removes it and
    // completes the live spec: only pending -> completed really happened.
    let twin = "---\ntype: code\nstatus: in_progress\n---\n# Spec A\n";
    pair.client.put_ledger_file(&spec_path("a", true), twin);
    let archived = spec_path("a", true);
    let (dir, file) = archived.rsplit_once('/').unwrap();
    edit_ledger(&pair.client, dir, &[file], &[]);
    pair.client
        .put_ledger_file(&spec_path("a", false), COMPLETED_A);
    refused(
        &pair,
        &["refs/chant/specs"],
        &["holds a both live and archived", "[unique]"],
    );
}

#[test]
fn a_gitlink_where_the_specs_folder_belongs_is_refused_with_its_problem() {
    let pair = pair();
    // One commit changes a spec, the next makes `specs` a gitlink to a commit nobody has:
    // the tip's spec lookups must read it as no folder, not follow it (and fail to run).
    pair.client
        .put_ledger_file(&spec_path("c", false), "---\nstatus: pending\n---\n# C\n");
    let nowhere = "1234567890123456789012345678901234567890";
    edit_ledger(
        &pair.client,
        "",
        &["specs"],
        &[format!("160000 commit {nowhere}\tspecs")],
    );
    let stderr = refused(
        &pair,
        &["refs/chant/specs"],
        &["specs is a gitlink (160000)", "[mode]"],
    );
    assert!(!stderr.contains("could not run"), "{stderr}");
}

#[test]
fn a_folder_named_format_is_no_format_file() {
    let pair = pair();
    let empty = mktree(&pair.client, &[]);
    edit_ledger(
        &pair.client,
        "",
        &["FORMAT"],
        &[format!("040000 tree {empty}\tFORMAT")],
    );
    // The tip is read as every reader reads it: a folder there is no `FORMAT`.
    refused(
        &pair,
        &["refs/chant/specs"],
        &[
            "FORMAT does not belong in the ledger [path]",
            "the ledger has no FORMAT file [format]",
        ],
    );
}
