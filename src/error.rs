//! The error every command returns: each module's own error, carried unchanged, so its
//! diagnostic and its row of the exit-code table reach the user intact.

use std::path::PathBuf;

use miette::Diagnostic;
use thiserror::Error;

use crate::exit::{Exit, ExitCode};
use crate::spec::{id::IdError, SpecError};

#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Spec(#[from] SpecError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Id(#[from] IdError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Rule(#[from] crate::spec::rules::RuleError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Lifecycle(#[from] crate::lifecycle::LifecycleError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] crate::store::StoreError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    File(#[from] crate::files::FileError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Work(#[from] crate::work::WorkError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Land(#[from] crate::work::land::LandError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Claim(#[from] crate::ops::claim::ClaimError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Setup(#[from] crate::setup::SetupError),

    #[error("a spec with id `{id}` already exists")]
    #[diagnostic(
        code(chant::add::id_taken),
        help("choose another `--id`, or `git chant show {id}` to see the existing spec")
    )]
    IdTaken { id: String },

    #[error("{id} changed while you edited it, and both changed the lines from line {line}")]
    #[diagnostic(
        code(chant::edit::conflict),
        help("{}", match saved { Some(path) => format!("your edit is kept at {}; `git chant show {id} --raw` shows the spec as it is now, and `git chant edit {id} --resume` reopens your edit: make those lines agree with it, and the rest merges", path.display()), None => format!("run `git chant edit {id}` again") })
    )]
    EditConflict {
        id: String,
        line: usize,
        saved: Option<PathBuf>,
    },

    #[error("no kept edit of {id} to resume")]
    #[diagnostic(
        code(chant::edit::nothing_kept),
        help("`git chant edit {id}` starts a new edit; kept edits are in .git/chant/edit/")
    )]
    NothingKept { id: String },

    #[error("the kept edit {} has no record of the version of {id} it was made from", path.display())]
    #[diagnostic(
        code(chant::edit::no_base),
        help("it cannot be merged safely: copy what you need from it into `git chant edit {id}`, then delete the file")
    )]
    KeptWithoutBase { id: String, path: PathBuf },

    #[error("the editor `{command}` {what}")]
    #[diagnostic(
        code(chant::edit::editor),
        help("git chant runs the editor git would: $GIT_EDITOR, else core.editor, else $VISUAL, else $EDITOR, else vi (here {setting}); set one that works, e.g. `git config core.editor nano`{kept}")
    )]
    Editor {
        command: String,
        /// Which setting named it: `GIT_EDITOR`, `core.editor`, …
        setting: String,
        /// `could not be started (…)` or `exited with 1`.
        what: String,
        /// Where the text typed so far is kept, as a sentence to append, or "".
        kept: String,
    },

    #[error("{remote} has ledger changes this clone has not merged: the push was rejected")]
    #[diagnostic(
        code(chant::push::moved),
        help("run `git chant sync {remote}` (fetch, merge, push)")
    )]
    PushRejected { remote: String },

    #[error("{remote} refused the push:\n{said}")]
    #[diagnostic(
        code(chant::push::refused),
        help("fix what it names locally (`git chant lint`), then `git chant sync {remote}`")
    )]
    PushRefused { remote: String, said: String },

    #[error("{remote} kept moving: gave up after {attempts} fetch-merge-push rounds")]
    #[diagnostic(
        code(chant::sync::gave_up),
        help("nothing is lost locally; run `git chant sync {remote}` again")
    )]
    SyncGaveUp { remote: String, attempts: u32 },

    #[error("cannot read {}: {source}", path.display())]
    #[diagnostic(
        code(chant::io::read),
        help("check that the path exists and is readable")
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot write {}: {source}", path.display())]
    #[diagnostic(
        code(chant::io::write),
        help("check the permissions of the file and its folder")
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    /// stdout was closed by its reader (`git chant list | head`): not worth a word; `main`
    /// ends the command quietly with exit 0.
    #[error("stdout was closed")]
    ClosedPipe,
}

impl ExitCode for Error {
    fn exit(&self) -> Exit {
        match self {
            Error::Spec(e) => e.exit(),
            Error::Id(e) => e.exit(),
            Error::Store(e) => e.exit(),
            Error::Lifecycle(e) => e.exit(),
            Error::Rule(e) => e.exit(),
            Error::File(e) => e.exit(),
            Error::Work(e) => e.exit(),
            Error::Land(e) => e.exit(),
            Error::Claim(e) => e.exit(),
            Error::Setup(e) => e.exit(),
            Error::IdTaken { .. }
            | Error::NothingKept { .. }
            | Error::KeptWithoutBase { .. }
            | Error::Editor { .. } => Exit::User,
            Error::EditConflict { .. } | Error::PushRejected { .. } | Error::SyncGaveUp { .. } => {
                Exit::Conflict
            }
            Error::PushRefused { .. } => Exit::Validation,
            Error::Read { .. } | Error::Write { .. } => Exit::User,
            Error::ClosedPipe => Exit::Ok,
        }
    }
}
