//! The layout of `.git/chant/index-v2.bin` (docs/SCALE.md): a fixed header, fixed-width
//! records, a string table, lists of string references, and the sections computed once
//! when the file is written (shards, the ready order, the live specs per status), then a
//! checksum per 64 KB block. All integers little-endian, offsets from the file's start.

pub const FILE: &str = "index-v2.bin";
/// The cache file of the JSON format before this one, removed when found.
pub const OLD_FILE: &str = "index-v1.json";
pub const MAGIC: &[u8; 16] = b"git-chant index\n";
/// Bump on any change to the layout or to what a field means: older files are rebuilt.
pub const FORMAT: u32 = 4;
pub const HEADER_LEN: usize = 512;
/// Each block of the file after the header has its own checksum, so a reader that reads
/// part of the file verifies only what it reads.
pub const BLOCK: u64 = 64 * 1024;
pub const RECORD_LEN: usize = 80;
/// A string reference: offset into the string table, then length.
pub const REF_LEN: usize = 8;

/// The sections, by position in the header's section table.
pub const RECORDS: usize = 0;
pub const STRINGS: usize = 1;
pub const LISTS: usize = 2;
pub const SHARDS: usize = 3;
/// Record numbers of the ready live specs in `ready`'s order (depth, then id).
pub const READY: usize = 4;
/// Per stored status of live specs: name, count and the record numbers, by id.
pub const STATUS: usize = 5;
pub const BLOCKS: usize = 6;
pub const SECTIONS: usize = 7;

// Header offsets.
const AT_FORMAT: usize = 16;
const AT_PROGRAM: usize = 20;
const AT_HASH_LEN: usize = 28;
const AT_TREE: usize = 29;
const AT_COUNT: usize = 64;
const AT_LIVE: usize = 68;
const AT_FILE_LEN: usize = 72;
const AT_SECTIONS: usize = 80;
const AT_BLOCKS_SUM: usize = AT_SECTIONS + SECTIONS * 16;
const AT_SUM: usize = HEADER_LEN - 8;

// Record flags.
pub const ARCHIVED: u8 = 1;
pub const IS_READY: u8 = 2;
pub const APPROVAL_REQUIRED: u8 = 4;
pub const HAS_CLAIM: u8 = 8;
pub const HAS_ERROR: u8 = 16;
pub const HAS_APPROVAL: u8 = 32;

/// The program that wrote a file: a new binary may compute readiness or depth otherwise.
pub fn program() -> u64 {
    checksum(env!("CARGO_PKG_VERSION").as_bytes())
}

/// What the header says.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub tree: Vec<u8>,
    pub count: u32,
    pub live: u32,
    pub file_len: u64,
    /// `(offset, length)` of each section.
    pub sections: [(u64, u64); SECTIONS],
    pub blocks_sum: u64,
}

impl Header {
    pub fn encode(&self) -> Vec<u8> {
        let mut h = vec![0u8; HEADER_LEN];
        h[..16].copy_from_slice(MAGIC);
        put(&mut h, AT_FORMAT, &FORMAT.to_le_bytes());
        put(&mut h, AT_PROGRAM, &program().to_le_bytes());
        let tree = &self.tree[..self.tree.len().min(32)];
        h[AT_HASH_LEN] = tree.len() as u8;
        put(&mut h, AT_TREE, tree);
        put(&mut h, AT_COUNT, &self.count.to_le_bytes());
        put(&mut h, AT_LIVE, &self.live.to_le_bytes());
        put(&mut h, AT_FILE_LEN, &self.file_len.to_le_bytes());
        for (n, (offset, len)) in self.sections.iter().enumerate() {
            put(&mut h, AT_SECTIONS + n * 16, &offset.to_le_bytes());
            put(&mut h, AT_SECTIONS + n * 16 + 8, &len.to_le_bytes());
        }
        put(&mut h, AT_BLOCKS_SUM, &self.blocks_sum.to_le_bytes());
        let sum = checksum(&h[..AT_SUM]);
        put(&mut h, AT_SUM, &sum.to_le_bytes());
        h
    }

