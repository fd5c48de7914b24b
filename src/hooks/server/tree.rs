//! The shape of every pushed tree: each entry's name, mode and place in the layout
//! (`layout.rs`), checked once per new tree object, and the files that differ from the
//! parent commit's tree. The walk is iterative and never deeper than the layout, so no tree
//! can exhaust the stack; it descends only into subtrees that changed. Other checks read a
//! pushed tree only at fixed paths (`Snapshot`, safe on any tree) or after this walk.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;

use super::layout::{join, order_key, place, spec_of, Item, Level, Place, BLOB, TREE};
use super::report::{Policy, Report, Rule};
use crate::store::diff::FileChange;
use crate::store::{Context, StoreError};

/// A file added, changed or removed between a commit's tree and its parent's (the store's
/// `FileChange`), with what the layout says it is.
#[derive(Debug, Clone)]
pub(crate) struct Changed {
    pub item: Item,
    pub file: FileChange,
}

/// Walks pushed trees, remembering which tree objects were already checked and how many
/// bytes of new objects the push carries.
pub(crate) struct Walker<'r> {
    repo: &'r gix::Repository,
    policy: &'r Policy,
    /// Trees already checked, with the place they were checked for: the same tree at
    /// another place (a prompts folder reused as a shard) is checked again.
    checked: HashSet<(ObjectId, String)>,
    sized: HashSet<ObjectId>,
    /// Bytes of the new trees and blobs seen so far (commits are added by the caller).
    pub bytes: u64,
}

struct Entry {
    name: String,
    mode: u16,
    id: ObjectId,
}

