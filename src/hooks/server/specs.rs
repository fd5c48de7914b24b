//! The whole-ledger rules on the pushed tip, for the specs the push changed: `FORMAT` is
//! there, no spec is both live and archived, every dependency exists, and no dependency
//! cycle. Ids are looked up in shard tables loaded once, and the cycle search visits each
//! spec once, so the cost is linear in the specs the push reaches.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;

use super::parsed::Parsed;
use super::report::{Report, Rule};
use crate::store::ledger::Snapshot;
use crate::store::paths::{shard, FORMAT_PATH};
use crate::store::StoreError;

/// The specs of one ledger tree, a shard table at a time, each read once through
/// `Snapshot::shard_entries` (which reads one folder at a fixed path: safe on a tree the
/// walker found faults in).
pub(crate) struct Shards<'r> {
    snapshot: Snapshot<'r>,
    tables: HashMap<(bool, String), HashMap<String, ObjectId>>,
}

impl<'r> Shards<'r> {
    pub fn new(snapshot: Snapshot<'r>) -> Shards<'r> {
        Shards {
            snapshot,
            tables: HashMap::new(),
        }
    }

    /// The blob of `id` in `specs/` or `archive/`.
    pub fn get(&mut self, id: &str, archived: bool) -> Result<Option<ObjectId>, StoreError> {
        let key = (archived, shard(id));
        let table = match self.tables.entry(key) {
            std::collections::hash_map::Entry::Occupied(t) => t.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let entries = self.snapshot.shard_entries(archived, &slot.key().1)?;
                slot.insert(entries.into_iter().map(|e| (e.id, e.blob)).collect())
            }
        };
        Ok(table.get(id).copied())
    }

    /// The blob of `id`, live first.
    pub fn find(&mut self, id: &str) -> Result<Option<ObjectId>, StoreError> {
        Ok(match self.get(id, false)? {
            Some(blob) => Some(blob),
            None => self.get(id, true)?,
        })
    }
}

/// Checks the pushed tip for the specs in `changed`, with the versions the history checks
/// already parsed.
pub(crate) fn check_tip(
    repo: &gix::Repository,
    report: &mut Report,
    tree: ObjectId,
    changed: &[String],
    parsed: &mut Parsed<'_>,
) -> Result<(), StoreError> {
    let snapshot = Snapshot::of_tree(repo, tree);
    if snapshot.file_id(FORMAT_PATH)?.is_none() {
        report.refuse(Rule::Format, "the ledger has no FORMAT file");
    }
    let mut ids = Shards::new(snapshot);
    for id in changed {
        let (live, archived) = (ids.get(id, false)?, ids.get(id, true)?);
        if live.is_some() && archived.is_some() {
            report.add(
                Some(id),
                None,
                Rule::Unique,
                format!(
                    "{id} is both live and archived ({})",
                    crate::store::paths::spec_path(id, true)
                ),
            );
        }
        let Some(blob) = live.or(archived) else {
            continue; // removed by the push
        };
        let deps = parsed.deps(id, blob)?;
        let mut missing = Vec::new();
        for dep in deps {
            if ids.find(&dep)?.is_none() {
                missing.push(dep);
            }
        }
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
            let more = match missing.len() {
                n if n > 10 => format!(" and {} more", n - 10),
                _ => String::new(),
            };
            report.add(
                Some(id),
                Some("depends_on"),
                Rule::Dependency,
                format!(
                    "depends on {}{more}, which {} not in the ledger",
                    shown.join(", "),
                    if missing.len() == 1 { "is" } else { "are" }
                ),
            );
        }
    }
    for cycle in cycles(parsed, &mut ids, changed)? {
        report.add(
            cycle.first().map(String::as_str),
            Some("depends_on"),
            Rule::Cycle,
            format!("dependency cycle: {}", cycle.join(" -> ")),
        );
    }
    Ok(())
}

/// The dependencies of the tip's version of `id`; none when it is not in the tip.
fn deps_of(
    parsed: &mut Parsed<'_>,
    ids: &mut Shards<'_>,
    id: &str,
) -> Result<Vec<String>, StoreError> {
    match ids.find(id)? {
        Some(blob) => parsed.deps(id, blob),
        None => Ok(Vec::new()),
    }
}

/// Every cycle reachable from `starts`, each as the path that closes it (`a -> b -> a`):
/// an iterative depth-first search that colours each spec once.
fn cycles(
    parsed: &mut Parsed<'_>,
    ids: &mut Shards<'_>,
    starts: &[String],
) -> Result<Vec<Vec<String>>, StoreError> {
    let mut done: HashSet<String> = HashSet::new();
    let mut cycles = Vec::new();
    for start in starts {
        if done.contains(start) {
            continue;
        }
        // The current path, each with its dependencies and the next one to follow.
        let mut path: Vec<(String, Vec<String>, usize)> = Vec::new();
        let mut on_path: HashMap<String, usize> = HashMap::new();
        let first = deps_of(parsed, ids, start)?;
        on_path.insert(start.clone(), 0);
        path.push((start.clone(), first, 0));
        while let Some((_, deps, next)) = path.last_mut() {
            let Some(dep) = deps.get(*next).cloned() else {
                if let Some((id, _, _)) = path.pop() {
                    on_path.remove(&id);
                    done.insert(id);
                }
                continue;
            };
            *next += 1;
            if let Some(&at) = on_path.get(&dep) {
                let mut cycle: Vec<String> =
                    path[at..].iter().map(|(id, _, _)| id.clone()).collect();
                cycle.push(dep);
                cycles.push(cycle);
            } else if !done.contains(&dep) {
                let deps = deps_of(parsed, ids, &dep)?;
                on_path.insert(dep.clone(), path.len());
                path.push((dep, deps, 0));
            }
        }
    }
    Ok(cycles)
}
