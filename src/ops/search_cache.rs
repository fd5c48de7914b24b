//! The search cache under `.git/chant/` (`search-v1.bin`): the text `search` looks in
//! (each spec's body, lowercased) stored once per spec, keyed by the ledger tree id, the
//! format and the program's version, so no search inflates a blob. Updated from an older
//! tree by reading only the changed blobs; a missing, foreign, truncated or damaged file
//! is rebuilt, never trusted. Layout: docs/DESIGN.md, "Reading fast".

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Mutex;

use crate::store::codec::Reader;
use crate::store::index::checksum;
use crate::store::index::read_all;
use crate::store::ledger::{Snapshot, SpecEntry};
use crate::store::{Store, StoreError};

const FILE: &str = "search-v1.bin";
const MAGIC: &[u8] = b"git-chant search\n";
/// Bump when the layout, or what the text of a spec is, changes.
const FORMAT: u32 = 1;
const HEADER: usize = 128;
/// How much text a scan reads at once: large enough that system calls cost nothing,
/// small enough to stay in the caches and keep the peak memory flat.
const RUN: usize = 1 << 20;

/// What a search gets from the cache: every spec whose text passes `matches`, by id, in
/// the ledger's order; `None` when no cache can be had (a read-only `.git`), and the
/// caller reads the blobs instead. `lower` turns a blob into its text; it must be the
/// same function for every call of one program version (the format says what it is).
pub fn search<L, M>(
    store: &Store,
    snapshot: &Snapshot<'_>,
    lower: L,
    matches: M,
) -> Result<Option<Vec<String>>, StoreError>
where
    L: Fn(&[u8]) -> String + Sync,
    M: Fn(&str) -> bool + Sync,
{
    let path = store.cache_dir().join(FILE);
    let tree = snapshot.tree.as_slice();
    let mut cache = match File::open(&path).ok().and_then(Cache::of) {
        Some(cache) if cache.tree() == tree => cache,
        old => match build(snapshot, &path, old, &lower)? {
            Some(cache) => cache,
            None => return Ok(None),
        },
    };
    let mut fresh = false;
    loop {
        if let Some(hits) = cache.scan(&matches) {
            return Ok(Some(
                hits.into_iter().map(|r| cache.id(r).to_owned()).collect(),
            ));
        }
        if fresh {
            return Ok(None);
        }
        // A text failed its sum: nothing of this file is trusted, not even to update.
        (cache, fresh) = match build(snapshot, &path, None, &lower)? {
            Some(cache) => (cache, true),
            None => return Ok(None),
        };
    }
}

/// Where a text was written: offset from the start of the texts, length, sum.
type Placed = (u64, u32, u64);

/// One spec of the directory: ranges into the directory's bytes, and where its text is
/// (from the start of the texts).
struct Record {
    archived: bool,
    id: Range<usize>,
    blob: Range<usize>,
    at: u64,
    len: u32,
    sum: u64,
}

/// An open cache file whose header and directory passed their checks.
struct Cache {
    file: File,
    header: Vec<u8>,
    dir: Vec<u8>,
    records: Vec<Record>,
}

impl Cache {
    /// Reads and checks the header and the directory (the texts are checked when read).
    fn of(file: File) -> Option<Cache> {
        let mut header = vec![0; HEADER];
        file.read_exact_at(&mut header, 0).ok()?;
        let mut r = Reader(&header);
        if r.take(MAGIC.len())? != MAGIC || r.u32()? != FORMAT || r.u64()? != program() {
            return None;
        }
        let tree_len = usize::from(r.u8()?);
        r.take(32)?;
        let count = r.u32()? as usize;
        let (texts, dir_len, dir_sum) = (r.u64()?, r.u64()?, r.u64()?);
        let (content, sum) = header.split_at(HEADER - 8);
        let len = file.metadata().ok()?.len();
        if tree_len > 32
            || checksum(content) != u64::from_le_bytes(sum.try_into().ok()?)
            || Some(len) != (HEADER as u64).checked_add(texts)?.checked_add(dir_len)
        {
            return None;
        }
        let mut dir = vec![0; usize::try_from(dir_len).ok()?];
        file.read_exact_at(&mut dir, HEADER as u64 + texts).ok()?;
        if checksum(&dir) != dir_sum {
            return None;
        }
        let records = records(&dir, count, texts)?;
        Some(Cache {
            file,
            header,
            dir,
            records,
        })
    }

    fn tree(&self) -> &[u8] {
        let at = MAGIC.len() + 12;
        &self.header[at + 1..at + 1 + usize::from(self.header[at])]
    }

