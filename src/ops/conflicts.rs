//! `conflicts`: the both-sided differences merges decided, still unresolved. A conflict is
//! resolved once the spec's field is changed again (`set`, `edit`, or a status command for
//! `status`) after the merge that recorded it.

use std::collections::HashSet;

use serde::Serialize;

use crate::error::Error;
use crate::store::history::history;
use crate::store::trailer::Trailer;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub spec: String,
    pub field: String,
    pub kept: String,
    pub lost: String,
    /// The merge commit that recorded it.
    pub commit: String,
    pub date: String,
}

/// Unresolved conflicts, newest first.
pub fn unresolved(store: &Store) -> Result<Vec<Recorded>, Error> {
    let mut settled: HashSet<(String, String)> = HashSet::new();
    let mut found = Vec::new();
    for commit in history(store)? {
        let op = commit
            .trailer(Trailer::Op)
            .next()
            .unwrap_or_default()
            .to_owned();
        for spec in commit.trailer(Trailer::Spec) {
            let field = match op.as_str() {
                "edit" => Some("*".to_owned()),
                o if o.starts_with("set ") => Some(o[4..].to_owned()),
                o if o.starts_with("status ") || o.starts_with("edit, status") => {
                    Some("status".to_owned())
                }
                _ => None,
            };
            if let Some(field) = field {
                settled.insert((spec.to_owned(), field));
            }
        }
        for value in commit.trailer(Trailer::Conflict) {
            let mut parts = value.splitn(3, ' ');
            let (Some(spec), Some(field), Some(json)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let field = field.replace('_', " ");
            let key = (spec.to_owned(), field.clone());
            let any = (spec.to_owned(), "*".to_owned());
            let top = (
                spec.to_owned(),
                field.split(' ').next().unwrap_or_default().to_owned(),
            );
            if settled.contains(&key) || settled.contains(&any) || settled.contains(&top) {
                continue;
            }
            let values: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
            let text = |k: &str| values[k].as_str().unwrap_or_default().to_owned();
            found.push(Recorded {
                spec: spec.into(),
                field: field.clone(),
                kept: text("kept"),
                lost: text("lost"),
                commit: commit.id.clone(),
                date: commit.date.clone(),
            });
            // An older record of the same field is superseded by this one.
            settled.insert(key);
        }
    }
    Ok(found)
}
