//! Landing a completed spec's branch `chant/<id>` into its target: the new tip computed in
//! the object database (`plan`), the target moved without touching anyone's work
//! (`advance`), then the ledger told (`commits:`, a `landed` event) and the worktree and
//! branch removed. A conflict writes nothing to the target and puts the spec in
//! `needs_attention` with `conflicting_files`.

mod advance;
mod error;
mod plan;
mod publish;
mod target;

pub use error::LandError;
pub use plan::Strategy;
pub use publish::{open_pr, PullRequest};
pub use target::{branch_of, is_landed, landed_mark, landing_target, start_point, Start};

use std::path::PathBuf;

use gix::ObjectId;
use serde::Serialize;

use crate::error::Error;
use crate::lifecycle::Status;
use crate::notes::Event;
use crate::ops::{self, Target};
use crate::store::{git_cli, Change, Store};
use advance::Advanced;
use plan::Planned;
use target::full_branch;

/// How to land.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--rebase`, `--squash`, …; else `git config chant.merge.strategy`, else merge.
    pub strategy: Option<Strategy>,
    /// The target branch (`--into`); else the one the run recorded.
    pub into: Option<String>,
    /// Keep the worktree and branch afterwards.
    pub keep: bool,
    /// Push the target to this remote afterwards (no force).
    pub push: Option<String>,
}

/// What landing one spec did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Landed {
    pub id: String,
    pub branch: String,
    /// The target branch, short (`main`).
    pub target: String,
    pub strategy: Strategy,
    /// The target's tip afterwards.
    pub commit: String,
    pub fast_forward: bool,
    /// It was in the target already: nothing moved.
    pub already: bool,
    /// The spec's landed commits (new ids after a rebase or squash).
    pub commits: Vec<String>,
    /// The checkout of the target that was brought along.
    pub checkout: Option<PathBuf>,
    /// The worktree and branch were removed.
    pub removed: bool,
    /// Why the worktree and branch were kept though not asked to: uncommitted work there,
    /// or commits made after the landing was computed.
    pub kept: Option<String>,
    /// The remote the target was pushed to.
    pub pushed: Option<String>,
}

/// Attempts while the target keeps moving under us.
const ATTEMPTS: u32 = 8;

/// The strategy to use: `asked`, else `git config chant.merge.strategy`, else merge.
fn strategy(store: &Store, asked: Option<Strategy>) -> Strategy {
    asked
        .or_else(|| {
            store
                .config_string("chant.merge.strategy")
                .and_then(|s| Strategy::named(&s))
        })
        .unwrap_or(Strategy::Merge)
}

