//! The ledger's pushed history, commit by commit in topological order: one root, every
//! tree in the layout, every changed spec parsing with a known status, every status change
//! allowed (or forced by whom the server lets force), no spec deleted, and each spec of a
//! merge being a parent's version or what the merge rules make of them (`merge.rs`). Then
//! the final tree's whole-ledger rules (`specs.rs`).

use std::collections::{BTreeMap, HashMap};

use gix::ObjectId;

use super::approvals::{Decision, Gate};
use super::layout::{Item, Level};
use super::merge::{merge_shape_ok, MergeCheck};
use super::parsed::Parsed;
use super::report::{Policy, Report, Rule};
use super::tree::{Changed, Walker};
use crate::lifecycle;
use crate::store::diff::FileChange;
use crate::store::history::trailers;
use crate::store::ledger::Snapshot;
use crate::store::paths::FORMAT;
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

/// What the history checks leave for the final tree: the specs the push changed, and the
/// commits that decided approvals (for the signature check, which runs git).
pub(crate) struct History {
    pub changed: Vec<String>,
    pub decisions: Vec<Decision>,
}

pub(crate) fn check_history(
    repo: &gix::Repository,
    report: &mut Report,
    walker: &mut Walker<'_>,
    parsed: &mut Parsed<'_>,
    commits: &[Pushed],
    ref_is_new: bool,
    policy: &Policy,
) -> Result<History, StoreError> {
    let mut roots = 0;
    let mut deleted: HashMap<String, ObjectId> = HashMap::new();
    let mut changed: BTreeMap<String, ()> = BTreeMap::new();
    let mut trees: HashMap<ObjectId, ObjectId> = HashMap::new();
    let mut gate = Gate::new(policy);
    for commit in commits {
        trees.insert(commit.id, commit.tree);
        walker.bytes = walker.bytes.saturating_add(commit.size);
        check_writer(report, commit, policy);
        let first = match commit.parents.first() {
            Some(p) => Some(tree_of(repo, &trees, *p)?),
            None => {
                roots += 1;
                if !ref_is_new || roots > 1 {
                    report.refuse(Rule::Root, format!("commit {} has no parent: the ledger has one history, and a second root could bring in anything (run `git chant sync`, which merges into the server's ledger)", commit.short()));
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
                    Rule::Unique,
                    format!(
                        "commit {} holds {id} both live and archived",
                        commit.short()
                    ),
                );
                continue;
            }
            let after = match after {
                Some(blob) => match parsed.check(report, &id, blob)? {
                    Some(status) => Some((blob, status)),
                    None => continue,
                },
                None => None,
            };
            if let (true, Some((blob, _))) = (gate.active(), &after) {
                let befores = match &commit.parents[..] {
                    [_, _, ..] => parent_versions(repo, &trees, commit, &id)?,
                    _ => vec![before.or_else(|| deleted.get(&id).copied())],
                };
                gate.spec(report, parsed, commit, &id, &befores, *blob)?;
            }
            if commit.parents.len() > 1 {
                if !merge.is_their_merge(repo, &id, after.as_ref().map(|a| a.0))? {
                    report.add(Some(&id), None, Rule::Merge, format!("merge commit {} holds a version of {id} that is not the merge of its parents'", commit.short()));
                } else if let (Some(from), Some((_, status))) =
                    (merge.added_on_both(repo, parsed, &id)?, &after)
                {
                    // Added on both sides: the other side's history never saw this one's.
                    check_transition(report, commit, &id, &from, status, policy);
                }
                continue;
            }
            let before = before.or_else(|| deleted.get(&id).copied());
            match (before, after) {
                (Some(blob), None) => {
                    deleted.insert(id.clone(), blob);
                    if !policy.allow_delete {
                        report.add(Some(&id), None, Rule::Delete, format!("commit {} deletes {id}: archive it instead (`git chant archive {id}`), or set chant.allowDelete on the server", commit.short()));
                    }
                }
                (Some(blob), Some((_, status))) => {
                    let Some(from) = parsed.status(&id, blob)? else {
                        continue; // an old version that never parsed: nothing to compare
                    };
                    check_transition(report, commit, &id, &from, &status, policy);
                }
                _ => {}
            }
        }
        for change in &changes {
            check_file(repo, report, change, policy)?;
        }
        gate.commit_done(repo, report, commit, &changes)?;
    }
    Ok(History {
        changed: changed.into_keys().collect(),
        decisions: gate.decisions,
    })
}

