//! `drift`: the files a completed spec tracks (`tracks`, `informed_by`, `origin`,
//! `target_files`) that changed in commits after its completion commit, from history
//! alone, so every clone reports the same (upstream compared file mtimes with
//! `completed_at`, which a clone or checkout resets).

mod patterns;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use gix::bstr::ByteSlice;
use gix::ObjectId;
use serde::Serialize;

pub use patterns::{matches, Patterns, FIELDS, MAX_PATTERNS, MAX_PATTERN_LEN};

use super::lookup::{load, resolve};
use crate::error::Error;
use crate::lifecycle::Status;
use crate::spec::Spec;
use crate::store::index::Index;
use crate::store::{range, Context, Store, StoreError};

/// What `drift` found (`drift --json`).
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    /// The commit compared up to (`HEAD` or `--rev`), in full.
    pub rev: String,
    /// Every spec compared, in id order, drifted or not.
    pub specs: Vec<SpecDrift>,
    /// Specs that could not be compared, with why.
    pub skipped: Vec<Skipped>,
}

impl DriftReport {
    /// Whether any spec's files changed (`--exit-code` exits 1).
    pub fn drifted(&self) -> bool {
        self.specs.iter().any(|s| !s.files.is_empty())
    }
}

/// One spec compared.
#[derive(Debug, Clone, Serialize)]
pub struct SpecDrift {
    pub id: String,
    /// The completion commit, in full: the newest listed commit this repository has.
    pub since: String,
    /// The patterns matched, as normalised.
    pub patterns: Vec<String>,
    /// Entries not matched, with why (too long, too many).
    pub ignored: Vec<String>,
    /// The files that changed, in path order.
    pub files: Vec<DriftedFile>,
}

/// One file that changed after the completion commit.
#[derive(Debug, Clone, Serialize)]
pub struct DriftedFile {
    pub path: String,
    /// The commits that changed it, parents before children.
    pub commits: Vec<CommitRef>,
}

/// A commit as the report names it.
#[derive(Debug, Clone, Serialize)]
pub struct CommitRef {
    pub id: String,
    /// The first 12 hex digits: the same on every clone, unlike git's shortest unique form.
    pub short: String,
    pub subject: String,
}

/// A spec not compared.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

/// The drift of the specs `shorts` name (short ids resolve), or of every live completed
/// spec with patterns, between each one's completion commit and `rev` (`HEAD` by default).
pub fn drift(store: &Store, shorts: &[String], rev: Option<&str>) -> Result<DriftReport, Error> {
    let repo = store.repo();
    let rev_name = rev.unwrap_or("HEAD");
    let tip = store.resolve_rev(rev_name)?;
    let tip = repo
        .find_commit(tip)
        .context(|| format!("`{rev_name}` is not a commit"))?
        .id;
    let snapshot = store.snapshot()?;
    let ids: Vec<String> = if shorts.is_empty() {
        super::query::completed(&Index::load(store, &snapshot)?)
    } else {
        let mut ids = Vec::new();
        for short in shorts {
            let id = resolve(store, &snapshot, short)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids.sort();
        ids
    };
    let mut report = DriftReport {
        rev: tip.to_string(),
        specs: Vec::new(),
        skipped: Vec::new(),
    };
    let mut walker = Walker {
        repo,
        changed: HashMap::new(),
        subjects: HashMap::new(),
    };
    for id in ids {
        let (_, spec) = load(&snapshot, &id)?;
        let skip = |reason: &str| Skipped {
            id: id.clone(),
            reason: reason.to_owned(),
        };
        let patterns = Patterns::of(FIELDS.iter().flat_map(|f| spec.list(f)));
        // Named specs say why they were not compared; the whole ledger skips quietly the
        // specs drift does not apply to.
        if !Status::Completed.is(spec.status()) {
            if !shorts.is_empty() {
                report.skipped.push(skip("not completed"));
            }
            continue;
        }
        if patterns.is_empty() {
            if !shorts.is_empty() {
                report
                    .skipped
                    .push(skip("no tracks, informed_by, origin or target_files"));
            }
            continue;
        }
        let Some(since) = completion_commit(store, &spec) else {
            report
                .skipped
                .push(skip("no recorded commit to compare from"));
            continue;
        };
        let files = walker.files(tip, since, &patterns)?;
        report.specs.push(SpecDrift {
            id,
            since: since.to_string(),
            patterns: patterns.kept,
            ignored: patterns.ignored,
            files,
        });
    }
    Ok(report)
}

/// The newest (by commit time, the later-listed on a tie) of the commits in `commits:`
/// that this repository has. Entries are untrusted: only hex ids are looked up, never
/// revision syntax (`HEAD~3`, `@{-1}`, a branch name).
fn completion_commit(store: &Store, spec: &Spec) -> Option<ObjectId> {
    let repo = store.repo();
    let mut best: Option<(i64, ObjectId)> = None;
    for listed in spec.commits() {
        let Some(id) = store.listed_commit(listed) else {
            continue;
        };
        let Ok(commit) = repo.find_commit(id) else {
            continue;
        };
        let time = commit.time().map_or(i64::MIN, |t| t.seconds);
        if best.is_none_or(|(t, _)| time >= t) {
            best = Some((time, id));
        }
    }
    best.map(|(_, id)| id)
}

/// Walks history once per spec, diffing each commit once for all of them.
struct Walker<'r> {
    repo: &'r gix::Repository,
    /// The files each commit changed (see [`Walker::changed_by`]).
    changed: HashMap<ObjectId, Rc<Vec<String>>>,
    subjects: HashMap<ObjectId, String>,
}

