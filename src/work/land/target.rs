//! Where a spec's work lands and where its run starts: the target branch (kept in local
//! git config as the branch's upstream, never taken from the ledger), whether a branch has
//! landed, and the start of a run from its target plus its dependencies' unlanded work.
//!
//! The spec's `branch:` and `target_branch:` fields are written for people and upstream
//! chant, but never read to choose a ref: whoever can push the ledger could name any
//! branch there. The branch is always `chant/<id>` of a validated id.

use gix::ObjectId;

use super::error::LandError;
use super::plan::merged_tree;
use crate::error::Error;
use crate::spec::Spec;
use crate::store::{git_cli, Context, Store};

/// The branch a spec's work is on.
pub fn branch_of(id: &str) -> String {
    format!("chant/{id}")
}

/// `refs/heads/<name>` for a branch given short or full.
pub fn full_branch(name: &str) -> String {
    if name.starts_with("refs/") {
        name.to_owned()
    } else {
        format!("refs/heads/{name}")
    }
}

/// The branch HEAD is on (`refs/heads/…`), `None` when detached.
fn head_branch(store: &Store) -> Option<String> {
    store
        .repo()
        .head_name()
        .ok()
        .flatten()
        .map(|n| n.as_bstr().to_string())
}

/// The branch a run lands in: `explicit` (`--target`), else `git config
/// chant.target`, else the branch HEAD is on.
pub fn run_target(store: &Store, explicit: Option<&str>) -> Option<String> {
    explicit
        .map(str::to_owned)
        .or_else(|| store.config_string("chant.target"))
        .map(|t| full_branch(&t))
        .or_else(|| head_branch(store))
}

/// The target `id`'s branch lands in: `explicit` (`--into`), else the upstream its run
/// recorded (`branch.chant/<id>.merge` with `remote = .`), else the run's target (`--target`, `chant.target`, HEAD's branch).
pub fn landing_target(store: &Store, id: &str, explicit: Option<&str>) -> Result<String, Error> {
    let branch = branch_of(id);
    let recorded = (store
        .config_string(&format!("branch.{branch}.remote"))
        .as_deref()
        == Some("."))
    .then(|| store.config_string(&format!("branch.{branch}.merge")))
    .flatten();
    let target = explicit
        .map(full_branch)
        .or(recorded)
        .or_else(|| run_target(store, None))
        .ok_or_else(|| LandError::NoTarget { id: id.to_owned() })?;
    if gix::refs::FullName::try_from(target.as_str()).is_err() || !target.starts_with("refs/heads/")
    {
        return Err(LandError::TargetMissing {
            id: id.to_owned(),
            target,
        }
        .into());
    }
    Ok(target)
}

/// The local config key marking a kept branch as landed (its tip when it landed): a
/// rebased or squashed branch is never an ancestor of its target.
fn landed_key(id: &str) -> String {
    format!("branch.{}.chantLanded", branch_of(id))
}

/// Marks `id`'s kept branch, at `tip`, as landed.
pub fn mark_landed(store: &Store, id: &str, tip: ObjectId) -> Result<(), Error> {
    Ok(git_cli::set_config(
        store,
        &landed_key(id),
        &tip.to_string(),
    )?)
}

/// The tip `id`'s kept branch was marked landed at, if it was.
pub fn landed_mark(store: &Store, id: &str) -> Option<String> {
    store.config_string(&landed_key(id))
}

/// Whether `id`'s kept branch was marked landed at `tip`, its tip now.
pub fn marked_landed(store: &Store, id: &str, tip: ObjectId) -> bool {
    store.config_string(&landed_key(id)).as_deref() == Some(tip.to_string().as_str())
}

/// Whether `id`'s work is in `target` (at `target_tip`): its branch is gone, is an
/// ancestor of the target, or was marked landed at its current tip.
pub fn is_landed(store: &Store, id: &str, target_tip: Option<ObjectId>) -> Result<bool, Error> {
    let Some(tip) = store.ref_tip(&full_branch(&branch_of(id)))? else {
        return Ok(true);
    };
    if target_tip.is_some_and(|t| store.is_ancestor(tip, t)) {
        return Ok(true);
    }
    Ok(marked_landed(store, id, tip))
}

/// Where a run starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    pub commit: ObjectId,
    /// The target branch (`refs/heads/…`), `None` when HEAD is detached and none is set.
    pub target: Option<String>,
    /// The dependencies whose unlanded branches it starts from.
    pub from: Vec<String>,
}

/// The start of a run on `spec`: its target's tip, or the tip of its one completed but
/// unlanded dependency's branch, or a merge of several such branches computed in the
/// object database (a conflict between them stops the run before it starts).
pub fn start_point(
    store: &Store,
    id: &str,
    spec: &Spec,
    explicit: Option<&str>,
) -> Result<Start, Error> {
    let target = run_target(store, explicit);
    let target_tip = match &target {
        Some(t) => Some(store.ref_tip(t)?.ok_or_else(|| LandError::TargetMissing {
            id: id.to_owned(),
            target: t.clone(),
        })?),
        None => None,
    };
    let snapshot = store.snapshot()?;
    let mut from = Vec::new();
    let mut tips = Vec::new();
    for dep in spec.depends_on() {
        let Ok(dep) = crate::ops::resolve(store, &snapshot, dep) else {
            continue;
        };
        let completed = crate::ops::lookup::summary(&snapshot, &dep)?
            .is_some_and(|s| crate::lifecycle::Status::Completed.is(&s.status));
        if !completed || crate::spec::id::validate(&dep).is_err() {
            continue;
        }
        if !is_landed(store, &dep, target_tip)? {
            if let Some(tip) = store.ref_tip(&full_branch(&branch_of(&dep)))? {
                from.push(dep);
                tips.push(tip);
            }
        }
    }
    let commit = match tips.as_slice() {
        [] => match target_tip {
            Some(t) => t,
            None => store
                .repo()
                .head_id()
                .context(|| "reading HEAD".to_owned())?
                .detach(),
        },
        [one] => *one,
        [first, rest @ ..] => {
            let mut merged = *first;
            for (n, tip) in rest.iter().enumerate() {
                let tree = merged_tree(store, merged, *tip)?.map_err(|paths| {
                    LandError::DependenciesConflict {
                        id: id.to_owned(),
                        deps: from.clone(),
                        paths,
                    }
                })?;
                let names: Vec<String> = from[..n + 2].iter().map(|d| branch_of(d)).collect();
                let message = format!("Start {} from {}\n", branch_of(id), names.join(", "));
                merged = store.write_commit(&message, tree, [merged, *tip])?;
            }
            merged
        }
    };
    Ok(Start {
        commit,
        target,
        from,
    })
}
