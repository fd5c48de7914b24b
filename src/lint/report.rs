//! The kept lint report under `.git/chant/`: the last full `lint` of the ledger, keyed by
//! its tree, with what a later lint needs to splice a changed spec's findings into it
//! instead of judging 100k specs again (`ops::lint` decides when it may).
//!
//! Per spec (a row, in the ledger's entry order): its place, blob, whether it parses and
//! a hash of what the other specs' rules read of it (`shape`); per finding: the row or
//! listing entry it came from. Read without copying: ids and messages borrow the file's
//! bytes. Versioned and checksummed like the facts cache (`cache`); a file that is not
//! whole is ignored and rewritten, and what it gives back is escaped on output like any
//! finding.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use gix::ObjectId;

use super::{Add, Facts, Finding, Ledger, Severity, Wide};

const FILE: &str = "lint-report-v1.bin";
const MAGIC: &[u8] = b"git-chant lint report\n";
/// Bump when the layout below changes.
const FORMAT: u32 = 1;
/// Every rule lint reports, by position in the file; a finding of a rule not named here
/// makes the report not kept (the next lint judges everything).
const RULES: &[&str] = &[
    "parse",
    "duplicate-title",
    "unknown-dependency",
    "dependency-state",
    "cycle",
    "coupling",
    "layout",
    "template",
    "title",
    "unknown-status",
    "unknown-type",
    "approval",
    "verification",
    "claim",
    "no-criteria",
    "complexity",
    "type-fields",
    "completed-at",
];

/// An entry of `specs/` or `archive/`: a shard folder, or a file where one belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<'a> {
    pub archived: bool,
    pub name: Cow<'a, str>,
    pub oid: ObjectId,
    pub is_tree: bool,
}

/// One spec of the ledger.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub archived: bool,
    pub parsed: bool,
    /// The `Listed` shard it is in.
    pub shard: u32,
    pub id: Cow<'a, str>,
    pub blob: ObjectId,
    pub shape: u64,
}

/// What a finding is about: a spec (its row), a stray file (the listed entry it is under)
/// or a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Spec(u32),
    Stray(u32),
    Template,
}

/// A finding as kept: what it is about, severity, rule, id and message.
pub type KeptFinding<'a> = (Source, Severity, &'static str, Cow<'a, str>, Cow<'a, str>);

#[derive(Debug, Clone)]
pub struct Kept<'a> {
    pub tree: ObjectId,
    /// The facts cache file it was made with (`stamp`).
    pub facts: u64,
    pub templates: Option<ObjectId>,
    pub listed: Vec<Listed<'a>>,
    pub rows: Vec<Row<'a>>,
    /// In the order lint prints them: the specs' (sorted), the strays', the templates'.
    pub findings: Vec<KeptFinding<'a>>,
}

/// What the rules of other specs read of one spec (whether it parses, its title, status
/// and dependencies): when a changed spec's shape is the same, only its own findings can
/// have changed. A 64-bit hash, so two different shapes are taken for one about once in
/// 2^64 changes.
pub fn shape(facts: &Facts) -> u64 {
    let mut sum = Sum::default();
    sum.add(&[u8::from(facts.error.is_some()), u8::from(facts.titled)]);
    sum.add(facts.title.as_deref().unwrap_or("\0none").as_bytes());
    sum.add(facts.status.as_bytes());
    for dep in &facts.depends_on {
        sum.add(dep.as_bytes());
    }
    sum.0
}

/// FNV-1a over length-prefixed parts.
struct Sum(u64);

impl Default for Sum {
    fn default() -> Sum {
        Sum(0xcbf2_9ce4_8422_2325)
    }
}

impl Sum {
    fn add(&mut self, bytes: &[u8]) {
        let len = (bytes.len() as u64).to_le_bytes();
        for &b in len.iter().chain(bytes) {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// The facts cache file as it is now: its size, time and checksum (its last 8 bytes),
/// hashed; 0 when there is none. A report is only used beside the facts cache it was
/// made with, so a damaged or replaced cache is noticed (and rewritten by the full lint
/// that follows) without reading it.
pub fn stamp(dir: &Path) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let path = dir.join(super::cache::FILE);
    let Ok(mut file) = std::fs::File::open(path) else {
        return 0;
    };
    let Ok(meta) = file.metadata() else {
        return 0;
    };
    let mut tail = [0u8; 8];
    if meta.len() >= 8 {
        let read = file
            .seek(SeekFrom::End(-8))
            .and_then(|_| file.read_exact(&mut tail));
        if read.is_err() {
            return 0;
        }
    }
    let time = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let mut sum = Sum::default();
    sum.add(&meta.len().to_le_bytes());
    sum.add(&time.to_le_bytes());
    sum.add(&tail);
    sum.0 | 1
}

/// The path of the kept report in the cache folder `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The kept report's bytes, if there is a file.
pub fn read(dir: &Path) -> Option<Vec<u8>> {
    std::fs::read(path(dir)).ok()
}

impl<'a> Kept<'a> {
    /// The first row of the archived ones (rows are live then archived, each by id).
    fn archived_from(&self) -> usize {
        self.rows.partition_point(|r| !r.archived)
    }

    /// The rows of one half whose id starts with `prefix`, from the first.
    fn from<'s>(
        &'s self,
        archived: bool,
        prefix: &'s str,
    ) -> impl Iterator<Item = &'s Row<'a>> + 's {
        let split = self.archived_from();
        let half = if archived {
            &self.rows[split..]
        } else {
            &self.rows[..split]
        };
        let at = half.partition_point(|r| r.id.as_ref() < prefix);
        half[at..]
            .iter()
            .take_while(move |r| r.id.starts_with(prefix))
    }

