//! The shape of every pushed tree: each entry's name, mode and place in the layout (the
//! ledger's or git's notes fanout), checked once per new tree object, and the files that
//! differ from the parent commit's tree. The walk is iterative and never deeper than the
//! layout, so no tree can exhaust the stack; it descends only into subtrees that changed.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;

use super::report::{Policy, Report};
use crate::spec::id;
use crate::store::paths::shard;
use crate::store::{Context, StoreError};

/// What a file of a checked tree is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Format,
    Config,
    Prompt,
    Spec {
        id: String,
        archived: bool,
    },
    /// A note on the object with this 40-hex id.
    Note(String),
}

/// A file added, changed or removed between a commit's tree and its parent's.
#[derive(Debug, Clone)]
pub(crate) struct Changed {
    pub path: String,
    pub item: Item,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// Where a tree sits in its layout, which decides what it may hold.
#[derive(Debug, Clone)]
pub(crate) enum Level {
    LedgerRoot,
    Prompts,
    Extensions,
    Shards {
        archived: bool,
    },
    Shard {
        archived: bool,
        hh: String,
    },
    /// A notes tree whose path so far spells this hex prefix.
    Notes(String),
}

const BLOB: u16 = 0o100644;
const TREE: u16 = 0o040000;

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
                            path: child,
                            item,
                            old: old_blob,
                            new: Some(entry.id),
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
                        path: child,
                        item,
                        old: Some(id),
                        new: None,
                    }),
                    Err(_) => {}
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
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
                    "order",
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
                    "note",
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
                "size",
                format!("{path} is {size} bytes, more than {key}={limit}"),
            );
        }
        Ok(())
    }
}

enum Place {
    Tree(Level),
    File(Item),
}

/// Why an entry does not fit where it is.
enum Misfit {
    Name,
    Mode(u16),
    NotHere,
    Id(String),
    Shard(String),
}

impl Misfit {
    fn rule(&self) -> &'static str {
        match self {
            Misfit::Name => "name",
            Misfit::Mode(_) => "mode",
            Misfit::NotHere | Misfit::Shard(_) => "path",
            Misfit::Id(_) => "id",
        }
    }

    fn message(&self, path: &str, notes: bool) -> String {
        match self {
            Misfit::Name => format!("`{path}` is not a name git chant accepts (empty, `.`, `..`, a slash or a control character)"),
            Misfit::Mode(mode) => format!("{path} is {}; the ledger and notes hold only regular files (100644) and folders", describe(*mode)),
            Misfit::NotHere if notes => format!("{path} does not belong in a notes tree (only notes, in git's fanout)"),
            Misfit::NotHere => format!("{path} does not belong in the ledger"),
            Misfit::Id(why) => format!("{path}: {why}"),
            Misfit::Shard(expected) => format!("{path} is not in its shard ({expected})"),
        }
    }
}

fn describe(mode: u16) -> String {
    match mode {
        0o120000 => "a symlink (120000)".into(),
        0o160000 => "a gitlink (160000)".into(),
        0o100755 => "an executable (100755)".into(),
        TREE => "a folder".into(),
        BLOB => "a file".into(),
        other => format!("mode {other:o}"),
    }
}

