//! `list` in index order (its JSON, and the rows of its table) written straight from the
//! index file's records: no summaries, no serde, the JSON handed on in chunks. Its bytes
//! are those of serializing `query::Item`s compactly and escaping them as `Ui::json` does
//! (serde_json's escapes, then `\u00NN` for DEL and the C1 controls); tests/it/list_json.rs
//! holds both outputs to the slow path's.

use super::query::{Filter, Row, Scope};
use crate::error::Error;
use crate::lifecycle::SpecSummary;
use crate::spec::claim::Claim;
use crate::store::index::{self, Borrowed, View};
use crate::store::Store;

/// Output is handed on in chunks of about this size, so memory stays bounded.
const CHUNK: usize = 64 * 1024;

/// Writes the JSON array of the first `limit` specs in index order that pass every one of
/// `filters` (all of one scope) to `out`, and whether it could: `false` when the index
/// file cannot be read, and nothing was written (the caller takes the slow path).
pub fn write(
    store: &Store,
    filters: &[Filter],
    limit: Option<usize>,
    out: &dyn Fn(&[u8]) -> Result<(), Error>,
) -> Result<bool, Error> {
    visit(store, filters, limit, |picked| emit(picked, out))
}

/// Runs `show` once over the first `limit` specs in index order that pass every one of
/// `filters`, borrowed from the index file read whole (`list`'s table uses it too), and
/// whether it could: `false` when the file cannot be read, and `show` did not run.
pub fn visit(
    store: &Store,
    filters: &[Filter],
    limit: Option<usize>,
    show: impl Fn(&mut dyn Iterator<Item = Borrowed<'_>>) -> Result<(), Error>,
) -> Result<bool, Error> {
    let snapshot = store.snapshot()?;
    let shown = index::with_view(store, &snapshot, |view| {
        view.read_whole()?;
        // Every record is checked before the first byte goes out, so a damaged file is
        // rebuilt (and read again) instead of ending a half-written output. Only their
        // numbers are kept, and each is borrowed again as it is shown (the same bytes
        // decode the same way), so memory is the file and not a copy of its fields.
        let picked = pick(view, filters, limit.unwrap_or(usize::MAX))?;
        Some(show(&mut picked.iter().filter_map(|&at| view.borrowed(at))))
    })?;
    match shown {
        Some(result) => result.map(|()| true),
        None => Ok(false),
    }
}

fn pick(view: &View, filters: &[Filter], n: usize) -> Option<Vec<usize>> {
    let scope = filters.first().map(|f| f.scope).unwrap_or_default();
    let (lo, hi) = match scope {
        Scope::Live => (0, view.live()),
        Scope::Archived => (view.live(), view.count()),
        Scope::All => (0, view.count()),
    };
    // Labels, type and approval are matched on a summary, as `Filter::matches` does;
    // status and scope need none.
    let by_summary = filters
        .iter()
        .any(|f| !f.labels.is_empty() || f.kind.is_some() || !f.approval.is_empty());
    let mut picked = Vec::new();
    for at in lo..hi {
        if picked.len() >= n {
            break;
        }
        let b = view.borrowed(at)?;
        let keep = if by_summary {
            let spec = summary(&b);
            let row = Row {
                spec: &spec,
                ready: b.ready,
                updated: None,
            };
            filters.iter().all(|f| f.matches(&row))
        } else {
            let in_scope = match scope {
                Scope::Live => !b.archived,
                Scope::Archived => b.archived,
                Scope::All => true,
            };
            in_scope && filters.iter().all(|f| f.status_matches(b.status, b.ready))
        };
        if keep {
            picked.push(at);
        }
    }
    Some(picked)
}

/// The summary a filter looks at (the fields it does not read left empty).
fn summary(b: &Borrowed<'_>) -> SpecSummary {
    let owned = |list: &[&str]| -> Vec<String> { list.iter().map(|s| (*s).to_owned()).collect() };
    SpecSummary {
        id: b.id.to_owned(),
        archived: b.archived,
        blob: String::new(),
        title: String::new(),
        status: b.status.to_owned(),
        kind: b.kind.to_owned(),
        labels: owned(&b.labels),
        depends_on: Vec::new(),
        checked: 0,
        total: 0,
        approval: b.approval.map(str::to_owned),
        approval_required: false,
        claim: b.claim.map(|[by, at, until]| Claim {
            by: by.to_owned(),
            at: at.to_owned(),
            until: until.to_owned(),
        }),
        error: None,
    }
}

fn emit(
    picked: &mut dyn Iterator<Item = Borrowed<'_>>,
    out: &dyn Fn(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut buf = Vec::with_capacity(CHUNK + 4096);
    buf.push(b'[');
    for (k, b) in picked.enumerate() {
        if k > 0 {
            buf.push(b',');
        }
        item(&mut buf, &b);
        if buf.len() >= CHUNK {
            out(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(b"]\n");
    out(&buf)
}

/// One `Item`, its fields in the order `query::Item` declares them.
fn item(buf: &mut Vec<u8>, b: &Borrowed<'_>) {
    let field = |buf: &mut Vec<u8>, name: &str, value: &str| {
        buf.extend_from_slice(name.as_bytes());
        string(buf, value);
    };
    field(buf, "{\"id\":", b.id);
    field(buf, ",\"title\":", b.title);
    field(buf, ",\"status\":", b.status);
    field(buf, ",\"type\":", b.kind);
    buf.extend_from_slice(b",\"labels\":");
    strings(buf, &b.labels);
    buf.extend_from_slice(b",\"depends_on\":");
    strings(buf, &b.depends_on);
    let flag = |buf: &mut Vec<u8>, name: &str, value: bool| {
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(if value { &b"true"[..] } else { b"false" });
    };
    flag(buf, ",\"ready\":", b.ready);
    flag(buf, ",\"archived\":", b.archived);
    buf.extend_from_slice(b",\"criteria\":{\"checked\":");
    number(buf, b.checked);
    buf.extend_from_slice(b",\"total\":");
    number(buf, b.total);
    buf.push(b'}');
    if let Some([by, at, until]) = b.claim {
        field(buf, ",\"claim\":{\"by\":", by);
        field(buf, ",\"at\":", at);
        field(buf, ",\"until\":", until);
        buf.push(b'}');
    }
    if let Some(approval) = b.approval {
        field(buf, ",\"approval\":", approval);
    }
    buf.push(b'}');
}

fn strings(buf: &mut Vec<u8>, list: &[&str]) {
    buf.push(b'[');
    for (k, s) in list.iter().enumerate() {
        if k > 0 {
            buf.push(b',');
        }
        string(buf, s);
    }
    buf.push(b']');
}

fn number(buf: &mut Vec<u8>, n: u32) {
    let mut digits = [0u8; 10];
    let (mut n, mut at) = (n, digits.len());
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[at..]);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The bytes that may need an escape: C0 controls, `"`, `\\`, DEL, and 0xC2 (the first
/// byte of a C1 control); every other byte is copied as it is.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[0x7f] = true;
    table[0xc2] = true;
    table
};

/// `text` as a JSON string: serde_json's escapes (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`,
/// `\r`, other C0 controls as `\u00nn`), and DEL and the C1 controls as `\u00nn` too,
/// as `escape::json` leaves them.
pub fn string(buf: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    buf.push(b'"');
    let mut from = 0;
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if !SPECIAL[usize::from(c)] {
            at += 1;
            continue;
        }
        // A C1 control is U+0080..U+009F: 0xC2 then 0x80..=0x9F in UTF-8.
        let c1 = c == 0xc2 && bytes.get(at + 1).is_some_and(|n| (0x80..=0x9f).contains(n));
        if c == 0xc2 && !c1 {
            at += 1;
            continue;
        }
        buf.extend_from_slice(&bytes[from..at]);
        let short: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0a => b"\\n",
            0x0c => b"\\f",
            0x0d => b"\\r",
            _ => b"",
        };
        if short.is_empty() {
            let code = if c1 { bytes[at + 1] } else { c };
            buf.extend_from_slice(b"\\u00");
            buf.push(HEX[usize::from(code >> 4)]);
            buf.push(HEX[usize::from(code & 0xf)]);
        } else {
            buf.extend_from_slice(short);
        }
        at += if c1 { 2 } else { 1 };
        from = at;
    }
    buf.extend_from_slice(&bytes[from..]);
    buf.push(b'"');
}
