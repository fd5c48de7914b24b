//! The dependency graph, walked one way everywhere: the path that would close a cycle
//! (`set`, `add`), the specs on cycles (`lint`), and chain depths (`ready`'s order). Every
//! walk is iterative (a 100,000-spec chain needs no deep stack) and linear in the edges.
//!
//! A graph is given as the ids and a function from an id to its dependencies; ids the
//! function names that are not in the graph are leaves.

use std::collections::{HashMap, HashSet};

/// A dependency path from `from` back to `to`, if `from` reaches `to` through `depends_on`
/// (so adding the edge `to -> from` would close a cycle). Each spec is visited once.
pub fn path_between(
    from: &str,
    to: &str,
    mut deps: impl FnMut(&str) -> Vec<String>,
) -> Option<Vec<String>> {
    let mut seen = HashSet::new();
    // (id, index of its parent in `trail`), so a path is rebuilt without cloning it per step.
    let mut trail: Vec<(String, Option<usize>)> = Vec::new();
    let mut stack = vec![(from.to_owned(), None)];
    while let Some((id, parent)) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        trail.push((id.clone(), parent));
        let at = trail.len() - 1;
        if id == to {
            let mut path = Vec::new();
            let mut cursor = Some(at);
            while let Some(i) = cursor {
                path.push(trail[i].0.clone());
                cursor = trail[i].1;
            }
            path.reverse();
            return Some(path);
        }
        for dep in deps(&id) {
            if !seen.contains(&dep) {
                stack.push((dep, Some(at)));
            }
        }
    }
    None
}

/// The ids that lie on a dependency cycle (a self-dependency included): Tarjan's strongly
/// connected components, iteratively.
pub fn on_cycles<'a>(
    ids: impl IntoIterator<Item = &'a str>,
    deps: impl Fn(&str) -> Vec<&'a str>,
) -> HashSet<&'a str> {
    let ids: Vec<&str> = ids.into_iter().collect();
    let known: HashSet<&str> = ids.iter().copied().collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut low: HashMap<&str, usize> = HashMap::new();
    let mut on_stack: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut found = HashSet::new();
    for &root in &ids {
        if index.contains_key(root) {
            continue;
        }
        // (node, its dependencies inside the graph, how many of them are done)
        let mut work: Vec<(&str, Vec<&str>, usize)> = Vec::new();
        let enter = |node: &'a str,
                     work: &mut Vec<(&'a str, Vec<&'a str>, usize)>,
                     index: &mut HashMap<&'a str, usize>,
                     low: &mut HashMap<&'a str, usize>,
                     stack: &mut Vec<&'a str>,
                     on_stack: &mut HashSet<&'a str>| {
            let n = index.len();
            index.insert(node, n);
            low.insert(node, n);
            stack.push(node);
            on_stack.insert(node);
            let next: Vec<&str> = deps(node)
                .into_iter()
                .filter(|d| known.contains(d))
                .collect();
            work.push((node, next, 0));
        };
        enter(
            root,
            &mut work,
            &mut index,
            &mut low,
            &mut stack,
            &mut on_stack,
        );
        while let Some((node, next, done)) = work.last_mut() {
            let node = *node;
            if let Some(&dep) = next.get(*done) {
                *done += 1;
                if !index.contains_key(dep) {
                    enter(
                        dep,
                        &mut work,
                        &mut index,
                        &mut low,
                        &mut stack,
                        &mut on_stack,
                    );
                } else if on_stack.contains(dep) {
                    let l = low[node].min(index[dep]);
                    low.insert(node, l);
                }
                continue;
            }
            let self_loop = next.contains(&node);
            work.pop();
            if let Some((parent, _, _)) = work.last() {
                let l = low[parent].min(low[node]);
                low.insert(parent, l);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack.remove(member);
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 || self_loop {
                    found.extend(component);
                }
            }
        }
    }
    found
}

/// The length of the longest dependency chain below each id (a cycle counts once, and
/// dependencies outside the graph are leaves of depth 0 that are not listed).
pub fn depths<'a>(
    ids: impl IntoIterator<Item = &'a str>,
    deps: impl Fn(&str) -> Vec<&'a str>,
) -> HashMap<&'a str, usize> {
    let mut depth: HashMap<&str, usize> = HashMap::new();
    for root in ids {
        let mut stack = vec![(root, false)];
        let mut on_path = HashSet::new();
        while let Some((id, expanded)) = stack.pop() {
            if depth.contains_key(id) {
                continue;
            }
            let below = deps(id);
            if expanded {
                let d = below
                    .iter()
                    .filter_map(|d| depth.get(d))
                    .max()
                    .map_or(0, |m| m + 1);
                depth.insert(id, d);
                on_path.remove(id);
            } else if on_path.insert(id) {
                stack.push((id, true));
                stack.extend(
                    below
                        .into_iter()
                        .filter(|d| !on_path.contains(d))
                        .map(|d| (d, false)),
                );
            }
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph<'e>(
        edges: &'e [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Vec<&'static str> + 'e {
        move |id| {
            edges
                .iter()
                .filter(|(a, _)| *a == id)
                .map(|(_, b)| *b)
                .collect()
        }
    }

    #[test]
    fn cycles_are_found_with_their_path() {
        let edges = [("a", "b"), ("b", "c")];
        let deps = |id: &str| graph(&edges)(id).into_iter().map(str::to_owned).collect();
        assert_eq!(
            path_between("a", "c", deps),
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        let deps = |id: &str| graph(&edges)(id).into_iter().map(str::to_owned).collect();
        assert_eq!(path_between("c", "a", deps), None);
    }

    #[test]
    fn on_cycles_finds_exactly_the_specs_on_a_cycle() {
        // a -> b -> c -> a is a cycle; d -> a hangs off it; e depends on itself; f is alone.
        let edges = [
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("d", "a"),
            ("e", "e"),
            ("f", "x"),
        ];
        let found = on_cycles(["a", "b", "c", "d", "e", "f"], graph(&edges));
        let mut found: Vec<&str> = found.into_iter().collect();
        found.sort();
        assert_eq!(found, ["a", "b", "c", "e"]);
    }

    #[test]
    fn a_long_chain_needs_no_deep_stack() {
        let ids: Vec<String> = (0..100_000).map(|n| n.to_string()).collect();
        let deps = |id: &str| -> Vec<&str> {
            let n: usize = id.parse().unwrap();
            if n + 1 < ids.len() {
                vec![ids[n + 1].as_str()]
            } else {
                vec![]
            }
        };
        assert!(on_cycles(ids.iter().map(String::as_str), deps).is_empty());
        let depth = depths(ids.iter().map(String::as_str), deps);
        assert_eq!(depth["0"], 99_999);
    }
}