/// Lands spec `short`'s branch into its target.
pub fn land(store: &Store, short: &str, opts: &Options) -> Result<Landed, Error> {
    let snapshot = store.snapshot()?;
    let id = ops::resolve(store, &snapshot, short)?;
    crate::spec::id::validate(&id)?;
    let (_, spec) = ops::load(&snapshot, &id)?;
    if !Status::Completed.is(spec.status()) {
        return Err(LandError::NotCompleted {
            id,
            status: spec.status().to_owned(),
        }
        .into());
    }
    let branch = branch_of(&id);
    let tip = store
        .ref_tip(&full_branch(&branch))?
        .ok_or_else(|| LandError::NoBranch { id: id.clone() })?;
    let target = landing_target(store, &id, opts.into.as_deref())?;
    let short_target = target.trim_start_matches("refs/heads/").to_owned();
    let strategy = strategy(store, opts.strategy);
    let title = spec.title().unwrap_or(&id).to_owned();
    let message = match strategy {
        Strategy::Squash => format!("chant({id}): {title}\n"),
        _ => format!(
            "Merge {branch}: {title}\n\n{}: {id}\n",
            crate::store::trailer::Trailer::Spec.key()
        ),
    };
    let mut landed = Landed {
        id: id.clone(),
        branch: branch.clone(),
        target: short_target.clone(),
        strategy,
        commit: String::new(),
        fast_forward: false,
        already: false,
        commits: spec.commits().iter().map(|c| c.to_string()).collect(),
        checkout: None,
        removed: false,
        kept: None,
        pushed: None,
    };
    // A kept branch marked landed at this tip is in its target already, whatever the
    // target did since: a squash or rebase is no ancestor of it, so computing the landing
    // again would replay the branch on top of itself (and conflict with later changes).
    let marked = target::marked_landed(store, &id, tip)
        && landing_target(store, &id, None).ok().as_deref() == Some(target.as_str());
    let mut attempt = 0;
    let mut busy = None;
    let (new, rewritten) = loop {
        attempt += 1;
        if let Some(worktree) = busy.take().filter(|_| attempt > ATTEMPTS) {
            return Err(LandError::CheckoutBusy { id, worktree }.into());
        }
        if attempt > ATTEMPTS {
            return Err(LandError::GaveUp {
                id,
                target: short_target,
                attempts: ATTEMPTS,
            }
            .into());
        }
        let old = store
            .ref_tip(&target)?
            .ok_or_else(|| LandError::TargetMissing {
                id: id.clone(),
                target: short_target.clone(),
            })?;
        if marked {
            landed.already = true;
            break (old, Vec::new());
        }
        let plan = match plan::plan(store, old, tip, strategy, &message)? {
            Planned::Land(plan) => plan,
            Planned::Landed => {
                landed.already = true;
                break (old, Vec::new());
            }
            Planned::NotFastForward => {
                return Err(LandError::NotFastForward {
                    id,
                    target: short_target,
                }
                .into())
            }
            Planned::Unrelated => {
                return Err(LandError::Unrelated {
                    id,
                    target: short_target,
                }
                .into())
            }
            Planned::Conflict(paths) => {
                record_conflict(store, &id, &short_target, &paths)?;
                return Err(LandError::Conflict {
                    id,
                    target: short_target,
                    paths,
                }
                .into());
            }
        };
        match advance::advance(store, &id, &target, old, plan.new)? {
            Advanced::Raced => continue,
            Advanced::Busy(path) => busy = Some(path),
            Advanced::Moved { checkout } => {
                landed.checkout = checkout;
                landed.fast_forward = plan.fast_forward;
                break (plan.new, plan.rewritten);
            }
        }
    };
    landed.commit = new.to_string();
    record_landing(store, &mut landed, new, &rewritten)?;
    let worktree = store.agent_worktree(&id);
    // Commits on the branch since the landing was computed (an agent still at work), or
    // someone's uncommitted work in its worktree (a fix by hand, what the agent left), are
    // not the landing's to throw away: the worktree and the branch stay.
    let moved = store.ref_tip(&full_branch(&branch))? != Some(tip);
    landed.kept = if moved {
        Some(format!(
            "{branch} has commits made after it landed; `git chant merge {id}` lands them"
        ))
    } else if !opts.keep && worktree.exists() && !git_cli::uncommitted_paths(&worktree)?.is_empty()
    {
        Some(format!(
            "it has uncommitted changes (`git -C {} status`)",
            worktree.display()
        ))
    } else {
        None
    };
    if landed.kept.is_none() && !opts.keep {
        if worktree.exists() {
            git_cli::worktree_remove(store, &worktree)?;
        }
        git_cli::delete_branch(store, &branch, tip)?;
        landed.removed = true;
    } else if !moved {
        // What landed is marked: a rebase or squash is no ancestor of the target.
        target::mark_landed(store, &id, tip)?;
    }
    if let Some(remote) = &opts.push {
        publish::push_target(store, remote, &target, &id)?;
        landed.pushed = Some(remote.clone());
    }
    Ok(landed)
}

/// After the target moved: a rebase's or squash's new commits replace the old ones in
/// `commits:` (and get their notes, as post-rewrite would), stale `conflicting_files` go,
/// and a `landed` event goes on the target's new tip.
fn record_landing(
    store: &Store,
    landed: &mut Landed,
    new: ObjectId,
    rewritten: &[(ObjectId, ObjectId)],
) -> Result<(), Error> {
    let id = landed.id.clone();
    if !rewritten.is_empty() {
        ops::record::rewrite(store, rewritten)?;
    }
    store.update(|snapshot| {
        let (entry, mut spec) = ops::load(snapshot, &id)?;
        let mut change = Change::on_spec("landed", &id);
        if spec.remove("conflicting_files").is_some() {
            change.write_spec(&id, entry.archived, spec.render());
        }
        Ok::<_, Error>((change, ()))
    })?;
    let (_, spec) = ops::load(&store.snapshot()?, &id)?;
    landed.commits = spec.commits().iter().map(|c| c.to_string()).collect();
    if !landed.already {
        let event = Event::new(ops::now(), &id, "landed")
            .with("into", &landed.target)
            .with("strategy", landed.strategy.name());
        ops::record_event(store, new, &event)?;
    }
    Ok(())
}

