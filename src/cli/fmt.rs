//! `git chant fmt`: parse spec files and re-render them in canonical form.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;

use crate::diag;
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

pub fn run(args: FmtArgs) -> Result<Exit, Error> {
    let mut exit = Exit::Ok;
    let stdout = std::io::stdout();
    for path in &args.files {
        let stdin = path.as_os_str() == "-";
        let name = if stdin {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        let bytes = read(path, stdin)?;
        let canonical = match Spec::canonical(&name, &bytes) {
            Ok(text) => text,
            Err(e) => {
                eprint!("{}", diag::render(&e, diag::Style::for_stderr()));
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
                stdout
                    .lock()
                    .write_all(diff.as_bytes())
                    .map_err(write_err)?;
                if exit == Exit::Ok {
                    exit = Exit::User;
                }
            }
        } else if stdin {
            stdout
                .lock()
                .write_all(canonical.as_bytes())
                .map_err(write_err)?;
        } else if !unchanged {
            std::fs::write(path, canonical).map_err(write_err)?;
        }
    }
    Ok(exit)
}

fn read(path: &PathBuf, stdin: bool) -> Result<Vec<u8>, Error> {
    let read_err = |source| Error::Read {
        path: path.clone(),
        source,
    };
    if stdin {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(read_err)?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(read_err)
    }
}
