//! `git chant lint`: spec quality rules over the whole ledger or some specs.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::lint::Severity;
use crate::ops;

/// Check specs against the quality rules.
///
/// Check specs against the quality rules: errors (title, unknown dependency, cycle, unknown
/// status, approval fields, parse failure) make it exit 1; warnings (unknown type, duplicate
/// title, dependency on a cancelled or failed spec, complexity, coupling, type-specific
/// fields, missing criteria) are advice.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant lint\n  git chant lint 003-root-cause 004\n  git chant lint --json | jq '.[] | select(.severity == \"error\")'"
)]
pub struct LintArgs {
    /// Only these specs (short ids resolve); all live and archived specs by default.
    ids: Vec<String>,
    /// A JSON array of findings (`id`, `severity`, `rule`, `message`).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: LintArgs) -> Result<Exit, Error> {
    let report = ops::reports::lint(ctx.store()?, &args.ids)?;
    let (findings, errors) = (&report.findings, report.errors);
    if args.json {
        ctx.ui.json(findings)?;
    } else {
        // One buffer for all of it (45k lines at 100k specs), escaped once on the way out.
        use std::fmt::Write;
        let size: usize = findings
            .iter()
            .map(|f| f.id.len() + f.message.len() + 32)
            .sum();
        let mut text = String::with_capacity(size + 64);
        for f in findings {
            let severity = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let _ = writeln!(text, "{severity}[{}] {}: {}", f.rule, f.id, f.message);
        }
        let _ = writeln!(
            text,
            "{} specs checked: {errors} errors, {} warnings",
            report.checked, report.warnings
        );
        ctx.ui.text(&text)?;
    }
    Ok(if errors > 0 { Exit::User } else { Exit::Ok })
}
