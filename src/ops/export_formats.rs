//! `export --format json|csv|markdown`: the specs as data, in upstream chant's shapes (JSON
//! `{exported_at, count, specs}`, one CSV row per spec under a header, a markdown list of
//! `## <id>: <title>` sections), with the fields chosen by name. Spec text is untrusted:
//! CSV cells that a spreadsheet would run as a formula are defused, markdown is escaped.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::error::Error;
use crate::ops::query::Row;
use crate::spec::Spec;
use crate::store::history::history;
use crate::store::trailer::Trailer;
use crate::store::Store;

/// Every field, in column order. `state` is `ready`/`blocked` for a pending spec, else
/// the status; `commit` is the last of `commits` (upstream's one commit); `created_at` is
/// the date of the ledger's `add` commit (empty for a spec imported or written by plumbing).
pub const FIELDS: &[&str] = &[
    "id",
    "title",
    "status",
    "state",
    "type",
    "labels",
    "depends_on",
    "created_at",
    "completed_at",
    "commit",
    "commits",
    "branch",
    "prompt",
    "model",
    "criteria_checked",
    "criteria_total",
    "archived",
];

/// Upstream's default columns, less the cost ones git chant does not track, plus `type`.
pub const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "title",
    "status",
    "type",
    "created_at",
    "completed_at",
    "labels",
    "commit",
];

/// The fields `--fields` names: `all`, or names from [`FIELDS`] separated by commas, each
/// once. The unknown name is the error.
pub fn parse_fields(text: &str) -> Result<Vec<&'static str>, String> {
    if text.trim() == "all" {
        return Ok(FIELDS.to_vec());
    }
    let mut fields = Vec::new();
    for name in text.split(',').map(str::trim) {
        let Some(field) = FIELDS.iter().find(|f| **f == name) else {
            return Err(format!(
                "no field `{name}`; the fields are {} (or `all`)",
                FIELDS.join(", ")
            ));
        };
        if !fields.contains(field) {
            fields.push(*field);
        }
    }
    Ok(fields)
}

/// One spec as `(field, value)` pairs in the order asked for.
pub type Record = Vec<(&'static str, Value)>;

/// The records of `rows`, with `fields`. Spec files are read only for the fields the index
/// does not hold, the history only for `created_at`.
pub fn records(
    store: &Store,
    rows: &[Row<'_>],
    fields: &[&'static str],
) -> Result<Vec<Record>, Error> {
    let from_file = [
        "completed_at",
        "commit",
        "commits",
        "branch",
        "prompt",
        "model",
    ];
    let read = fields.iter().any(|f| from_file.contains(f));
    let created = if fields.contains(&"created_at") {
        created(store)?
    } else {
        HashMap::new()
    };
    let snapshot = store.snapshot()?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let s = row.spec;
        let spec = match (read, gix::ObjectId::from_hex(s.blob.as_bytes())) {
            (true, Ok(blob)) => Spec::parse(&s.id, &snapshot.blob(blob)?).ok(),
            _ => None,
        };
        let text = |v: Option<&str>| v.map_or(Value::Null, |t| Value::from(t.to_owned()));
        let commits: Vec<&str> = spec.as_ref().map(|p| p.commits()).unwrap_or_default();
        let record = fields
            .iter()
            .map(|&field| {
                let value = match field {
                    "id" => json!(s.id),
                    "title" => json!(s.title),
                    "status" => json!(s.status),
                    "state" => json!(row.state()),
                    "type" => json!(s.kind),
                    "labels" => json!(s.labels),
                    "depends_on" => json!(s.depends_on),
                    "created_at" => text(created.get(&s.id).map(String::as_str)),
                    "completed_at" => text(spec.as_ref().and_then(|p| p.completed_at())),
                    "commit" => text(commits.last().copied()),
                    "commits" => json!(commits),
                    "branch" => text(spec.as_ref().and_then(|p| p.branch())),
                    "prompt" => text(spec.as_ref().and_then(|p| p.prompt())),
                    "model" => text(spec.as_ref().and_then(|p| p.model())),
                    "criteria_checked" => json!(s.checked),
                    "criteria_total" => json!(s.total),
                    _ => json!(s.archived),
                };
                (field, value)
            })
            .collect();
        out.push(record);
    }
    Ok(out)
}

/// When each spec was added: the author date of the ledger commit with its `add` op (the
/// oldest, should a spec have been added twice, removed in between).
fn created(store: &Store) -> Result<HashMap<String, String>, Error> {
    let mut dates = HashMap::new();
    for commit in history(store)? {
        if commit.trailer(Trailer::Op).any(|op| op == "add") {
            for spec in commit.trailer(Trailer::Spec) {
                dates.insert(spec.to_owned(), commit.date.clone());
            }
        }
    }
    Ok(dates)
}

/// `{exported_at, count, specs}`, as upstream writes it.
pub fn to_json(records: &[Record], now: &str) -> Value {
    let specs: Vec<Value> = records
        .iter()
        .map(|r| {
            Value::Object(
                r.iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect::<Map<_, _>>(),
            )
        })
        .collect();
    json!({"exported_at": now, "count": records.len(), "specs": specs})
}

/// A value as one cell or line: lists joined by `,` (CSV) or `, ` (markdown), null empty.
fn flat(value: &Value, comma: &str) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|v| flat(v, comma))
            .collect::<Vec<_>>()
            .join(comma),
        other => other.to_string(),
    }
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
/// return before one) gets a leading `'`, which spreadsheets show as text and do not run.
/// Every cell is treated alike, so a title `-1 day` reads `'-1 day` in the file.
pub fn defuse(cell: String) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell,
    }
}

