//! `git chant fmt`: parse spec files and re-render them in canonical form.

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::{Exit, ExitCode};
use crate::spec::Spec;
use crate::unified::unified_diff;

/// Parse spec files and rewrite them in canonical form.
///
/// Parse spec files and rewrite them in canonical form (the frontmatter as upstream chant
/// writes it: block lists at column 0, plain scalars; the body untouched).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant fmt .chant/specs/*.md          rewrite non-canonical files in place\n  git chant fmt --check fixtures/valid/*   print a diff for each non-canonical file, exit 1\n  git chant fmt - < spec.md                read stdin, write the canonical form to stdout\n\nExit codes: 0 all canonical (or rewritten), 1 --check found a non-canonical file,\n4 a file does not parse (its diagnostic names the line)."
)]
pub struct FmtArgs {
    /// Write nothing; print a unified diff for each non-canonical file and exit 1.
    #[arg(long)]
    check: bool,
    /// Spec files; `-` reads standard input.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(ctx: &Ctx, args: FmtArgs) -> Result<Exit, Error> {
    let mut exit = Exit::Ok;
    let bound = crate::files::Limits::here().spec;
    for path in &args.files {
        let stdin = path.as_os_str() == "-";
        let name = if stdin {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        let bytes = if stdin {
            crate::files::read_stdin(bound)?
        } else {
            crate::files::read_file(path, bound)?
        };
        let canonical = match Spec::canonical(&name, &bytes) {
            Ok(text) => text,
            Err(e) => {
                ctx.ui.diagnostic(&e);
                exit = e.exit();
                continue;
            }
        };
        let unchanged = canonical.as_bytes() == bytes.as_slice();
        let write_err = |source| Error::Write {
            path: path.clone(),
            source,
        };
        if args.check {
            if !unchanged {
                let original = String::from_utf8_lossy(&bytes);
                let diff =
                    unified_diff(&original, &canonical, &name, &format!("{name} (canonical)"));
                // A diff is for reading: escaped like any data shown.
                ctx.ui.text(&diff)?;
                if exit == Exit::Ok {
                    exit = Exit::User;
                }
            }
        } else if stdin {
            // The canonical text itself, for a pipe or a file: exact bytes.
            ctx.ui.raw(canonical.as_bytes())?;
        } else if !unchanged {
            std::fs::write(path, canonical).map_err(write_err)?;
        }
    }
    Ok(exit)
}
