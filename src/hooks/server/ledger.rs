//! The ledger's pushed history, commit by commit in topological order: one root, every
//! tree in the layout, every changed spec parsing with a known status, every status change
//! allowed (or forced by whom the server lets force), no spec deleted, and each spec of a
//! merge being a parent's version or what the merge rules make of them. Then the final
//! tree's whole-ledger rules (`specs.rs`).

use std::collections::{BTreeMap, HashMap};

use gix::ObjectId;

use super::report::{Policy, Report};
use super::tree::{Changed, Item, Level, Walker};
use crate::lifecycle;
use crate::merge::ledger::merge_trees;
use crate::spec::{is_known_status, Spec};
use crate::store::history::trailers;
use crate::store::paths::{spec_path, FORMAT};
use crate::store::{Context, StoreError};

/// A pushed commit, as the checks need it.
pub(crate) struct Pushed {
    pub id: ObjectId,
    pub parents: Vec<ObjectId>,
    pub tree: ObjectId,
    pub message: String,
    pub committer: String,
    pub size: u64,
}

impl Pushed {
    pub fn short(&self) -> String {
        self.id.to_hex_with_len(12).to_string()
    }
}

/// The commits `old..new`, parents before children.
pub(crate) fn pushed_commits(
    repo: &gix::Repository,
    new: ObjectId,
    old: Option<ObjectId>,
) -> Result<Vec<Pushed>, StoreError> {
    let mut pushed = Vec::new();
    for id in crate::store::range::between(repo, new, old)? {
        let commit = repo.find_commit(id).context(|| format!("reading {id}"))?;
        pushed.push(Pushed {
            id,
            parents: commit.parent_ids().map(|p| p.detach()).collect(),
            tree: commit
                .tree_id()
                .context(|| format!("reading the tree of {id}"))?
                .detach(),
            message: commit.message_raw_sloppy().to_string(),
            committer: commit
                .committer()
                .map(|c| c.email.to_string())
                .unwrap_or_default(),
            size: commit.data.len() as u64,
        });
    }
    Ok(pushed)
}

/// What the history checks leave for the final tree: the specs the push changed.
pub(crate) struct History {
    pub changed: Vec<String>,
}

pub(crate) fn check_history(
    repo: &gix::Repository,
    report: &mut Report,
    walker: &mut Walker<'_>,
    commits: &[Pushed],
    ref_is_new: bool,
    policy: &Policy,
) -> Result<History, StoreError> {
    let mut roots = 0;
    let mut deleted: HashMap<String, ObjectId> = HashMap::new();
    let mut changed: BTreeMap<String, ()> = BTreeMap::new();
    let mut trees: HashMap<ObjectId, ObjectId> = HashMap::new();
    for commit in commits {
        trees.insert(commit.id, commit.tree);
        walker.bytes = walker.bytes.saturating_add(commit.size);
        check_writer(report, commit, policy);
        let first = match commit.parents.first() {
            Some(p) => Some(tree_of(repo, &trees, *p)?),
            None => {
                roots += 1;
                if !ref_is_new || roots > 1 {
                    report.refuse("root", format!("commit {} has no parent: the ledger has one history, and a second root could bring in anything (run `git chant sync`, which merges into the server's ledger)", commit.short()));
                }
                None
            }
        };
        let changes = walker.changes(report, commit.tree, first, Level::LedgerRoot)?;
        if commit.parents.len() > 1 && !merge_shape_ok(repo, report, commit) {
            continue;
        }
        let mut merge = MergeCheck::new(commit, &trees);
        for (id, (before, after)) in by_spec(&changes) {
            changed.insert(id.clone(), ());
            // Checked in every commit, not only the tip: a twin in `archive/` would let a
            // later commit pair the wrong versions.
            if after.is_some() && in_both_places(repo, commit.tree, &id)? {
                report.add(
                    Some(&id),
                    None,
                    "unique",
                    format!(
                        "commit {} holds {id} both live and archived",
                        commit.short()
                    ),
                );
                continue;
            }
            let after = match after {
                Some(blob) => match parse(repo, report, &id, blob, policy)? {
                    Some(spec) => Some((blob, spec)),
                    None => continue,
                },
                None => None,
            };
            if commit.parents.len() > 1 {
                if !merge.is_their_merge(repo, &id, after.as_ref().map(|a| a.0))? {
                    report.add(Some(&id), None, "merge", format!("merge commit {} holds a version of {id} that is not the merge of its parents'", commit.short()));
                } else if let (Some(from), Some((_, spec))) =
                    (merge.added_on_both(repo, &id, policy)?, &after)
                {
                    // Added on both sides: the other side's history never saw this one's.
                    check_transition(report, commit, &id, &from, spec.status(), policy);
                }
                continue;
            }
            let before = before.or_else(|| deleted.get(&id).copied());
            match (before, after) {
                (Some(blob), None) => {
                    deleted.insert(id.clone(), blob);
                    if !policy.allow_delete {
                        report.add(Some(&id), None, "delete", format!("commit {} deletes {id}: archive it instead (`git chant archive {id}`), or set chant.allowDelete on the server", commit.short()));
                    }
                }
                (Some(blob), Some((_, spec))) => {
                    let Some(from) = status_of(repo, &id, blob, policy)? else {
                        continue; // an old version that never parsed: nothing to compare
                    };
                    check_transition(report, commit, &id, &from, spec.status(), policy);
                }
                _ => {}
            }
        }
        for change in &changes {
            check_file(repo, report, change, policy)?;
        }
    }
    Ok(History {
        changed: changed.into_keys().collect(),
    })
}

