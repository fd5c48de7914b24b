//! `git chant transcript`: a spec's agent transcripts, rendered as sessions, as stored, or
//! as the parsed events.

use clap::Args;
use serde_json::json;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::view::Transcript;
use crate::session::{self, Event};

/// Print a spec's agent transcripts, readable, raw or as parsed events.
///
/// Each transcript `work` (or `output`) attached to the spec's commits, oldest first: its
/// header (spec, start, end, branch, command, exit code, model, session), then what the
/// agent printed. A Claude Code (`claude -p --output-format stream-json --verbose`), Codex
/// (`codex exec --json`) or Gemini CLI (`gemini --output-format stream-json`) stream reads
/// as a session: the assistant's text, one line per tool call with the start of its
/// result, and the outcome (turns, duration, cost, session). Other output prints as it is.
/// On a terminal the output goes through git's pager.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant transcript 003-root-cause\n  git chant transcript 003 --commit chant/003-root-cause\n  git chant transcript 003 --raw > run.jsonl    the notes exactly as stored\n  git chant transcript 003 --json               the parsed events, per transcript"
)]
pub struct TranscriptArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Only the transcript on this commit (any revision git understands).
    #[arg(long, value_name = "C")]
    commit: Option<String>,
    /// The stored bytes exactly, header included, and nothing else.
    #[arg(long, conflicts_with = "json")]
    raw: bool,
    /// A JSON array: per transcript its commit, header fields, format and events.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: TranscriptArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let (id, notes) = crate::ops::transcript::of_spec(store, &args.id, args.commit.as_deref())?;
    if args.raw {
        for (_, bytes) in &notes {
            ctx.ui.raw(bytes)?;
        }
        return Ok(Exit::Ok);
    }
    let transcripts: Vec<Transcript> = notes
        .into_iter()
        .map(|(commit, bytes)| Transcript {
            commit,
            note: String::from_utf8_lossy(&bytes).into_owned(),
        })
        .collect();
    if args.json {
        let all: Vec<serde_json::Value> = transcripts.iter().map(to_json).collect();
        ctx.ui.json(&all)?;
        return Ok(Exit::Ok);
    }
    if transcripts.is_empty() {
        ctx.ui.warn(&format!(
            "{id} has no transcript: `git chant work {id}` runs an agent on it, `git chant output {id} --file F` attaches one"
        ));
        return Ok(Exit::Ok);
    }
    let mut text = String::new();
    for (n, t) in transcripts.iter().enumerate() {
        if n > 0 {
            text.push('\n');
        }
        let header = t.split().0;
        text.push_str(&format!("transcript on {}\n", t.commit));
        if !header.is_empty() {
            text.push_str(&format!("---\n{header}---\n"));
        }
        text.push_str(&t.readable());
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    // Transcripts are data: `page` escapes their control characters.
    ctx.ui.page(store, &text)?;
    Ok(Exit::Ok)
}

/// One transcript as JSON: its commit, its header's fields, the stream format (`text` for
/// plain output) and the events (plain output is one `output` event).
fn to_json(t: &Transcript) -> serde_json::Value {
    let (header, text) = t.split();
    let header: serde_json::Value = serde_yaml::from_str(header).unwrap_or_default();
    let header = if header.is_object() {
        header
    } else {
        json!({})
    };
    match session::parse(text) {
        Some(s) => json!({
            "commit": t.commit,
            "header": header,
            "format": s.format,
            "events": s.events,
        }),
        None => json!({
            "commit": t.commit,
            "header": header,
            "format": "text",
            "events": [Event::Output { text: text.to_owned() }],
        }),
    }
}
