//! Reading the ledger: its tip, the `FORMAT` check, one spec by id, and every spec entry.

use gix::ObjectId;

use super::paths::{ARCHIVE_DIR, FORMAT, FORMAT_PATH, LEDGER_REF, LIVE_DIR};
use super::{Context, Store, StoreError};

/// The ledger at one commit. `commit` is `None` before `init` (the tree is then empty) and
/// for a tree no ref points at yet (`of_tree`: a pushed commit's, seen by the validator).
///
/// Safe on any tree, however a pusher built it: `file`, `file_id`, `tree_at`, `spec_in`,
/// `locate`, `contains` and `shard_entries` each read a fixed path of at most three
/// folders and decode at most one of them; nothing here recurses. `entries`, `strays`
/// and `shard_trees` read whole folders: for ledgers already accepted.
#[derive(Clone)]
pub struct Snapshot<'r> {
    pub commit: Option<ObjectId>,
    pub tree: ObjectId,
    repo: &'r gix::Repository,
}

/// A spec's place in the ledger tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecEntry {
    pub id: String,
    pub archived: bool,
    pub blob: ObjectId,
}

impl SpecEntry {
    /// The entry as the domain names a spec's place.
    pub fn place(&self) -> crate::lifecycle::Place<'_> {
        crate::lifecycle::Place {
            id: &self.id,
            archived: self.archived,
            blob: self.blob.to_string(),
        }
    }
}

/// A file under `specs/` or `archive/` that is not a spec where the layout puts one: no
/// command reads it (the server hook refuses such pushes; a remote without it can let one
/// in). `lint` reports it and `doctor --fix` moves a misplaced spec to its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stray {
    pub path: String,
    /// For a spec file (a valid id) in the wrong shard: the id and where it belongs.
    pub belongs: Option<(String, String)>,
}

fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::Corrupt { what: what.into() }
}

impl Store {
    /// The ledger's tip commit, `None` when the ref does not exist.
    pub fn ledger_tip(&self) -> Result<Option<ObjectId>, StoreError> {
        self.ref_tip(LEDGER_REF)
    }

    /// The commit a ref points at (peeled through tags), `None` when it does not exist.
    pub fn ref_tip(&self, name: &str) -> Result<Option<ObjectId>, StoreError> {
        let Some(mut reference) = self
            .repo
            .try_find_reference(name)
            .context(|| format!("reading {name}"))?
        else {
            return Ok(None);
        };
        let id = reference
            .peel_to_id()
            .map_err(|e| corrupt(format!("{name} does not point at an object: {e}")))?;
        Ok(Some(id.detach()))
    }

    /// Is `ancestor` reachable from `descendant` (or the same commit)?
    pub fn is_ancestor(&self, ancestor: ObjectId, descendant: ObjectId) -> bool {
        ancestor == descendant
            || self
                .repo
                .merge_base(ancestor, descendant)
                .ok()
                .flatten()
                .is_some_and(|base| base.detach() == ancestor)
    }

    /// The ledger at its tip, or `NoLedger` when there is none yet.
    pub fn snapshot(&self) -> Result<Snapshot<'_>, StoreError> {
        match self.ledger_tip()? {
            Some(commit) => self.snapshot_at(commit),
            None => Err(StoreError::NoLedger),
        }
    }

    /// The ledger at its tip, or an empty one before `init`.
    pub fn snapshot_or_empty(&self) -> Result<Snapshot<'_>, StoreError> {
        match self.ledger_tip()? {
            Some(commit) => self.snapshot_at(commit),
            None => Ok(Snapshot::of_tree(
                &self.repo,
                ObjectId::empty_tree(self.repo.object_hash()),
            )),
        }
    }

    /// The ledger at `commit`, after checking that its tree has a `FORMAT` this code reads.
    pub fn snapshot_at(&self, commit: ObjectId) -> Result<Snapshot<'_>, StoreError> {
        let tree = self
            .repo
            .find_commit(commit)
            .map_err(|e| {
                corrupt(format!(
                    "{LEDGER_REF} points at {commit}, not a commit: {e}"
                ))
            })?
            .tree_id()
            .map_err(|e| corrupt(format!("commit {commit} has no readable tree: {e}")))?
            .detach();
        let snapshot = Snapshot {
            commit: Some(commit),
            ..Snapshot::of_tree(&self.repo, tree)
        };
        match snapshot.file(FORMAT_PATH)? {
            Some(bytes) if bytes == FORMAT.as_bytes() => Ok(snapshot),
            Some(bytes) => Err(StoreError::UnknownFormat {
                found: String::from_utf8_lossy(&bytes).trim().to_owned(),
            }),
            None => Err(corrupt(format!(
                "ledger commit {commit} has no FORMAT file"
            ))),
        }
    }
}