fn tree_of(
    repo: &gix::Repository,
    known: &HashMap<ObjectId, ObjectId>,
    commit: ObjectId,
) -> Result<ObjectId, StoreError> {
    if let Some(tree) = known.get(&commit) {
        return Ok(*tree);
    }
    crate::store::ledger::commit_tree(repo, commit)
}

/// Changes grouped by spec id (a move to `archive/` is one change): `(before, after)`.
fn by_spec(changes: &[Changed]) -> BTreeMap<String, (Option<ObjectId>, Option<ObjectId>)> {
    let mut out: BTreeMap<String, (Option<ObjectId>, Option<ObjectId>)> = BTreeMap::new();
    for change in changes {
        if let Item::Spec { id, .. } = &change.item {
            let entry = out.entry(id.clone()).or_default();
            entry.0 = entry.0.or(change.old);
            entry.1 = entry.1.or(change.new);
        }
    }
    out
}

/// Reads a blob the walker found within its limit (`None` when it is not).
fn read(repo: &gix::Repository, blob: ObjectId, limit: u64) -> Result<Option<Vec<u8>>, StoreError> {
    let size = repo
        .find_header(blob)
        .context(|| format!("reading {blob}"))?
        .size();
    if size > limit {
        return Ok(None);
    }
    Ok(Some(
        repo.find_blob(blob)
            .context(|| format!("reading {blob}"))?
            .data
            .clone(),
    ))
}

/// The spec at `blob`, reporting why it does not load.
pub(crate) fn parse(
    repo: &gix::Repository,
    report: &mut Report,
    id: &str,
    blob: ObjectId,
    policy: &Policy,
) -> Result<Option<Spec>, StoreError> {
    let Some(bytes) = read(repo, blob, policy.max_spec_bytes)? else {
        return Ok(None); // reported by the walker
    };
    match Spec::parse(id, &bytes) {
        Err(e) => {
            report.add(Some(id), None, "parse", e.to_string().replace('\n', " "));
            Ok(None)
        }
        Ok(spec) => {
            if !is_known_status(spec.status()) {
                report.add(
                    Some(id),
                    Some("status"),
                    "status",
                    format!("unknown status `{}`", spec.status()),
                );
            }
            Ok(Some(spec))
        }
    }
}

fn status_of(
    repo: &gix::Repository,
    id: &str,
    blob: ObjectId,
    policy: &Policy,
) -> Result<Option<String>, StoreError> {
    Ok(read(repo, blob, policy.max_spec_bytes)?
        .and_then(|bytes| Spec::parse(id, &bytes).ok())
        .map(|spec| spec.status().to_owned()))
}

