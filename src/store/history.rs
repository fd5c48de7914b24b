//! The ledger's history: its commits with their operation trailers, newest first, so
//! `log` answers "what happened to this spec" without diffing trees; and when specs last
//! changed (`--sort updated`), found by comparing trees along the first-parent chain.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;

use super::ledger::{commit_tree, tree_entries};
use super::paths::{ARCHIVE_DIR, LIVE_DIR};
use super::trailer::Trailer;
use super::{Context, Store, StoreError};

/// One ledger commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerCommit {
    pub id: String,
    pub author: String,
    pub email: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
    pub subject: String,
    pub trailers: Vec<(String, String)>,
    /// The first parent, `None` for the root commit.
    #[serde(skip)]
    pub parent: Option<ObjectId>,
}

impl LedgerCommit {
    /// The values of trailer `key`, in the order written.
    pub fn trailer(&self, key: Trailer) -> impl Iterator<Item = &str> {
        self.trailers
            .iter()
            .filter(move |(k, _)| k == key.key())
            .map(|(_, v)| v.as_str())
    }
}

/// Every commit reachable from the ledger tip, newest first.
pub fn history(store: &Store) -> Result<Vec<LedgerCommit>, StoreError> {
    let Some(tip) = store.ledger_tip()? else {
        return Err(StoreError::NoLedger);
    };
    let repo = store.repo();
    let walk = repo
        .rev_walk([tip])
        .all()
        .context(|| "walking refs/chant/specs".to_owned())?;
    let mut commits = Vec::new();
    for info in walk {
        let info = info.context(|| "walking refs/chant/specs".to_owned())?;
        let commit = info
            .object()
            .context(|| format!("reading ledger commit {}", info.id))?;
        commits.push(describe(info.id, &commit)?);
    }
    Ok(commits)
}

fn describe(id: ObjectId, commit: &gix::Commit<'_>) -> Result<LedgerCommit, StoreError> {
    let author = commit
        .author()
        .context(|| format!("reading the author of {id}"))?;
    let seconds = author.time().map(|t| t.seconds).unwrap_or_default();
    let date = crate::clock::from_unix(seconds);
    let message = commit.message_raw_sloppy().to_string();
    Ok(LedgerCommit {
        id: id.to_string(),
        author: author.name.to_string(),
        email: author.email.to_string(),
        date,
        subject: message.lines().next().unwrap_or_default().to_owned(),
        trailers: trailers(&message),
        parent: commit.parent_ids().next().map(|p| p.detach()),
    })
}

/// `Key: value` lines of the message's last paragraph.
pub fn trailers(message: &str) -> Vec<(String, String)> {
    let last = message.trim_end().rsplit("\n\n").next().unwrap_or_default();
    if !message.trim_end().contains("\n\n") {
        return Vec::new();
    }
    last.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(": ")?;
            let valid =
                !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            valid.then(|| (key.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// When each of `ids` last changed on the ledger, as `YYYY-MM-DDTHH:MM:SSZ`: the author
/// date of the newest commit on the first-parent chain from the tip whose tree differs from
/// its parent's at that spec's file (live or archived; a change merged from another clone
/// counts from the merge). Trees are compared shard by shard, so a step costs the shards it
/// changed; the walk stops once every id is dated (the root dates what never changed).
/// Trailers are not used: imports and plumbing write specs without naming them.
pub fn last_changed(
    store: &Store,
    ids: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, String>, StoreError> {
    let mut wanted: HashSet<String> = ids.into_iter().collect();
    let mut dated = HashMap::new();
    let repo = store.repo();
    let mut at = store.ledger_tip()?;
    while let Some(commit_id) = at {
        if wanted.is_empty() {
            break;
        }
        let commit = repo
            .find_commit(commit_id)
            .context(|| format!("reading ledger commit {commit_id}"))?;
        let parent = commit.parent_ids().next().map(|p| p.detach());
        let tree = commit_tree(repo, commit_id)?;
        let changed = match parent {
            Some(parent) => changed_specs(repo, tree, commit_tree(repo, parent)?)?,
            // The root (or a commit after a cut history): everything left started here.
            None => wanted.clone(),
        };
        let seconds = commit.author().ok().and_then(|a| a.time().ok());
        let date = crate::clock::from_unix(seconds.map_or(0, |t| t.seconds));
        for id in changed {
            if wanted.remove(&id) {
                dated.insert(id, date.clone());
            }
        }
        at = parent;
    }
    Ok(dated)
}

/// The ids whose spec file differs between two ledger trees (in either folder).
fn changed_specs(
    repo: &gix::Repository,
    new: ObjectId,
    old: ObjectId,
) -> Result<HashSet<String>, StoreError> {
    let mut changed = HashSet::new();
    if new == old {
        return Ok(changed);
    }
    let (new_root, old_root) = (
        entries(repo, Some(new), true)?,
        entries(repo, Some(old), true)?,
    );
    for dir in [LIVE_DIR, ARCHIVE_DIR] {
        let (a, b) = (new_root.get(dir).copied(), old_root.get(dir).copied());
        if a == b {
            continue;
        }
        let (a, b) = (entries(repo, a, true)?, entries(repo, b, true)?);
        for shard in a.keys().chain(b.keys()).collect::<HashSet<_>>() {
            let (x, y) = (a.get(shard).copied(), b.get(shard).copied());
            if x == y {
                continue;
            }
            let (x, y) = (entries(repo, x, false)?, entries(repo, y, false)?);
            for name in x.keys().chain(y.keys()) {
                if x.get(name) != y.get(name) {
                    if let Some(id) = name.strip_suffix(".md") {
                        changed.insert(id.to_owned());
                    }
                }
            }
        }
    }
    Ok(changed)
}

/// The subtrees (`trees`) or the files of a tree, by name; none for a missing tree.
fn entries(
    repo: &gix::Repository,
    tree: Option<ObjectId>,
    trees: bool,
) -> Result<HashMap<String, ObjectId>, StoreError> {
    let Some(tree) = tree else {
        return Ok(HashMap::new());
    };
    Ok(tree_entries(repo, tree)?
        .into_iter()
        .filter(|(_, _, is_tree)| *is_tree == trees)
        .map(|(name, id, _)| (name, id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::Trailer;

    #[test]
    fn trailers_come_from_the_last_paragraph() {
        let message = "chant: done x\n\nChant-Spec: x\nChant-Op: status a -> b\n";
        assert_eq!(
            super::trailers(message),
            vec![
                (Trailer::Spec.key().into(), "x".into()),
                (Trailer::Op.key().into(), "status a -> b".into())
            ]
        );
        assert!(super::trailers("chant: init\n").is_empty());
    }
}
