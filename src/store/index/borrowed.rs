//! One record's fields borrowed from an index file read whole, for the commands that
//! write every record out (`list --json`) without building a summary of each.

use super::format::{self, u32_at, Record, RECORD_LEN, REF_LEN};
use super::View;

/// The fields of one record `list --json` shows, borrowed from the file.
pub struct Borrowed<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub status: &'a str,
    pub kind: &'a str,
    pub labels: Vec<&'a str>,
    pub depends_on: Vec<&'a str>,
    pub checked: u32,
    pub total: u32,
    pub ready: bool,
    pub archived: bool,
    pub approval: Option<&'a str>,
    /// `by`, `at`, `until`.
    pub claim: Option<[&'a str; 3]>,
}

impl View {
    /// Record `n`'s fields as the JSON of `list` shows them, borrowed from the file in
    /// memory (after `read_whole`): no summary is built.
    pub fn borrowed(&self, n: usize) -> Option<Borrowed<'_>> {
        let at = n.checked_mul(RECORD_LEN)?;
        let r = Record::decode(self.section(format::RECORDS)?.get(at..at + RECORD_LEN)?)?;
        let (strings, lists) = (self.section(format::STRINGS)?, self.section(format::LISTS)?);
        let text = |(at, len): (u32, u32)| {
            let (at, len) = (at as usize, len as usize);
            std::str::from_utf8(strings.get(at..at.checked_add(len)?)?).ok()
        };
        let list = |(first, count): (u32, u32)| -> Option<Vec<&str>> {
            let at = (first as usize).checked_mul(REF_LEN)?;
            let end = at.checked_add((count as usize).checked_mul(REF_LEN)?)?;
            let refs = lists.get(at..end)?.chunks_exact(REF_LEN);
            refs.map(|c| text((u32_at(c, 0)?, u32_at(c, 4)?))).collect()
        };
        let has = |bit: u8| r.flags & bit != 0;
        let wanted = u32::from(has(format::HAS_APPROVAL))
            + 3 * u32::from(has(format::HAS_CLAIM))
            + u32::from(has(format::HAS_ERROR));
        let mut extra = list((r.extra, wanted))?.into_iter();
        let mut next = |bit: u8| {
            if has(bit) {
                extra.next().map(Some)
            } else {
                Some(None)
            }
        };
        let approval = next(format::HAS_APPROVAL)?;
        let claim = match next(format::HAS_CLAIM)? {
            Some(by) => Some([by, extra.next()?, extra.next()?]),
            None => None,
        };
        Some(Borrowed {
            id: text(r.id)?,
            title: text(r.title)?,
            status: text(r.status)?,
            kind: text(r.kind)?,
            labels: list(r.labels)?,
            depends_on: list(r.depends_on)?,
            checked: r.checked,
            total: r.total,
            ready: has(format::IS_READY),
            archived: has(format::ARCHIVED),
            approval,
            claim,
        })
    }
}
