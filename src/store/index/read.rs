//! Reading the index file in parts: the header and the block sums first, then only the
//! 64 KB blocks a command touches (positioned reads, each block verified against its sum
//! before use). Every offset and count taken from the file is bounds-checked; a check that
//! fails gives `None`, and the caller rebuilds the file instead of trusting it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::format::{self, u32_at, Header, Record, BLOCK, HEADER_LEN, RECORD_LEN, REF_LEN};
use super::SpecSummary;
use crate::spec::claim::Claim;

/// An index file opened for reading.
pub struct View {
    pub header: Header,
    src: Src,
}

enum Src {
    /// A file just built, or read whole and verified.
    Mem(Vec<u8>),
    /// A file on disk, read block by block.
    File {
        file: File,
        sums: Vec<u64>,
        blocks: HashMap<u64, Vec<u8>>,
    },
}

impl View {
    /// The file at `path`, if its header is whole and its block sums check; its blocks are
    /// read and verified as they are used.
    pub fn open(path: &Path) -> Option<View> {
        let file = File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        let mut head = vec![0u8; HEADER_LEN];
        file.read_exact_at(&mut head, 0).ok()?;
        let header = Header::decode(&head, len)?;
        let (at, size) = header.sections[format::BLOCKS];
        let mut raw = vec![0u8; usize::try_from(size).ok()?];
        file.read_exact_at(&mut raw, at).ok()?;
        if format::checksum(&raw) != header.blocks_sum {
            return None;
        }
        let sums = raw
            .chunks_exact(8)
            .filter_map(|c| c.try_into().ok().map(u64::from_le_bytes))
            .collect();
        Some(View {
            header,
            src: Src::File {
                file,
                sums,
                blocks: HashMap::new(),
            },
        })
    }

    /// The bytes of a file in memory, if they are a whole file whose every block checks.
    pub fn of_bytes(bytes: Vec<u8>) -> Option<View> {
        let header = Header::decode(&bytes, bytes.len() as u64)?;
        let (at, _) = header.sections[format::BLOCKS];
        let data = bytes.get(HEADER_LEN..usize::try_from(at).ok()?)?;
        let sums = bytes.get(usize::try_from(at).ok()?..)?;
        let whole = format::checksum(sums) == header.blocks_sum
            && data
                .chunks(BLOCK as usize)
                .zip(sums.chunks_exact(8))
                .all(|(block, sum)| {
                    sum.try_into().ok().map(u64::from_le_bytes) == Some(format::checksum(block))
                });
        whole.then_some(View {
            header,
            src: Src::Mem(bytes),
        })
    }

    /// Reads the whole file and verifies every block (for reading everything).
    pub fn into_whole(self) -> Option<View> {
        match self.src {
            Src::Mem(_) => Some(self),
            Src::File { file, .. } => {
                let mut bytes = vec![0u8; usize::try_from(self.header.file_len).ok()?];
                file.read_exact_at(&mut bytes, 0).ok()?;
                View::of_bytes(bytes)
            }
        }
    }

    /// Reads (and verifies) every block not in memory yet, so `section` can lend the
    /// sections whole: for a command that reads every record, one read of the file
    /// costs less than a lookup per string.
    pub fn read_whole(&mut self) -> Option<()> {
        if let Src::File { file, .. } = &self.src {
            let mut bytes = vec![0u8; usize::try_from(self.header.file_len).ok()?];
            file.read_exact_at(&mut bytes, 0).ok()?;
            let whole = View::of_bytes(bytes)?;
            (whole.header == self.header).then_some(())?;
            *self = whole;
        }
        Some(())
    }

