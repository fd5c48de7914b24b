//! The lint cache under `.git/chant/`: the `Facts` of each spec file, keyed by its blob
//! id (and the id it is stored as, which parse errors name), so a lint after a change
//! reads and parses only the files that changed.
//!
//! A small binary file, since a JSON one of 100k specs costs more to decode than the
//! whole lint may take: a header (magic, format, rules version, the program's version),
//! the records, and a checksum of all that. A file that is missing, foreign, truncated
//! or fails its checksum is ignored and rewritten, never trusted; what it gives back is
//! still escaped on output like any finding.

use std::path::{Path, PathBuf};

use gix::ObjectId;

use super::own::{Facts, Local};
use super::Severity;
use crate::store::codec::{Reader, Writer};
use crate::store::index::checksum;

pub(crate) const FILE: &str = "lint-v1.bin";
const MAGIC: &[u8] = b"git-chant lint cache\n";
/// Bump when the layout below changes.
const FORMAT: u32 = 1;
/// Bump when a one-spec rule (src/lint/own.rs) or its words change, so cached findings
/// of the old rules are not reported. The program's version is in the header too.
pub(crate) const RULES: u32 = 1;
/// Every rule `own` reports, by position in the file.
pub(super) const RULE_NAMES: &[&str] = &[
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

/// One cached file: where it was, and its facts until they are taken.
struct Record {
    archived: bool,
    id: String,
    blob: ObjectId,
    facts: Option<Facts>,
}

/// The cached facts, in the order of the ledger's entries (live then archived, each by
/// id), so they are matched to the entries in one pass, with nothing hashed.
pub struct Cache {
    path: PathBuf,
    records: Vec<Record>,
    /// The first record not yet passed by `take`.
    cursor: usize,
    /// How many records were taken.
    used: usize,
    /// The file is missing or unusable.
    stale: bool,
}

impl Cache {
    /// The cache of the repository whose cache folder is `dir`; empty when there is none
    /// or it cannot be trusted.
    pub fn load(dir: &Path) -> Cache {
        let path = dir.join(FILE);
        let records = std::fs::read(&path).ok().and_then(|b| decode(&b));
        Cache {
            path,
            stale: records.is_none(),
            records: records.unwrap_or_default(),
            cursor: 0,
            used: 0,
        }
    }

    /// The facts of blob `blob` stored as `id`, if cached. Asked in the entries' order;
    /// asked out of order, it only misses.
    pub fn take(&mut self, archived: bool, id: &str, blob: &ObjectId) -> Option<Facts> {
        while let Some(r) = self.records.get(self.cursor) {
            if (r.archived, r.id.as_str()) >= (archived, id) {
                break;
            }
            self.cursor += 1;
        }
        let r = self.records.get_mut(self.cursor)?;
        if r.archived != archived || r.id != id || r.blob != *blob {
            return None;
        }
        self.cursor += 1;
        let facts = r.facts.take()?;
        self.used += 1;
        Some(facts)
    }

    /// Whether the file must be rewritten: it was unusable, some facts were missing
    /// (`misses`), or it holds records of files no longer in the ledger.
    pub fn needs_saving(&self, misses: usize) -> bool {
        self.stale || misses > 0 || self.used != self.records.len()
    }

    /// Writes `records` (every spec of the ledger in its order, so the file never keeps
    /// old ones) to a temporary file renamed over the cache, so a concurrent lint reads
    /// the old file or the new, never half of one. Failure (a read-only repository) only
    /// costs a re-read.
    pub fn save<'a>(
        &self,
        records: impl Iterator<Item = (bool, &'a str, &'a ObjectId, &'a Facts)>,
    ) {
        let bytes = encode(records);
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        if let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) {
            use std::io::Write;
            if file.write_all(&bytes).is_ok() {
                let _ = file.persist(&self.path);
            }
        }
    }
}

