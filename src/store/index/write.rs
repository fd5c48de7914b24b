//! Writing the index file: the summaries laid out as records and strings, and what every
//! reader would otherwise compute for the whole ledger on each call (readiness, depth,
//! the ready order, the live specs per status) computed here, once per ledger tree.

use std::collections::{BTreeMap, HashMap};

use super::format::{self, Header, Record, BLOCK, HEADER_LEN, RECORD_LEN, SECTIONS};
use super::SpecSummary;
use crate::lifecycle;

/// The file for ledger tree `tree`: `specs` are live then archived, each sorted by id,
/// the first `live` of them live.
pub fn encode(
    tree: &[u8],
    shards: &[(String, String)],
    specs: &[SpecSummary],
    live: usize,
) -> Vec<u8> {
    // One map for the many lookups below (a binary search each costs more here); the
    // depths are computed over positions, each id hashed once.
    let at = positions(specs);
    let lookup = |id: &str| at.get(id).map(|&n| &specs[n]);
    let depth = depths(specs, &at);
    let mut t = Table::default();
    // Ids first, in record order: consecutive records have consecutive ids.
    let ids: Vec<(u32, u32)> = specs.iter().map(|s| t.push(&s.id)).collect();
    let mut records = Vec::with_capacity(specs.len() * RECORD_LEN);
    let mut ready_order = Vec::new();
    let mut by_status: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (n, s) in specs.iter().enumerate() {
        let ready = lifecycle::is_ready(s, lookup);
        let mut flags = 0;
        for (on, bit) in [
            (s.archived, format::ARCHIVED),
            (ready, format::IS_READY),
            (s.approval_required, format::APPROVAL_REQUIRED),
            (s.claim.is_some(), format::HAS_CLAIM),
            (s.error.is_some(), format::HAS_ERROR),
            (s.approval.is_some(), format::HAS_APPROVAL),
        ] {
            if on {
                flags |= bit;
            }
        }
        let labels = t.list(s.labels.iter().map(|l| t_intern(l)));
        let deps: Vec<Ref> = s
            .depends_on
            .iter()
            .map(|d| match at.get(d.as_str()) {
                Some(&n) => Ref::At(ids[n]),
                _ => Ref::Intern(d),
            })
            .collect();
        let depends_on = t.list(deps.into_iter());
        let mut extra = Vec::new();
        extra.extend(s.approval.iter().map(|a| t_intern(a)));
        if let Some(c) = &s.claim {
            extra.extend([&c.by, &c.at, &c.until].map(|x| Ref::Text(x)));
        }
        extra.extend(s.error.iter().map(|e| Ref::Text(e)));
        let extra = t.list(extra.into_iter()).0;
        let record = Record {
            id: ids[n],
            title: t.push(&s.title),
            blob: t.push(&s.blob),
            status: t.intern(&s.status),
            kind: t.intern(&s.kind),
            flags,
            checked: clamp(s.checked),
            total: clamp(s.total),
            depth: clamp(depth[n]),
            labels,
            depends_on,
            extra,
        };
        record.encode(&mut records);
        if n < live {
            if ready {
                ready_order.push(n as u32);
            }
            by_status.entry(&s.status).or_default().push(n as u32);
        }
    }
    // `ready`'s order: depth, then id (the records are by id, the sort is stable).
    ready_order.sort_by_key(|n| depth[*n as usize]);
    let mut shard_bytes = Vec::new();
    for (key, tree) in shards {
        for r in [t.push(key), t.push(tree)] {
            push_ref(&mut shard_bytes, r);
        }
    }
    let mut status = Vec::new();
    status.extend_from_slice(&(by_status.len() as u32).to_le_bytes());
    let mut numbers = Vec::new();
    let mut start = 0u32;
    for (name, list) in &by_status {
        push_ref(&mut status, t.intern(name));
        status.extend_from_slice(&(list.len() as u32).to_le_bytes());
        status.extend_from_slice(&start.to_le_bytes());
        start += list.len() as u32;
        numbers.extend(list.iter().flat_map(|n| n.to_le_bytes()));
    }
    status.extend_from_slice(&numbers);
    let ready_bytes: Vec<u8> = ready_order.iter().flat_map(|n| n.to_le_bytes()).collect();
    let mut lists = Vec::new();
    for r in &t.lists {
        push_ref(&mut lists, *r);
    }
    let parts: [&[u8]; SECTIONS - 1] = [
        &records,
        &t.bytes,
        &lists,
        &shard_bytes,
        &ready_bytes,
        &status,
    ];
    let mut out = vec![0u8; HEADER_LEN];
    let mut sections = [(0u64, 0u64); SECTIONS];
    for (n, part) in parts.iter().enumerate() {
        sections[n] = (out.len() as u64, part.len() as u64);
        out.extend_from_slice(part);
    }
    let data_end = out.len() as u64;
    let sums: Vec<u8> = out[HEADER_LEN..]
        .chunks(BLOCK as usize)
        .flat_map(|block| format::checksum(block).to_le_bytes())
        .collect();
    sections[format::BLOCKS] = (data_end, sums.len() as u64);
    out.extend_from_slice(&sums);
    let header = Header {
        tree: tree.to_vec(),
        count: specs.len() as u32,
        live: live as u32,
        file_len: out.len() as u64,
        sections,
        blocks_sum: format::checksum(&sums),
    };
    out[..HEADER_LEN].copy_from_slice(&header.encode());
    out
}

