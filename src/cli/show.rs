//! `git chant show`: one spec with its readiness, numbered criteria, members, status
//! events and transcripts, paged on a terminal.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::view::{self, Transcript, View};

/// How many lines of each transcript `show` prints without `--transcript`.
const TAIL_LINES: usize = 20;

/// Show a spec, its readiness, criteria, members and the status events of its commits.
///
/// Show a spec: its text, whether it is ready (and what blocks it), its acceptance criteria
/// numbered as `check` takes them, a driver's members with their states, and the status
/// events noted on its commits. Agent transcripts show their header and last lines
/// (`--transcript` for all of them); a Claude Code, Codex or Gemini JSON stream shows as
/// the session it records (`git chant transcript` prints it raw or as JSON). On a terminal the output goes through git's pager
/// (GIT_PAGER, core.pager, PAGER; `git --no-pager chant show …` turns it off).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant show 003-root-cause\n  git chant show r2x              a unique suffix or substring is enough\n  git chant show 003 --transcript  every line of the agent transcripts\n  git chant show 003 --raw        the blob exactly as stored\n  git chant show 003 --json"
)]
pub struct ShowArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Print the stored bytes and nothing else.
    #[arg(long, conflicts_with_all = ["json", "transcript"])]
    raw: bool,
    /// Every line of each agent transcript, not only the last ones.
    #[arg(long)]
    transcript: bool,
    /// One JSON object (transcripts whole).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let snapshot = store.snapshot()?;
    let id = crate::ops::resolve(store, &snapshot, &args.id)?;
    let entry = snapshot
        .locate(&id)?
        .ok_or(crate::spec::id::IdError::Unknown { id })?;
    let bytes = snapshot.blob(entry.blob)?;
    if args.raw {
        ctx.ui.raw(&bytes)?;
        return Ok(Exit::Ok);
    }
    let view = view::view(store, &snapshot, entry, &bytes)?;
    if args.json {
        ctx.ui.json(&view.to_json())?;
        return Ok(Exit::Ok);
    }
    let tail = (!args.transcript).then_some(TAIL_LINES);
    // Spec, transcripts and notes are data: `page` escapes their control characters.
    ctx.ui.page(store, &render(&view, tail))?;
    Ok(Exit::Ok)
}

/// The human page: the spec, its transcripts (the last `tail` lines of each, or all), then
/// its state, numbered criteria, members and events.
fn render(view: &View, tail: Option<usize>) -> String {
    let id = &view.entry.id;
    let mut text = view.spec.render();
    if !view.transcripts.is_empty() {
        text.push_str(&agent_output(id, &view.transcripts, tail));
    }
    text.push('\n');
    let archived = if view.entry.archived {
        " (archived)"
    } else {
        ""
    };
    text.push_str(&match (view.ready, view.blocked_by.is_empty()) {
        (true, _) => format!("-- {id}{archived}: ready\n"),
        (false, true) => format!("-- {id}{archived}: {}\n", view.summary.status),
        (false, false) => format!(
            "-- {id}{archived}: blocked: {}\n",
            view.blocked_by.join("; ")
        ),
    });
    if !view.criteria.is_empty() {
        let ticked = view.criteria.iter().filter(|c| c.checked).count();
        text.push_str(&format!(
            "\nacceptance criteria, {ticked} of {} ticked (git chant check {id} <n>):\n",
            view.criteria.len()
        ));
        for c in &view.criteria {
            let mark = if c.checked { 'x' } else { ' ' };
            text.push_str(&format!("  {:>2}. [{mark}] {}\n", c.number, c.text));
        }
    }
    if !view.members.is_empty() {
        text.push_str(&format!("\nmembers ({}):\n", view.members.len()));
        let width = view.members.iter().map(|m| m.id.len()).max().unwrap_or(0);
        for m in &view.members {
            text.push_str(&format!(
                "  {:<width$}  {:<15} {}\n",
                m.id, m.state, m.title
            ));
        }
    }
    if !view.events.is_empty() {
        text.push_str("\nevents:\n");
        for (commit, event) in &view.events {
            let short = &commit[..commit.len().min(12)];
            text.push_str(&format!("  {short} {}\n", event.to_display()));
        }
    }
    text
}

/// Transcripts rendered the way upstream kept them in the body: `## Agent Output`, then
/// each transcript in a fence longer than any backtick run inside it: its header, then its
/// last `tail` lines (all of them when `None`) after a line saying how many were left out.
/// An agent's JSON stream shows as the session it records (`git chant transcript` has the
/// raw bytes and the parsed events).
fn agent_output(id: &str, transcripts: &[Transcript], tail: Option<usize>) -> String {
    let mut out = String::from("\n## Agent Output\n");
    for t in transcripts {
        let header = t.split().0;
        let text = t.readable();
        let (skipped, shown) = view::tail(&text, tail.unwrap_or(usize::MAX));
        let mut inside = String::new();
        if !header.is_empty() {
            inside.push_str(&format!("---\n{header}---\n"));
        }
        if skipped > 0 {
            inside.push_str(&format!(
                "[… {skipped} earlier lines; `git chant show {id} --transcript` shows them]\n"
            ));
        }
        inside.push_str(shown);
        let longest = inside.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        out.push_str(&format!(
            "\n{}\n\n{fence}\n{inside}\n{fence}\n",
            &t.commit[..t.commit.len().min(12)],
        ));
    }
    out
}
