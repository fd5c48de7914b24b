//! `git chant work`, `git chant output`, `git chant worktrees`: running agents on specs.

use std::collections::VecDeque;
use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops;
use crate::work::schedule::{self, Batch};
use crate::work::{self, land, Options, WorkError};

/// Run an agent on specs, each in its own worktree.
///
/// Each spec gets .git/chant/worktrees/<id>, on branch chant/<id>, from its target
/// branch (the branch HEAD is on, or --target, or git config chant.target), or from the
/// branch of a completed dependency not landed yet (several: their merge); your checkout
/// is never touched. With --merge (or chant.work.merge=true) each completed spec lands in
/// its target as `git chant merge` would. The agent gets the
/// prompt on stdin and in $CHANT_PROMPT_FILE, with CHANT_SPEC_ID, CHANT_WORKTREE and
/// CHANT_BRANCH set; its commits advance the spec through the hooks. Afterwards the spec
/// is completed (exit 0, every criterion ticked), needs_attention (exit 0, criteria open)
/// or failed (non-zero exit); Ctrl-C pauses it and keeps the worktree. The whole transcript
/// is a note on the run's last commit (refs/notes/chant-output).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant work 003-root-cause --agent 'claude -p'\n  git config chant.agent 'claude -p' && git chant work 003\n  git chant work --parallel 4          every ready spec, four at a time\n  git chant work --chain               one after another until none is ready or one fails\n  git chant work --chain --merge       ... each landing on the current branch as it completes"
)]
pub struct WorkArgs {
    /// Specs to work (short ids resolve); without any, the ready specs.
    ids: Vec<String>,
    /// The agent: `claude`, `codex`, `gemini` (built-in presets) or a command line, split
    /// into words (no shell); else git config chant.agent (never the ledger's config.md).
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
    /// The branch the work starts from and lands in (default: the branch HEAD is on).
    #[arg(long, value_name = "BRANCH")]
    target: Option<String>,
    /// Land each spec in its target as it completes (default: git config chant.work.merge).
    #[arg(long)]
    merge: bool,
    /// Without ids: run at most N of the ready specs (with --chain: N runs in all).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Without ids: run every ready spec, however many (else more than a few are asked
    /// about on a terminal and refused without one).
    #[arg(long, conflicts_with = "limit")]
    all: bool,
    /// Claim each spec before its run (pushed at once when there is a remote), renewing
    /// the lease while it runs (default: git config chant.claim).
    #[arg(long)]
    claim: bool,
    /// List the specs that would run, and run nothing.
    #[arg(long)]
    dry_run: bool,
    /// The outcomes as JSON.
    #[arg(long)]
    json: bool,
}

/// How many ready specs `work` without ids runs without being told.
const FEW: usize = 3;

/// Whether the user, asked on the terminal, says yes to running `count` specs.
fn confirmed(ctx: &Ctx, count: usize) -> bool {
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return false;
    }
    ctx.ui
        .err(&format!("{count} specs are ready. Run all {count}? [y/N] "));
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes")
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
        match args.limit {
            Some(n) => queue.truncate(n),
            None if !args.all
                && queue.len() > FEW
                && !args.dry_run
                && !confirmed(ctx, queue.len()) =>
            {
                return Err(WorkError::TooMany {
                    count: queue.len(),
                    limit: FEW,
                }
                .into());
            }
            None => {}
        }
    }
    if args.dry_run {
        let mut listed: Vec<String> = queue.into_iter().collect();
        if args.chain && args.ids.is_empty() {
            listed.extend(work::next_ready(store, &listed)?);
        }
        if args.json {
            ctx.ui.json(&listed)?;
        } else if listed.is_empty() {
            ctx.ui.line("no spec is ready")?;
        } else {
            for id in &listed {
                ctx.ui.line(&format!("would work {id}"))?;
            }
        }
        return Ok(Exit::Ok);
    }
    let opts = Options {
        agent: args.agent.clone(),
        prompt: args.prompt.clone(),
        force: args.force,
        prefix: args.parallel > 1,
        target: args.target.clone(),
        land: (args.merge || store.config_bool("chant.work.merge")).then(|| land::Options {
            into: args.target.clone(),
            ..land::Options::default()
        }),
        claim: args.claim || store.config_bool("chant.claim"),
        ..Options::default()
    };
    // Several configured agents share the run, one per slot in turn.
    let agents = match &args.agent {
        Some(a) => vec![a.clone()],
        None => store.config_strings("chant.agent"),
    };
    let batch = Batch {
        queue,
        parallel: args.parallel,
        chain: args.chain,
        limit: args.limit.filter(|_| args.chain && args.ids.is_empty()),
        agents,
    };
    let results = schedule::run_batch(batch, &opts);
    let mut all_ok = true;
    // The first error's row of the exit table (a conflict is 3), else 1 for a run that
    // did not finish.
    let mut failed_with = None;
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
                    let landed = match &o.landed {
                        Some(l) if !l.already => format!("; landed in {}", l.target),
                        _ => String::new(),
                    };
                    ctx.ui.line(&format!(
                        "{}: {} ({commits}; transcript on {}{landed})",
                        o.id,
                        o.status,
                        &o.transcript_on[..12]
                    ))?;
                }
                outcomes.push(o);
            }
            Err(e) => {
                all_ok = false;
                failed_with.get_or_insert(crate::exit::ExitCode::exit(&e));
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
    Ok(match (all_ok, failed_with) {
        (true, _) => Exit::Ok,
        (false, Some(exit)) => exit,
        (false, None) => Exit::User,
    })
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

/// List the agent worktrees, or remove those whose work has landed.
///
/// Each line: the spec, its status, its branch, the target it lands in, and whether it
/// has landed there. --prune removes the worktrees and branches of landed specs, and the
/// worktrees (not the branches) of cancelled ones.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant worktrees\n  git chant worktrees --json\n  git chant worktrees --prune"
)]
pub struct WorktreesArgs {
    /// Remove landed specs' worktrees and branches, and cancelled specs' worktrees.
    #[arg(long)]
    prune: bool,
    /// The list as JSON.
    #[arg(long)]
    json: bool,
}

pub fn worktrees(ctx: &Ctx, args: WorktreesArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    if args.prune {
        let pruned = work::prune(store)?;
        let removed = &pruned.removed;
        ctx.ui.line(&format!(
            "removed {} worktrees{}{}",
            removed.len(),
            if removed.is_empty() { "" } else { ": " },
            removed.join(", ")
        ))?;
        for (id, path) in &pruned.kept {
            ctx.ui.line(&format!(
                "{id}: kept {}: it has uncommitted changes (`git -C {} status`)",
                path.display(),
                path.display()
            ))?;
        }
        return Ok(Exit::Ok);
    }
    let listed = work::worktrees(store)?;
    if args.json {
        return ctx.ui.json(&listed).map(|_| Exit::Ok);
    }
    for w in &listed {
        let target = w.target.as_deref().unwrap_or("-");
        let landed = if w.landed { "landed" } else { "not landed" };
        ctx.ui.line(&format!(
            "{:<24} {:<15} {:<28} -> {target:<12} {landed:<10} {}",
            w.id,
            w.status,
            w.branch,
            w.path
                .as_ref()
                .map_or("(no worktree)".into(), |p| p.display().to_string())
        ))?;
    }
    Ok(Exit::Ok)
}
