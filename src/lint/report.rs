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

mod codec;
pub use codec::decode;
use codec::encode;

const FILE: &str = "lint-report-v1.bin";

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
