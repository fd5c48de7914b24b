//! The byte layer of git chant's own cache files (the lint cache, the kept lint report,
//! the search cache): a little-endian writer of length-prefixed fields and a reader whose
//! every read is bounds-checked, so a damaged file gives `None`, never a panic.

use std::ops::Range;

/// Appends little-endian fields to a buffer.
pub struct Writer<'a>(pub &'a mut Vec<u8>);

impl Writer<'_> {
    /// `n` as a u32 (saturating: no cache field comes near 4 GiB).
    pub fn u32(&mut self, n: usize) {
        self.0
            .extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }
    /// `b`, prefixed by its length.
    pub fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len());
        self.0.extend_from_slice(b);
    }
    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
}

/// Reads fields off the front of a byte slice.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
    /// The range of the next `n` bytes within `whole`, which `self` is a tail of.
    pub fn range(&mut self, whole: &[u8], n: usize) -> Option<Range<usize>> {
        let start = whole.len().checked_sub(self.0.len())?;
        self.take(n)?;
        Some(start..start + n)
    }
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    pub fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    /// A u32 count, length or position.
    pub fn usize(&mut self) -> Option<usize> {
        self.u32().map(|n| n as usize)
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A length-prefixed field ([`Writer::bytes`]).
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.usize()?;
        self.take(n)
    }
    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::{Reader, Writer};

    #[test]
    fn fields_read_back_and_a_short_buffer_reads_none() {
        let mut buf = Vec::new();
        let mut w = Writer(&mut buf);
        w.u32(7);
        w.str("héllo");
        let mut r = Reader(&buf);
        assert_eq!(r.usize(), Some(7));
        assert_eq!(r.str(), Some("héllo"));
        assert!(r.0.is_empty());
        let mut cut = Reader(&buf[..buf.len() - 1]);
        assert_eq!(cut.usize(), Some(7));
        assert_eq!(cut.str(), None);
    }
}
