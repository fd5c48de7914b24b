//! `activity`: what happened across the ledger, newest first, read from the ledger commits'
//! trailers (`Chant-Spec`, `Chant-Op`, `Chant-Driver`, `Chant-Conflict`) and the `landed`
//! events of the notes, never by diffing trees commit by commit. The table from operation
//! strings to event kinds is [`kind_of`], the one place that knows what ops mean here.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::Error;
use crate::lifecycle::Status;
use crate::notes::{self, Event};
use crate::store::history::{history, LedgerCommit};
use crate::store::index::Index;
use crate::store::paths::NOTES_REF;
use crate::store::trailer::Trailer;
use crate::store::{Context, Store};

/// What an entry of the feed says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Created,
    Started,
    Ticked,
    Unticked,
    Paused,
    Completed,
    Failed,
    NeedsAttention,
    Cancelled,
    Reopened,
    Approved,
    Rejected,
    Landed,
    Conflict,
    Archived,
}

impl Kind {
    /// The name people and `--json` read: a move to a status is named for the status.
    pub fn name(self) -> String {
        let status = match self {
            Kind::Created => "created",
            Kind::Started => "started",
            Kind::Ticked => "ticked",
            Kind::Unticked => "unticked",
            Kind::Reopened => "reopened",
            Kind::Approved => "approved",
            Kind::Rejected => "rejected",
            Kind::Landed => "landed",
            Kind::Conflict => "conflict",
            Kind::Archived => "archived",
            Kind::Paused => return Status::Paused.as_str().to_owned(),
            Kind::Completed => return Status::Completed.as_str().to_owned(),
            Kind::Failed => return Status::Failed.as_str().to_owned(),
            Kind::NeedsAttention => return Status::NeedsAttention.as_str().to_owned(),
            Kind::Cancelled => return Status::Cancelled.as_str().to_owned(),
        };
        status.to_owned()
    }

    /// The kind a move to status `to` is.
    fn of_status(to: &str) -> Option<Kind> {
        Some(match Status::of(to) {
            Status::InProgress => Kind::Started,
            Status::Paused => Kind::Paused,
            Status::Completed => Kind::Completed,
            Status::Failed => Kind::Failed,
            Status::NeedsAttention => Kind::NeedsAttention,
            Status::Cancelled => Kind::Cancelled,
            Status::Pending => Kind::Reopened,
            Status::Unknown(_) => return None,
        })
    }
}

/// The one table from a `Chant-Op` value (as the writers in `src/ops` and `src/work` spell
/// it) to the kind of event it is, with what it adds (the criteria ticked, the move).
/// Ops that are no event of the feed (`set`, `edit` without a move, claims, `record
/// commit`, `merge`, …) are `None`. `landed` is `None` too: the landing's note event is
/// the record of it (the ledger commit is only written when it has a field to clear).
pub fn kind_of(op: &str) -> Option<(Kind, String)> {
    let (word, rest) = op.split_once(' ').unwrap_or((op, ""));
    let moved = |text: &str| {
        let (from, to) = text.split_once(" -> ")?;
        Kind::of_status(to.trim()).map(|k| (k, format!("{} -> {}", from.trim(), to.trim())))
    };
    match word {
        "add" => Some((Kind::Created, String::new())),
        "status" => moved(rest),
        // `edit, status a -> b`: an edit that changed the status.
        "edit," => rest.strip_prefix("status ").and_then(moved),
        "check" => Some((Kind::Ticked, criteria(rest))),
        "uncheck" => Some((Kind::Unticked, criteria(rest))),
        "approve" | "approved" => Some((Kind::Approved, rest.to_owned())),
        "reject" | "rejected" => Some((Kind::Rejected, rest.to_owned())),
        "archive" => Some((Kind::Archived, String::new())),
        _ if op == "merge conflict" => Some((Kind::Conflict, String::new())),
        _ => None,
    }
}

/// `1` as `criterion 1`, `1,3` as `criteria 1,3`.
fn criteria(numbers: &str) -> String {
    let word = if numbers.contains(',') {
        "criteria"
    } else {
        "criterion"
    };
    format!("{word} {numbers}")
}

/// One entry of the feed.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// The author of the ledger commit (the committer of a landed commit).
    pub by: String,
    pub email: String,
    pub spec: String,
    #[serde(rename = "event")]
    pub kind: Kind,
    /// The spec's title now; empty when the spec is gone from the ledger.
    pub title: String,
    /// What the op adds: the criteria ticked, `from -> to`, where it landed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// The ledger commit, or the landed code commit.
    pub commit: String,
}

