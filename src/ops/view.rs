//! What `show` presents of one spec, as a report any front end prints: the spec, its
//! readiness and what blocks it, its acceptance criteria numbered as `check` takes them, a
//! driver's members with their states, the status events noted on its commits, and its
//! transcripts (header and text apart, so a front end can show the end of a long one; an
//! agent's JSON stream readable as a session).

use std::borrow::Cow;

use serde::Serialize;

use crate::error::Error;
use crate::lifecycle;
use crate::lifecycle::SpecSummary;
use crate::notes::{self, Event};
use crate::spec::{Criterion, Spec};
use crate::store::ledger::{Snapshot, SpecEntry};
use crate::store::Store;

use super::lookup::{self, neighbours};

/// One spec as `show` presents it.
pub struct View {
    pub entry: SpecEntry,
    pub spec: Spec,
    pub summary: SpecSummary,
    pub ready: bool,
    /// Why it is not ready (empty when nothing blocks it).
    pub blocked_by: Vec<String>,
    /// Numbered from 1, the numbers `git chant check <id> <n>` takes.
    pub criteria: Vec<Criterion>,
    /// A driver's members (`<id>.N`) in member order; empty for other specs.
    pub members: Vec<Member>,
    /// `(commit, event)` for the status events of this spec on its commits.
    pub events: Vec<(String, Event)>,
    /// Oldest first.
    pub transcripts: Vec<Transcript>,
}

/// A driver's member, with what its line in `show` needs.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: String,
    pub title: String,
    pub status: String,
    pub ready: bool,
    /// `ready`/`blocked` for a pending member, else its status.
    pub state: String,
}

impl View {
    /// `show --json`: the spec, its frontmatter and body, readiness, criteria, members,
    /// events and transcripts (whole).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let frontmatter =
            serde_json::to_value(self.spec.frontmatter().to_mapping()).unwrap_or_default();
        let s = &self.summary;
        let mut shown = json!({
            "id": self.entry.id,
            "title": s.title,
            "status": s.status,
            "type": s.kind,
            "archived": self.entry.archived,
            "frontmatter": frontmatter,
            "body": self.spec.body(),
            "ready": self.ready,
            "blocked_by": self.blocked_by,
            "criteria": {"checked": s.checked, "total": s.total, "items": self.criteria},
            "members": self.members,
            "notes": self.events.iter().map(|(c, e)| json!({"commit": c, "line": e.to_line()})).collect::<Vec<_>>(),
            "transcripts": self.transcripts.iter().map(|t| json!({"commit": t.commit, "text": t.note})).collect::<Vec<_>>(),
        });
        // Only a spec with a claim has the field, as in `list --json`.
        if let (Some(claim), Some(map)) = (&s.claim, shown.as_object_mut()) {
            map.insert("claim".into(), json!(claim));
        }
        shown
    }
}

/// One agent transcript note: a YAML header between `---` lines, then the text.
#[derive(Debug, Clone)]
pub struct Transcript {
    pub commit: String,
    /// The whole note, as stored.
    pub note: String,
}

impl Transcript {
    /// The header's lines (without the `---` lines) and the text after it; no header when
    /// the note does not start with one.
    pub fn split(&self) -> (&str, &str) {
        let Some(rest) = self.note.strip_prefix("---\n") else {
            return ("", &self.note);
        };
        if let Some(text) = rest.strip_prefix("---\n") {
            return ("", text);
        }
        match rest.find("\n---\n") {
            Some(end) => (&rest[..end + 1], &rest[end + 5..]),
            None => ("", &self.note),
        }
    }

    /// The text as people read it: an agent's JSON stream (`session` recognises Claude
    /// Code's, Codex's and Gemini's) rendered as a session, any other text as stored.
    pub fn readable(&self) -> Cow<'_, str> {
        let text = self.split().1;
        match crate::session::parse(text) {
            Some(session) => Cow::Owned(crate::session::render(&session.events)),
            None => Cow::Borrowed(text),
        }
    }
}

/// The last `lines` lines of `text`, and how many lines come before them.
pub fn tail(text: &str, lines: usize) -> (usize, &str) {
    let text = text.trim_end_matches('\n');
    let total = text.lines().count();
    if total <= lines {
        return (0, text);
    }
    let skip = total - lines;
    let start = text
        .match_indices('\n')
        .nth(skip - 1)
        .map_or(0, |(at, _)| at + 1);
    (skip, &text[start..])
}

/// The view of the spec at `entry` (its blob `bytes`, already read).
pub fn view(
    store: &Store,
    snapshot: &Snapshot<'_>,
    entry: SpecEntry,
    bytes: &[u8],
) -> Result<View, Error> {
    let spec = Spec::parse(&entry.id, bytes)?;
    let summary = SpecSummary::from_spec(&entry.place(), &spec);
    let (ready, blocked_by) = readiness(snapshot, &summary)?;
    let mut member_list = Vec::new();
    for id in super::partial::members(store, snapshot, &entry.id)? {
        let Some(member) = lookup::summary(snapshot, &id)? else {
            continue;
        };
        let (ready, _) = readiness(snapshot, &member)?;
        member_list.push(Member {
            state: lifecycle::state(&member.status, ready).to_owned(),
            id,
            title: member.title,
            status: member.status,
            ready,
        });
    }
    let events = commit_events(store, &entry.id, &spec)?;
    let transcripts = super::transcript::transcripts(store, &entry.id, &spec)?
        .into_iter()
        .map(|(commit, note)| Transcript { commit, note })
        .collect();
    Ok(View {
        criteria: spec.criteria(),
        members: member_list,
        entry,
        spec,
        summary,
        ready,
        blocked_by,
        events,
        transcripts,
    })
}

/// Whether `spec` is ready, and what blocks it; reads only what readiness looks at.
fn readiness(snapshot: &Snapshot<'_>, spec: &SpecSummary) -> Result<(bool, Vec<String>), Error> {
    let deps = neighbours(snapshot, spec)?;
    let blocked_by = lifecycle::blockers(spec, |d| deps.iter().find(|s| s.id == d));
    Ok((
        crate::lifecycle::Status::Pending.is(&spec.status) && blocked_by.is_empty(),
        blocked_by,
    ))
}

/// The status events for spec `id` noted on the commits it lists.
pub fn commit_events(store: &Store, id: &str, spec: &Spec) -> Result<Vec<(String, Event)>, Error> {
    let mut all = Vec::new();
    for commit in spec.commits() {
        let Some(resolved) = store.listed_commit(commit) else {
            continue;
        };
        for event in notes::events(store, resolved)? {
            if event.spec == id {
                all.push((resolved.to_string(), event));
            }
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::{tail, Transcript};

    fn note(text: &str) -> Transcript {
        Transcript {
            commit: "c".into(),
            note: text.into(),
        }
    }

    #[test]
    fn a_transcript_splits_at_its_header_and_keeps_its_last_lines() {
        let t = note("---\nspec: x\nexit_code: 0\n---\none\ntwo\nthree\n");
        assert_eq!(t.split(), ("spec: x\nexit_code: 0\n", "one\ntwo\nthree\n"));
        assert_eq!(tail(&t.readable(), 2), (1, "two\nthree"));
        assert_eq!(tail(&t.readable(), 3), (0, "one\ntwo\nthree"));
        assert_eq!(note("no header\n").split(), ("", "no header\n"));
        assert_eq!(note("---\nunclosed\n").split(), ("", "---\nunclosed\n"));
    }
}