impl Store {
    /// The ledger commit a revision names (`origin/chant/specs`, a commit id), refused
    /// with `NotALedger` when it names anything else: a code branch, a tree, a commit whose
    /// tree has no `FORMAT` of this git chant.
    pub fn ledger_rev(&self, rev: &str) -> Result<ObjectId, StoreError> {
        let not = |why: String| StoreError::NotALedger {
            rev: rev.to_owned(),
            why,
        };
        let id = self.resolve_rev(rev)?;
        let commit = self
            .repo
            .find_object(id)
            .context(|| format!("reading {id}"))?
            .peel_to_commit()
            .map_err(|_| not(format!("it names {id}, which is not a commit")))?;
        let commit_id = commit.id;
        let tree = commit
            .tree_id()
            .context(|| format!("reading the tree of {commit_id}"))?
            .detach();
        let snapshot = Snapshot {
            commit: Some(commit_id),
            ..Snapshot::of_tree(&self.repo, tree)
        };
        match snapshot.file(FORMAT_PATH)? {
            Some(bytes) if bytes == FORMAT.as_bytes() => Ok(commit_id),
            // A ledger of another version: upgrading is the answer, not another rev.
            Some(bytes) => Err(StoreError::UnknownFormat {
                found: String::from_utf8_lossy(&bytes).trim().to_owned(),
            }),
            None => Err(not(format!(
                "its commit {commit_id} has no FORMAT file, so it is not a ledger commit"
            ))),
        }
    }
}

/// The tree of a commit.
pub fn commit_tree(repo: &gix::Repository, commit: ObjectId) -> Result<ObjectId, StoreError> {
    Ok(repo
        .find_commit(commit)
        .context(|| format!("reading {commit}"))?
        .tree_id()
        .context(|| format!("reading the tree of {commit}"))?
        .detach())
}

/// The entries `(name, id, is_tree)` of a tree object.
pub fn tree_entries(
    repo: &gix::Repository,
    tree_id: ObjectId,
) -> Result<Vec<(String, ObjectId, bool)>, StoreError> {
    let tree = repo
        .find_tree(tree_id)
        .map_err(|e| corrupt(format!("tree {tree_id} is missing: {e}")))?;
    let decoded = tree
        .decode()
        .map_err(|e| corrupt(format!("tree {tree_id} does not parse: {e}")))?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| (e.filename.to_string(), e.oid.to_owned(), e.mode.is_tree()))
        .collect())
}

impl<'r> Snapshot<'r> {
    /// The ledger as one tree holds it, on no commit: read as it is, with no `FORMAT`
    /// check (the validator reports a missing or foreign one itself).
    pub fn of_tree(repo: &'r gix::Repository, tree: ObjectId) -> Snapshot<'r> {
        Snapshot {
            commit: None,
            tree,
            repo,
        }
    }

    /// The repository this snapshot reads from.
    pub fn repo(&self) -> &'r gix::Repository {
        self.repo
    }

    /// Entries `(name, id, is_tree)` of the tree at `path` ("" for the root); empty when absent.
    pub(crate) fn list(&self, path: &str) -> Result<Vec<(String, ObjectId, bool)>, StoreError> {
        match self.tree_at(path)? {
            Some(tree_id) => tree_entries(self.repo, tree_id),
            None => Ok(Vec::new()),
        }
    }

    /// The id of the tree at `path`, `None` when absent or not a tree.
    pub fn tree_at(&self, path: &str) -> Result<Option<ObjectId>, StoreError> {
        if path.is_empty() {
            return Ok(Some(self.tree));
        }
        Ok(self
            .entry(path)?
            .and_then(|(id, is_tree)| is_tree.then_some(id)))
    }

    /// The object at `path` and whether it is a tree. One folder per component, and only
    /// through folders: a file or gitlink where a folder belongs reads as absent, so no
    /// pushed tree can make this follow an object that is not a tree.
    fn entry(&self, path: &str) -> Result<Option<(ObjectId, bool)>, StoreError> {
        let mut folder = self.tree;
        let mut names = path.split('/').peekable();
        while let Some(name) = names.next() {
            let tree = self
                .repo
                .find_tree(folder)
                .map_err(|e| corrupt(format!("ledger tree {folder} is missing: {e}")))?;
            let Some(found) = tree.find_entry(name) else {
                return Ok(None);
            };
            let (id, is_tree) = (found.object_id(), found.mode().is_tree());
            if names.peek().is_none() {
                return Ok(Some((id, is_tree)));
            }
            if !is_tree {
                return Ok(None);
            }
            folder = id;
        }
        Ok(None)
    }

    /// The blob id of the file at `path`, `None` when absent (or a folder).
    pub fn file_id(&self, path: &str) -> Result<Option<ObjectId>, StoreError> {
        Ok(self
            .entry(path)?
            .and_then(|(id, is_tree)| (!is_tree).then_some(id)))
    }