/// Which entries to keep; `None` keeps all.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only at or after this `YYYY-MM-DDTHH:MM:SSZ`.
    pub since: Option<String>,
    /// Only by someone whose `Name <email>` contains this, ignoring case.
    pub by: Option<String>,
    /// Only this spec (a full id).
    pub spec: Option<String>,
}

impl Query {
    fn keeps(&self, e: &Entry) -> bool {
        let who = || format!("{} <{}>", e.by, e.email).to_lowercase();
        self.since
            .as_ref()
            .is_none_or(|s| e.at.as_str() >= s.as_str())
            && self.spec.as_ref().is_none_or(|s| *s == e.spec)
            && self
                .by
                .as_ref()
                .is_none_or(|b| who().contains(&b.to_lowercase()))
    }
}

/// The feed, newest first (ties in the order the history walk met them), filtered by
/// `query`, at most `limit` entries.
pub fn feed(
    store: &Store,
    index: &Index,
    query: &Query,
    limit: Option<usize>,
) -> Result<Vec<Entry>, Error> {
    let title = |id: &str| index.get(id).map(|s| s.title.clone()).unwrap_or_default();
    // Landings first: one in the same second as a ledger commit came after it (a spec is
    // completed before it lands), and the sort below keeps ties in this order.
    let mut entries = landings(store, &title)?;
    for commit in history(store)? {
        for (spec, kind, detail) in events_of(&commit) {
            entries.push(Entry {
                at: commit.date.clone(),
                by: commit.author.clone(),
                email: commit.email.clone(),
                title: title(&spec),
                spec,
                kind,
                detail,
                commit: commit.id.clone(),
            });
        }
    }
    entries.retain(|e| query.keeps(e));
    // Dates are fixed-width UTC, so text order is time order; the sort is stable.
    entries.sort_by(|a, b| b.at.cmp(&a.at));
    if let Some(n) = limit {
        entries.truncate(n);
    }
    Ok(entries)
}

/// The events one ledger commit records: `(spec, kind, detail)`.
fn events_of(commit: &LedgerCommit) -> Vec<(String, Kind, String)> {
    let specs: Vec<&str> = commit.trailer(Trailer::Spec).collect();
    let ops: Vec<&str> = commit.trailer(Trailer::Op).collect();
    let mut found = Vec::new();
    let mut push = |spec: &str, op: &str| {
        if let Some((k, d)) = kind_of(op) {
            found.push((spec.to_owned(), k, d));
        }
    };
    match specs.as_slice() {
        [] => {}
        [one] => ops.iter().for_each(|op| push(one, op)),
        // `record` names its specs last-recorded first, then one op per transition in
        // recorded order: paired back to front when every spec moved. Otherwise which op
        // is whose is unknown, and they are left out rather than guessed.
        many if many.len() == ops.len() => {
            for (spec, op) in many.iter().rev().zip(&ops) {
                push(spec, op);
            }
        }
        _ => {}
    }
    // A driver that moved with its members: `Chant-Driver: <id> <from> -> <to>`.
    for value in commit.trailer(Trailer::Driver) {
        if let Some((id, moved)) = value.split_once(' ') {
            if let Some((k, d)) = kind_of(&format!("status {moved}")) {
                found.push((id.to_owned(), k, d));
            }
        }
    }
    // A both-sided difference a merge decided: `Chant-Conflict: <spec> <field> <json>`.
    for value in commit.trailer(Trailer::Conflict) {
        let mut parts = value.splitn(3, ' ');
        if let (Some(spec), Some(field)) = (parts.next(), parts.next()) {
            found.push((spec.to_owned(), Kind::Conflict, field.replace('_', " ")));
        }
    }
    found
}

/// The `landed` events of the notes, each by the committer of the commit it annotates (who
/// put it on the target branch). Every note is read: they are one per code commit.
fn landings(store: &Store, title: &dyn Fn(&str) -> String) -> Result<Vec<Entry>, Error> {
    let repo = store.repo();
    let mut found = Vec::new();
    let mut committers: HashMap<gix::ObjectId, (String, String)> = HashMap::new();
    for (object, blob) in notes::list(store, NOTES_REF)? {
        let data = repo
            .find_blob(blob)
            .context(|| format!("reading note blob {blob}"))?
            .data
            .clone();
        let text = String::from_utf8_lossy(&data);
        for event in text.lines().filter_map(|l| Event::parse(l).ok()) {
            if event.event != "landed" {
                continue;
            }
            let (by, email) = match committers.get(&object) {
                Some(who) => who.clone(),
                None => {
                    let who = committer(repo, object);
                    committers.insert(object, who.clone());
                    who
                }
            };
            let detail = event
                .attrs
                .iter()
                .find(|(k, _)| k == "into")
                .map(|(_, v)| format!("into {v}"))
                .unwrap_or_default();
            found.push(Entry {
                at: event.at.clone(),
                by,
                email,
                title: title(&event.spec),
                spec: event.spec.clone(),
                kind: Kind::Landed,
                detail,
                commit: object.to_string(),
            });
        }
    }
    Ok(found)
}