    /// The row of spec `id` in one half.
    pub fn row(&self, archived: bool, id: &str) -> Option<usize> {
        let split = self.archived_from();
        let (base, half) = if archived {
            (split, &self.rows[split..])
        } else {
            (0, &self.rows[..split])
        };
        half.binary_search_by(|r| r.id.as_ref().cmp(id))
            .ok()
            .map(|at| base + at)
    }

    /// The report as findings.
    pub fn to_findings(&self) -> Vec<Finding> {
        self.findings
            .iter()
            .map(|(_, severity, rule, id, message)| Finding {
                id: id.as_ref().to_owned(),
                severity: *severity,
                rule,
                message: message.as_ref().to_owned(),
            })
            .collect()
    }
}

/// The ledger as the kept report saw it, for re-judging a spec whose change left its
/// shape alone: what other specs are named and parse is as kept, and the findings of
/// the rules over other specs' titles and dependencies are the kept ones.
impl Ledger for Kept<'_> {
    fn wide(&self, at: usize, _: &Facts, part: Wide, add: &mut Add<'_>) {
        let rules: &[&str] = match part {
            Wide::Title => &["duplicate-title"],
            Wide::Deps => &["unknown-dependency", "dependency-state", "cycle"],
        };
        for (source, severity, rule, _, message) in &self.findings {
            if *source == Source::Spec(at as u32) && rules.contains(rule) {
                add(*severity, rule, message.as_ref().to_owned());
            }
        }
    }

    fn exists(&self, id: &str) -> bool {
        [false, true]
            .into_iter()
            .any(|archived| self.row(archived, id).is_some_and(|r| self.rows[r].parsed))
    }

    fn has_members(&self, id: &str) -> bool {
        let prefix = format!("{id}.");
        [false, true]
            .into_iter()
            .any(|archived| self.from(archived, &prefix).any(|r| r.parsed))
    }
}

/// Writes `kept` to a temporary file renamed over the report, so a concurrent lint reads
/// the old file or the new; failure (a read-only repository) only costs a full lint.
pub fn save(dir: &Path, kept: &Kept<'_>) {
    let Some(bytes) = encode(kept) else {
        let _ = std::fs::remove_file(path(dir));
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    if let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) {
        use std::io::Write;
        if file.write_all(&bytes).is_ok() {
            let _ = file.persist(path(dir));
        }
    }
}

fn encode(kept: &Kept<'_>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(kept.rows.len() * 64 + kept.findings.len() * 96);
    out.extend_from_slice(MAGIC);
    let mut w = Writer(&mut out);
    w.u32(FORMAT as usize);
    w.u32(super::cache::RULES as usize);
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
        let rule = RULES.iter().position(|r| r == rule)?;
        w.0.extend_from_slice(&[kind, u8::from(*severity == Severity::Warning), rule as u8]);
        w.u32(at as usize);
        // A spec's finding is about its row's id: not stored twice.
        if kind != 0 {
            w.str(id);
        }
        w.str(message);
    }
    let sum = super::cache::checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    Some(out)
}

/// The report in `bytes`, or `None` when it is not one this program wrote whole.
pub fn decode(bytes: &[u8]) -> Option<Kept<'_>> {
    let (content, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if super::cache::checksum(content) != u64::from_le_bytes(sum.try_into().ok()?) {
        return None;
    }
    let mut r = Reader(content.strip_prefix(MAGIC)?);
    if r.u32()? != FORMAT as usize
        || r.u32()? != super::cache::RULES as usize
        || r.str()? != env!("CARGO_PKG_VERSION")
    {
        return None;
    }
    let tree = r.oid()?;
    let facts = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let has_templates = r.take(1)?[0] == 1;
    let templates = r.oid()?;
    let templates = has_templates.then_some(templates);
    let count = r.u32()?;
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
    let count = r.u32()?;
    let mut rows: Vec<Row<'_>> = Vec::with_capacity(count.min(content.len() / 32));
    for _ in 0..count {
        let flags = r.take(1)?[0];
        let shard = u32::try_from(r.u32()?).ok()?;
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
    let count = r.u32()?;
    let mut findings = Vec::with_capacity(count.min(content.len() / 8));
    for _ in 0..count {
        let head = r.take(3)?;
        let severity = match head[1] {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => return None,
        };
        let rule = *RULES.get(usize::from(head[2]))?;
        let at = u32::try_from(r.u32()?).ok()?;
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

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn u32(&mut self, n: usize) {
        self.0
            .extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len());
        self.0.extend_from_slice(b);
    }
    fn oid(&mut self, oid: &ObjectId) {
        self.bytes(oid.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
    fn oid(&mut self) -> Option<ObjectId> {
        let n = self.u32()?;
        ObjectId::try_from(self.take(n)?).ok()
    }
}
