//! `git chant import` and `git chant export`: moving to and from upstream chant's `.chant/`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::error::Error;
use crate::exit::Exit;
use crate::ops::{self, import};
use crate::store::Store;

/// Import an upstream chant `.chant/` directory into the ledger.
///
/// Reads specs/, archive/ (flat or dated), config.md and prompts/
/// into the ledger as one commit, byte for byte, then link history: commits whose subject
/// is `chant(<id>): …` get their note events (as `git chant reindex` does). The working
/// tree is never touched. Running it again changes nothing.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant import                    from ./.chant\n  git chant import --dry-run --json   what it would do\n  git chant import .chant --rev main  from a commit instead of the working tree"
)]
pub struct ImportArgs {
    /// The upstream directory.
    #[arg(default_value = ".chant")]
    dir: String,
    /// Read the directory from this commit (the path is then relative to the repository root).
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
    /// Replace specs that exist in the ledger with other bytes.
    #[arg(long)]
    force: bool,
    /// Show what would happen; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The summary as JSON.
    #[arg(long)]
    json: bool,
}

/// Export the ledger in upstream chant's `.chant/` layout.
///
/// Live specs go to specs/, archived ones to
/// archive/<YYYY-MM-DD>/ (undated ids directly to archive/), config.md and prompts/, byte
/// for byte.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant export              into ./.chant\n  git chant export /tmp/chant   anywhere"
)]
pub struct ExportArgs {
    /// The directory to write.
    #[arg(default_value = ".chant")]
    dir: PathBuf,
    /// The counts as JSON.
    #[arg(long)]
    json: bool,
}

pub fn import(args: ImportArgs) -> Result<Exit, Error> {
    let store = Store::open(".")?;
    let files = match &args.rev {
        Some(rev) => import::read_rev(&store, rev, &args.dir)?,
        None => import::read_dir(std::path::Path::new(&args.dir))?,
    };
    if std::io::stderr().is_terminal() && files.len() > 1000 {
        eprintln!("read {} files from {}…", files.len(), args.dir);
    }
    let mut planned = import::Summary::default();
    let sources = import::plan(files, &mut planned);
    let summary = import::import(&store, &sources, planned, args.force, args.dry_run)?;
    let blocked = !args.force && (!summary.conflicts.is_empty() || !summary.invalid.is_empty());
    let linked = if args.dry_run || blocked || summary.written == 0 {
        None
    } else {
        Some(ops::reindex(&store, None, ops::Scope::NotesOnly, |_| {})?)
    };
    if args.json {
        let value = json!({"summary": summary, "history": linked, "dry_run": args.dry_run});
        super::print_json(&mut std::io::stdout().lock(), &value)?;
    } else {
        let found: Vec<String> = summary
            .found
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        println!("found {}", found.join(", "));
        let verb = if args.dry_run || blocked {
            "would write"
        } else {
            "wrote"
        };
        println!(
            "{verb} {}, skipped {} already identical",
            summary.written, summary.skipped
        );
        for path in &summary.conflicts {
            println!("  differs from the ledger: {path}");
        }
        for path in &summary.invalid {
            println!("  not a valid spec id: {path}");
        }
        for path in &summary.unparsable {
            println!("  stored, but does not parse (git chant lint shows why): {path}");
        }
        if let Some(report) = &linked {
            println!(
                "history: scanned {} commits; `chant(<id>): …` commits now carry their note events",
                report.scanned
            );
        }
        if blocked {
            println!("nothing written: rerun with --force to replace the ledger's versions, after reviewing them");
        } else if !args.dry_run && args.rev.is_none() {
            println!(
                "{} is untouched; when you no longer need it: git rm -r --cached {} && rm -r {}",
                args.dir, args.dir, args.dir
            );
        }
    }
    Ok(if blocked { Exit::User } else { Exit::Ok })
}

pub fn export(args: ExportArgs) -> Result<Exit, Error> {
    let store = Store::open(".")?;
    let counts = import::export(&store, &args.dir)?;
    if args.json {
        super::print_json(&mut std::io::stdout().lock(), &counts)?;
    } else {
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        println!("wrote {} into {}", parts.join(", "), args.dir.display());
    }
    Ok(Exit::Ok)
}
