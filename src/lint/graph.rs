//! The ledger-wide side of lint on positions, not names: each id is hashed once, each
//! dependency resolved once, and cycles found by Tarjan's algorithm over arrays (the
//! name-keyed `lifecycle::graph::on_cycles` hashes every id many times, a third of a
//! 100k-spec lint).

use std::collections::HashMap;

use super::Input;

pub struct Graph<'a> {
    /// The parsed spec each id names, by position in the inputs (the later one when an
    /// id is both live and archived, as a map filled in order keeps).
    pub by_id: HashMap<&'a str, usize>,
    /// The dependencies of input `i` are `deps[starts[i]..starts[i + 1]]`: the position
    /// of the parsed spec each names, `None` when there is none.
    deps: Vec<Option<usize>>,
    starts: Vec<usize>,
    /// By position: the spec is on a dependency cycle (a self-dependency included).
    on_cycle: Vec<bool>,
    /// Every parsed spec's id, sorted, to find a driver's members by a range.
    sorted: Vec<&'a str>,
}

impl<'a> Graph<'a> {
    pub fn of(all: &'a [Input]) -> Graph<'a> {
        let mut by_id = HashMap::with_capacity(all.len());
        for (at, input) in all.iter().enumerate() {
            if input.facts.error.is_none() {
                by_id.insert(input.id.as_str(), at);
            }
        }
        let mut deps = Vec::new();
        let mut starts = Vec::with_capacity(all.len() + 1);
        for input in all {
            starts.push(deps.len());
            let named = input.facts.depends_on.iter();
            deps.extend(named.map(|d| by_id.get(d.as_str()).copied()));
        }
        starts.push(deps.len());
        let mut sorted: Vec<&str> = by_id.keys().copied().collect();
        sorted.sort_unstable();
        let mut graph = Graph {
            by_id,
            deps,
            starts,
            on_cycle: vec![false; all.len()],
            sorted,
        };
        graph.find_cycles();
        graph
    }

    /// The dependencies of input `at`, resolved.
    pub fn deps(&self, at: usize) -> &[Option<usize>] {
        &self.deps[self.starts[at]..self.starts[at + 1]]
    }

    /// Whether spec `id` is on a dependency cycle.
    pub fn on_cycle(&self, id: &str) -> bool {
        self.by_id.get(id).is_some_and(|&at| self.on_cycle[at])
    }

    /// Whether some parsed spec's id starts with `<id>.`.
    pub fn has_members(&self, id: &str) -> bool {
        let prefix = format!("{id}.");
        let from = self.sorted.partition_point(|k| *k < prefix.as_str());
        self.sorted
            .get(from)
            .is_some_and(|k| k.starts_with(&prefix))
    }

    /// Tarjan's strongly connected components, iteratively, over the positions `by_id`
    /// names (dependencies on other positions cannot occur: they resolve through it).
    fn find_cycles(&mut self) {
        const NONE: usize = usize::MAX;
        let n = self.on_cycle.len();
        let (mut index, mut low) = (vec![NONE; n], vec![NONE; n]);
        let mut on_stack = vec![false; n];
        let (mut stack, mut work): (Vec<usize>, Vec<(usize, usize)>) = (Vec::new(), Vec::new());
        let mut next = 0;
        let mut roots: Vec<usize> = self.by_id.values().copied().collect();
        roots.sort_unstable();
        for root in roots {
            if index[root] != NONE {
                continue;
            }
            work.push((root, 0));
            while let Some(&(node, done)) = work.last() {
                if done == 0 && index[node] == NONE {
                    (index[node], low[node]) = (next, next);
                    next += 1;
                    stack.push(node);
                    on_stack[node] = true;
                }
                let deps = self.deps(node);
                if let Some(dep) = deps.get(done) {
                    if let Some(last) = work.last_mut() {
                        last.1 += 1;
                    }
                    match *dep {
                        Some(d) if index[d] == NONE => work.push((d, 0)),
                        Some(d) if on_stack[d] => low[node] = low[node].min(index[d]),
                        _ => {}
                    }
                    continue;
                }
                let self_loop = deps.contains(&Some(node));
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == index[node] {
                    let mut component = Vec::new();
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        component.push(member);
                        if member == node {
                            break;
                        }
                    }
                    if component.len() > 1 || self_loop {
                        component.into_iter().for_each(|m| self.on_cycle[m] = true);
                    }
                }
            }
        }
    }
}
