//! `git chant diff`: how a spec changed between ledger revisions.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;
use crate::store::history::history;
use crate::store::trailer::Trailer;
use crate::unified::unified_diff;

/// A unified diff of a spec between ledger revisions.
///
/// A unified diff of a spec from a ledger revision to now. Without a revision: its last
/// change (the ledger commit before the newest one that touched it).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant diff 003-root-cause                 the last change\n  git chant diff 003 refs/chant/specs~5         since five ledger commits ago\n  git chant diff 003 $(git rev-parse refs/chant/specs@{yesterday})"
)]
pub struct DiffArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// A ledger revision (commit id, `refs/chant/specs~N`, reflog syntax).
    rev: Option<String>,
}

pub fn run(ctx: &Ctx, args: DiffArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let snapshot = store.snapshot()?;
    let id = ops::resolve(store, &snapshot, &args.id)?;
    let (_, now) = ops::load(&snapshot, &id)?;
    let base = match &args.rev {
        Some(rev) => Some(store.resolve_rev(rev)?),
        None => {
            let last = history(store)?
                .into_iter()
                .find(|c| c.trailer(Trailer::Spec).any(|s| s == id));
            last.and_then(|c| c.parent)
        }
    };
    let old = match base {
        Some(commit) => {
            let at = store.snapshot_at(commit)?;
            match at.locate(&id)? {
                Some(entry) => String::from_utf8_lossy(&at.blob(entry.blob)?).into_owned(),
                None => String::new(),
            }
        }
        None => String::new(),
    };
    let label = args.rev.as_deref().unwrap_or("before its last change");
    let diff = unified_diff(
        &old,
        &now.render(),
        &format!("{id} ({label})"),
        &format!("{id} (now)"),
    );
    ctx.ui.text(&diff)?;
    Ok(Exit::Ok)
}
