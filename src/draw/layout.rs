//! A layered layout of a directed graph, the way Sugiyama-style drawers start: each node's
//! layer is the length of the longest dependency chain below it (so every edge points to a
//! later layer, except inside a cycle), then a few barycenter sweeps order each layer to
//! cut crossings. Pure: ids and edges in, positions out, so the site reuses it.

use std::collections::HashMap;

/// Where a node goes: its layer (0 holds the nodes that depend on nothing drawn) and its
/// place within the layer, both from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub layer: usize,
    pub slot: usize,
}

/// Sweeps of the crossing reduction (down then up is one); a few settle most graphs.
const SWEEPS: usize = 4;

/// The places of `count` nodes joined by `edges` (`(dependency, dependent)` indices; an
/// index out of range is ignored), index for index.
pub fn layout(count: usize, edges: &[(usize, usize)]) -> Vec<Place> {
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| a < count && b < count && a != b)
        .collect();
    let layer = layers(count, &edges);
    let depth = layer.iter().copied().max().map_or(0, |m| m + 1);
    // Start in input order, then sweep: each node moves to the mean slot of its
    // neighbours in the layer before (down) or after (up).
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (node, &l) in layer.iter().enumerate() {
        rows[l].push(node);
    }
    let (mut above, mut below): (Vec<Vec<usize>>, Vec<Vec<usize>>) =
        (vec![Vec::new(); count], vec![Vec::new(); count]);
    for &(dep, dependent) in &edges {
        if layer[dep] < layer[dependent] {
            above[dependent].push(dep);
            below[dep].push(dependent);
        }
    }
    let mut slot = slots(&rows, count);
    for _ in 0..SWEEPS {
        for l in 1..depth {
            reorder(&mut rows[l], &above, &slot);
            slot = slots(&rows, count);
        }
        for l in (0..depth.saturating_sub(1)).rev() {
            reorder(&mut rows[l], &below, &slot);
            slot = slots(&rows, count);
        }
    }
    (0..count)
        .map(|n| Place {
            layer: layer[n],
            slot: slot[n],
        })
        .collect()
}

/// Longest-path layering: 0 for a node with no dependency, else one more than its deepest
/// dependency (a cycle counts once, as `lifecycle::graph::depths` counts it).
fn layers(count: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let names: Vec<String> = (0..count).map(|n| n.to_string()).collect();
    let mut deps: HashMap<&str, Vec<&str>> = HashMap::new();
    for &(dep, dependent) in edges {
        deps.entry(names[dependent].as_str())
            .or_default()
            .push(names[dep].as_str());
    }
    let depth = crate::lifecycle::graph::depths(names.iter().map(String::as_str), |id| {
        deps.get(id).cloned().unwrap_or_default()
    });
    names
        .iter()
        .map(|n| depth.get(n.as_str()).copied().unwrap_or(0))
        .collect()
}

/// Each node's position in its row.
fn slots(rows: &[Vec<usize>], count: usize) -> Vec<usize> {
    let mut slot = vec![0; count];
    for row in rows {
        for (i, &n) in row.iter().enumerate() {
            slot[n] = i;
        }
    }
    slot
}

/// Orders `row` by the mean slot of each node's `neighbours`; a node with none keeps its
/// own slot, and ties keep the order they had (a stable sort).
fn reorder(row: &mut [usize], neighbours: &[Vec<usize>], slot: &[usize]) {
    let key = |n: usize| {
        let near = &neighbours[n];
        if near.is_empty() {
            slot[n] as f64
        } else {
            near.iter().map(|&m| slot[m] as f64).sum::<f64>() / near.len() as f64
        }
    };
    let mut keyed: Vec<(f64, usize)> = row.iter().map(|&n| (key(n), n)).collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (place, (_, n)) in row.iter_mut().zip(keyed) {
        *place = n;
    }
}

/// How many pairs of edges between adjacent layers cross, for `places`.
pub fn crossings(places: &[Place], edges: &[(usize, usize)]) -> usize {
    let spans: Vec<(usize, usize, usize)> = edges
        .iter()
        .filter(|&&(a, b)| places[a].layer + 1 == places[b].layer)
        .map(|&(a, b)| (places[a].layer, places[a].slot, places[b].slot))
        .collect();
    let mut count = 0;
    for (i, x) in spans.iter().enumerate() {
        for y in &spans[i + 1..] {
            if x.0 == y.0 && (x.1 < y.1 && x.2 > y.2 || x.1 > y.1 && x.2 < y.2) {
                count += 1;
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::{crossings, layout};

    #[test]
    fn layers_are_longest_paths() {
        // 0 <- 1 <- 2, and 0 <- 2 directly: 2 still goes below 1.
        let places = layout(3, &[(0, 1), (1, 2), (0, 2)]);
        let layers: Vec<usize> = places.iter().map(|p| p.layer).collect();
        assert_eq!(layers, [0, 1, 2]);
    }

    #[test]
    fn a_cycle_still_gets_places() {
        let places = layout(2, &[(0, 1), (1, 0)]);
        assert_eq!(places.len(), 2);
    }

    #[test]
    fn sweeps_remove_a_crossing() {
        // Roots 0 and 1; 2 depends on 1, 3 on 0: in input order the edges cross.
        let edges = [(1, 2), (0, 3)];
        let places = layout(4, &edges);
        assert_eq!(crossings(&places, &edges), 0);
    }
}
