//! Import and export across the trust boundary: names from the ledger never leave the
//! export folder, links are never followed either way, and every read is bounded.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{setup, stderr};
use crate::harness::{assert_success, with_stdin, Repo};

/// Writes `tree_bytes` as a tree object exactly as given (`--literally`: names git's own
/// tools refuse); returns its id.
fn raw_tree(repo: &Repo, tree_bytes: &[u8]) -> String {
    let out = with_stdin(
        repo.git_cmd(&["hash-object", "-t", "tree", "--literally", "-w", "--stdin"]),
        tree_bytes,
    );
    assert_success(&out);
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// One raw tree entry: `<mode> <name>\0<20-byte id>`.
fn entry(mode: &str, name: &str, hex: &str) -> Vec<u8> {
    let mut bytes = format!("{mode} {name}\0").into_bytes();
    bytes.extend((0..20).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()));
    bytes
}

/// Replaces the ledger's `prompts/` with `prompts` (a tree id), by plumbing, as a push
/// without the server's checks could.
fn replace_prompts(repo: &Repo, prompts: &str) {
    let listing = repo.git(&["ls-tree", "refs/chant/specs"]);
    let mut root: Vec<u8> = Vec::new();
    for line in listing.lines() {
        let (meta, name) = line.split_once('\t').unwrap();
        let fields: Vec<&str> = meta.split(' ').collect();
        let (mode, id) = if name == "prompts" {
            ("40000", prompts)
        } else {
            (fields[0].trim_start_matches('0'), fields[2])
        };
        root.extend(entry(mode, name, id));
    }
    let tree = raw_tree(repo, &root);
    let commit = repo.git(&[
        "commit-tree",
        &tree,
        "-p",
        "refs/chant/specs",
        "-m",
        "plant",
    ]);
    repo.git(&["update-ref", "refs/chant/specs", commit.trim()]);
}
#[test]
fn export_refuses_names_that_leave_its_folder() {
    let repo = setup();
    let evil = repo.put_blob("planted\n");
    let standard = repo.git(&["rev-parse", "refs/chant/specs:prompts/standard.md"]);
    // prompts/../../evil.md, and an entry whose name holds slashes.
    let inner = raw_tree(&repo, &entry("100644", "evil.md", &evil));
    let middle = raw_tree(&repo, &entry("40000", "..", &inner));
    let mut prompts = entry("40000", "..", &middle);
    prompts.extend(entry("100644", "standard.md", standard.trim()));
    replace_prompts(&repo, &raw_tree(&repo, &prompts));

    let base = repo.home().join("export");
    std::fs::create_dir_all(&base).unwrap();
    let out = repo.chant_out(&["export", base.join("out").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the ledger holds `..` under `prompts`"),
        "{}",
        stderr(&out)
    );
    assert!(!base.join("evil.md").exists() && !repo.home().join("evil.md").exists());
    assert!(!base.join("out").exists(), "nothing was written");

    let mut prompts = entry("100644", "standard.md", standard.trim());
    prompts.extend(entry("100644", "x/../../../evil.md", &evil));
    replace_prompts(&repo, &raw_tree(&repo, &prompts));
    let out = repo.chant_out(&["export", base.join("out").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("x/../../../evil.md"),
        "{}",
        stderr(&out)
    );
    assert!(!base.join("evil.md").exists());
}

#[test]
fn export_never_writes_through_a_link() {
    let repo = setup();
    repo.chant(&["add", "Spec", "--id", "s1"]);
    let out_dir = repo.home().join("out");
    let elsewhere = repo.home().join("elsewhere");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out_dir.join("specs")).unwrap();
    let out = repo.chant_out(&["export", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is a symbolic link: export never writes through links"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

    // The export folder itself a link: refused too.
    let link = repo.home().join("link");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    let out = repo.chant_out(&["export", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn import_refuses_links_by_name_and_reads_nothing_through_them() {
    let repo = setup();
    let secret = repo.home().join(".secret");
    std::fs::write(&secret, "---\nstatus: pending\n---\n# SECRET-IN-HOME\n").unwrap();
    let chant = repo.path.join(".chant");
    std::fs::create_dir_all(chant.join("specs")).unwrap();
    std::fs::create_dir_all(chant.join("prompts")).unwrap();
    std::fs::write(chant.join("specs/a.md"), "---\nstatus: pending\n---\n# A\n").unwrap();
    let tip = repo.git(&["rev-parse", "refs/chant/specs"]);
    let refused = |link: &Path, named: &str| {
        std::os::unix::fs::symlink(&secret, link).unwrap();
        let out = repo.chant_out(&["import"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(named) && stderr(&out).contains("import never follows links"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            repo.git(&["rev-parse", "refs/chant/specs"]),
            tip,
            "nothing imported"
        );
        std::fs::remove_file(link).unwrap();
    };
    refused(&chant.join("prompts/evil.md"), ".chant/prompts/evil.md");
    refused(&chant.join("specs/b.md"), ".chant/specs/b.md");
    refused(&chant.join("config.md"), ".chant/config.md");
    // A linked folder is refused by name, not walked.
    let elsewhere = repo.home().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::copy(&secret, elsewhere.join("c.md")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, chant.join("archive")).unwrap();
    let out = repo.chant_out(&["import"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(".chant/archive"), "{}", stderr(&out));
    std::fs::remove_file(chant.join("archive")).unwrap();
    // Links where import never looks (logs) are left alone, and the rest imports.
    std::fs::create_dir_all(chant.join("logs")).unwrap();
    std::os::unix::fs::symlink(&secret, chant.join("logs/latest")).unwrap();
    repo.chant(&["import"]);
    let ledger = repo.git(&["ls-tree", "-r", "--name-only", "refs/chant/specs"]);
    assert!(ledger.contains("/a.md\n"), "{ledger}");
    let all = repo.git(&["log", "-p", "refs/chant/specs"]);
    assert!(!all.contains("SECRET-IN-HOME"), "{all}");
}

/// Runs a command that must fail fast, naming `wanted`.
fn fails_fast(repo: &Repo, args: &[&str], wanted: &str) {
    let started = Instant::now();
    let out = repo.chant_out(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains(wanted), "{args:?}: {}", stderr(&out));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{args:?} took {:?}",
        started.elapsed()
    );
}

#[test]
fn endless_and_oversized_inputs_fail_at_the_limit() {
    let repo = setup();
    repo.chant(&["add", "Spec", "--id", "s1"]);
    let limit = "larger than chant.maxSpecBytes=1048576 bytes";
    fails_fast(&repo, &["add", "Zero", "--body-file", "/dev/zero"], limit);
    fails_fast(&repo, &["fmt", "/dev/zero"], limit);
    let out = with_stdin(
        repo.chant_cmd(&["add", "Big", "--body-file", "-"]),
        &vec![b'a'; (1 << 20) + 1],
    );
    assert!(stderr(&out).contains("<stdin> is larger than chant.maxSpecBytes"));
    repo.git(&["config", "chant.maxNoteBytes", "4096"]);
    fails_fast(
        &repo,
        &["output", "s1", "--file", "/dev/zero"],
        "larger than chant.maxNoteBytes=4096 bytes",
    );
    let chant = repo.path.join(".chant/specs");
    std::fs::create_dir_all(&chant).unwrap();
    std::os::unix::fs::symlink("/dev/zero", chant.join("z.md")).unwrap();
    fails_fast(&repo, &["import"], ".chant/specs/z.md is a symbolic link");
    std::fs::remove_file(chant.join("z.md")).unwrap();
    std::fs::write(chant.join("y.md"), vec![b'-'; 2000]).unwrap();
    repo.git(&["config", "chant.maxSpecBytes", "1000"]);
    fails_fast(
        &repo,
        &["import"],
        ".chant/specs/y.md is larger than chant.maxSpecBytes=1000",
    );
}
