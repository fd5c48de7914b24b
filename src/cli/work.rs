//! `git chant work`, `git chant output`, `git chant worktrees`: running agents on specs.

use std::collections::VecDeque;
use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;
use crate::work::schedule::{self, Batch};
use crate::work::{self, Options};

/// Run an agent on specs, each in its own worktree.
///
/// Each spec gets .git/chant/worktrees/<id>, on branch
/// chant/<id>, from the current HEAD; your checkout is never touched. The agent gets the
/// prompt on stdin and in $CHANT_PROMPT_FILE, with CHANT_SPEC_ID, CHANT_WORKTREE and
/// CHANT_BRANCH set; its commits advance the spec through the hooks. Afterwards the spec
/// is completed (exit 0, every criterion ticked), needs_attention (exit 0, criteria open)
/// or failed (non-zero exit); Ctrl-C pauses it and keeps the worktree. The whole transcript
/// is a note on the run's last commit (refs/notes/chant-output).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant work 003-root-cause --agent 'claude -p'\n  git config chant.agent 'claude -p' && git chant work 003\n  git chant work --parallel 4          every ready spec, four at a time\n  git chant work --chain               one after another until none is ready or one fails"
)]
pub struct WorkArgs {
    /// Specs to work (short ids resolve); without any, the ready specs.
    ids: Vec<String>,
    /// The agent command, split into words (no shell); else git config chant.agent (never
    /// the ledger's config.md).
    #[arg(long)]
    agent: Option<String>,
    /// The prompt template (prompts/<name>.md in the ledger).
    #[arg(long)]
    prompt: Option<String>,
    /// Run up to N specs at once.
    #[arg(long, default_value_t = 1, value_name = "N")]
    parallel: usize,
    /// Keep taking the next ready spec until none is left or one fails.
    #[arg(long)]
    chain: bool,
    /// Work a spec that is not ready.
    #[arg(long)]
    force: bool,
    /// The outcomes as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: WorkArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let mut queue: VecDeque<String> = VecDeque::new();
    for short in &args.ids {
        queue.push_back(ops::resolve(store, &store.snapshot()?, short)?);
    }
    if args.ids.is_empty() && !args.chain {
        let (_, index) = ctx.index()?;
        for s in index
            .specs
            .iter()
            .filter(|s| !s.archived && crate::lifecycle::is_ready(s, |id| index.get(id)))
        {
            queue.push_back(s.id.clone());
        }
    }
    let opts = Options {
        agent: args.agent.clone(),
        prompt: args.prompt.clone(),
        force: args.force,
        prefix: args.parallel > 1,
    };
    let batch = Batch {
        queue,
        parallel: args.parallel,
        chain: args.chain,
    };
    let results = schedule::run_batch(batch, &opts);
    let mut all_ok = true;
    let mut outcomes = Vec::new();
    for (id, result) in results {
        match result {
            Ok(o) => {
                all_ok &= schedule::finished(&o.status);
                if !args.json {
                    let commits = match o.commits.len() {
                        1 => "1 commit".to_owned(),
                        n => format!("{n} commits"),
                    };
                    ctx.ui.line(&format!(
                        "{}: {} ({commits}; transcript on {})",
                        o.id,
                        o.status,
                        &o.transcript_on[..12]
                    ))?;
                }
                outcomes.push(o);
            }
            Err(e) => {
                all_ok = false;
                // The id is data too: escaped, as the diagnostic is when it renders.
                ctx.ui.err(&format!("{}: ", crate::escape::escape(&id)));
                ctx.ui.diagnostic(&e);
            }
        }
    }
    if args.json {
        ctx.ui.json(&outcomes)?;
    } else if outcomes.is_empty() && all_ok {
        ctx.ui.line("no spec is ready")?;
    }
    Ok(if all_ok { Exit::Ok } else { Exit::User })
}

/// Attach a transcript produced by another agent runner to a spec's commit.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant output 003 --file run.log\n  my-runner | git chant output 003 --commit HEAD --file -"
)]
pub struct OutputArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// The commit to attach it to; default: the last of the spec's `commits:`.
    #[arg(long)]
    commit: Option<String>,
    /// The transcript file, or `-` for stdin.
    #[arg(long)]
    file: PathBuf,
}

pub fn output(ctx: &Ctx, args: OutputArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let bound = crate::files::Limits::from_store(store).note;
    let text = super::read_text_arg(&args.file, bound)?;
    let (id, commit) = work::attach(store, &args.id, args.commit.as_deref(), &text)?;
    ctx.ui.line(&format!(
        "{id}: transcript attached to {}",
        &commit.to_string()[..12]
    ))?;
    Ok(Exit::Ok)
}

/// List the agent worktrees, or remove those of finished specs.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  git chant worktrees\n  git chant worktrees --prune")]
pub struct WorktreesArgs {
    /// Remove the worktrees of completed and cancelled specs (their branches stay).
    #[arg(long)]
    prune: bool,
}

pub fn worktrees(ctx: &Ctx, args: WorktreesArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    if args.prune {
        let removed = work::prune(store)?;
        ctx.ui.line(&format!(
            "removed {} worktrees{}{}",
            removed.len(),
            if removed.is_empty() { "" } else { ": " },
            removed.join(", ")
        ))?;
        return Ok(Exit::Ok);
    }
    let snapshot = store.snapshot()?;
    for (id, path) in store.agent_worktrees() {
        let status =
            ops::lookup::summary(&snapshot, &id)?.map_or("(no such spec)".to_owned(), |s| s.status);
        ctx.ui
            .line(&format!("{id:<24} {status:<15} {}", path.display()))?;
    }
    Ok(Exit::Ok)
}
