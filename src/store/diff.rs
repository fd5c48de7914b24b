//! What changed between two trees, descending only into subtrees whose ids differ, so the
//! cost follows the size of the change, not of the ledger.

use gix::ObjectId;

use super::ledger::tree_entries;
use super::paths::{shard, ARCHIVE_DIR, LIVE_DIR};
use super::StoreError;

/// A file added, changed or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// Files that differ between `old` (`None`: an empty tree) and `new` (`None`: an empty tree).
/// Iterative, so a tree of any depth (a remote without the server hook can deliver one)
/// cannot exhaust the stack.
pub fn diff_trees(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
) -> Result<Vec<FileChange>, StoreError> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), old, new)];
    while let Some((prefix, old, new)) = stack.pop() {
        if old == new {
            continue;
        }
        let list = |tree: Option<ObjectId>| match tree {
            Some(id) => tree_entries(repo, id),
            None => Ok(Vec::new()),
        };
        let (old_entries, new_entries) = (list(old)?, list(new)?);
        let mut names: Vec<&String> = old_entries
            .iter()
            .chain(&new_entries)
            .map(|(n, _, _)| n)
            .collect();
        names.sort();
        names.dedup();
        for name in names {
            let find = |entries: &[(String, ObjectId, bool)]| {
                entries
                    .iter()
                    .find(|(n, _, _)| n == name)
                    .map(|(_, id, t)| (*id, *t))
            };
            let (o, n) = (find(&old_entries), find(&new_entries));
            if o == n {
                continue;
            }
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let tree_of =
                |side: Option<(ObjectId, bool)>| side.filter(|(_, t)| *t).map(|(id, _)| id);
            let blob_of =
                |side: Option<(ObjectId, bool)>| side.filter(|(_, t)| !*t).map(|(id, _)| id);
            if tree_of(o).is_some() || tree_of(n).is_some() {
                stack.push((path.clone(), tree_of(o), tree_of(n)));
            }
            if blob_of(o).is_some() || blob_of(n).is_some() {
                out.push(FileChange {
                    path,
                    old: blob_of(o),
                    new: blob_of(n),
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Where a ledger path points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerPath {
    Format,
    Config,
    Prompt,
    /// `specs/<hh>/<id>.md` or `archive/<hh>/<id>.md`, with whether the shard is right.
    Spec {
        id: String,
        archived: bool,
        shard_ok: bool,
    },
    /// Anything else.
    Other,
}

/// Classifies a path of the ledger tree.
pub fn classify(path: &str) -> LedgerPath {
    match path {
        "FORMAT" => return LedgerPath::Format,
        "config.md" => return LedgerPath::Config,
        _ => {}
    }
    if path.starts_with("prompts/") && path.ends_with(".md") {
        return LedgerPath::Prompt;
    }
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [dir, hh, file] if *dir == LIVE_DIR || *dir == ARCHIVE_DIR => {
            match file.strip_suffix(".md") {
                Some(id) => LedgerPath::Spec {
                    id: id.to_owned(),
                    archived: *dir == ARCHIVE_DIR,
                    shard_ok: shard(id) == *hh,
                },
                None => LedgerPath::Other,
            }
        }
        _ => LedgerPath::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_paths_are_classified() {
        assert_eq!(classify("FORMAT"), LedgerPath::Format);
        assert_eq!(classify("prompts/extensions/x.md"), LedgerPath::Prompt);
        assert_eq!(
            classify("specs/3c/003-root-cause.md"),
            LedgerPath::Spec {
                id: "003-root-cause".into(),
                archived: false,
                shard_ok: true
            }
        );
        assert_eq!(
            classify("archive/00/003-root-cause.md"),
            LedgerPath::Spec {
                id: "003-root-cause".into(),
                archived: true,
                shard_ok: false
            }
        );
        assert_eq!(classify("specs/003.md"), LedgerPath::Other);
        assert_eq!(classify("notes.txt"), LedgerPath::Other);
    }
}