/// A header row of the field names, then one row per record.
pub fn to_csv(records: &[Record], fields: &[&'static str]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(fields)?;
    for record in records {
        writer.write_record(record.iter().map(|(_, v)| defuse(flat(v, ","))))?;
    }
    writer.flush()?;
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// Markdown metacharacters and HTML escaped, so a title shows as its text wherever the
/// markdown is rendered (a `<script>` title is text, not a tag); a line break is a space.
pub fn escape_markdown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        // `_` inside a word (`in_progress`) is no emphasis in CommonMark: left as it is.
        let inside_word = |i: usize| {
            let word = |j: Option<usize>| {
                j.and_then(|j| chars.get(j))
                    .is_some_and(|c| c.is_alphanumeric())
            };
            word(i.checked_sub(1)) && word(Some(i + 1))
        };
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '_' if inside_word(i) => out.push(c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `# Spec Export`, the count, then `## <id>: <title>` and a `- Field: value` line per other
/// field, as upstream writes it.
pub fn to_markdown(records: &[Record]) -> String {
    let mut out = format!("# Spec Export\nCount: {}\n", records.len());
    for record in records {
        let get = |name: &str| {
            record
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| flat(v, ", "))
        };
        let heading = match (get("id"), get("title")) {
            (Some(id), Some(title)) => {
                format!("{}: {}", escape_markdown(&id), escape_markdown(&title))
            }
            (Some(one), None) | (None, Some(one)) => escape_markdown(&one),
            (None, None) => "spec".to_owned(),
        };
        out.push_str(&format!("\n## {heading}\n"));
        for (field, value) in record {
            if matches!(*field, "id" | "title") {
                continue;
            }
            let line = format!(
                "- {}: {}",
                label(field),
                escape_markdown(&flat(value, ", "))
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// `created_at` as `Created at`.
fn label(field: &str) -> String {
    let spaced = field.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{defuse, escape_markdown, label, parse_fields};

    #[test]
    fn fields_parse_by_name_or_all() {
        assert_eq!(parse_fields("id, title,id").unwrap(), ["id", "title"]);
        assert_eq!(parse_fields("all").unwrap().len(), super::FIELDS.len());
        assert!(parse_fields("id,cost").unwrap_err().contains("`cost`"));
    }

    #[test]
    fn formulas_are_defused_and_markdown_escaped() {
        assert_eq!(defuse("=1+1".into()), "'=1+1");
        assert_eq!(defuse("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(defuse("plain".into()), "plain");
        assert_eq!(
            escape_markdown("<script>&\"'*"),
            "&lt;script&gt;&amp;\"'\\*"
        );
        assert_eq!(label("created_at"), "Created at");
        assert_eq!(escape_markdown("in_progress _x_"), "in_progress \\_x\\_");
    }
}