/// Where an entry named `name` with `mode` goes under a tree at `level`.
fn place(level: &Level, name: &str, mode: u16) -> Result<Place, Misfit> {
    if name.is_empty()
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(Misfit::Name);
    }
    let want = |kind: u16, place: Place| {
        if mode == kind {
            Ok(place)
        } else if mode == TREE || mode == BLOB {
            Err(Misfit::NotHere)
        } else {
            Err(Misfit::Mode(mode))
        }
    };
    let tree = |level| want(TREE, Place::Tree(level));
    let file = |item| want(BLOB, Place::File(item));
    match level {
        Level::LedgerRoot => match name {
            "FORMAT" => file(Item::Format),
            "config.md" => file(Item::Config),
            "prompts" => tree(Level::Prompts),
            "specs" => tree(Level::Shards { archived: false }),
            "archive" => tree(Level::Shards { archived: true }),
            _ => Err(not_here(mode)),
        },
        Level::Prompts if name == "extensions" => tree(Level::Extensions),
        Level::Prompts | Level::Extensions => match name.strip_suffix(".md") {
            Some(stem) if crate::store::paths::is_prompt_name(stem) => file(Item::Prompt),
            _ => Err(not_here(mode)),
        },
        Level::Shards { archived } => {
            if is_hex(name) && name.len() == 2 {
                tree(Level::Shard {
                    archived: *archived,
                    hh: name.to_owned(),
                })
            } else {
                Err(not_here(mode))
            }
        }
        Level::Shard { archived, hh } => {
            let Some(spec) = name.strip_suffix(".md") else {
                return Err(not_here(mode));
            };
            if mode != BLOB {
                return Err(not_here(mode));
            }
            id::validate(spec).map_err(|e| Misfit::Id(e.to_string()))?;
            if shard(spec) != *hh {
                return Err(Misfit::Shard(crate::store::paths::spec_path(
                    spec, *archived,
                )));
            }
            file(Item::Spec {
                id: spec.to_owned(),
                archived: *archived,
            })
        }
        Level::Notes(prefix) => {
            let total = prefix.len() + name.len();
            if !is_hex(name) {
                Err(not_here(mode))
            } else if mode == TREE && name.len() == 2 && total < 40 {
                Ok(Place::Tree(Level::Notes(format!("{prefix}{name}"))))
            } else if total == 40 {
                file(Item::Note(format!("{prefix}{name}")))
            } else {
                Err(not_here(mode))
            }
        }
    }
}

/// An odd mode is named as such even where the name is wrong too.
fn not_here(mode: u16) -> Misfit {
    if mode == TREE || mode == BLOB {
        Misfit::NotHere
    } else {
        Misfit::Mode(mode)
    }
}

/// Lowercase hex, as git writes object ids.
fn is_hex(name: &str) -> bool {
    name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// git's tree order: names compared as bytes, a folder as if it ended in `/`.
fn order_key(name: &str, mode: u16) -> Vec<u8> {
    let mut key = name.as_bytes().to_vec();
    if mode == TREE {
        key.push(b'/');
    }
    key
}

fn spec_of(level: &Level, name: &str) -> Option<String> {
    match level {
        Level::Shard { .. } => name.strip_suffix(".md").map(str::to_owned),
        _ => None,
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_fit_the_layout_or_say_why() {
        let root = Level::LedgerRoot;
        assert!(matches!(
            place(&root, "FORMAT", BLOB),
            Ok(Place::File(Item::Format))
        ));
        assert!(matches!(
            place(&root, "FORMAT", 0o120000),
            Err(Misfit::Mode(_))
        ));
        assert!(matches!(
            place(&root, "config.md", 0o160000),
            Err(Misfit::Mode(_))
        ));
        assert!(matches!(place(&root, "..", TREE), Err(Misfit::Name)));
        assert!(matches!(
            place(&root, "notes.txt", BLOB),
            Err(Misfit::NotHere)
        ));
        let prompts = Level::Prompts;
        assert!(matches!(
            place(&prompts, "standard.md", TREE),
            Err(Misfit::NotHere)
        ));
        assert!(matches!(
            place(&prompts, "x/../../evil.md", BLOB),
            Err(Misfit::Name)
        ));
        assert!(matches!(
            place(&prompts, "..md", BLOB),
            Err(Misfit::NotHere)
        ));
        assert!(matches!(
            place(&prompts, "standard.md", 0o100755),
            Err(Misfit::Mode(_))
        ));
        let hh = shard("003-root-cause");
        let in_shard = Level::Shard {
            archived: false,
            hh,
        };
        assert!(matches!(
            place(&in_shard, "003-root-cause.md", BLOB),
            Ok(Place::File(_))
        ));
        assert!(matches!(
            place(&in_shard, "003-root-cause.md", TREE),
            Err(Misfit::NotHere)
        ));
        let notes = Level::Notes("ab".into());
        assert!(matches!(
            place(&notes, &"c".repeat(38), BLOB),
            Ok(Place::File(_))
        ));
        assert!(matches!(place(&notes, "cd", TREE), Ok(Place::Tree(_))));
        assert!(matches!(place(&notes, "junk", BLOB), Err(Misfit::NotHere)));
    }

    #[test]
    fn git_order_puts_folders_after_their_dotted_twins() {
        assert!(order_key("a.md", BLOB) < order_key("a", TREE));
        assert!(order_key("a", BLOB) < order_key("a.md", BLOB));
    }
}