    /// The bytes of the file at `path`, `None` when absent.
    pub fn file(&self, path: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.entry(path)? {
            Some((id, false)) => self.blob(id).map(Some),
            _ => Ok(None),
        }
    }

    /// The bytes of a blob.
    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>, StoreError> {
        let blob = self
            .repo
            .find_blob(id)
            .map_err(|e| corrupt(format!("blob {id} is missing: {e}")))?;
        Ok(blob.data.clone())
    }

    /// The blob of spec `id` in `specs/` (or `archive/`): a file at its path, whatever
    /// its mode (the validator refuses odd modes; a folder there is no spec).
    pub fn spec_in(&self, id: &str, archived: bool) -> Result<Option<ObjectId>, StoreError> {
        self.file_id(&super::paths::spec_path(id, archived))
    }

    /// Where the spec `id` is: live first, then archived.
    pub fn locate(&self, id: &str) -> Result<Option<SpecEntry>, StoreError> {
        for archived in [false, true] {
            if let Some(blob) = self.spec_in(id, archived)? {
                return Ok(Some(SpecEntry {
                    id: id.to_owned(),
                    archived,
                    blob,
                }));
            }
        }
        Ok(None)
    }

    /// The entries of one shard folder (`specs/<hh>` or `archive/<hh>`).
    pub fn shard_entries(&self, archived: bool, shard: &str) -> Result<Vec<SpecEntry>, StoreError> {
        Ok(self.shard_contents(archived, shard)?.0)
    }

    /// One shard folder read once: its spec entries (in tree order), and the files in it
    /// that are not where the layout puts a spec (what `strays` reports of it).
    pub fn shard_contents(
        &self,
        archived: bool,
        shard: &str,
    ) -> Result<(Vec<SpecEntry>, Vec<Stray>), StoreError> {
        let dir = if archived { ARCHIVE_DIR } else { LIVE_DIR };
        let (mut entries, mut strays) = (Vec::new(), Vec::new());
        for (name, blob, is_tree) in self.list(&format!("{dir}/{shard}"))? {
            match name.strip_suffix(".md").filter(|_| !is_tree) {
                // Only where its id puts it: what `locate` finds is all there is.
                Some(id) if super::paths::shard(id) == shard => entries.push(SpecEntry {
                    id: id.to_owned(),
                    archived,
                    blob,
                }),
                // Only a valid id is a spec to move: a name pushed from anywhere
                // (`Bad Id.md`, control characters) stays a file to remove.
                Some(id) if crate::spec::id::validate(id).is_ok() => strays.push(Stray {
                    path: format!("{dir}/{shard}/{name}"),
                    belongs: Some((id.to_owned(), super::paths::spec_path(id, archived))),
                }),
                _ => strays.push(Stray {
                    path: format!("{dir}/{shard}/{name}"),
                    belongs: None,
                }),
            }
        }
        Ok((entries, strays))
    }

    /// Everything under `specs/` and `archive/` that `entries` leaves out.
    pub fn strays(&self) -> Result<Vec<Stray>, StoreError> {
        let mut out = Vec::new();
        for archived in [false, true] {
            let dir = if archived { ARCHIVE_DIR } else { LIVE_DIR };
            for (shard, _, is_tree) in self.list(dir)? {
                if !is_tree {
                    out.push(Stray {
                        path: format!("{dir}/{shard}"),
                        belongs: None,
                    });
                    continue;
                }
                out.extend(self.shard_contents(archived, &shard)?.1);
            }
        }
        Ok(out)
    }

    /// Every spec entry, live then archived, each sorted by id.
    pub fn entries(&self) -> Result<Vec<SpecEntry>, StoreError> {
        let mut all = Vec::new();
        for archived in [false, true] {
            let dir = if archived { ARCHIVE_DIR } else { LIVE_DIR };
            let mut found = Vec::new();
            for (name, _, is_tree) in self.list(dir)? {
                if is_tree {
                    found.extend(self.shard_entries(archived, &name)?);
                }
            }
            found.sort_by(|a, b| a.id.cmp(&b.id));
            all.extend(found);
        }
        Ok(all)
    }

    /// The shard tree ids of `specs/` or `archive/`, for incremental index updates.
    pub fn shard_trees(&self, archived: bool) -> Result<Vec<(String, ObjectId)>, StoreError> {
        let dir = if archived { ARCHIVE_DIR } else { LIVE_DIR };
        Ok(self
            .list(dir)?
            .into_iter()
            .filter(|(_, _, is_tree)| *is_tree)
            .map(|(name, id, _)| (name, id))
            .collect())
    }

    /// Does a spec with this id exist, live or archived? Reads one shard per folder.
    pub fn contains(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.locate(id)?.is_some())
    }
}