/// A landing that conflicts: the spec needs attention, with the paths in
/// `conflicting_files` and the reason in its event.
fn record_conflict(store: &Store, id: &str, target: &str, paths: &[String]) -> Result<(), Error> {
    store.update(|snapshot| {
        let (entry, mut spec) = ops::load(snapshot, id)?;
        spec.set_list("conflicting_files", paths);
        let mut change = Change::on_spec("merge conflict", id);
        change.write_spec(id, entry.archived, spec.render());
        Ok::<_, Error>((change, ()))
    })?;
    let reason = format!("landing in {target} conflicts in {}", paths.join(", "));
    ops::transition(
        store,
        id,
        Target::NeedsAttention,
        false,
        Some(&reason),
        &ops::now(),
    )?;
    Ok(())
}

/// Writes the spec's `branch:` and `target_branch:` (upstream chant's fields, for people:
/// never read back to choose a ref).
pub fn record_branch(
    store: &Store,
    id: &str,
    branch: &str,
    target: Option<&str>,
) -> Result<(), Error> {
    store.update(|snapshot| {
        let (entry, mut spec) = ops::load(snapshot, id)?;
        spec.set_text("branch", branch);
        if let Some(target) = target {
            spec.set_text("target_branch", target);
        }
        let mut change = Change::on_spec("record branch", id);
        change.write_spec(id, entry.archived, spec.render());
        Ok::<_, Error>((change, ()))
    })
}

/// `ids` in the order they land: dependencies before their dependents, a group's members
/// in member order, otherwise as given.
pub fn landing_order(store: &Store, ids: Vec<String>) -> Result<Vec<String>, Error> {
    let snapshot = store.snapshot()?;
    let mut deps: std::collections::HashMap<String, Vec<String>> = Default::default();
    for id in &ids {
        let (_, spec) = ops::load(&snapshot, id)?;
        deps.insert(
            id.clone(),
            spec.depends_on().iter().map(|d| d.to_string()).collect(),
        );
    }
    let depth = crate::lifecycle::graph::depths(ids.iter().map(String::as_str), |id| {
        deps.get(id)
            .map(|d| d.iter().map(String::as_str).collect())
            .unwrap_or_default()
    });
    // One sort key, so the order is total: depth, then where the spec's group is first
    // named (a spec outside a group is a group of its own), then the member number. A
    // comparison by member number only within a group, by position otherwise, is no order
    // once a spec is named between two members (`drv.2 other drv.1` stayed as given).
    let group = |id: &str| crate::spec::id::driver_of(id).map(str::to_owned);
    let mut ordered: Vec<(usize, usize, u32, String)> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let first = match group(id) {
                Some(g) => ids
                    .iter()
                    .position(|other| group(other).as_deref() == Some(g.as_str()))
                    .unwrap_or(n),
                None => n,
            };
            let depth = depth.get(id.as_str()).copied().unwrap_or(0);
            let member = crate::spec::id::member_number(id).unwrap_or(0);
            (depth, first, member, id.clone())
        })
        .collect();
    ordered.sort();
    Ok(ordered.into_iter().map(|(_, _, _, id)| id).collect())
}

/// The completed specs whose branches have not landed, in landing order.
pub fn unlanded(store: &Store) -> Result<Vec<String>, Error> {
    let snapshot = store.snapshot()?;
    let mut ids = Vec::new();
    for (id, _) in branches(store)? {
        let done =
            ops::lookup::summary(&snapshot, &id)?.is_some_and(|s| Status::Completed.is(&s.status));
        if !done {
            continue;
        }
        let target = landing_target(store, &id, None).ok();
        let tip = match &target {
            Some(t) => store.ref_tip(t)?,
            None => None,
        };
        if !is_landed(store, &id, tip)? {
            ids.push(id);
        }
    }
    landing_order(store, ids)
}

/// Every local `chant/<id>` branch whose id is valid, with its tip, sorted.
pub fn branches(store: &Store) -> Result<Vec<(String, ObjectId)>, Error> {
    let mut found = Vec::new();
    let refs = store
        .repo()
        .references()
        .map_err(|e| crate::store::StoreError::Corrupt {
            what: format!("listing branches: {e}"),
        })?;
    let prefixed =
        refs.prefixed("refs/heads/chant/")
            .map_err(|e| crate::store::StoreError::Corrupt {
                what: format!("listing branches: {e}"),
            })?;
    for reference in prefixed.flatten() {
        let name = reference.name().as_bstr().to_string();
        let id = name.trim_start_matches("refs/heads/chant/").to_owned();
        if crate::spec::id::validate(&id).is_err() {
            continue;
        }
        if let Some(tip) = reference.try_id() {
            found.push((id, tip.detach()));
        }
    }
    found.sort();
    Ok(found)
}