/// Where each id is in `specs`; an id both live and archived is the archived one, as
/// `find` gives it.
pub fn positions(specs: &[SpecSummary]) -> HashMap<&str, usize> {
    specs
        .iter()
        .enumerate()
        .map(|(n, s)| (s.id.as_str(), n))
        .collect()
}

/// The depth of each record, as `lifecycle::graph::depths` gives it for the record's id
/// (the same walk, in the same order, over positions: an id is hashed once per edge, not
/// on every visit). A dependency on no spec counts as depth 0, as `depths` finds it.
fn depths(specs: &[SpecSummary], at: &HashMap<&str, usize>) -> Vec<usize> {
    const UNSET: usize = usize::MAX;
    // The position `depths` keys an id by: an id both live and archived is the archived.
    let canon: Vec<usize> = specs
        .iter()
        .enumerate()
        .map(|(n, s)| at.get(s.id.as_str()).copied().unwrap_or(n))
        .collect();
    let mut first = Vec::with_capacity(specs.len() + 1);
    let mut edges: Vec<Option<usize>> = Vec::new();
    for s in specs {
        first.push(edges.len());
        edges.extend(s.depends_on.iter().map(|d| at.get(d.as_str()).copied()));
    }
    first.push(edges.len());
    let below = |n: usize| &edges[first[n]..first[n + 1]];
    let mut depth = vec![UNSET; specs.len()];
    // Empty again after each root: every node put on the path is taken off when its
    // expanded entry is popped, and it has no depth before that.
    let mut on_path = vec![false; specs.len()];
    let mut stack = Vec::new();
    for &root in &canon {
        stack.push((root, false));
        while let Some((n, expanded)) = stack.pop() {
            if depth[n] != UNSET {
                continue;
            }
            if expanded {
                depth[n] = below(n)
                    .iter()
                    .filter_map(|d| match d {
                        Some(d) => (depth[*d] != UNSET).then_some(depth[*d]),
                        None => Some(0),
                    })
                    .max()
                    .map_or(0, |m| m + 1);
                on_path[n] = false;
            } else if !on_path[n] {
                on_path[n] = true;
                stack.push((n, true));
                stack.extend(
                    below(n)
                        .iter()
                        .filter_map(|d| *d)
                        .filter(|d| !on_path[*d])
                        .map(|d| (d, false)),
                );
            }
        }
    }
    canon.iter().map(|&c| depth[c]).collect()
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn push_ref(out: &mut Vec<u8>, (offset, len): (u32, u32)) {
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
}

fn t_intern(text: &str) -> Ref<'_> {
    Ref::Intern(text)
}

/// A list entry to be: a string already in the table, one to share, or one to copy.
enum Ref<'a> {
    At((u32, u32)),
    Intern(&'a str),
    Text(&'a str),
}

/// The string table and the list entries, being written.
#[derive(Default)]
struct Table {
    bytes: Vec<u8>,
    interned: HashMap<String, (u32, u32)>,
    lists: Vec<(u32, u32)>,
}

impl Table {
    fn push(&mut self, text: &str) -> (u32, u32) {
        let at = clamp(self.bytes.len());
        self.bytes.extend_from_slice(text.as_bytes());
        (at, clamp(text.len()))
    }

    /// Statuses, types, labels and unknown dependencies repeat: stored once.
    fn intern(&mut self, text: &str) -> (u32, u32) {
        if let Some(r) = self.interned.get(text) {
            return *r;
        }
        let r = self.push(text);
        self.interned.insert(text.to_owned(), r);
        r
    }

    /// `(first, count)` of the entries added.
    fn list<'a>(&mut self, refs: impl Iterator<Item = Ref<'a>>) -> (u32, u32) {
        let first = clamp(self.lists.len());
        for r in refs {
            let at = match r {
                Ref::At(at) => at,
                Ref::Intern(text) => self.intern(text),
                Ref::Text(text) => self.push(text),
            };
            self.lists.push(at);
        }
        (first, clamp(self.lists.len()) - first)
    }
}
