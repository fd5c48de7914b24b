//! `git chant prep | tail | takeover | resume | reset`: looking at and taking back agent
//! runs (the registry in `.git/chant/runs/`).

use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;
use crate::store::runs;
use crate::work::{self, Options};

/// Print the exact prompt `git chant work` would give a spec's agent now.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant prep 003-root-cause\n  git chant prep 003 --prompt merge-conflict"
)]
pub struct PrepArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// The prompt template (prompts/<name>.md in the ledger).
    #[arg(long)]
    prompt: Option<String>,
}

pub fn prep(ctx: &Ctx, args: PrepArgs) -> Result<Exit, Error> {
    let opts = Options {
        prompt: args.prompt,
        ..Options::default()
    };
    ctx.ui.text(&work::prep(ctx.store()?, &args.id, &opts)?)?;
    Ok(Exit::Ok)
}

/// Follow a running spec's agent output from any terminal.
///
/// Prints the last lines the agent printed so far, then what it prints as it runs, until
/// the run ends; for a spec not running, the end of its last transcript.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  git chant tail 003\n  git chant tail 003 --lines 100")]
pub struct TailArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// How many earlier lines to print first.
    #[arg(long, default_value_t = 20, value_name = "N")]
    lines: usize,
}

/// The last `n` lines of `text`.
fn last_lines(text: &str, n: usize) -> &str {
    let mut start = text.len();
    for _ in 0..=n {
        match text[..start].trim_end_matches('\n').rfind('\n') {
            Some(i) if start > 0 => start = i + 1,
            _ => return text,
        }
    }
    &text[start..]
}

/// What a transcript shows: a stream rendered as a session, anything else as it is.
fn readable(text: &str) -> String {
    match crate::session::parse(text) {
        Some(session) => crate::session::render(&session.events),
        None => text.to_owned(),
    }
}

pub fn tail(ctx: &Ctx, args: TailArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let id = ops::resolve(store, &store.snapshot()?, &args.id)?;
    crate::spec::id::validate(&id)?;
    let running = runs::load(store, &id).filter(|r| !r.is_stale());
    let log_path = runs::log_path(store, &id);
    if running.is_none() || !log_path.exists() {
        let (_, spec) = ops::load(&store.snapshot()?, &id)?;
        match ops::transcript::transcripts(store, &id, &spec)?.last() {
            Some((commit, note)) => {
                let body = note
                    .strip_prefix("---\n")
                    .and_then(|n| n.split_once("\n---\n"))
                    .map_or(note.as_str(), |(_, body)| body);
                ctx.ui.line(&format!(
                    "{id} is not running; its last transcript (on {}):",
                    &commit.to_string()[..12]
                ))?;
                ctx.ui.text(last_lines(&readable(body), args.lines))?;
            }
            None => ctx
                .ui
                .line(&format!("{id} is not running and has no transcript"))?,
        }
        return Ok(Exit::Ok);
    }
    // The log is read again whole each time and shown as far as its last complete line;
    // what has been printed is not printed again. Held open, it stays readable after the
    // run removes it.
    let Ok(mut log) = std::fs::File::open(&log_path) else {
        return Ok(Exit::Ok);
    };
    let mut printed = 0;
    let mut first = true;
    loop {
        let ended = runs::load(store, &id).is_none_or(|r| r.is_stale());
        let mut bytes = Vec::new();
        if log.seek(SeekFrom::Start(0)).is_ok() {
            let _ = log.read_to_end(&mut bytes);
        }
        let complete = match bytes.iter().rposition(|b| *b == b'\n') {
            Some(end) if !ended => &bytes[..=end],
            _ => &bytes[..],
        };
        let shown = readable(&String::from_utf8_lossy(complete));
        if first {
            ctx.ui.text(last_lines(&shown, args.lines))?;
            printed = shown.len();
            first = false;
        } else if shown.len() > printed && shown.is_char_boundary(printed) {
            ctx.ui.text(&shown[printed..])?;
            printed = shown.len();
        }
        ctx.ui.flush()?;
        if ended {
            if !shown.is_empty() && !shown.ends_with('\n') {
                ctx.ui.line("")?;
            }
            let status = ops::load(&store.snapshot()?, &id)?.1.status().to_owned();
            ctx.ui.line(&format!("-- {id}: run ended ({status})"))?;
            return Ok(Exit::Ok);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Stop a spec's running agent and take over its worktree.
///
/// Stops the agent (TERM to it and everything it started, KILL after 5 s), lets the
/// `work` that ran it record the run as paused with its transcript, and prints the end of
/// what the agent printed and the worktree to continue in. `git chant resume` continues.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  git chant takeover 003\n  git chant takeover 003 --json")]
pub struct TakeoverArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// The report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn takeover(ctx: &Ctx, args: TakeoverArgs) -> Result<Exit, Error> {
    let t = work::takeover(ctx.store()?, &args.id)?;
    if args.json {
        ctx.ui.json(&t)?;
        return Ok(Exit::Ok);
    }
    let what = if t.stopped {
        "agent stopped"
    } else {
        "no agent was running"
    };
    ctx.ui
        .line(&format!("{}: {what}; now {}", t.id, t.status))?;
    if !t.tail.is_empty() {
        ctx.ui.line("last output:")?;
        ctx.ui.line(&t.tail)?;
    }
    ctx.ui.line(&format!(
        "worktree: {}\ncontinue with `git chant resume {}`",
        t.worktree.display(),
        t.id
    ))?;
    Ok(Exit::Ok)
}

/// Continue a paused, failed or stale spec in its worktree.
///
/// With a preset that keeps sessions (claude, codex, gemini) the agent resumes its last
/// session (`claude --resume <session>`); any other agent gets a new run told to carry on
/// from what the worktree holds.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  git chant resume 003\n  git chant resume 003 --agent claude")]
pub struct ResumeArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// The agent (else git config chant.agent).
    #[arg(long)]
    agent: Option<String>,
    /// The outcome as JSON.
    #[arg(long)]
    json: bool,
}

pub fn resume(ctx: &Ctx, args: ResumeArgs) -> Result<Exit, Error> {
    let opts = Options {
        agent: args.agent,
        ..Options::default()
    };
    let o = work::resume(ctx.store()?, &args.id, &opts)?;
    if args.json {
        ctx.ui.json(&o)?;
    } else {
        ctx.ui.line(&format!("{}: {}", o.id, o.status))?;
    }
    Ok(if work::schedule::finished(&o.status) {
        Exit::Ok
    } else {
        Exit::User
    })
}

/// Put a failed, needs-attention, paused or stale spec back to pending.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant reset 003\n  git chant reset 003 --worktree   also remove its worktree and branch"
)]
pub struct ResetArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Also remove its worktree and its branch chant/<id> (their work is lost).
    #[arg(long)]
    worktree: bool,
}

pub fn reset(ctx: &Ctx, args: ResetArgs) -> Result<Exit, Error> {
    let r = work::reset(ctx.store()?, &args.id, args.worktree)?;
    let removed = if r.removed {
        "; worktree and branch removed"
    } else {
        ""
    };
    ctx.ui
        .line(&format!("{}: {} -> pending{removed}", r.id, r.from))?;
    Ok(Exit::Ok)
}