/// The committer of `commit`, empty when it is not in this repository.
fn committer(repo: &gix::Repository, commit: gix::ObjectId) -> (String, String) {
    repo.find_commit(commit)
        .ok()
        .and_then(|c| {
            c.committer()
                .ok()
                .map(|s| (s.name.to_string(), s.email.to_string()))
        })
        .unwrap_or_default()
}

/// `text` cut to at most `width` characters (never inside one), `…` marking a cut.
pub fn fit(text: &str, width: usize) -> String {
    match text.char_indices().nth(width) {
        None => text.to_owned(),
        Some(_) => {
            let end = text
                .char_indices()
                .nth(width.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            format!("{}…", &text[..end])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{events_of, fit, kind_of, Kind};
    use crate::store::history::LedgerCommit;

    fn commit(trailers: &[(&str, &str)]) -> LedgerCommit {
        LedgerCommit {
            id: "0".repeat(40),
            author: "A".into(),
            email: "a@example.com".into(),
            date: "2026-02-02T14:27:53Z".into(),
            subject: "chant: x".into(),
            trailers: trailers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            parent: None,
        }
    }

    #[test]
    fn a_record_commit_pairs_its_ops_back_to_front_or_not_at_all() {
        let both = commit(&[
            ("Chant-Spec", "b"),
            ("Chant-Spec", "a"),
            ("Chant-Op", "status in_progress -> completed"),
            ("Chant-Op", "status pending -> in_progress"),
        ]);
        let found: Vec<(String, Kind)> = events_of(&both)
            .into_iter()
            .map(|(s, k, _)| (s, k))
            .collect();
        assert_eq!(
            found,
            [("a".into(), Kind::Completed), ("b".into(), Kind::Started)]
        );
        let unsure = commit(&[
            ("Chant-Spec", "b"),
            ("Chant-Spec", "a"),
            ("Chant-Op", "status in_progress -> completed"),
        ]);
        assert!(events_of(&unsure).is_empty());
        let driver = commit(&[
            ("Chant-Spec", "m"),
            ("Chant-Op", "status in_progress -> completed"),
            ("Chant-Driver", "d in_progress -> completed"),
            ("Chant-Conflict", "m labels [\"x\"]"),
        ]);
        let kinds: Vec<(String, Kind, String)> = events_of(&driver);
        assert_eq!(kinds.len(), 3);
        assert_eq!((kinds[1].0.as_str(), kinds[1].1), ("d", Kind::Completed));
        assert_eq!(
            (kinds[2].0.as_str(), kinds[2].1, kinds[2].2.as_str()),
            ("m", Kind::Conflict, "labels")
        );
    }

    #[test]
    fn ops_map_to_kinds() {
        assert_eq!(kind_of("add").map(|k| k.0), Some(Kind::Created));
        assert_eq!(
            kind_of("status pending -> in_progress"),
            Some((Kind::Started, "pending -> in_progress".into()))
        );
        assert_eq!(
            kind_of("edit, status in_progress -> completed").map(|k| k.0),
            Some(Kind::Completed)
        );
        assert_eq!(
            kind_of("check 1,3"),
            Some((Kind::Ticked, "criteria 1,3".into()))
        );
        assert_eq!(kind_of("approve").map(|k| k.0), Some(Kind::Approved));
        assert_eq!(kind_of("reject").map(|k| k.0), Some(Kind::Rejected));
        assert_eq!(kind_of("merge conflict").map(|k| k.0), Some(Kind::Conflict));
        assert_eq!(kind_of("set labels"), None);
        assert_eq!(kind_of("landed"), None);
        assert_eq!(kind_of("edit"), None);
    }

    #[test]
    fn fitting_never_cuts_a_character() {
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(fit("ab—cd", 3), "ab…");
        assert_eq!(fit("a—bcd", 3), "a—…");
    }
}
