//! `git chant import`: moving from upstream chant's `.chant/` into the ledger.

use clap::Args;
use serde_json::json;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::{self, import};

/// Import an upstream chant `.chant/` directory into the ledger.
///
/// Reads specs/, archive/ (flat or dated), config.md, prompts/ and templates/
/// into the ledger as one commit, byte for byte, then link history: commits whose subject
/// is `chant(<id>): …` get their note events (as `git chant reindex` does). The working
/// tree is never touched. Running it again changes nothing. Only regular files are read,
/// each at most chant.maxSpecBytes; a symbolic link where import reads is refused by name.
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

pub fn import(ctx: &Ctx, args: ImportArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let bound = crate::files::Limits::from_store(store).spec;
    let files = match &args.rev {
        Some(rev) => import::read_rev(store, rev, &args.dir, bound)?,
        None => import::read_dir(std::path::Path::new(&args.dir), bound)?,
    };
    if files.len() > 1000 {
        ctx.ui.progress(Some(&format!(
            "read {} files from {}…",
            files.len(),
            args.dir
        )));
        ctx.ui.progress(None);
    }
    let mut planned = import::ImportSummary::default();
    let sources = import::plan(files, &mut planned);
    let summary = import::import(store, &sources, planned, args.force, args.dry_run)?;
    let blocked = !args.force && (!summary.conflicts.is_empty() || !summary.invalid.is_empty());
    let linked = if args.dry_run || blocked || summary.written == 0 {
        None
    } else {
        Some(ops::reindex(store, None, ops::Scope::NotesOnly, |_| {})?)
    };
    if args.json {
        let value = json!({"summary": summary, "history": linked, "dry_run": args.dry_run});
        ctx.ui.json(&value)?;
    } else {
        // Paths came from the directory or a commit: `print` escapes them.
        let found: Vec<String> = summary
            .found
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        let mut text = format!("found {}\n", found.join(", "));
        let verb = if args.dry_run || blocked {
            "would write"
        } else {
            "wrote"
        };
        text.push_str(&format!(
            "{verb} {}, skipped {} already identical\n",
            summary.written, summary.skipped
        ));
        for path in &summary.conflicts {
            text.push_str(&format!("  differs from the ledger: {path}\n"));
        }
        for path in &summary.invalid {
            text.push_str(&format!(
                "  cannot be stored (not a valid spec id or file name): {path}\n"
            ));
        }
        for path in &summary.unparsable {
            text.push_str(&format!(
                "  stored, but does not parse (git chant lint shows why): {path}\n"
            ));
        }
        for what in &summary.broken {
            text.push_str(&format!(
                "  stored as it is, but breaks an input rule: {what}\n"
            ));
        }
        if let Some(report) = &linked {
            text.push_str(&format!(
                "history: scanned {} commits; `chant(<id>): …` commits now carry their note events\n",
                report.scanned
            ));
        }
        if blocked {
            text.push_str("nothing written: rerun with --force to replace the ledger's versions, after reviewing them\n");
        } else if !args.dry_run && args.rev.is_none() {
            text.push_str(&format!(
                "{} is untouched; when you no longer need it: git rm -r --cached {} && rm -r {}\n",
                args.dir, args.dir, args.dir
            ));
        }
        ctx.ui.text(&text)?;
    }
    Ok(if blocked { Exit::User } else { Exit::Ok })
}