fn encode<'a>(records: impl Iterator<Item = (bool, &'a str, &'a ObjectId, &'a Facts)>) -> Vec<u8> {
    let mut body = Vec::new();
    let mut count = 0u64;
    for (archived, id, blob, facts) in records {
        // A rule the table does not name cannot be stored; that spec is re-read next time.
        let known = |l: &[Local]| l.iter().all(|(_, r, _)| RULE_NAMES.contains(r));
        if !(known(&facts.early) && known(&facts.middle) && known(&facts.late)) {
            continue;
        }
        count += 1;
        let mut w = Writer(&mut body);
        w.bytes(blob.as_bytes());
        w.str(id);
        let flags = u8::from(facts.error.is_some())
            | u8::from(facts.title.is_some()) << 1
            | u8::from(facts.titled) << 2
            | u8::from(archived) << 3;
        w.0.push(flags);
        for text in facts.error.iter().chain(&facts.title) {
            w.str(text);
        }
        w.str(&facts.status);
        w.str(&facts.kind);
        for list in [&facts.depends_on, &facts.mentions] {
            w.u32(list.len());
            list.iter().for_each(|s| w.str(s));
        }
        for locals in [&facts.early, &facts.middle, &facts.late] {
            w.u32(locals.len());
            for (severity, rule, message) in locals {
                w.0.push(u8::from(*severity == Severity::Warning));
                let at = RULE_NAMES.iter().position(|r| r == rule).unwrap_or(0);
                w.0.push(at as u8);
                w.str(message);
            }
        }
    }
    let mut out = Vec::with_capacity(body.len() + 64);
    out.extend_from_slice(MAGIC);
    let mut w = Writer(&mut out);
    w.u32(FORMAT as usize);
    w.u32(RULES as usize);
    w.str(env!("CARGO_PKG_VERSION"));
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&body);
    let sum = checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// The records of a cache file, or `None` when it is not one this program wrote whole.
fn decode(bytes: &[u8]) -> Option<Vec<Record>> {
    let (content, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if checksum(content) != u64::from_le_bytes(sum.try_into().ok()?) {
        return None;
    }
    let mut r = Reader(content.strip_prefix(MAGIC)?);
    if r.usize()? != FORMAT as usize
        || r.usize()? != RULES as usize
        || r.str()? != env!("CARGO_PKG_VERSION")
    {
        return None;
    }
    let count = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let mut records = Vec::with_capacity(usize::try_from(count).ok()?.min(bytes.len() / 32));
    for _ in 0..count {
        let blob = ObjectId::try_from(r.bytes()?).ok()?;
        let id = r.str()?.to_owned();
        let flags = *r.take(1)?.first()?;
        let mut text = |bit: u8| -> Option<Option<String>> {
            Some(if flags & bit != 0 {
                Some(r.str()?.to_owned())
            } else {
                None
            })
        };
        let error = text(1)?;
        let title = text(2)?;
        let status = r.str()?.to_owned();
        let kind = r.str()?.to_owned();
        let depends_on = r.strings()?;
        let mentions = r.strings()?;
        let (early, middle, late) = (r.locals()?, r.locals()?, r.locals()?);
        let facts = Facts {
            error,
            title,
            titled: flags & 4 != 0,
            status,
            kind,
            depends_on,
            mentions,
            early,
            middle,
            late,
        };
        records.push(Record {
            archived: flags & 8 != 0,
            id,
            blob,
            facts: Some(facts),
        });
    }
    r.0.is_empty().then_some(records)
}

impl<'a> Reader<'a> {
    fn strings(&mut self) -> Option<Vec<String>> {
        let n = self.usize()?;
        (0..n).map(|_| self.str().map(str::to_owned)).collect()
    }
    fn locals(&mut self) -> Option<Vec<Local>> {
        let n = self.usize()?;
        (0..n)
            .map(|_| {
                let head = self.take(2)?;
                let severity = match head[0] {
                    0 => Severity::Error,
                    1 => Severity::Warning,
                    _ => return None,
                };
                let rule = *RULE_NAMES.get(usize::from(head[1]))?;
                Some((severity, rule, self.str()?.to_owned()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_file_is_not_trusted() {
        let blob = ObjectId::from_hex(b"0123456789abcdef0123456789abcdef01234567").unwrap();
        let facts = Facts::of("s-1", b"---\nstatus: odd\n---\n# T\n");
        let bytes = encode([(true, "s-1", &blob, &facts)].into_iter());
        let records = decode(&bytes).unwrap();
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert!(r.archived && r.id == "s-1" && r.blob == blob);
        assert_eq!(r.facts.as_ref(), Some(&facts));
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        let mut flipped = bytes.clone();
        flipped[MAGIC.len() + 20] ^= 1;
        assert!(decode(&flipped).is_none());
        assert!(decode(b"").is_none());
    }
}
