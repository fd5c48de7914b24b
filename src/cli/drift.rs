//! `git chant drift`: the files completed specs track that changed after they were done.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;

/// Files completed specs track that changed since their completion commit.
///
/// For each completed spec with `tracks`, `informed_by`, `origin` or `target_files` (paths
/// or globs: `*` and `?` within a folder, `**` across folders, a folder for all under it),
/// the files matching them that changed in commits reachable from HEAD (or --rev) and not
/// from the spec's completion commit (the newest commit in its `commits:` that this
/// repository has), each with those commits. Computed from history, never file times: the
/// same on every clone. A spec with no recorded commit is skipped with a note.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant drift\n  git chant drift 003-docs --rev origin/main\n  git chant drift --exit-code    exit 1 when any file drifted (for CI)\n  git chant drift --json | jq '.specs[] | select(.files != [])'"
)]
pub struct DriftArgs {
    /// Only these specs (short ids resolve); every live completed spec by default.
    ids: Vec<String>,
    /// Compare up to this commit instead of HEAD.
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
    /// One JSON object: `rev`, `specs` (`id`, `since`, `patterns`, `ignored`, `files` with
    /// their `commits`) and `skipped` (`id`, `reason`).
    #[arg(long)]
    json: bool,
    /// Exit 1 when any spec drifted (0 when none did).
    #[arg(long)]
    exit_code: bool,
}

pub fn run(ctx: &Ctx, args: DriftArgs) -> Result<Exit, Error> {
    let report = ops::drift::drift(ctx.store()?, &args.ids, args.rev.as_deref())?;
    if args.json {
        ctx.ui.json(&report)?;
    } else {
        // Ids, paths and subjects come from the ledger and history: `text` escapes them.
        let mut text = String::new();
        for spec in &report.specs {
            if spec.files.is_empty() {
                text.push_str(&format!("{}: no drift\n", spec.id));
            }
            for file in &spec.files {
                for c in &file.commits {
                    text.push_str(&format!(
                        "{}: {} changed in {} {}\n",
                        spec.id, file.path, c.short, c.subject
                    ));
                }
            }
            for why in &spec.ignored {
                text.push_str(&format!("{}: ignored {why}\n", spec.id));
            }
        }
        for s in &report.skipped {
            text.push_str(&format!("{}: skipped: {}\n", s.id, s.reason));
        }
        if report.specs.is_empty() && report.skipped.is_empty() {
            text.push_str("no completed spec tracks any file\n");
        }
        ctx.ui.text(&text)?;
    }
    Ok(if args.exit_code && report.drifted() {
        Exit::User
    } else {
        Exit::Ok
    })
}
