//! The commits between two tips (`old..new`): what a push brings, what an agent's run
//! committed.
//!
//! Not gix's hidden walk: it finds where the two histories meet by commit time, and when
//! commits share a second (two clones syncing at once) it returned the old history down to
//! the ledger's root as "new", and the push was refused for a second root. Here both
//! sides are walked newest first, the old side first on a tie, and the old side goes on
//! while it could still reach a commit taken as new: until everything it has left is
//! strictly older than the oldest new commit.
//!
//! That is exact when no commit is older than its parents. A commit stamped before its
//! parents (a clock years behind) can make the walk stop early and take old commits as new
//! (never the other way: a commit is left out only when the old side reached it). Such a
//! result reaches a root, or it stops at a commit the old side marked; the first case
//! (which the validator would refuse as a second root) is re-walked without stopping early,
//! so it is exact; in the second, old commits are checked again as if new, which the rules
//! they passed once let through.

use std::collections::{BinaryHeap, HashMap, HashSet};

use gix::ObjectId;

use super::{Context, StoreError};

/// One queued commit: newest first, then the old (hidden) side first.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Queued {
    time: i64,
    hidden: bool,
    id: ObjectId,
}

/// Commit times and parents, each commit read once.
struct Graph<'r> {
    repo: &'r gix::Repository,
    known: HashMap<ObjectId, (i64, Vec<ObjectId>)>,
}

impl Graph<'_> {
    fn get(&mut self, id: ObjectId) -> Result<&(i64, Vec<ObjectId>), StoreError> {
        if !self.known.contains_key(&id) {
            let commit = self
                .repo
                .find_commit(id)
                .context(|| format!("reading commit {id}"))?;
            let time = commit.time().map_or(i64::MIN, |t| t.seconds);
            let parents = commit.parent_ids().map(|p| p.detach()).collect();
            self.known.insert(id, (time, parents));
        }
        Ok(&self.known[&id])
    }

    fn queued(&mut self, id: ObjectId, hidden: bool) -> Result<Queued, StoreError> {
        let time = self.get(id)?.0;
        Ok(Queued { time, hidden, id })
    }
}

/// The ids of the commits in `old..new`.
pub fn new_commits(
    repo: &gix::Repository,
    new: ObjectId,
    old: Option<ObjectId>,
) -> Result<HashSet<ObjectId>, StoreError> {
    let mut graph = Graph {
        repo,
        known: HashMap::new(),
    };
    new_commits_in(&mut graph, new, old)
}

fn new_commits_in(
    graph: &mut Graph<'_>,
    new: ObjectId,
    old: Option<ObjectId>,
) -> Result<HashSet<ObjectId>, StoreError> {
    match walk(graph, new, old, true)? {
        // A root taken as new while the old side stopped early may be the old side's own.
        (_, Walked::Early { took_a_root: true }) => Ok(walk(graph, new, old, false)?.0),
        (found, _) => Ok(found),
    }
}

/// How a walk ended.
enum Walked {
    Whole,
    /// The old side stopped once all it had left was older than the oldest new commit.
    Early {
        took_a_root: bool,
    },
}

/// Both sides, newest first; with `stop_early`, see [`Walked::Early`].
fn walk(
    graph: &mut Graph<'_>,
    new: ObjectId,
    old: Option<ObjectId>,
    stop_early: bool,
) -> Result<(HashSet<ObjectId>, Walked), StoreError> {
    let mut heap = BinaryHeap::from([graph.queued(new, false)?]);
    if let Some(old) = old {
        heap.push(graph.queued(old, true)?);
    }
    let (mut visible, mut hidden) = (HashSet::new(), HashSet::new());
    let mut oldest_new = i64::MAX;
    let mut took_a_root = false;
    // Entries of the new side still in the heap.
    let mut new_side = 1usize;
    while let Some(next) = heap.pop() {
        if !next.hidden {
            new_side -= 1;
        } else if stop_early && new_side == 0 && next.time < oldest_new {
            visible.retain(|id| !hidden.contains(id));
            return Ok((visible, Walked::Early { took_a_root }));
        }
        let seen = if next.hidden {
            &mut hidden
        } else {
            &mut visible
        };
        if !seen.insert(next.id) || (!next.hidden && hidden.contains(&next.id)) {
            continue;
        }
        let parents = graph.get(next.id)?.1.clone();
        if !next.hidden {
            oldest_new = oldest_new.min(next.time);
            took_a_root |= parents.is_empty();
        }
        for parent in parents {
            new_side += usize::from(!next.hidden);
            heap.push(graph.queued(parent, next.hidden)?);
        }
    }
    visible.retain(|id| !hidden.contains(id));
    Ok((visible, Walked::Whole))
}

/// `old..new`, parents before children (each commit after every parent inside the range).
pub fn between(
    repo: &gix::Repository,
    new: ObjectId,
    old: Option<ObjectId>,
) -> Result<Vec<ObjectId>, StoreError> {
    let mut graph = Graph {
        repo,
        known: HashMap::new(),
    };
    // The same graph: each commit is read once for the range and its order.
    let inside = new_commits_in(&mut graph, new, old)?;
    // Depth-first post-order over parents inside the range, without recursion.
    let mut order = Vec::with_capacity(inside.len());
    let mut done: HashSet<ObjectId> = HashSet::new();
    let mut stack = vec![(new, false)];
    while let Some((id, expanded)) = stack.pop() {
        if expanded {
            order.push(id);
            continue;
        }
        if !inside.contains(&id) || !done.insert(id) {
            continue;
        }
        stack.push((id, true));
        for parent in graph.get(id)?.1.iter().rev() {
            stack.push((*parent, false));
        }
    }
    Ok(order)
}
