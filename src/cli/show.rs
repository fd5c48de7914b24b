//! `git chant show`: one spec with its readiness and the status notes of its commits.

use clap::Args;
use serde_json::json;

use crate::error::Error;
use crate::exit::Exit;
use crate::lifecycle;
use crate::notes::{self, Event};
use crate::spec::Spec;
use crate::store::index::Summary;
use crate::store::Store;

/// Show a spec, its readiness and the status events of its commits.
///
/// Show a spec: its text, whether it is ready (and what blocks it), and the status events
/// noted on its commits.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant show 003-root-cause\n  git chant show r2x            a unique suffix or substring is enough\n  git chant show 003 --raw      the blob exactly as stored\n  git chant show 003 --json"
)]
pub struct ShowArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Print the stored bytes and nothing else.
    #[arg(long, conflicts_with = "json")]
    raw: bool,
    /// One JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(args: ShowArgs) -> Result<Exit, Error> {
    let store = Store::open(".")?;
    let snapshot = store.snapshot()?;
    let id = crate::ops::resolve(&store, &snapshot, &args.id)?;
    let entry = snapshot
        .locate(&id)?
        .ok_or(crate::spec::id::IdError::Unknown { id })?;
    let bytes = snapshot.blob(entry.blob)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.raw {
        super::print_raw(&mut out, &bytes)?;
        super::flush(&mut out)?;
        return Ok(Exit::Ok);
    }
    let spec = Spec::parse(&entry.id, &bytes)?;
    let summary = Summary::from_spec(&entry, &spec);
    let deps = crate::ops::lookup::neighbours(&snapshot, &summary)?;
    let blocked_by = lifecycle::blockers(&summary, |d| deps.iter().find(|s| s.id == d));
    let ready = summary.status == "pending" && blocked_by.is_empty();
    let events = commit_events(&store, &spec)?;
    let transcripts = crate::work::transcripts(&store, &entry.id, &spec)?;
    if args.json {
        let frontmatter = serde_json::to_value(spec.frontmatter().to_mapping()).unwrap_or_default();
        let value = json!({
            "id": entry.id,
            "title": summary.title,
            "status": summary.status,
            "type": summary.kind,
            "archived": entry.archived,
            "frontmatter": frontmatter,
            "body": spec.body(),
            "ready": ready,
            "blocked_by": blocked_by,
            "criteria": {"checked": summary.checked, "total": summary.total},
            "notes": events.iter().map(|(c, e)| json!({"commit": c, "line": e.to_line()})).collect::<Vec<_>>(),
            "transcripts": transcripts.iter().map(|(c, t)| json!({"commit": c, "text": t})).collect::<Vec<_>>(),
        });
        super::print_json_as(&mut out, &value, true)?;
        super::flush(&mut out)?;
        return Ok(Exit::Ok);
    }
    // Spec, transcripts and notes are data: `print` escapes their control characters.
    let mut text = spec.render();
    if !transcripts.is_empty() {
        text.push_str(&agent_output(&transcripts));
    }
    text.push('\n');
    let archived = if entry.archived { " (archived)" } else { "" };
    text.push_str(&match (ready, blocked_by.is_empty()) {
        (true, _) => format!("-- {}{archived}: ready\n", entry.id),
        (false, true) => format!("-- {}{archived}: {}\n", entry.id, summary.status),
        (false, false) => format!(
            "-- {}{archived}: blocked: {}\n",
            entry.id,
            blocked_by.join("; ")
        ),
    });
    for (commit, event) in &events {
        text.push_str(&format!(
            "   {} {}\n",
            &commit[..commit.len().min(12)],
            event.to_line()
        ));
    }
    super::print(&mut out, &text)?;
    super::flush(&mut out)?;
    Ok(Exit::Ok)
}

/// The status events noted on the spec's commits, for this spec.
fn commit_events(store: &Store, spec: &Spec) -> Result<Vec<(String, Event)>, Error> {
    let mut all = Vec::new();
    for commit in spec.commits() {
        let Ok(id) = store.repo().rev_parse_single(commit) else {
            continue;
        };
        for event in notes::events(store, id.detach())? {
            all.push((id.to_string(), event));
        }
    }
    Ok(all)
}

/// Transcripts rendered the way upstream kept them in the body: `## Agent Output`, then
/// each transcript in a fence longer than any backtick run inside it.
fn agent_output(transcripts: &[(String, String)]) -> String {
    let mut out = String::from("\n## Agent Output\n");
    for (commit, text) in transcripts {
        let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        out.push_str(&format!(
            "\n{}\n\n{fence}\n{}\n{fence}\n",
            &commit[..commit.len().min(12)],
            text.trim_end_matches('\n')
        ));
    }
    out
}