fn check_transition(
    report: &mut Report,
    commit: &Pushed,
    id: &str,
    from: &str,
    to: &str,
    policy: &Policy,
) {
    if from == to || lifecycle::is_allowed(from, to) {
        return;
    }
    let forced = trailers(&commit.message)
        .iter()
        .any(|(k, v)| k == "Chant-Forced" && v == "true");
    let short = commit.short();
    if !forced {
        report.add(
            Some(id),
            Some("status"),
            "transition",
            format!("commit {short} moves it {from} -> {to}, which is not allowed without --force"),
        );
    } else if !policy.force_writers.is_empty() && !policy.force_writers.contains(&commit.committer)
    {
        report.add(
            Some(id),
            Some("status"),
            "force",
            format!(
                "commit {short} forces {from} -> {to}, but {} is not in chant.forceWriters",
                commit.committer
            ),
        );
    }
}

fn check_writer(report: &mut Report, commit: &Pushed, policy: &Policy) {
    if !policy.allowed_writers.is_empty() && !policy.allowed_writers.contains(&commit.committer) {
        report.refuse(
            "writer",
            format!(
                "commit {} is by {}, who is not in chant.allowedWriters",
                commit.short(),
                commit.committer
            ),
        );
    }
}

/// `FORMAT` is the one this code reads; config and prompts are text.
fn check_file(
    repo: &gix::Repository,
    report: &mut Report,
    change: &Changed,
    policy: &Policy,
) -> Result<(), StoreError> {
    let Some(blob) = change.new else {
        if change.item == Item::Format {
            report.refuse("format", "the ledger has no FORMAT file");
        }
        return Ok(());
    };
    let Some(bytes) = (match change.item {
        Item::Format | Item::Config | Item::Prompt => read(repo, blob, policy.max_spec_bytes)?,
        _ => None,
    }) else {
        return Ok(());
    };
    if change.item == Item::Format && bytes != FORMAT.as_bytes() {
        report.refuse(
            "format",
            format!(
                "FORMAT is `{}`, expected `chant-ledger 1`",
                String::from_utf8_lossy(&bytes).trim()
            ),
        );
    } else if std::str::from_utf8(&bytes).is_err() {
        report.refuse("text", format!("{} is not UTF-8 text", change.path));
    }
    Ok(())
}

/// Two parents, neither in the other's history: a merge that only re-adds an older state
/// (`-p <ancestor> -p <tip>`) would roll the ledger back without a single changed file.
fn merge_shape_ok(repo: &gix::Repository, report: &mut Report, commit: &Pushed) -> bool {
    let short = commit.short();
    let [a, b] = commit.parents[..] else {
        report.refuse(
            "merge",
            format!(
                "merge commit {short} has {} parents; a ledger merge has two",
                commit.parents.len()
            ),
        );
        return false;
    };
    let ancestor = |x: ObjectId, y: ObjectId| {
        x == y
            || repo
                .merge_base(x, y)
                .ok()
                .flatten()
                .is_some_and(|m| m.detach() == x)
    };
    if ancestor(a, b) || ancestor(b, a) {
        report.refuse("merge", format!("merge commit {short} merges a commit already in its other parent's history: a ledger merge joins two histories"));
        return false;
    }
    true
}

/// A merge commit's specs: each it changes must be what the ledger merge makes of its two
/// parents, computed once per commit when first needed.
struct MergeCheck<'c> {
    commit: &'c Pushed,
    parent_trees: Vec<Option<ObjectId>>,
    base_tree: Option<ObjectId>,
    merged: Option<HashMap<String, Option<Vec<u8>>>>,
}

