//! The report behind `lint`: of the whole ledger through the kept report
//! (`lint::report`) — as kept when the ledger's tree is the one it was kept for, spliced
//! when only specs changed whose shape (what other specs' rules read) stayed the same,
//! and judged in full otherwise — or of some specs, judged against the whole ledger.

use std::collections::HashSet;

use serde::Serialize;

use crate::error::Error;
use crate::lint::report::{self, Kept, Listed, Row, Source};
use crate::lint::{self, Facts, Finding, Input, Severity};
use crate::store::index::read_all;
use crate::store::ledger::{Snapshot, SpecEntry, Stray};
use crate::store::paths::{ARCHIVE_DIR, LIVE_DIR};
use crate::store::Store;

use super::lookup::resolve;

/// More changed shards or specs than this and judging everything is as quick.
const MAX_SHARDS: usize = 16;
const MAX_SPECS: usize = 64;

/// What `lint` found.
#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    pub findings: Vec<Finding>,
    /// How many specs were checked.
    pub checked: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl LintReport {
    fn of(findings: Vec<Finding>, checked: usize) -> LintReport {
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        LintReport {
            checked,
            warnings: findings.len() - errors,
            errors,
            findings,
        }
    }
}

/// Lints the specs `shorts` name (short ids resolve), or with none every live and archived
/// spec and the files that are not where the layout puts a spec.
pub fn lint(store: &Store, shorts: &[String]) -> Result<LintReport, Error> {
    let snapshot = store.snapshot()?;
    if !shorts.is_empty() {
        let mut only = HashSet::new();
        for short in shorts {
            only.insert(resolve(store, &snapshot, short)?);
        }
        let entries = snapshot.entries()?;
        let inputs = inputs(store, &snapshot, entries.into_iter().map(|e| (e, 0)))?;
        let inputs: Vec<Input> = inputs.into_iter().map(|(i, _)| i).collect();
        return Ok(LintReport::of(lint::lint(&inputs, Some(&only)), only.len()));
    }
    let dir = store.cache_dir();
    let bytes = report::read(&dir);
    // Only beside the facts cache it was made with: otherwise judged in full, which
    // checks (and rewrites) that cache.
    let kept = bytes.as_deref().and_then(report::decode);
    if let Some(kept) = kept.filter(|k| k.facts == report::stamp(&dir)) {
        if kept.tree == snapshot.tree {
            return Ok(LintReport::of(kept.to_findings(), kept.rows.len()));
        }
        if let Some(next) = splice(&snapshot, kept)? {
            report::save(&dir, &next);
            return Ok(LintReport::of(next.to_findings(), next.rows.len()));
        }
    }
    let next = full(store, &snapshot)?;
    report::save(&dir, &next);
    Ok(LintReport::of(next.to_findings(), next.rows.len()))
}

/// The inputs of `entries` (each with a tag it keeps): each file's own findings from the
/// facts cache when its blob was linted before, the rest read in pack order and checked
/// on every core.
fn inputs(
    store: &Store,
    snapshot: &Snapshot<'_>,
    entries: impl Iterator<Item = (SpecEntry, u32)>,
) -> Result<Vec<(Input, u32)>, Error> {
    let entries: Vec<(SpecEntry, u32)> = entries.collect();
    let mut cache = lint::cache::Cache::load(&store.cache_dir());
    let cached: Vec<Option<Facts>> = entries
        .iter()
        .map(|(e, _)| cache.take(e.archived, &e.id, &e.blob))
        .collect();
    let missing: Vec<SpecEntry> = entries
        .iter()
        .zip(&cached)
        .filter(|(_, c)| c.is_none())
        .map(|((e, _), _)| e.clone())
        .collect();
    let fresh = read_all(snapshot, &missing, |e, bytes| Facts::of(&e.id, bytes))?;
    let mut fresh = fresh.into_iter();
    let inputs: Vec<(Input, u32)> = entries
        .into_iter()
        .zip(cached)
        .filter_map(|((e, tag), c)| {
            let input = Input {
                facts: c.or_else(|| fresh.next())?,
                id: e.id,
                archived: e.archived,
                blob: e.blob,
            };
            Some((input, tag))
        })
        .collect();
    if cache.needs_saving(missing.len()) {
        let records = inputs.iter().map(|(i, _)| i);
        cache.save(records.map(|i| (i.archived, i.id.as_str(), &i.blob, &i.facts)));
    }
    Ok(inputs)
}

