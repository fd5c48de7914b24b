//! The kept lint report's file layout: a header (magic, format, the facts cache's rules
//! version, the program's version), the tree, the facts stamp, the listing, the rows,
//! the findings, and a 64-bit checksum of all of it. Read without copying a string.

use std::borrow::Cow;

use gix::ObjectId;

use super::{Kept, Listed, Row, Source};
use crate::lint::Severity;
use crate::store::codec::{Reader, Writer};

const MAGIC: &[u8] = b"git-chant lint report\n";
/// Bump when the layout below changes.
const FORMAT: u32 = 1;
/// The rules across specs (and `parse`), by position in the file; a spec's own rules
/// follow, in the lint cache's order (`cache::RULE_NAMES`). A finding of a rule named in
/// neither makes the report not kept (the next lint judges everything).
const ACROSS: &[&str] = &[
    "parse",
    "duplicate-title",
    "unknown-dependency",
    "dependency-state",
    "cycle",
    "coupling",
    "layout",
    "template",
];

fn rules() -> impl Iterator<Item = &'static str> {
    ACROSS.iter().chain(crate::lint::cache::RULE_NAMES).copied()
}

pub(super) fn encode(kept: &Kept<'_>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(kept.rows.len() * 64 + kept.findings.len() * 96);
    out.extend_from_slice(MAGIC);
    let mut w = Writer(&mut out);
    w.u32(FORMAT as usize);
    w.u32(crate::lint::cache::RULES as usize);
    w.str(env!("CARGO_PKG_VERSION"));
    w.oid(&kept.tree);
    w.0.extend_from_slice(&kept.facts.to_le_bytes());
    w.0.push(u8::from(kept.templates.is_some()));
    w.oid(&kept.templates.unwrap_or(kept.tree));
    w.u32(kept.listed.len());
    for l in &kept.listed {
        w.0.push(u8::from(l.archived) | u8::from(l.is_tree) << 1);
        w.str(&l.name);
        w.oid(&l.oid);
    }
    w.u32(kept.rows.len());
    for r in &kept.rows {
        w.0.push(u8::from(r.archived) | u8::from(r.parsed) << 1);
        w.u32(r.shard as usize);
        w.str(&r.id);
        w.oid(&r.blob);
        w.0.extend_from_slice(&r.shape.to_le_bytes());
    }
    w.u32(kept.findings.len());
    for (source, severity, rule, id, message) in &kept.findings {
        let (kind, at) = match source {
            Source::Spec(row) => (0, *row),
            Source::Stray(listed) => (1, *listed),
            Source::Template => (2, 0),
        };
        let rule = rules().position(|r| r == *rule)?;
        w.0.extend_from_slice(&[kind, u8::from(*severity == Severity::Warning), rule as u8]);
        w.u32(at as usize);
        // A spec's finding is about its row's id: not stored twice.
        if kind != 0 {
            w.str(id);
        }
        w.str(message);
    }
    let sum = crate::store::index::checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    Some(out)
}

/// The report in `bytes`, or `None` when it is not one this program wrote whole.
pub fn decode(bytes: &[u8]) -> Option<Kept<'_>> {
    let (content, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if crate::store::index::checksum(content) != u64::from_le_bytes(sum.try_into().ok()?) {
        return None;
    }
    let mut r = Reader(content.strip_prefix(MAGIC)?);
    if r.usize()? != FORMAT as usize
        || r.usize()? != crate::lint::cache::RULES as usize
        || r.str()? != env!("CARGO_PKG_VERSION")
    {
        return None;
    }
    let tree = r.oid()?;
    let facts = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let has_templates = r.take(1)?[0] == 1;
    let templates = r.oid()?;
    let templates = has_templates.then_some(templates);
    let count = r.usize()?;
    let mut listed = Vec::with_capacity(count.min(content.len()));
    for _ in 0..count {
        let flags = r.take(1)?[0];
        let name = Cow::Borrowed(r.str()?);
        let oid = r.oid()?;
        let (archived, is_tree) = (flags & 1 != 0, flags & 2 != 0);
        listed.push(Listed {
            archived,
            name,
            oid,
            is_tree,
        });
    }
    let count = r.usize()?;
    let mut rows: Vec<Row<'_>> = Vec::with_capacity(count.min(content.len() / 32));
    for _ in 0..count {
        let flags = r.take(1)?[0];
        let shard = u32::try_from(r.usize()?).ok()?;
        let id = Cow::Borrowed(r.str()?);
        let blob = r.oid()?;
        let shape = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
        let (archived, parsed) = (flags & 1 != 0, flags & 2 != 0);
        let ordered = rows
            .last()
            .is_none_or(|p| (p.archived, p.id.as_ref()) < (archived, id.as_ref()));
        if !ordered || shard as usize >= listed.len() {
            return None;
        }
        rows.push(Row {
            archived,
            parsed,
            shard,
            id,
            blob,
            shape,
        });
    }
    let count = r.usize()?;
    let mut findings = Vec::with_capacity(count.min(content.len() / 8));
    for _ in 0..count {
        let head = r.take(3)?;
        let severity = match head[1] {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => return None,
        };
        let rule = rules().nth(usize::from(head[2]))?;
        let at = u32::try_from(r.usize()?).ok()?;
        let (source, id) = match head[0] {
            0 => (Source::Spec(at), rows.get(at as usize)?.id.clone()),
            1 if (at as usize) < listed.len() => (Source::Stray(at), Cow::Borrowed(r.str()?)),
            2 => (Source::Template, Cow::Borrowed(r.str()?)),
            _ => return None,
        };
        findings.push((source, severity, rule, id, Cow::Borrowed(r.str()?)));
    }
    r.0.is_empty().then_some(Kept {
        tree,
        facts,
        templates,
        listed,
        rows,
        findings,
    })
}

impl Writer<'_> {
    fn oid(&mut self, oid: &ObjectId) {
        self.bytes(oid.as_bytes());
    }
}

impl<'a> Reader<'a> {
    fn oid(&mut self) -> Option<ObjectId> {
        let n = self.usize()?;
        ObjectId::try_from(self.take(n)?).ok()
    }
}