impl Walker<'_> {
    /// The files matching `patterns` that commits in `since..tip` changed.
    fn files(
        &mut self,
        tip: ObjectId,
        since: ObjectId,
        patterns: &Patterns,
    ) -> Result<Vec<DriftedFile>, Error> {
        let mut files: BTreeMap<String, Vec<CommitRef>> = BTreeMap::new();
        for commit in range::between(self.repo, tip, Some(since))? {
            let changed = self.changed_by(commit)?;
            for path in changed.iter().filter(|p| patterns.matches(p)) {
                let subject = self.subject(commit)?;
                let id = commit.to_string();
                files.entry(path.clone()).or_default().push(CommitRef {
                    short: id[..12].to_owned(),
                    id,
                    subject,
                });
            }
        }
        Ok(files
            .into_iter()
            .map(|(path, commits)| DriftedFile { path, commits })
            .collect())
    }

    /// The files `commit` changed: against its parent; a root against the empty tree; a
    /// merge only those differing from every parent (what the merge itself resolved; the
    /// rest came with a branch whose commits are reported themselves).
    fn changed_by(&mut self, commit: ObjectId) -> Result<Rc<Vec<String>>, StoreError> {
        if let Some(known) = self.changed.get(&commit) {
            return Ok(Rc::clone(known));
        }
        let repo = self.repo;
        let found = repo
            .find_commit(commit)
            .context(|| format!("reading commit {commit}"))?;
        let tree = found
            .tree()
            .context(|| format!("reading the tree of {commit}"))?;
        let parents: Vec<ObjectId> = found.parent_ids().map(|p| p.detach()).collect();
        let mut sets: Vec<HashSet<String>> = Vec::new();
        if parents.is_empty() {
            sets.push(diff(repo, None, &tree, commit)?);
        }
        for parent in parents {
            let before = repo
                .find_commit(parent)
                .context(|| format!("reading commit {parent}"))?
                .tree()
                .context(|| format!("reading the tree of {parent}"))?;
            sets.push(diff(repo, Some(&before), &tree, commit)?);
        }
        let mut paths: Vec<String> = match sets.split_first() {
            Some((first, rest)) => first
                .iter()
                .filter(|p| rest.iter().all(|s| s.contains(*p)))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        paths.sort();
        let paths = Rc::new(paths);
        self.changed.insert(commit, Rc::clone(&paths));
        Ok(paths)
    }

    fn subject(&mut self, commit: ObjectId) -> Result<String, StoreError> {
        if let Some(known) = self.subjects.get(&commit) {
            return Ok(known.clone());
        }
        let found = self
            .repo
            .find_commit(commit)
            .context(|| format!("reading commit {commit}"))?;
        let message = found.message_raw_sloppy();
        let subject = message
            .lines()
            .next()
            .map(|l| l.to_str_lossy().trim_end().to_owned())
            .unwrap_or_default();
        self.subjects.insert(commit, subject.clone());
        Ok(subject)
    }
}

/// The paths of the files (not folders) that differ between `before` (`None`: the empty
/// tree) and `after`; without rename tracking, a rename is both of its paths.
fn diff(
    repo: &gix::Repository,
    before: Option<&gix::Tree<'_>>,
    after: &gix::Tree<'_>,
    commit: ObjectId,
) -> Result<HashSet<String>, StoreError> {
    let changes = repo
        .diff_tree_to_tree(before, Some(after), gix::diff::Options::default())
        .context(|| format!("comparing {commit} with its parent"))?;
    Ok(changes
        .iter()
        .filter(|c| !c.entry_mode().is_tree())
        .map(|c| c.location().to_str_lossy().into_owned())
        .collect())
}