impl<'r> Walker<'r> {
    pub fn new(repo: &'r gix::Repository, policy: &'r Policy) -> Walker<'r> {
        Walker {
            repo,
            policy,
            checked: HashSet::new(),
            sized: HashSet::new(),
            bytes: 0,
        }
    }

    /// The files that differ between `new` and `old` (`None`: empty), reporting every new
    /// entry that breaks the layout (and not descending into it) and every oversize blob.
    pub fn changes(
        &mut self,
        report: &mut Report,
        new: ObjectId,
        old: Option<ObjectId>,
        root: Level,
    ) -> Result<Vec<Changed>, StoreError> {
        let mut out = Vec::new();
        let mut stack = vec![(String::new(), root, Some(new), old)];
        while let Some((path, level, new, old)) = stack.pop() {
            if new == old {
                continue;
            }
            let new_entries = match new {
                Some(id) => self.entries(id)?,
                None => Vec::new(),
            };
            let mut old_entries: HashMap<String, (u16, ObjectId)> = match old {
                Some(id) => self
                    .entries(id)?
                    .into_iter()
                    .map(|e| (e.name, (e.mode, e.id)))
                    .collect(),
                None => HashMap::new(),
            };
            if let Some(id) = new {
                if self.checked.insert((id, format!("{level:?}"))) {
                    self.check_tree(report, &path, &level, id, &new_entries)?;
                }
            }
            for entry in &new_entries {
                let before = old_entries.remove(&entry.name);
                let Ok(place) = place(&level, &entry.name, entry.mode) else {
                    continue; // reported by check_tree
                };
                if before == Some((entry.mode, entry.id)) {
                    continue;
                }
                let child = join(&path, &entry.name);
                let old_tree = before.filter(|(m, _)| *m == TREE).map(|(_, id)| id);
                let old_blob = before.filter(|(m, _)| *m != TREE).map(|(_, id)| id);
                match place {
                    Place::Tree(level) => stack.push((child, level, Some(entry.id), old_tree)),
                    Place::File(item) => {
                        self.check_size(report, &child, &item, entry.id)?;
                        out.push(Changed {
                            item,
                            file: FileChange {
                                path: child,
                                old: old_blob,
                                new: Some(entry.id),
                            },
                        });
                    }
                }
            }
            // What the parent had and this tree no longer has (the parent was accepted, so
            // its entries fit the layout; anything that does not is simply not a file).
            for (name, (mode, id)) in old_entries {
                let child = join(&path, &name);
                match place(&level, &name, mode) {
                    Ok(Place::Tree(level)) => stack.push((child, level, None, Some(id))),
                    Ok(Place::File(item)) => out.push(Changed {
                        item,
                        file: FileChange {
                            path: child,
                            old: Some(id),
                            new: None,
                        },
                    }),
                    Err(_) => {}
                }
            }
        }
        out.sort_by(|a, b| a.file.path.cmp(&b.file.path));
        Ok(out)
    }

    fn entries(&self, id: ObjectId) -> Result<Vec<Entry>, StoreError> {
        let tree = self
            .repo
            .find_tree(id)
            .context(|| format!("reading tree {id}"))?;
        let decoded = tree.decode().map_err(|e| StoreError::Corrupt {
            what: format!("tree {id} does not parse: {e}"),
        })?;
        Ok(decoded
            .entries
            .iter()
            .map(|e| Entry {
                name: String::from_utf8_lossy(e.filename).into_owned(),
                mode: e.mode.value(),
                id: e.oid.to_owned(),
            })
            .collect())
    }

    /// Every entry of a tree seen for the first time: its name, its mode, its place, git's
    /// order (which also rules out two entries of one name), and no note stored twice.
    fn check_tree(
        &mut self,
        report: &mut Report,
        path: &str,
        level: &Level,
        id: ObjectId,
        entries: &[Entry],
    ) -> Result<(), StoreError> {
        let size = self.repo.find_header(id).map(|h| h.size()).unwrap_or(0);
        self.bytes = self.bytes.saturating_add(size);
        let mut previous: Option<Vec<u8>> = None;
        for entry in entries {
            let shown = join(path, &entry.name);
            if let Err(why) = place(level, &entry.name, entry.mode) {
                let spec = spec_of(level, &entry.name);
                let notes = matches!(level, Level::Notes(_));
                report.add(
                    spec.as_deref(),
                    None,
                    why.rule(),
                    why.message(&shown, notes),
                );
            }
            let key = order_key(&entry.name, entry.mode);
            if previous.as_ref().is_some_and(|p| *p >= key) {
                report.refuse(
                    Rule::Order,
                    format!("{shown} is out of git's order or a second entry of that name (git fsck refuses such trees)"),
                );
            }
            previous = Some(key);
        }
        if let Level::Notes(prefix) = level {
            self.check_note_twins(report, prefix, entries)?;
        }
        Ok(())
    }

    /// A note stored both flat (`abcd…`) and fanned out (`ab/cd…`) on one level.
    fn check_note_twins(
        &self,
        report: &mut Report,
        prefix: &str,
        entries: &[Entry],
    ) -> Result<(), StoreError> {
        let fanouts: HashMap<&str, ObjectId> = entries
            .iter()
            .filter(|e| e.mode == TREE && e.name.len() == 2)
            .map(|e| (e.name.as_str(), e.id))
            .collect();
        for entry in entries
            .iter()
            .filter(|e| e.mode == BLOB && e.name.len() > 2)
        {
            let Some(sub) = entry.name.get(..2).and_then(|h| fanouts.get(h)) else {
                continue;
            };
            let rest = &entry.name[2..];
            let twin = self.entries(*sub)?.iter().any(|e| {
                (e.mode == BLOB && e.name == rest) || (e.mode == TREE && rest.starts_with(&e.name))
            });
            if twin {
                report.refuse(
                    Rule::Note,
                    format!(
                        "the note on {prefix}{} is stored twice (flat and in a fanout folder)",
                        entry.name
                    ),
                );
            }
        }
        Ok(())
    }

    fn check_size(
        &mut self,
        report: &mut Report,
        path: &str,
        item: &Item,
        blob: ObjectId,
    ) -> Result<(), StoreError> {
        let size = self
            .repo
            .find_header(blob)
            .context(|| format!("reading {path}"))?
            .size();
        if self.sized.insert(blob) {
            self.bytes = self.bytes.saturating_add(size);
        }
        let (limit, key) = match item {
            Item::Note(_) => (self.policy.max_note_bytes, "chant.maxNoteBytes"),
            _ => (self.policy.max_spec_bytes, "chant.maxSpecBytes"),
        };
        if size > limit {
            let spec = match item {
                Item::Spec { id, .. } => Some(id.as_str()),
                _ => None,
            };
            report.add(
                spec,
                None,
                Rule::Size,
                format!("{path} is {size} bytes, more than {key}={limit}"),
            );
        }
        Ok(())
    }
}
