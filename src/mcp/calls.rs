//! The read-only tools: each parses its arguments, opens the repository named by `repo`
//! (or the server's directory) and returns the report the command line prints as JSON.

use serde_json::{json, Value};

use super::args::{self, parse};
use super::tools::Fail;
use crate::ops::query::{self, Filter, Item, Scope, SortKey};
use crate::ops::view::{self, Transcript};
use crate::store::index::Index;
use crate::store::runs;
use crate::store::Store;

/// Specs a `list` page holds unless `limit` says otherwise.
const PAGE: usize = 50;
/// The most text one `transcript` page holds.
const PAGE_BYTES: usize = 8 * 1024;

/// The repository `repo` names, opened the way git opens it.
pub fn open(repo: &Option<String>) -> Result<Store, Fail> {
    Ok(Store::open(repo.as_deref().unwrap_or("."))?)
}

fn value(report: impl serde::Serialize) -> Result<Value, Fail> {
    serde_json::to_value(report).map_err(|e| Fail::Args(e.to_string()))
}

fn positive(limit: Option<usize>) -> Result<Option<usize>, Fail> {
    match limit {
        Some(0) => Err(Fail::Args("`limit` is at least 1".into())),
        other => Ok(other),
    }
}

pub fn list(arguments: Value) -> Result<Value, Fail> {
    let a: args::List = parse(arguments)?;
    let known = query::status_values();
    if let Some(bad) = a.status.iter().find(|s| !known.contains(&s.as_str())) {
        return Err(Fail::Args(format!(
            "unknown status `{bad}`: one of {}",
            known.join(", ")
        )));
    }
    if let Some(kind) = a
        .kind
        .as_deref()
        .filter(|k| !crate::spec::TYPES.contains(k))
    {
        return Err(Fail::Args(format!(
            "unknown type `{kind}`: one of {}",
            crate::spec::TYPES.join(", ")
        )));
    }
    let offset = match &a.cursor {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| Fail::Args(format!("cursor `{c}` is not a nextCursor list gave")))?,
    };
    let limit = positive(a.limit)?.unwrap_or(PAGE);
    let store = open(&a.repo)?;
    let snapshot = store.snapshot()?;
    let index = Index::load(&store, &snapshot)?;
    let filter = Filter {
        statuses: a.status,
        labels: a.label,
        kind: a.kind,
        scope: match a.scope {
            None | Some(args::Scope::Live) => Scope::Live,
            Some(args::Scope::Archived) => Scope::Archived,
            Some(args::Scope::All) => Scope::All,
        },
        approval: a.approval,
    };
    let mut rows = query::select(&index, &filter);
    if let Some(sort) = a.sort {
        let key = match sort {
            args::Sort::Id => SortKey::Id,
            args::Sort::Status => SortKey::Status,
            args::Sort::Title => SortKey::Title,
            args::Sort::Updated => SortKey::Updated,
        };
        query::sort(&store, &mut rows, key)?;
    }
    let total = rows.len();
    let page: Vec<Item> = rows.iter().skip(offset).take(limit).map(Item::of).collect();
    let mut out = json!({"specs": page, "total": total});
    if offset.saturating_add(limit) < total {
        out["nextCursor"] = json!((offset + limit).to_string());
    }
    Ok(out)
}

pub fn show(arguments: Value) -> Result<Value, Fail> {
    let a: args::One = parse(arguments)?;
    let store = open(&a.repo)?;
    let snapshot = store.snapshot()?;
    let id = crate::ops::resolve(&store, &snapshot, &a.id)?;
    let entry = snapshot
        .locate(&id)?
        .ok_or(crate::spec::id::IdError::Unknown { id })?;
    let bytes = snapshot.blob(entry.blob)?;
    let view = view::view(&store, &snapshot, entry, &bytes)?;
    let mut shown = view.to_json();
    // Transcripts can be megabytes: named here, read with `transcript`.
    shown["transcripts"] = view
        .transcripts
        .iter()
        .map(|t| json!({"commit": t.commit, "bytes": t.note.len()}))
        .collect();
    Ok(shown)
}

pub fn ready(arguments: Value) -> Result<Value, Fail> {
    let a: args::Ready = parse(arguments)?;
    let limit = positive(a.limit)?;
    let store = open(&a.repo)?;
    let snapshot = store.snapshot()?;
    let index = Index::load(&store, &snapshot)?;
    let filter = Filter {
        statuses: vec!["ready".to_owned()],
        ..Filter::default()
    };
    let mut rows = query::select(&index, &filter);
    query::dependency_order(&index, &mut rows);
    query::limit(&mut rows, limit);
    let items: Vec<Item> = rows.iter().map(Item::of).collect();
    Ok(json!({"specs": items}))
}