/// The version of spec `id` in each parent of a merge commit.
fn parent_versions(
    repo: &gix::Repository,
    trees: &HashMap<ObjectId, ObjectId>,
    commit: &Pushed,
    id: &str,
) -> Result<Vec<Option<ObjectId>>, StoreError> {
    let mut out = Vec::new();
    for parent in &commit.parents {
        let tree = tree_of(repo, trees, *parent)?;
        out.push(Snapshot::of_tree(repo, tree).locate(id)?.map(|e| e.blob));
    }
    Ok(out)
}

/// The tree of `commit`, from the pushed commits when it is one of them.
pub(super) fn tree_of(
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
            entry.0 = entry.0.or(change.file.old);
            entry.1 = entry.1.or(change.file.new);
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
        .any(|(k, v)| k == crate::store::trailer::Trailer::Forced.key() && v == "true");
    let short = commit.short();
    if !forced {
        report.add(
            Some(id),
            Some("status"),
            Rule::Transition,
            format!("commit {short} moves it {from} -> {to}, which is not allowed without --force"),
        );
    } else if !policy.force_writers.is_empty() && !policy.force_writers.contains(&commit.committer)
    {
        report.add(
            Some(id),
            Some("status"),
            Rule::Force,
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
            Rule::Writer,
            format!(
                "commit {} is by {}, who is not in chant.allowedWriters",
                commit.short(),
                commit.committer
            ),
        );
    }
}

/// `FORMAT` is the one this code reads; config, prompts and templates are text, and a
/// template's frontmatter and `variables` have upstream's shape.
fn check_file(
    repo: &gix::Repository,
    report: &mut Report,
    change: &Changed,
    policy: &Policy,
) -> Result<(), StoreError> {
    let FileChange { path, new, .. } = &change.file;
    let Some(blob) = *new else {
        if change.item == Item::Format {
            report.refuse(Rule::Format, "the ledger has no FORMAT file");
        }
        return Ok(());
    };
    let Some(bytes) = (match change.item {
        Item::Format | Item::Config | Item::Prompt | Item::Template(_) => {
            read(repo, blob, policy.max_spec_bytes)?
        }
        _ => None,
    }) else {
        return Ok(());
    };
    if change.item == Item::Format && bytes != FORMAT.as_bytes() {
        report.refuse(
            Rule::Format,
            format!(
                "FORMAT is `{}`, expected `chant-ledger 1`",
                String::from_utf8_lossy(&bytes).trim()
            ),
        );
    } else if std::str::from_utf8(&bytes).is_err() {
        report.refuse(Rule::Text, format!("{path} is not UTF-8 text"));
    } else if let Item::Template(name) = &change.item {
        if let Err(v) = crate::spec::template::parse(name, &bytes) {
            report.refuse(Rule::Template, format!("{path}: {}", v.message));
        }
    }
    Ok(())
}

/// Is spec `id` in both `specs/` and `archive/` of a commit's tree? Two fixed-path lookups
/// (`Snapshot::spec_in`), safe on the tree the walker has just checked.
fn in_both_places(repo: &gix::Repository, tree: ObjectId, id: &str) -> Result<bool, StoreError> {
    let snapshot = Snapshot::of_tree(repo, tree);
    Ok(snapshot.spec_in(id, false)?.is_some() && snapshot.spec_in(id, true)?.is_some())
}
