//! Real git in temporary repositories with a hermetic environment: HOME in the temp dir,
//! no system config, fixed identities and dates, UTC. Every git, git-chant and pty shell
//! a test runs goes through [`hermetic`]; [`Repo::run`] returns a [`Run`] to compare with
//! an inline snapshot.
//!
//! Snapshots are committed and never written by a plain `cargo test`: a new or changed
//! one fails the test. insta writes `.snap.new`/`.pending-snap` files beside it for
//! review unless `CI` is set (then it writes nothing); only `INSTA_UPDATE=always` or
//! `force` writes over a committed file snapshot, never over an inline one.

mod run;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use run::Run;
use run::{Normalise, Placeholders};

pub struct Repo {
    /// Holds HOME and the repository; removed on drop.
    pub tmp: tempfile::TempDir,
    pub path: PathBuf,
    placeholders: Placeholders,
}

/// Applies the hermetic environment to a command.
pub fn hermetic<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    // git-chant first on PATH, as after `cargo install`, so installed hooks find it.
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_git-chant"))
        .parent()
        .unwrap()
        .to_owned();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    cmd.env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env("GIT_AUTHOR_DATE", "2026-02-02T14:27:53Z")
        .env("GIT_COMMITTER_DATE", "2026-02-02T14:27:53Z")
}

/// PATH with `dir` first (stand-in programs: `gh`, `claude`), then git-chant's folder and
/// the test's own PATH.
pub fn path_with(dir: &Path) -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_git-chant"))
        .parent()
        .unwrap()
        .to_owned();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(
        [dir.to_owned(), bin]
            .into_iter()
            .chain(std::env::split_paths(&rest)),
    )
    .unwrap()
}

impl Repo {
    /// `git init` with an identity configured in the repository.
    pub fn new() -> Repo {
        let repo = Repo::bare_or_not(false);
        repo.git(&["config", "user.name", "Test User"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo
    }

    /// A repository without any identity configured.
    pub fn without_identity() -> Repo {
        Repo::bare_or_not(false)
    }

    /// `git init --bare`.
    pub fn bare() -> Repo {
        Repo::bare_or_not(true)
    }

    fn bare_or_not(bare: bool) -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(if bare { "repo.git" } else { "repo" });
        let mut cmd = Command::new("git");
        hermetic(&mut cmd, tmp.path())
            .arg("init")
            .arg("-q")
            .arg("-b")
            .arg("main");
        if bare {
            cmd.arg("--bare");
        }
        let out = cmd.arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Repo::at(tmp, path)
    }

    /// A repository a test made itself (a clone, another format) at `path` in `tmp`.
    pub fn at(tmp: tempfile::TempDir, path: PathBuf) -> Repo {
        Repo {
            tmp,
            path,
            placeholders: Placeholders::default(),
        }
    }

    pub fn home(&self) -> &Path {
        self.tmp.path()
    }

    /// A git command in the repository.
    pub fn git_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        hermetic(&mut cmd, self.home())
            .current_dir(&self.path)
            .args(args);
        cmd
    }