    fn id(&self, record: usize) -> &str {
        let range = self.records[record].id.clone();
        std::str::from_utf8(&self.dir[range]).unwrap_or_default()
    }

    fn text_at(&self, record: &Record, buf: &mut Vec<u8>) -> Option<()> {
        buf.resize(record.len as usize, 0);
        self.file
            .read_exact_at(buf, HEADER as u64 + record.at)
            .ok()?;
        (checksum(buf) == record.sum).then_some(())
    }

    /// The records whose text passes `matches`, ascending; `None` when a text fails its
    /// sum or is not UTF-8. The texts are read in file order, in runs, on every core.
    fn scan<M: Fn(&str) -> bool + Sync>(&self, matches: &M) -> Option<Vec<usize>> {
        let mut order: Vec<usize> = (0..self.records.len()).collect();
        order.sort_by_key(|&r| self.records[r].at);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let chunk = order.len().div_ceil(threads).max(256);
        let parts = std::thread::scope(|scope| {
            let workers: Vec<_> = order
                .chunks(chunk)
                .map(|part| scope.spawn(move || self.scan_part(part, matches)))
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().ok().flatten())
                .collect::<Option<Vec<_>>>()
        })?;
        let mut hits: Vec<usize> = parts.into_iter().flatten().collect();
        hits.sort_unstable();
        Some(hits)
    }

    fn scan_part<M: Fn(&str) -> bool>(&self, part: &[usize], matches: &M) -> Option<Vec<usize>> {
        let mut hits = Vec::new();
        let mut buf = Vec::with_capacity(RUN);
        let mut rest = part;
        while let Some(&first) = rest.first() {
            // A run of texts that follow each other in the file, read with one call.
            let start = self.records[first].at;
            let mut end = start;
            let mut n = 0;
            while let Some(&r) = rest.get(n) {
                let rec = &self.records[r];
                if rec.at != end || (n > 0 && end - start + u64::from(rec.len) > RUN as u64) {
                    break;
                }
                end += u64::from(rec.len);
                n += 1;
            }
            buf.resize(usize::try_from(end - start).ok()?, 0);
            self.file
                .read_exact_at(&mut buf, HEADER as u64 + start)
                .ok()?;
            for &r in &rest[..n] {
                let rec = &self.records[r];
                let from = usize::try_from(rec.at - start).ok()?;
                let bytes = buf.get(from..from + rec.len as usize)?;
                if checksum(bytes) != rec.sum {
                    return None;
                }
                if matches(std::str::from_utf8(bytes).ok()?) {
                    hits.push(r);
                }
            }
            rest = &rest[n..];
        }
        Some(hits)
    }
}

/// The directory's records, each text inside the texts; `None` unless exactly `count`
/// records fill it.
fn records(dir: &[u8], count: usize, texts: u64) -> Option<Vec<Record>> {
    let mut records = Vec::with_capacity(count.min(dir.len() / 24));
    let mut r = Reader(dir);
    for _ in 0..count {
        let archived = r.u8()? == 1;
        let id_len = usize::from(r.u16()?);
        let id = r.range(dir, id_len)?;
        std::str::from_utf8(&dir[id.clone()]).ok()?;
        let blob_len = usize::from(r.u8()?);
        let blob = r.range(dir, blob_len)?;
        let (at, len, sum) = (r.u64()?, r.u32()?, r.u64()?);
        if at.checked_add(u64::from(len))? > texts {
            return None;
        }
        records.push(Record {
            archived,
            id,
            blob,
            at,
            len,
            sum,
        });
    }
    r.0.is_empty().then_some(records)
}