pub fn status(arguments: Value) -> Result<Value, Fail> {
    let a: args::RepoOnly = parse(arguments)?;
    let store = open(&a.repo)?;
    let snapshot = store.snapshot()?;
    let index = Index::load(&store, &snapshot)?;
    value(crate::ops::reports::status(&store, &index))
}

pub fn search(arguments: Value) -> Result<Value, Fail> {
    let a: args::Search = parse(arguments)?;
    let limit = positive(a.limit)?;
    let store = open(&a.repo)?;
    let snapshot = store.snapshot()?;
    let found = crate::ops::search::search(&store, &snapshot, &a.text)?;
    let mut rows = found.rows();
    query::limit(&mut rows, limit);
    let items: Vec<Item> = rows.iter().map(Item::of).collect();
    Ok(json!({"specs": items}))
}

pub fn lint(arguments: Value) -> Result<Value, Fail> {
    let a: args::Lint = parse(arguments)?;
    value(crate::ops::reports::lint(&open(&a.repo)?, &a.ids)?)
}

pub fn log(arguments: Value) -> Result<Value, Fail> {
    let a: args::One = parse(arguments)?;
    Ok(crate::ops::reports::log(&open(&a.repo)?, &a.id)?.to_json())
}

pub fn transcript(arguments: Value) -> Result<Value, Fail> {
    let a: args::Transcript = parse(arguments)?;
    let page = match a.page {
        Some(0) => return Err(Fail::Args("`page` is at least 1".into())),
        p => p.unwrap_or(1),
    };
    let store = open(&a.repo)?;
    let (id, commit, count, note) = if a.live {
        let id = crate::ops::resolve(&store, &store.snapshot()?, &a.id)?;
        crate::spec::id::validate(&id)?;
        let log = std::fs::read(runs::log_path(&store, &id)).unwrap_or_default();
        (id, None, 0, String::from_utf8_lossy(&log).into_owned())
    } else {
        let (id, notes) = crate::ops::transcript::of_spec(&store, &a.id, a.commit.as_deref())?;
        let count = notes.len();
        match notes.into_iter().last() {
            Some((c, bytes)) => (
                id,
                Some(c),
                count,
                String::from_utf8_lossy(&bytes).into_owned(),
            ),
            None => (id, None, 0, String::new()),
        }
    };
    let t = Transcript {
        commit: commit.clone().unwrap_or_default(),
        note,
    };
    let header: Value = serde_yaml::from_str(t.split().0).unwrap_or_default();
    let text = t.readable();
    let pages = pages(&text, PAGE_BYTES);
    let shown = pages.get(page - 1).copied().unwrap_or_default();
    Ok(json!({
        "id": id,
        "commit": commit,
        "transcripts": count,
        "header": if header.is_object() { header } else { json!({}) },
        "page": page,
        "pages": pages.len(),
        "text": shown,
    }))
}

/// `text` cut into pages of at most `size` bytes, at line ends where a line fits.
fn pages(text: &str, size: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(size);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        if end < rest.len() {
            if let Some(line) = rest[..end].rfind('\n') {
                end = line + 1;
            }
        }
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    if out.is_empty() {
        out.push("");
    }
    out
}

pub fn runs(arguments: Value) -> Result<Value, Fail> {
    let a: args::RepoOnly = parse(arguments)?;
    let store = open(&a.repo)?;
    let (stale, running): (Vec<_>, Vec<_>) =
        runs::all(&store).into_iter().partition(runs::Run::is_stale);
    let stale: Vec<String> = stale.into_iter().map(|r| r.id).collect();
    Ok(json!({
        "running": running,
        "stale": stale,
        "launched": crate::work::detach::launches(&store),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_end_at_line_ends_and_cover_the_text() {
        let text = "one\ntwo\nthree\n";
        assert_eq!(super::pages(text, 9), vec!["one\ntwo\n", "three\n"]);
        assert_eq!(super::pages("abcdef", 4), vec!["abcd", "ef"]);
        assert_eq!(super::pages("", 4), vec![""]);
        assert_eq!(super::pages("ééé", 3).concat(), "ééé");
    }
}