    /// Runs git, asserts success, returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A git-chant command in the repository.
    pub fn chant_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_git-chant"));
        hermetic(&mut cmd, self.home())
            .current_dir(&self.path)
            .args(args);
        cmd
    }

    pub fn chant_out(&self, args: &[&str]) -> Output {
        self.chant_cmd(args).output().unwrap()
    }

    /// Runs git-chant, asserts success, returns stdout.
    pub fn chant(&self, args: &[&str]) -> String {
        let out = self.chant_out(args);
        assert!(
            out.status.success(),
            "git chant {args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs git-chant with `args`: what it printed and its exit status, for a snapshot.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_cmd(self.chant_cmd(args))
    }

    /// Runs git-chant with `args` and `input` on its standard input.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        run::run(self.chant_cmd(args), Some(input), &self.normalise())
    }

    /// Runs a command built from [`Repo::chant_cmd`] or [`Repo::git_cmd`] (extra
    /// environment, say) as a [`Run`].
    pub fn run_cmd(&self, cmd: Command) -> Run {
        run::run(cmd, None, &self.normalise())
    }

    fn normalise(&self) -> Normalise<'_> {
        Normalise {
            paths: common_paths(vec![
                (self.path.clone(), "$REPO"),
                (self.home().to_owned(), "$HOME"),
            ]),
            repo: Some(self),
            placeholders: &self.placeholders,
        }
    }

    /// `git chant add <title> --id <id>` with `body` (the markdown under the title; the
    /// default template when empty) as its body file; returns the id `add` printed.
    pub fn add_spec(&self, id: &str, title: &str, body: &str) -> String {
        let mut args = vec!["add", title, "--id", id];
        let file = self.home().join(format!("add-spec-{id}.md"));
        if !body.is_empty() {
            std::fs::write(&file, body).unwrap();
            args.extend(["--body-file", file.to_str().unwrap()]);
        }
        let said = self.chant(&args);
        let _ = std::fs::remove_file(file);
        said.trim_end().to_owned()
    }

    /// An empty commit on the current branch; returns its id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// Writes a file straight into the ledger with git plumbing (as another tool or a
    /// careless push would), bypassing git chant's checks.
    pub fn put_ledger_file(&self, path: &str, content: &str) {
        let blob = self.put_blob(content);
        let index = self.home().join("ledger-index");
        let with_index = |args: &[&str]| {
            let out = self
                .git_cmd(args)
                .env("GIT_INDEX_FILE", &index)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap().trim().to_owned()
        };
        with_index(&["read-tree", "refs/chant/specs"]);
        with_index(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{},{path}", blob.trim()),
        ]);
        let tree = with_index(&["write-tree"]);
        let commit = self.git(&[
            "commit-tree",
            &tree,
            "-p",
            "refs/chant/specs",
            "-m",
            "plumbing",
        ]);
        self.git(&["update-ref", "refs/chant/specs", commit.trim()]);
        let _ = std::fs::remove_file(index);
    }

    /// Writes a blob; returns its id.
    pub fn put_blob(&self, content: &str) -> String {
        let out = with_stdin(
            self.git_cmd(&["hash-object", "-w", "--stdin"]),
            content.as_bytes(),
        );
        assert_success(&out);
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// `list --json` parsed.
    pub fn list_json(&self, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["list", "--json"];
        args.extend_from_slice(extra);
        serde_json::from_str(&self.chant(&args)).unwrap()
    }
}

/// The folders every run may name: this project and the built binary's.
fn common_paths(mut paths: Vec<(PathBuf, &'static str)>) -> Vec<(PathBuf, &'static str)> {
    let bin = Path::new(env!("CARGO_BIN_EXE_git-chant")).parent().unwrap();
    paths.push((bin.to_owned(), "$BIN"));
    paths.push((PathBuf::from(env!("CARGO_MANIFEST_DIR")), "$ROOT"));
    paths
}

/// A temporary folder and no repository: HOME and the working directory of commands that
/// need none (`fmt` on files), so they read no user or project configuration either.
pub struct Scratch {
    pub tmp: tempfile::TempDir,
    placeholders: Placeholders,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            tmp: tempfile::tempdir().unwrap(),
            placeholders: Placeholders::default(),
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// A git-chant command in the folder.
    pub fn chant_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_git-chant"));
        hermetic(&mut cmd, self.path())
            .current_dir(self.path())
            .args(args);
        cmd
    }

    /// Runs git-chant with `args`, for a snapshot.
    pub fn run(&self, args: &[&str]) -> Run {
        run::run(self.chant_cmd(args), None, &self.normalise())
    }

    /// Runs git-chant with `args` and `input` on its standard input.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        run::run(self.chant_cmd(args), Some(input), &self.normalise())
    }

    fn normalise(&self) -> Normalise<'_> {
        Normalise {
            paths: common_paths(vec![(self.path().to_owned(), "$HOME")]),
            repo: None,
            placeholders: &self.placeholders,
        }
    }
}

/// `git fsck --strict` succeeds and reports no error or warning.
pub fn assert_fsck_clean(repo: &Repo) {
    let out = repo.git_cmd(&["fsck", "--strict"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("error") && !stderr.contains("warning"),
        "git fsck --strict: {stderr}"
    );
}

/// Runs `cmd` with `input` on its standard input; returns what it printed.
pub fn with_stdin(mut cmd: Command, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// The command succeeded; its stderr otherwise.
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
