//! What can go wrong reading or writing the ledger, each with the next command to run.

use miette::Diagnostic;
use thiserror::Error;

use crate::exit::{Exit, ExitCode};

#[derive(Debug, Error, Diagnostic)]
pub enum StoreError {
    #[error("not in a git repository ({path})")]
    #[diagnostic(
        code(chant::store::not_a_repo),
        help("run git chant inside a git repository, or point GIT_DIR at one")
    )]
    NotARepo {
        path: String,
        #[source]
        source: gix::Error,
    },

    #[error("this repository keeps its refs in the `{format}` format: git chant works only with the `files` format, and would write refs git never reads")]
    #[diagnostic(
        code(chant::store::ref_format),
        help("`git rev-parse --show-ref-format` prints the format; `git refs migrate --ref-format=files` (git 2.46 or newer) converts the repository, then run git chant again")
    )]
    RefFormat { format: String },

    #[error("this repository uses `{format}` object ids (extensions.objectFormat): git chant works only with SHA-1 repositories")]
    #[diagnostic(
        code(chant::store::object_format),
        help("`git rev-parse --show-object-format` prints the format; use git chant in a SHA-1 repository (`git init --object-format=sha1`)")
    )]
    ObjectFormat { format: String },

    #[error("this repository needs the git extension `extensions.{name}` (= {value}), which git chant cannot honour")]
    #[diagnostic(
        code(chant::store::extension),
        help("`git config --local --get-regexp '^extensions\\.'` lists the repository's extensions; git chant works alongside worktreeConfig and preciousObjects only")
    )]
    Extension { name: String, value: String },

    #[error("this repository has format version {version} (core.repositoryFormatVersion): git chant knows versions 0 and 1")]
    #[diagnostic(
        code(chant::store::format_version),
        help("`git config core.repositoryFormatVersion` prints it; use a git chant that knows this format")
    )]
    FormatVersion { version: i64 },

    #[error("no ledger yet: refs/chant/specs does not exist")]
    #[diagnostic(
        code(chant::store::no_ledger),
        help("in a clone of a repository that has one, `git chant init --remote origin` takes origin's; otherwise `git chant init` creates it")
    )]
    NoLedger,

    #[error("the ledger is corrupt: {what}")]
    #[diagnostic(
        code(chant::store::corrupt),
        help("`git fsck` checks the objects; `git reflog show refs/chant/specs` lists earlier ledger states to reset to with `git update-ref refs/chant/specs <commit>`")
    )]
    Corrupt { what: String },

    #[error("`{rev}` is not a chant ledger: {why}")]
    #[diagnostic(
        code(chant::store::not_a_ledger),
        help("`git chant sync --from` takes a ledger revision, such as `origin/chant/specs` (refs/remotes/origin/chant/specs, which `git chant fetch origin` brings); an agent's branch `chant/<id>` lands with `git chant merge <id>`")
    )]
    NotALedger { rev: String, why: String },

    #[error("no remote named `{remote}` in this repository")]
    #[diagnostic(
        code(chant::store::unknown_remote),
        help("{}", if known.is_empty() { format!("this repository has no remotes: add one with `git remote add {remote} <url>`") } else { format!("its remotes: {} (`git remote -v` shows their URLs); add another with `git remote add {remote} <url>`", known.join(", ")) })
    )]
    UnknownRemote { remote: String, known: Vec<String> },

    #[error("the ledger format is `{found}`, this git chant reads `chant-ledger 1`")]
    #[diagnostic(
        code(chant::store::format),
        help("upgrade git chant (`cargo install --path .` in a newer checkout)")
    )]
    UnknownFormat { found: String },

    #[error("no git identity: {reason}; git chant signs every ledger commit with your name and email, as git signs commits")]
    #[diagnostic(
        code(chant::store::identity),
        help("git config --global user.name \"Your Name\" && git config --global user.email you@example.com")
    )]
    NoIdentity { reason: String },

    #[error("{var}={value:?} is not a date git understands")]
    #[diagnostic(
        code(chant::store::date),
        help("use an absolute date, e.g. `{var}=\"2026-02-02T14:27:53Z\"` or `@1770042473 +0000`, or unset it")
    )]
    BadDate { var: String, value: String },

    #[error("refs/chant/specs kept moving: gave up after {attempts} attempts")]
    #[diagnostic(
        code(chant::store::lost_race),
        help("nothing was written; run the same command again. if no other git is running, a killed writer may have left `.git/refs/chant/specs.lock`: `git chant doctor --fix` removes it once it is 30 s old")
    )]
    LostRace { attempts: u32 },

    #[error("{path} is {age_secs} s old: a writer that was killed left it, and every write waits for it")]
    #[diagnostic(
        code(chant::store::stale_lock),
        help("nothing was written; `git chant doctor --fix` removes stale locks (when no git is running here), then run the command again")
    )]
    StaleLock { path: String, age_secs: u64 },

    #[error("git could not sign the ledger commit (chant.signApprovals is true): {why}")]
    #[diagnostic(
        code(chant::store::signing),
        help("nothing was written; check `gpg.format` and `user.signingkey` (`git commit-tree -S` must work here), or `git config chant.signApprovals false`")
    )]
    Signing { why: String },

    #[error("refusing to write refs from a server hook")]
    #[diagnostic(
        code(chant::store::hook_mode),
        help("hooks only read; run the command in a clone instead")
    )]
    ReadOnly,

    #[error("{context}: {source}")]
    #[diagnostic(code(chant::store::git))]
    Git {
        context: String,
        #[source]
        source: gix::Error,
    },

    #[error("{context}: {source}")]
    #[diagnostic(code(chant::store::io))]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl ExitCode for StoreError {
    fn exit(&self) -> Exit {
        match self {
            StoreError::LostRace { .. } | StoreError::StaleLock { .. } => Exit::Conflict,
            _ => Exit::User,
        }
    }
}

/// Adds what was being done to a gix error.
pub(crate) trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T, StoreError>;
}

impl<T, E: Into<gix::Error>> Context<T> for Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|e| StoreError::Git {
            context: what(),
            source: e.into(),
        })
    }
}