    /// The header of a file `file_len` bytes long, or `None` when it is not one this
    /// program wrote whole: every section must lie after the header and inside the file,
    /// the blocks last.
    pub fn decode(h: &[u8], file_len: u64) -> Option<Header> {
        let h = h.get(..HEADER_LEN)?;
        if &h[..16] != MAGIC
            || u32_at(h, AT_FORMAT)? != FORMAT
            || u64_at(h, AT_PROGRAM)? != program()
            || u64_at(h, AT_SUM)? != checksum(&h[..AT_SUM])
            || u64_at(h, AT_FILE_LEN)? != file_len
        {
            return None;
        }
        let hash_len = usize::from(h[AT_HASH_LEN]).min(32);
        let mut sections = [(0, 0); SECTIONS];
        for (n, section) in sections.iter_mut().enumerate() {
            let (offset, len) = (
                u64_at(h, AT_SECTIONS + n * 16)?,
                u64_at(h, AT_SECTIONS + n * 16 + 8)?,
            );
            if offset < HEADER_LEN as u64 || offset.checked_add(len)? > file_len {
                return None;
            }
            *section = (offset, len);
        }
        let header = Header {
            tree: h[AT_TREE..AT_TREE + hash_len].to_vec(),
            count: u32_at(h, AT_COUNT)?,
            live: u32_at(h, AT_LIVE)?,
            file_len,
            sections,
            blocks_sum: u64_at(h, AT_BLOCKS_SUM)?,
        };
        let (records, blocks) = (header.sections[RECORDS], header.sections[BLOCKS]);
        let sane = header.live <= header.count
            && records.1 == u64::from(header.count) * RECORD_LEN as u64
            && blocks.0 + blocks.1 == file_len
            && blocks.1
                == header
                    .data_end()
                    .saturating_sub(HEADER_LEN as u64)
                    .div_ceil(BLOCK)
                    * 8
            && header.sections[..BLOCKS]
                .iter()
                .all(|(o, l)| o + l <= header.data_end());
        sane.then_some(header)
    }

    /// Where the checksummed blocks end (the block sums follow).
    pub fn data_end(&self) -> u64 {
        self.sections[BLOCKS].0
    }
}

fn put(h: &mut [u8], at: usize, bytes: &[u8]) {
    h[at..at + bytes.len()].copy_from_slice(bytes);
}

pub fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

pub fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// One fixed-width record, as stored: string references and counts still to resolve.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Record {
    pub id: (u32, u32),
    pub title: (u32, u32),
    pub blob: (u32, u32),
    pub status: (u32, u32),
    pub kind: (u32, u32),
    pub flags: u8,
    pub checked: u32,
    pub total: u32,
    pub depth: u32,
    /// `(first, count)` in the lists.
    pub labels: (u32, u32),
    pub depends_on: (u32, u32),
    /// First list entry of the optional texts the flags announce: approval, claim
    /// (by, at, until), error, in that order.
    pub extra: u32,
}

impl Record {
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        for (a, b) in [self.id, self.title, self.blob, self.status, self.kind] {
            out.extend_from_slice(&a.to_le_bytes());
            out.extend_from_slice(&b.to_le_bytes());
        }
        out.extend_from_slice(&[self.flags, 0, 0, 0]);
        for n in [self.checked, self.total, self.depth] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for (a, b) in [self.labels, self.depends_on] {
            out.extend_from_slice(&a.to_le_bytes());
            out.extend_from_slice(&b.to_le_bytes());
        }
        out.extend_from_slice(&self.extra.to_le_bytes());
        out.resize(start + RECORD_LEN, 0);
    }

    pub fn decode(b: &[u8]) -> Option<Record> {
        let pair = |at: usize| Some((u32_at(b, at)?, u32_at(b, at + 4)?));
        Some(Record {
            id: pair(0)?,
            title: pair(8)?,
            blob: pair(16)?,
            status: pair(24)?,
            kind: pair(32)?,
            flags: *b.get(40)?,
            checked: u32_at(b, 44)?,
            total: u32_at(b, 48)?,
            depth: u32_at(b, 52)?,
            labels: pair(56)?,
            depends_on: pair(64)?,
            extra: u32_at(b, 72)?,
        })
    }
}

/// A 64-bit sum over 8-byte words, for the index and the lint cache: it catches a
/// truncated or damaged file (it guards against accidents, not an attacker who can
/// write `.git`).
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut sum: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        sum = (sum.rotate_left(23) ^ w).wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &b in words.remainder() {
        sum = (sum.rotate_left(23) ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    sum
}