impl<'c> MergeCheck<'c> {
    fn new(commit: &'c Pushed, known: &HashMap<ObjectId, ObjectId>) -> MergeCheck<'c> {
        MergeCheck {
            commit,
            parent_trees: commit
                .parents
                .iter()
                .map(|p| known.get(p).copied())
                .collect(),
            base_tree: None,
            merged: None,
        }
    }

    fn trees(&self, repo: &gix::Repository) -> Result<(ObjectId, ObjectId), StoreError> {
        let tree = |i: usize| match self.parent_trees[i] {
            Some(t) => Ok(t),
            None => tree_of(repo, &HashMap::new(), self.commit.parents[i]),
        };
        Ok((tree(0)?, tree(1)?))
    }

    fn merged(
        &mut self,
        repo: &gix::Repository,
    ) -> Result<&HashMap<String, Option<Vec<u8>>>, StoreError> {
        if self.merged.is_none() {
            let (ours, theirs) = self.trees(repo)?;
            let base = repo
                .merge_base(self.commit.parents[0], self.commit.parents[1])
                .ok()
                .flatten()
                .map(|b| b.detach());
            self.base_tree = match base {
                Some(b) => Some(tree_of(repo, &HashMap::new(), b)?),
                None => None,
            };
            let merged = merge_trees(repo, self.base_tree, ours, theirs)?;
            self.merged = Some(merged.writes.into_iter().collect());
        }
        Ok(self.merged.get_or_insert_with(HashMap::new))
    }

    fn is_their_merge(
        &mut self,
        repo: &gix::Repository,
        id: &str,
        after: Option<ObjectId>,
    ) -> Result<bool, StoreError> {
        let writes = self.merged(repo)?;
        let (live, archived) = (
            writes.get(&spec_path(id, false)),
            writes.get(&spec_path(id, true)),
        );
        if live.is_none() && archived.is_none() {
            return Ok(false); // the merge keeps the first parent's version, and this differs
        }
        let expected = live.cloned().flatten().or(archived.cloned().flatten());
        let actual = match after {
            Some(blob) => Some(
                repo.find_blob(blob)
                    .context(|| format!("reading {blob}"))?
                    .data
                    .clone(),
            ),
            None => None,
        };
        Ok(match (expected, actual) {
            (Some(e), Some(a)) => e == a || same_content(id, &e, &a),
            (None, None) => true,
            _ => false,
        })
    }
}

impl MergeCheck<'_> {
    /// The first parent's status of a spec both parents added since their merge base.
    fn added_on_both(
        &mut self,
        repo: &gix::Repository,
        id: &str,
        policy: &Policy,
    ) -> Result<Option<String>, StoreError> {
        self.merged(repo)?;
        let (ours, theirs) = self.trees(repo)?;
        let in_base = match self.base_tree {
            Some(t) => blob_in(repo, t, id)?.is_some(),
            None => false,
        };
        if in_base || blob_in(repo, theirs, id)?.is_none() {
            return Ok(None);
        }
        match blob_in(repo, ours, id)? {
            Some(blob) => status_of(repo, id, blob, policy),
            None => Ok(None),
        }
    }
}

/// Is spec `id` in both `specs/` and `archive/` of a tree?
fn in_both_places(repo: &gix::Repository, tree: ObjectId, id: &str) -> Result<bool, StoreError> {
    let tree = repo
        .find_tree(tree)
        .context(|| "reading a ledger tree".to_owned())?;
    Ok([false, true].iter().all(|archived| {
        tree.lookup_entry_by_path(spec_path(id, *archived))
            .ok()
            .flatten()
            .is_some()
    }))
}

/// Same frontmatter data and body, whatever the YAML spelling.
fn same_content(id: &str, a: &[u8], b: &[u8]) -> bool {
    match (Spec::parse(id, a), Spec::parse(id, b)) {
        (Ok(a), Ok(b)) => {
            a.frontmatter().to_mapping() == b.frontmatter().to_mapping() && a.body() == b.body()
        }
        _ => false,
    }
}

/// The blob of spec `id` (live or archived) in a tree.
pub(crate) fn blob_in(
    repo: &gix::Repository,
    tree: ObjectId,
    id: &str,
) -> Result<Option<ObjectId>, StoreError> {
    let tree = repo
        .find_tree(tree)
        .context(|| "reading a ledger tree".to_owned())?;
    Ok([false, true].iter().find_map(|archived| {
        tree.lookup_entry_by_path(spec_path(id, *archived))
            .ok()
            .flatten()
            .filter(|e| !e.mode().is_tree())
            .map(|e| e.object_id())
    }))
}
