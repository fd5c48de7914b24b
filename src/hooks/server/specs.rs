//! The whole-ledger rules on the pushed tip, for the specs the push changed: `FORMAT` is
//! there, no spec is both live and archived, every dependency exists, and no dependency
//! cycle. Ids are looked up in shard tables loaded once, and the cycle search visits each
//! spec once, so the cost is linear in the specs the push reaches.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;

use super::report::{Policy, Report};
use crate::spec::Spec;
use crate::store::paths::{shard, ARCHIVE_DIR, FORMAT_PATH, LIVE_DIR};
use crate::store::{Context, StoreError};

/// The specs of one ledger tree, read a shard at a time.
pub(crate) struct Ids<'r> {
    repo: &'r gix::Repository,
    tree: Option<ObjectId>,
    shards: HashMap<(bool, String), HashMap<String, ObjectId>>,
}

impl<'r> Ids<'r> {
    pub fn new(repo: &'r gix::Repository, tree: Option<ObjectId>) -> Ids<'r> {
        Ids {
            repo,
            tree,
            shards: HashMap::new(),
        }
    }

    /// The blob of `id` in `specs/` or `archive/`.
    pub fn get(&mut self, id: &str, archived: bool) -> Result<Option<ObjectId>, StoreError> {
        let key = (archived, shard(id));
        if !self.shards.contains_key(&key) {
            let table = self.load(archived, &key.1)?;
            self.shards.insert(key.clone(), table);
        }
        Ok(self.shards.get(&key).and_then(|t| t.get(id)).copied())
    }

    /// The blob of `id`, live first.
    pub fn find(&mut self, id: &str) -> Result<Option<ObjectId>, StoreError> {
        Ok(match self.get(id, false)? {
            Some(blob) => Some(blob),
            None => self.get(id, true)?,
        })
    }

    fn load(&self, archived: bool, hh: &str) -> Result<HashMap<String, ObjectId>, StoreError> {
        let Some(tree) = self.tree else {
            return Ok(HashMap::new());
        };
        let dir = if archived { ARCHIVE_DIR } else { LIVE_DIR };
        let root = self
            .repo
            .find_tree(tree)
            .context(|| "reading the ledger tree".to_owned())?;
        let Some(entry) = root
            .lookup_entry_by_path(format!("{dir}/{hh}"))
            .ok()
            .flatten()
            .filter(|e| e.mode().is_tree())
        else {
            return Ok(HashMap::new());
        };
        let folder = self
            .repo
            .find_tree(entry.object_id())
            .context(|| format!("reading {dir}/{hh}"))?;
        let decoded = folder.decode().map_err(|e| StoreError::Corrupt {
            what: format!("{dir}/{hh} does not parse: {e}"),
        })?;
        Ok(decoded
            .entries
            .iter()
            .filter(|e| !e.mode.is_tree())
            .filter_map(|e| {
                let name = std::str::from_utf8(e.filename).ok()?;
                Some((name.strip_suffix(".md")?.to_owned(), e.oid.to_owned()))
            })
            .collect())
    }
}

/// Checks the pushed tip for the specs in `changed`.
pub(crate) fn check_tip(
    repo: &gix::Repository,
    report: &mut Report,
    tree: ObjectId,
    changed: &[String],
    policy: &Policy,
) -> Result<(), StoreError> {
    let root = repo
        .find_tree(tree)
        .context(|| "reading the ledger tree".to_owned())?;
    if root
        .lookup_entry_by_path(FORMAT_PATH)
        .ok()
        .flatten()
        .is_none()
    {
        report.refuse("format", "the ledger has no FORMAT file");
    }
    let mut ids = Ids::new(repo, Some(tree));
    let mut graph = Graph::default();
    for id in changed {
        let (live, archived) = (ids.get(id, false)?, ids.get(id, true)?);
        if live.is_some() && archived.is_some() {
            report.add(
                Some(id),
                None,
                "unique",
                format!(
                    "{id} is both live and archived ({})",
                    crate::store::paths::spec_path(id, true)
                ),
            );
        }
        let Some(blob) = live.or(archived) else {
            continue; // removed by the push
        };
        let deps = graph.deps(repo, &mut ids, id, Some(blob), policy)?;
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
                "dependency",
                format!(
                    "depends on {}{more}, which {} not in the ledger",
                    shown.join(", "),
                    if missing.len() == 1 { "is" } else { "are" }
                ),
            );
        }
    }
    for cycle in graph.cycles(repo, &mut ids, changed, policy)? {
        report.add(
            cycle.first().map(String::as_str),
            Some("depends_on"),
            "cycle",
            format!("dependency cycle: {}", cycle.join(" -> ")),
        );
    }
    Ok(())
}

/// `depends_on` of the specs reached so far, each read once.
#[derive(Default)]
struct Graph {
    deps: HashMap<String, Vec<String>>,
}

impl Graph {
    fn deps(
        &mut self,
        repo: &gix::Repository,
        ids: &mut Ids<'_>,
        id: &str,
        blob: Option<ObjectId>,
        policy: &Policy,
    ) -> Result<Vec<String>, StoreError> {
        if let Some(deps) = self.deps.get(id) {
            return Ok(deps.clone());
        }
        let blob = match blob {
            Some(b) => Some(b),
            None => ids.find(id)?,
        };
        let mut deps = Vec::new();
        if let Some(blob) = blob {
            let size = repo.find_header(blob).map(|h| h.size()).unwrap_or(u64::MAX);
            if size <= policy.max_spec_bytes {
                let data = repo.find_blob(blob).context(|| format!("reading {id}"))?;
                if let Ok(spec) = Spec::parse(id, &data.data) {
                    let mut seen = HashSet::new();
                    deps = spec
                        .depends_on()
                        .into_iter()
                        .filter(|d| seen.insert(*d))
                        .map(str::to_owned)
                        .collect();
                }
            }
        }
        self.deps.insert(id.to_owned(), deps.clone());
        Ok(deps)
    }

    /// Every cycle reachable from `starts`, each as the path that closes it (`a -> b -> a`):
    /// an iterative depth-first search that colours each spec once.
    fn cycles(
        &mut self,
        repo: &gix::Repository,
        ids: &mut Ids<'_>,
        starts: &[String],
        policy: &Policy,
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
            let first = self.deps(repo, ids, start, None, policy)?;
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
                    let deps = self.deps(repo, ids, &dep, None, policy)?;
                    on_path.insert(dep.clone(), path.len());
                    path.push((dep, deps, 0));
                }
            }
        }
        Ok(cycles)
    }
}
