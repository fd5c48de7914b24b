//! `git chant lint`: spec quality rules over the whole ledger or some specs.

use std::collections::HashSet;

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::lint::{self, Input, Severity};
use crate::ops;
use crate::spec::Spec;
use crate::store::index::read_all;

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
    let store = ctx.store()?;
    let snapshot = store.snapshot()?;
    let only = if args.ids.is_empty() {
        None
    } else {
        let mut set = HashSet::new();
        for short in &args.ids {
            set.insert(ops::resolve(store, &snapshot, short)?);
        }
        Some(set)
    };
    let entries = snapshot.entries()?;
    let inputs = read_all(&snapshot, &entries, |entry, bytes| Input {
        id: entry.id.clone(),
        archived: entry.archived,
        spec: Spec::parse(&entry.id, bytes).map_err(|e| e.to_string()),
    })?;
    let mut findings = lint::lint(&inputs, only.as_ref());
    if only.is_none() {
        findings.extend(lint::strays(&snapshot.strays()?));
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if args.json {
        ctx.ui.json(&findings)?;
    } else {
        let mut text = String::new();
        for f in &findings {
            let severity = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            text.push_str(&format!("{severity}[{}] {}: {}\n", f.rule, f.id, f.message));
        }
        let checked = only.as_ref().map_or(inputs.len(), HashSet::len);
        text.push_str(&format!(
            "{checked} specs checked: {errors} errors, {} warnings\n",
            findings.len() - errors
        ));
        ctx.ui.text(&text)?;
    }
    Ok(if errors > 0 { Exit::User } else { Exit::Ok })
}