/// Writes the cache of `snapshot`, taking the texts of unchanged blobs from `old`, and
/// opens it; `None` when it cannot be written.
fn build<L: Fn(&[u8]) -> String + Sync>(
    snapshot: &Snapshot<'_>,
    path: &Path,
    old: Option<Cache>,
    lower: &L,
) -> Result<Option<Cache>, StoreError> {
    let entries = snapshot.entries()?;
    let dir = path.parent().filter(|d| std::fs::create_dir_all(d).is_ok());
    let Some(tmp) = dir.and_then(|d| tempfile::NamedTempFile::new_in(d).ok()) else {
        return Ok(None);
    };
    let mut out = BufWriter::with_capacity(RUN, tmp.as_file());
    let placed = write_texts(snapshot, &entries, old.as_ref(), lower, &mut out)?;
    let Some((placed, texts)) = placed else {
        return Ok(None);
    };
    let mut directory = Vec::with_capacity(entries.len() * 64);
    for (e, &(at, len, sum)) in entries.iter().zip(&placed) {
        let Ok(id_len) = u16::try_from(e.id.len()) else {
            return Ok(None);
        };
        directory.push(u8::from(e.archived));
        directory.extend_from_slice(&id_len.to_le_bytes());
        directory.extend_from_slice(e.id.as_bytes());
        directory.push(e.blob.as_slice().len() as u8);
        directory.extend_from_slice(e.blob.as_slice());
        directory.extend_from_slice(&at.to_le_bytes());
        directory.extend_from_slice(&len.to_le_bytes());
        directory.extend_from_slice(&sum.to_le_bytes());
    }
    let header = header(snapshot, entries.len(), texts, &directory);
    let written = out
        .write_all(&directory)
        .and_then(|()| out.seek(SeekFrom::Start(0)).map(drop))
        .and_then(|()| out.write_all(&header))
        .and_then(|()| out.flush());
    drop(out);
    if written.is_err() {
        return Ok(None);
    }
    // The rename makes the new file whole or absent for any concurrent reader; the handle
    // kept is the file just written, whatever another process renames after.
    Ok(tmp.persist(path).ok().and_then(Cache::of))
}

/// Writes the texts after a blank header: first those of unchanged blobs copied from
/// `old` (each checked against its sum), then the others read from the ledger in pack
/// order on every core. Returns where each entry's text is, and the texts' length.
fn write_texts<L: Fn(&[u8]) -> String + Sync>(
    snapshot: &Snapshot<'_>,
    entries: &[SpecEntry],
    old: Option<&Cache>,
    lower: &L,
    out: &mut BufWriter<&File>,
) -> Result<Option<(Vec<Placed>, u64)>, StoreError> {
    if out.write_all(&[0; HEADER]).is_err() {
        return Ok(None);
    }
    let known: HashMap<(bool, &[u8], &[u8]), &Record> = old
        .map(|c| {
            c.records
                .iter()
                .map(|r| {
                    (
                        (r.archived, &c.dir[r.id.clone()], &c.dir[r.blob.clone()]),
                        r,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut placed = vec![None; entries.len()];
    let mut todo = Vec::new();
    let mut pos = 0u64;
    let mut buf = Vec::new();
    for (n, e) in entries.iter().enumerate() {
        let key = (e.archived, e.id.as_bytes(), e.blob.as_slice());
        if let (Some(cache), Some(rec)) = (old, known.get(&key)) {
            if cache.text_at(rec, &mut buf).is_some() {
                if out.write_all(&buf).is_err() {
                    return Ok(None);
                }
                placed[n] = Some((pos, rec.len, rec.sum));
                pos += u64::from(rec.len);
                continue;
            }
        }
        todo.push(e.clone());
    }
    let sink = Mutex::new((out, pos, true));
    let read = read_all(snapshot, &todo, |_, bytes| {
        let text = lower(bytes);
        let len = u32::try_from(text.len()).ok()?;
        let sum = checksum(text.as_bytes());
        let mut sink = sink.lock().ok()?;
        let at = sink.1;
        sink.2 &= sink.0.write_all(text.as_bytes()).is_ok();
        sink.1 += u64::from(len);
        Some((at, len, sum))
    })?;
    let Ok((_, texts, true)) = sink.into_inner() else {
        return Ok(None);
    };
    let mut read = read.into_iter();
    let placed = placed
        .into_iter()
        .map(|slot| slot.or_else(|| read.next().flatten()))
        .collect::<Option<Vec<_>>>();
    Ok(placed.map(|p| (p, texts)))
}

fn header(snapshot: &Snapshot<'_>, count: usize, texts: u64, directory: &[u8]) -> Vec<u8> {
    let tree = snapshot.tree.as_slice();
    let mut h = Vec::with_capacity(HEADER);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&FORMAT.to_le_bytes());
    h.extend_from_slice(&program().to_le_bytes());
    h.push(tree.len() as u8);
    h.extend_from_slice(tree);
    h.resize(MAGIC.len() + 13 + 32, 0);
    h.extend_from_slice(&u32::try_from(count).unwrap_or(u32::MAX).to_le_bytes());
    h.extend_from_slice(&texts.to_le_bytes());
    h.extend_from_slice(&(directory.len() as u64).to_le_bytes());
    h.extend_from_slice(&checksum(directory).to_le_bytes());
    h.resize(HEADER - 8, 0);
    let sum = checksum(&h);
    h.extend_from_slice(&sum.to_le_bytes());
    h
}

/// The program's version, so a new binary (whose lowercasing may follow newer Unicode
/// tables) rebuilds the texts.
fn program() -> u64 {
    checksum(env!("CARGO_PKG_VERSION").as_bytes())
}
