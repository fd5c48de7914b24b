//! A ledger merge commit, as the server accepts one: two parents, neither in the other's
//! history, and each spec it changes what the ledger merge (`merge::ledger`) makes of its
//! parents' versions, so a merge cannot smuggle in a version neither side wrote.

use std::collections::HashMap;

use gix::ObjectId;

use super::ledger::{tree_of, Pushed};
use super::parsed::Parsed;
use super::report::{Report, Rule};
use crate::merge::ledger::merge_trees;
use crate::spec::Spec;
use crate::store::ledger::Snapshot;
use crate::store::paths::spec_path;
use crate::store::{Context, StoreError};

/// Two parents, neither in the other's history: a merge that only re-adds an older state
/// (`-p <ancestor> -p <tip>`) would roll the ledger back without a single changed file.
pub(super) fn merge_shape_ok(repo: &gix::Repository, report: &mut Report, commit: &Pushed) -> bool {
    let short = commit.short();
    let [a, b] = commit.parents[..] else {
        report.refuse(
            Rule::Merge,
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
        report.refuse(Rule::Merge, format!("merge commit {short} merges a commit already in its other parent's history: a ledger merge joins two histories"));
        return false;
    }
    true
}

/// A merge commit's specs: each it changes must be what the ledger merge makes of its two
/// parents, computed once per commit when first needed.
pub(super) struct MergeCheck<'c> {
    commit: &'c Pushed,
    parent_trees: Vec<Option<ObjectId>>,
    base_tree: Option<ObjectId>,
    merged: Option<HashMap<String, Option<Vec<u8>>>>,
}

impl<'c> MergeCheck<'c> {
    pub fn new(commit: &'c Pushed, known: &HashMap<ObjectId, ObjectId>) -> MergeCheck<'c> {
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

    pub fn is_their_merge(
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

    /// The first parent's status of a spec both parents added since their merge base.
    pub fn added_on_both(
        &mut self,
        repo: &gix::Repository,
        parsed: &mut Parsed<'_>,
        id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.merged(repo)?;
        let (ours, theirs) = self.trees(repo)?;
        // `Snapshot::locate` reads two fixed paths: safe on any tree, pushed or not.
        let blob_in = |tree: ObjectId| {
            Snapshot::of_tree(repo, tree)
                .locate(id)
                .map(|e| e.map(|e| e.blob))
        };
        let in_base = match self.base_tree {
            Some(t) => blob_in(t)?.is_some(),
            None => false,
        };
        if in_base || blob_in(theirs)?.is_none() {
            return Ok(None);
        }
        match blob_in(ours)? {
            Some(blob) => parsed.status(id, blob),
            None => Ok(None),
        }
    }
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