/// `specs/` then `archive/` as listed: their shard folders, and files where one belongs.
fn listing(snapshot: &Snapshot<'_>) -> Result<Vec<Listed<'static>>, Error> {
    let mut listed = Vec::new();
    for archived in [false, true] {
        let dir = if archived { ARCHIVE_DIR } else { LIVE_DIR };
        for (name, oid, is_tree) in snapshot.list(dir)? {
            let name = name.into();
            listed.push(Listed {
                archived,
                name,
                oid,
                is_tree,
            });
        }
    }
    Ok(listed)
}

/// Every spec judged: the report kept of this tree.
fn full(store: &Store, snapshot: &Snapshot<'_>) -> Result<Kept<'static>, Error> {
    let listed = listing(snapshot)?;
    let (mut tagged, mut strays) = (Vec::new(), Vec::new());
    let mut half = Vec::new();
    for (k, l) in listed.iter().enumerate() {
        let k = k as u32;
        let dir = if l.archived { ARCHIVE_DIR } else { LIVE_DIR };
        if l.is_tree {
            let (entries, found) = snapshot.shard_contents(l.archived, &l.name)?;
            half.extend(entries.into_iter().map(|e| (e, k)));
            strays.extend(found.into_iter().map(|s| (k, s)));
        } else {
            let path = format!("{dir}/{}", l.name);
            strays.push((
                k,
                Stray {
                    path,
                    belongs: None,
                },
            ));
        }
        // Each half in id order, as `Snapshot::entries` gives them.
        if listed
            .get(k as usize + 1)
            .is_none_or(|n| n.archived != l.archived)
        {
            half.sort_by(|a: &(SpecEntry, u32), b| a.0.id.cmp(&b.0.id));
            tagged.append(&mut half);
        }
    }
    let inputs = inputs(store, snapshot, tagged.into_iter())?;
    let (inputs, shards): (Vec<Input>, Vec<u32>) = inputs.into_iter().unzip();
    let mut findings: Vec<_> = lint::judge(&inputs, None)
        .into_iter()
        .map(|(at, f)| {
            (
                Source::Spec(at as u32),
                f.severity,
                f.rule,
                f.id.into(),
                f.message.into(),
            )
        })
        .collect();
    for (k, stray) in strays {
        for f in lint::strays(std::slice::from_ref(&stray)) {
            findings.push((
                Source::Stray(k),
                f.severity,
                f.rule,
                f.id.into(),
                f.message.into(),
            ));
        }
    }
    for f in super::template::lint(snapshot)? {
        findings.push((
            Source::Template,
            f.severity,
            f.rule,
            f.id.into(),
            f.message.into(),
        ));
    }
    let rows = inputs
        .into_iter()
        .zip(shards)
        .map(|(i, shard)| Row {
            archived: i.archived,
            parsed: i.facts.error.is_none(),
            shard,
            shape: report::shape(&i.facts),
            id: i.id.into(),
            blob: i.blob,
        })
        .collect();
    Ok(Kept {
        tree: snapshot.tree,
        facts: report::stamp(&store.cache_dir()),
        templates: snapshot.tree_at(super::template::DIR)?,
        listed,
        rows,
        findings,
    })
}

/// The kept report brought to `snapshot` by re-judging only the changed specs, when no
/// spec was added or removed, the templates and the shard folders are the same, and no
/// changed spec's shape changed (then no other spec's findings can have); `None` when
/// it cannot be.
fn splice<'a>(snapshot: &Snapshot<'_>, mut kept: Kept<'a>) -> Result<Option<Kept<'a>>, Error> {
    if snapshot.tree_at(super::template::DIR)? != kept.templates {
        return Ok(None);
    }
    let listed = listing(snapshot)?;
    let same = |(a, b): (&Listed<'_>, &Listed<'_>)| {
        (a.archived, &a.name, a.is_tree) == (b.archived, &b.name, b.is_tree)
    };
    if listed.len() != kept.listed.len() || !listed.iter().zip(&kept.listed).all(same) {
        return Ok(None);
    }
    let changed: Vec<usize> = (0..listed.len())
        .filter(|&k| listed[k].is_tree && listed[k].oid != kept.listed[k].oid)
        .collect();
    if changed.len() > MAX_SHARDS {
        return Ok(None);
    }
    let (mut again, mut strays) = (Vec::new(), Vec::new());
    for &k in &changed {
        let l = &listed[k];
        let (mut entries, found) = snapshot.shard_contents(l.archived, &l.name)?;
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        let rows = (0..kept.rows.len()).filter(|&r| kept.rows[r].shard == k as u32);
        let rows: Vec<usize> = rows.collect();
        if rows.len() != entries.len() {
            return Ok(None);
        }
        for (entry, r) in entries.into_iter().zip(rows) {
            let row = &kept.rows[r];
            if row.id != entry.id.as_str() {
                return Ok(None);
            }
            if row.blob == entry.blob {
                continue;
            }
            let facts = Facts::of(&entry.id, &snapshot.blob(entry.blob)?);
            if report::shape(&facts) != row.shape || again.len() == MAX_SPECS {
                return Ok(None);
            }
            again.push((r, entry.blob, facts));
        }
        strays.push((k as u32, found));
    }
    let mut fresh = Vec::new();
    for (r, _, facts) in &again {
        let id = kept.rows[*r].id.to_string();
        let mut add = |severity, rule, message: String| {
            let source = Source::Spec(*r as u32);
            fresh.push((source, severity, rule, id.clone().into(), message.into()))
        };
        lint::judge_one(*r, &id, facts, &kept, &mut add);
    }
    let gone: HashSet<u32> = again.iter().map(|(r, _, _)| *r as u32).collect();
    let redone: HashSet<u32> = strays.iter().map(|(k, _)| *k).collect();
    let mut specs = Vec::with_capacity(kept.findings.len() + fresh.len());
    let (mut others, mut templates) = (Vec::new(), Vec::new());
    for f in std::mem::take(&mut kept.findings) {
        match f.0 {
            Source::Spec(r) if !gone.contains(&r) => specs.push(f),
            Source::Stray(k) if !redone.contains(&k) => others.push(f),
            Source::Template => templates.push(f),
            _ => {}
        }
    }
    specs.extend(fresh);
    // Already in order but for the re-judged specs' findings: the same order as `judge`.
    let row = |s: &Source| match s {
        Source::Spec(r) => *r,
        _ => 0,
    };
    specs.sort_by(|a, b| (a.1, &a.3, row(&a.0)).cmp(&(b.1, &b.3, row(&b.0))));
    for (k, found) in strays {
        for f in lint::strays(&found) {
            others.push((
                Source::Stray(k),
                f.severity,
                f.rule,
                f.id.into(),
                f.message.into(),
            ));
        }
    }
    // Stray findings in listing order, each folder's in its own.
    others.sort_by_key(|f| match f.0 {
        Source::Stray(k) => k,
        _ => 0,
    });
    specs.extend(others);
    specs.extend(templates);
    for (r, blob, _) in again {
        kept.rows[r].blob = blob;
    }
    for (k, l) in listed.into_iter().enumerate() {
        kept.listed[k].oid = l.oid;
    }
    kept.tree = snapshot.tree;
    kept.findings = specs;
    Ok(Some(kept))
}
