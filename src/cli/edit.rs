//! `git chant edit`: change a spec in your editor; validated before it is written.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use clap::Args;

use crate::diag;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::{self, Saved};
use crate::store::Store;

/// Edit a spec in your editor; validated and merged, never overwritten.
///
/// Open a spec in your editor ($GIT_EDITOR, core.editor, $VISUAL, $EDITOR, vi). The result
/// must parse and pass the same checks as `set` and the lifecycle commands; on a terminal a
/// failed check re-opens the editor. If the spec changed while you edited it, both changes
/// are merged, or the edit is refused as a conflict and kept in a file.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant edit 003-root-cause\n  EDITOR=nano git chant edit 003"
)]
pub struct EditArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Allow a status change the transition table forbids (recorded as an edit).
    #[arg(long)]
    force: bool,
}

pub fn run(args: EditArgs) -> Result<Exit, Error> {
    let store = Store::open(".")?;
    let (id, base) = {
        let snapshot = store.snapshot()?;
        let id = ops::resolve(&store, &snapshot, &args.id)?;
        // The id names the temporary file: one a push planted (`..`, `/`) must not lead
        // out of `.git/chant/edit/`.
        crate::spec::id::validate(&id)?;
        let (_, spec) = ops::load(&snapshot, &id)?;
        (id, spec.render())
    };
    let dir = store.cache_dir().join("edit");
    let io = |source| Error::Write {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let file = tempfile::Builder::new()
        .prefix(&format!("{id}-"))
        .suffix(".md")
        .tempfile_in(&dir)
        .map_err(io)?;
    std::fs::write(file.path(), &base).map_err(io)?;
    let editor = editor(&store);
    let bound = crate::files::Limits::from_store(&store).spec;
    loop {
        run_editor(&editor, file.path())?;
        // A file grown past the limit is refused like an invalid edit: re-opened or kept.
        let saved = crate::files::read_file(file.path(), bound)
            .and_then(|bytes| crate::files::text(bytes, file.path()))
            .and_then(|edited| ops::save_edit(&store, &id, &base, &edited, args.force));
        match saved {
            Ok(Saved::Unchanged) => super::say(&format!("{id}: no changes"))?,
            Ok(Saved::Written) => super::say(&format!("{id}: saved"))?,
            Ok(Saved::Merged) => super::say(&format!(
                "{id}: saved, merged with changes made while you edited"
            ))?,
            Err(Error::EditConflict { id, line, .. }) => {
                let (_, kept) = file.keep().map_err(|e| Error::Write {
                    path: dir.clone(),
                    source: e.error,
                })?;
                return Err(Error::EditConflict {
                    id,
                    line,
                    saved: Some(kept),
                });
            }
            Err(error) => {
                if std::io::stdin().is_terminal() {
                    eprint!("{}", diag::render(&error, diag::Style::for_stderr()));
                    if ask("Re-open the editor? [Y/n] ") {
                        continue;
                    }
                }
                let (_, kept) = file.keep().map_err(|e| Error::Write {
                    path: dir.clone(),
                    source: e.error,
                })?;
                eprintln!("your edit is kept at {}", kept.display());
                return Err(error);
            }
        }
        return Ok(Exit::Ok);
    }
}

/// git's order: $GIT_EDITOR, core.editor, $VISUAL, $EDITOR, vi.
fn editor(store: &Store) -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    env("GIT_EDITOR")
        .or_else(|| store.config_string("core.editor"))
        .or_else(|| env("VISUAL"))
        .or_else(|| env("EDITOR"))
        .unwrap_or_else(|| "vi".into())
}

/// Runs the editor the way git does: through the shell, the file as its argument.
fn run_editor(editor: &str, file: &Path) -> Result<(), Error> {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(file)
        .status()
        .map_err(|source| Error::Read {
            path: editor.into(),
            source,
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Read {
            path: file.into(),
            source: std::io::Error::other(format!("the editor `{editor}` failed ({status})")),
        })
    }
}

fn ask(question: &str) -> bool {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    !answer.trim().eq_ignore_ascii_case("n")
}
