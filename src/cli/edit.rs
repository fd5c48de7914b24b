//! `git chant edit`: change a spec in your editor; validated before it is written, and an
//! edit that cannot be saved is kept, to be reopened with `--resume`.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::{self, kept, Saved};
use crate::store::Store;

/// Edit a spec in your editor; validated and merged, never overwritten.
///
/// Open a spec in your editor ($GIT_EDITOR, core.editor, $VISUAL, $EDITOR, vi). The result
/// must parse, keep a `# Title` line and pass the same checks as `set` and the lifecycle
/// commands; on a terminal a failed check re-opens the editor. If the spec changed while
/// you edited it, both changes are merged, or the edit is refused as a conflict. An edit
/// that is not saved is kept in .git/chant/edit/; `--resume` reopens it and saves it as if
/// the first session had not ended (merged with what changed since).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant edit 003-root-cause\n  EDITOR=nano git chant edit 003\n  git chant edit 003 --resume     reopen the edit that could not be saved"
)]
pub struct EditArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Allow a status change the transition table forbids, or an unknown type.
    #[arg(long)]
    force: bool,
    /// Reopen the newest kept edit of this spec instead of the spec.
    #[arg(long)]
    resume: bool,
}

/// The file the editor works on: a new temporary one, or a kept edit being resumed.
enum Work {
    Fresh(tempfile::NamedTempFile),
    Resumed(PathBuf),
}

impl Work {
    fn path(&self) -> &Path {
        match self {
            Work::Fresh(file) => file.path(),
            Work::Resumed(path) => path,
        }
    }

    /// Keeps the file (with the base it was made from) and returns where it is.
    fn keep(self, base: &str) -> Result<PathBuf, Error> {
        let path = match self {
            Work::Resumed(path) => path,
            Work::Fresh(file) => {
                let dir = file.path().parent().map(Path::to_owned).unwrap_or_default();
                file.keep()
                    .map_err(|e| Error::Write {
                        path: dir,
                        source: e.error,
                    })?
                    .1
            }
        };
        kept::record_base(&path, base)?;
        Ok(path)
    }

    /// The edit was saved (or had nothing to save): no file stays behind.
    fn finish(self) {
        if let Work::Resumed(path) = self {
            kept::discard(&path);
        }
    }
}

pub fn run(ctx: &Ctx, args: EditArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let (id, current) = {
        let snapshot = store.snapshot()?;
        let id = ops::resolve(store, &snapshot, &args.id)?;
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
    let (work, base) = if args.resume {
        let (found, older) =
            kept::latest(&dir, &id)?.ok_or_else(|| Error::NothingKept { id: id.clone() })?;
        let mut note = format!("{id}: resuming the edit kept at {}", found.path.display());
        if older > 0 {
            note.push_str(&format!(
                " ({older} older kept edits stay in {})",
                dir.display()
            ));
        }
        ctx.ui.warn(&note);
        (Work::Resumed(found.path), found.base)
    } else {
        std::fs::create_dir_all(&dir).map_err(io)?;
        let file = tempfile::Builder::new()
            .prefix(&format!("{id}-"))
            .suffix(".md")
            .tempfile_in(&dir)
            .map_err(io)?;
        std::fs::write(file.path(), &current).map_err(io)?;
        (Work::Fresh(file), current)
    };
    let opened = std::fs::read(work.path()).unwrap_or_default();
    let editor = Editor::configured(store);
    let bound = crate::files::Limits::from_store(store).spec;
    let resume = format!("`git chant edit {id} --resume` reopens it");
    loop {
        if let Err(mut error) = editor.run(work.path()) {
            // Whatever was typed before the editor failed is kept, unless it was nothing.
            let typed = std::fs::read(work.path()).unwrap_or_default();
            if typed != opened || matches!(work, Work::Resumed(_)) {
                let path = work.keep(&base)?;
                if let Error::Editor { kept, .. } = &mut error {
                    *kept = format!("; your text is kept at {}: {resume}", path.display());
                }
            }
            return Err(error);
        }
        // A file grown past the limit is refused like an invalid edit: re-opened or kept.
        let saved = crate::files::read_file(work.path(), bound)
            .and_then(|bytes| crate::files::text(bytes, work.path()))
            .and_then(|edited| ops::save_edit(store, &id, &base, &edited, args.force));
        match saved {
            Ok(Saved::Unchanged) => ctx.ui.line(&format!("{id}: no changes"))?,
            Ok(Saved::Written) => ctx.ui.line(&format!("{id}: saved"))?,
            Ok(Saved::Merged) => ctx.ui.line(&format!(
                "{id}: saved, merged with changes made while you edited"
            ))?,
            Err(Error::EditConflict { id, line, .. }) => {
                let kept = work.keep(&base)?;
                return Err(Error::EditConflict {
                    id,
                    line,
                    saved: Some(kept),
                });
            }
            Err(error) => {
                if std::io::stdin().is_terminal() {
                    ctx.ui.diagnostic(&error);
                    if ask(ctx, "Re-open the editor? [Y/n] ") {
                        continue;
                    }
                }
                let kept = work.keep(&base)?;
                ctx.ui.warn(&format!(
                    "your edit is kept at {}: {resume}",
                    kept.display()
                ));
                return Err(error);
            }
        }
        work.finish();
        return Ok(Exit::Ok);
    }
}

/// The editor git would run, and which setting named it.
struct Editor {
    command: String,
    setting: &'static str,
}

impl Editor {
    /// git's order: $GIT_EDITOR, core.editor, $VISUAL, $EDITOR, vi.
    fn configured(store: &Store) -> Editor {
        let env = |k: &'static str| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| (v, k))
        };
        let (command, setting) = env("GIT_EDITOR")
            .or_else(|| {
                store
                    .config_string("core.editor")
                    .map(|v| (v, "core.editor"))
            })
            .or_else(|| env("VISUAL"))
            .or_else(|| env("EDITOR"))
            .unwrap_or_else(|| ("vi".into(), "the default"));
        Editor { command, setting }
    }

    /// Runs the editor the way git does: through the shell, the file as its argument.
    fn run(&self, file: &Path) -> Result<(), Error> {
        let failed = |what: String| Error::Editor {
            command: self.command.clone(),
            setting: match self.setting {
                "the default" => "none is set, so `vi`".to_owned(),
                "core.editor" => format!("core.editor is `{}`", self.command),
                var => format!("${var} is `{}`", self.command),
            },
            what,
            kept: String::new(),
        };
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{} \"$@\"", self.command))
            .arg(&self.command)
            .arg(file)
            .status()
            .map_err(|e| failed(format!("could not be started: sh: {e}")))?;
        // The shell says 127 for a command it cannot find and 126 for one it cannot run.
        match status.code() {
            Some(0) => Ok(()),
            Some(127) => Err(failed(
                "could not be started: the shell found no such command (exit 127)".into(),
            )),
            Some(126) => Err(failed(
                "could not be started: it is not executable (exit 126)".into(),
            )),
            Some(code) => Err(failed(format!("exited with {code}, so nothing was saved"))),
            None => Err(failed(format!("was stopped by a signal ({status})"))),
        }
    }
}

fn ask(ctx: &Ctx, question: &str) -> bool {
    ctx.ui.err(question);
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    !answer.trim().eq_ignore_ascii_case("n")
}