    /// Section `section` whole, once the file is in memory (see `read_whole`).
    pub(super) fn section(&self, section: usize) -> Option<&[u8]> {
        let Src::Mem(bytes) = &self.src else {
            return None;
        };
        let (at, size) = *self.header.sections.get(section)?;
        let end = at.checked_add(size)?;
        (end <= self.header.data_end()).then_some(())?;
        bytes.get(usize::try_from(at).ok()?..usize::try_from(end).ok()?)
    }

    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self.src {
            Src::Mem(bytes) => Some(bytes),
            Src::File { .. } => None,
        }
    }

    /// `len` bytes at `at`, which must lie in the checksummed part of the file.
    fn get(&mut self, at: u64, len: u64) -> Option<Cow<'_, [u8]>> {
        let end = at.checked_add(len)?;
        if at < HEADER_LEN as u64 || end > self.header.data_end() {
            return None;
        }
        let data_end = self.header.data_end();
        match &mut self.src {
            Src::Mem(bytes) => Some(Cow::Borrowed(bytes.get(at as usize..end as usize)?)),
            Src::File { file, sums, blocks } => {
                let rel = |x: u64| x - HEADER_LEN as u64;
                let (first, last) = (rel(at) / BLOCK, rel(end.max(at + 1) - 1) / BLOCK);
                for b in first..=last {
                    if blocks.contains_key(&b) {
                        continue;
                    }
                    let start = HEADER_LEN as u64 + b * BLOCK;
                    let size = BLOCK.min(data_end - start);
                    let mut block = vec![0u8; usize::try_from(size).ok()?];
                    file.read_exact_at(&mut block, start).ok()?;
                    if sums.get(usize::try_from(b).ok()?) != Some(&format::checksum(&block)) {
                        return None;
                    }
                    blocks.insert(b, block);
                }
                let off = |x: u64| (rel(x) % BLOCK) as usize;
                if first == last {
                    let block = blocks.get(&first)?;
                    return Some(Cow::Borrowed(block.get(off(at)..off(at) + len as usize)?));
                }
                let mut out = Vec::with_capacity(len as usize);
                for b in first..=last {
                    let block = blocks.get(&b)?;
                    let from = if b == first { off(at) } else { 0 };
                    let to = if b == last {
                        off(end - 1) + 1
                    } else {
                        block.len()
                    };
                    out.extend_from_slice(block.get(from..to)?);
                }
                Some(Cow::Owned(out))
            }
        }
    }

    /// `len` bytes at `at` inside section `section`.
    fn in_section(&mut self, section: usize, at: u64, len: u64) -> Option<Cow<'_, [u8]>> {
        let (start, size) = self.header.sections[section];
        if at.checked_add(len)? > size {
            return None;
        }
        self.get(start + at, len)
    }

    pub fn count(&self) -> usize {
        self.header.count as usize
    }

    pub fn live(&self) -> usize {
        self.header.live as usize
    }

    pub fn record(&mut self, n: usize) -> Option<Record> {
        if n >= self.count() {
            return None;
        }
        let at = (n * RECORD_LEN) as u64;
        Record::decode(&self.in_section(format::RECORDS, at, RECORD_LEN as u64)?)
    }

    /// A string of the table, checked to be UTF-8.
    pub fn text(&mut self, (at, len): (u32, u32)) -> Option<String> {
        let bytes = self.in_section(format::STRINGS, u64::from(at), u64::from(len))?;
        std::str::from_utf8(&bytes).ok().map(str::to_owned)
    }

    /// The strings of list entries `first..first + count`.
    fn list(&mut self, (first, count): (u32, u32)) -> Option<Vec<String>> {
        let at = u64::from(first) * REF_LEN as u64;
        let bytes = self.in_section(format::LISTS, at, u64::from(count) * REF_LEN as u64)?;
        let refs: Vec<(u32, u32)> = bytes
            .chunks_exact(REF_LEN)
            .filter_map(|c| Some((u32_at(c, 0)?, u32_at(c, 4)?)))
            .collect();
        refs.into_iter().map(|r| self.text(r)).collect()
    }

    /// The summary of record `n`, and whether it is ready.
    pub fn summary(&mut self, n: usize) -> Option<(SpecSummary, bool)> {
        let r = self.record(n)?;
        let has = |bit: u8| r.flags & bit != 0;
        let wanted = u32::from(has(format::HAS_APPROVAL))
            + 3 * u32::from(has(format::HAS_CLAIM))
            + u32::from(has(format::HAS_ERROR));
        let mut extra = self.list((r.extra, wanted))?.into_iter();
        let approval = if has(format::HAS_APPROVAL) {
            extra.next()
        } else {
            None
        };
        let claim = if has(format::HAS_CLAIM) {
            Some(Claim {
                by: extra.next()?,
                at: extra.next()?,
                until: extra.next()?,
            })
        } else {
            None
        };
        let summary = SpecSummary {
            id: self.text(r.id)?,
            archived: has(format::ARCHIVED),
            blob: self.text(r.blob)?,
            title: self.text(r.title)?,
            status: self.text(r.status)?,
            kind: self.text(r.kind)?,
            labels: self.list(r.labels)?,
            depends_on: self.list(r.depends_on)?,
            checked: r.checked as usize,
            total: r.total as usize,
            approval,
            approval_required: has(format::APPROVAL_REQUIRED),
            claim,
            error: if has(format::HAS_ERROR) {
                Some(extra.next()?)
            } else {
                None
            },
        };
        Some((summary, has(format::IS_READY)))
    }

    /// The stored status of record `n`, and whether it is ready.
    pub fn state(&mut self, n: usize) -> Option<(String, bool)> {
        let r = self.record(n)?;
        Some((self.text(r.status)?, r.flags & format::IS_READY != 0))
    }

    /// The title of record `n`.
    pub fn title(&mut self, n: usize) -> Option<String> {
        let r = self.record(n)?;
        self.text(r.title)
    }

    /// The id of record `n`.
    pub fn id(&mut self, n: usize) -> Option<String> {
        let r = self.record(n)?;
        self.text(r.id)
    }

    /// Record numbers of the ready live specs in `ready`'s order.
    pub fn ready_order(&mut self) -> Option<Vec<usize>> {
        let size = self.header.sections[format::READY].1;
        let bytes = self.in_section(format::READY, 0, size)?;
        numbers(&bytes)
    }

    /// `(status, record numbers by id)` of the live specs, by status.
    pub fn by_status(&mut self) -> Option<Vec<(String, Vec<usize>)>> {
        let size = self.header.sections[format::STATUS].1;
        let bytes = self.in_section(format::STATUS, 0, size)?.into_owned();
        let groups = u32_at(&bytes, 0)? as usize;
        let numbers_at = 4usize.checked_add(groups.checked_mul(16)?)?;
        let all = numbers(bytes.get(numbers_at..)?)?;
        let mut out = Vec::with_capacity(groups.min(64));
        for g in 0..groups {
            let at = 4 + g * 16;
            let name = self.text((u32_at(&bytes, at)?, u32_at(&bytes, at + 4)?))?;
            let (count, start) = (
                u32_at(&bytes, at + 8)? as usize,
                u32_at(&bytes, at + 12)? as usize,
            );
            out.push((name, all.get(start..start.checked_add(count)?)?.to_vec()));
        }
        Some(out)
    }

    /// The shard keys and trees the file was built from.
    pub fn shards(&mut self) -> Option<Vec<(String, String)>> {
        let size = self.header.sections[format::SHARDS].1;
        let bytes = self.in_section(format::SHARDS, 0, size)?.into_owned();
        let mut out = Vec::new();
        for c in bytes.chunks_exact(2 * REF_LEN) {
            let key = self.text((u32_at(c, 0)?, u32_at(c, 4)?))?;
            let tree = self.text((u32_at(c, 8)?, u32_at(c, 12)?))?;
            out.push((key, tree));
        }
        Some(out)
    }

    /// The record of `id`, by binary search of the archived then the live records (an id
    /// in both reads as the archived one, as the index always gave it).
    pub fn find(&mut self, id: &str) -> Option<Option<usize>> {
        for (lo, hi) in [(self.live(), self.count()), (0, self.live())] {
            let at = self.lower_bound(lo, hi, id)?;
            if at < hi && self.id(at)? == id {
                return Some(Some(at));
            }
        }
        Some(None)
    }

    /// The first record in `lo..hi` whose id is not below `id`.
    pub fn lower_bound(&mut self, mut lo: usize, mut hi: usize, id: &str) -> Option<usize> {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.id(mid)?.as_str() < id {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Some(lo)
    }
}

fn numbers(bytes: &[u8]) -> Option<Vec<usize>> {
    bytes.len().is_multiple_of(4).then_some(())?;
    Some(
        bytes
            .chunks_exact(4)
            .filter_map(|c| u32_at(c, 0))
            .map(|n| n as usize)
            .collect(),
    )
}
