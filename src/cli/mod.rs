//! The command line: one file per subcommand, each an `Args` struct and a `run` function
//! that does nothing but call the library and print.

mod activity;
mod add;
mod approve;
mod archive;
mod check;
mod claim;
mod dag;
mod diff;
mod doctor;
mod drift;
mod edit;
mod event;
mod export;
mod fmt;
mod hook;
mod hooks;
mod import;
mod init;
mod lifecycle;
mod lint;
mod list;
mod log;
mod manual;
mod mcp;
mod merge;
mod prime;
mod ready;
mod reindex;
mod runs;
mod search;
mod set;
mod show;
mod site;
mod split;
mod status;
mod sync;
mod template;
mod transcript;
mod ui;
mod validate;
mod verify;
mod work;

pub use ui::{Ctx, Ui};

use clap::{Parser, Subcommand};

use crate::error::Error;
use crate::exit::Exit;
use crate::ops::Target;

/// git chant: work specs for coding agents, kept on git refs instead of in the working tree.
#[derive(Debug, Parser)]
#[command(
    name = "git-chant",
    bin_name = "git chant",
    version,
    about,
    after_help = "Examples:\n  git chant init                              create the ledger in this repository\n  git chant add \"Fix the race\" --label bug     add a spec, print its id\n  git chant list --json                       every live spec as JSON\n  git chant show 003-root-cause               one spec, its readiness and notes\n  git chant fmt --check fixtures/valid/*.md   report specs that are not canonical\n  git chant fmt spec.md                       rewrite a spec file in canonical form\n\nRun `git chant <command> --help` for the options of a command."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::InitArgs),
    Add(add::AddArgs),
    List(list::ListArgs),
    Show(show::ShowArgs),
    Status(status::StatusArgs),
    Ready(ready::ReadyArgs),
    Prime(prime::PrimeArgs),
    Claim(claim::ClaimArgs),
    Release(claim::ReleaseArgs),
    /// Start a spec (pending -> in_progress); its dependencies must be done.
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed -> pending | needs_attention
    /// (a landing that conflicts); cancelled -> pending.
    Start(lifecycle::LifecycleArgs),
    /// Complete a spec (in_progress -> completed); every criterion must be ticked.
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed -> pending | needs_attention
    /// (a landing that conflicts); cancelled -> pending.
    Done(lifecycle::LifecycleArgs),
    /// Mark a spec failed (in_progress -> failed).
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed -> pending | needs_attention
    /// (a landing that conflicts); cancelled -> pending.
    Fail(lifecycle::LifecycleArgs),
    /// Pause a spec (in_progress -> paused).
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed -> pending | needs_attention
    /// (a landing that conflicts); cancelled -> pending.
    Pause(lifecycle::LifecycleArgs),
    /// Cancel a spec (pending, in_progress or paused -> cancelled).
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed -> pending | needs_attention
    /// (a landing that conflicts); cancelled -> pending.
    Cancel(lifecycle::LifecycleArgs),
    /// Reopen a completed, cancelled or failed spec (-> pending).
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed -> pending | needs_attention
    /// (a landing that conflicts); cancelled -> pending.
    Reopen(lifecycle::LifecycleArgs),
    Approve(approve::ApproveArgs),
    Reject(approve::RejectArgs),
    Check(check::CheckArgs),
    Set(set::SetArgs),
    Edit(edit::EditArgs),
    Archive(archive::ArchiveArgs),
    Search(search::SearchArgs),
    Log(log::LogArgs),
    Activity(activity::ActivityArgs),
    Diff(diff::DiffArgs),
    Dag(dag::DagArgs),
    Drift(drift::DriftArgs),
    Split(split::SplitArgs),
    Lint(lint::LintArgs),
    Fmt(fmt::FmtArgs),
    Hooks(hooks::HooksArgs),
    Reindex(reindex::ReindexArgs),
    Doctor(doctor::DoctorArgs),
    Validate(validate::ValidateArgs),
    Verify(verify::VerifyArgs),
    /// Fetch a remote's ledger and notes into remote-tracking refs.
    ///
    /// Fetch a remote's ledger and notes into remote-tracking refs
    /// (`refs/remotes/<remote>/chant/specs`, `refs/notes/remotes/<remote>/…`). A clone with no ledger (or notes ref)
    /// of its own gets one from the remote's; refs it has are left for `sync`.
    #[command(after_help = "Examples:\n  git chant fetch\n  git chant fetch upstream")]
    Fetch(sync::RemoteArgs),
    Merge(merge::MergeArgs),
    /// Push the ledger and notes (never forced).
    #[command(after_help = "Examples:\n  git chant push\n  git chant push upstream")]
    Push(sync::RemoteArgs),
    Sync(sync::SyncArgs),
    Conflicts(sync::ConflictsArgs),
    Work(work::WorkArgs),
    Output(work::OutputArgs),
    Transcript(transcript::TranscriptArgs),
    Worktrees(work::WorktreesArgs),
    Prep(runs::PrepArgs),
    Tail(runs::TailArgs),
    Takeover(runs::TakeoverArgs),
    Resume(runs::ResumeArgs),
    Reset(runs::ResetArgs),
    Mcp(mcp::McpArgs),
    Import(import::ImportArgs),
    Export(export::ExportArgs),
    Template(template::TemplateArgs),
    Site(site::SiteArgs),
    InstallManPages(manual::InstallManPagesArgs),
    Completions(manual::CompletionsArgs),
    /// The entry point of shims installed before `hooks run` (kept so they still work).
    #[command(hide = true)]
    Hook(hook::HookArgs),
    #[command(hide = true)]
    Event(event::EventArgs),
}

/// Runs a parsed command line; the `Exit` is the process's exit code on success.
pub fn run(ctx: &Ctx, cli: Cli) -> Result<Exit, Error> {
    match cli.command {
        Command::Init(args) => init::run(ctx, args),
        Command::Add(args) => add::run(ctx, args),
        Command::List(args) => list::run(ctx, args),
        Command::Show(args) => show::run(ctx, args),
        Command::Status(args) => status::run(ctx, args),
        Command::Ready(args) => ready::run(ctx, args),
        Command::Prime(args) => prime::run(ctx, args),
        Command::Claim(args) => claim::claim(ctx, args),
        Command::Release(args) => claim::release(ctx, args),
        Command::Start(args) => lifecycle::run(ctx, Target::Start, args),
        Command::Done(args) => lifecycle::run(ctx, Target::Done, args),
        Command::Fail(args) => lifecycle::run(ctx, Target::Fail, args),
        Command::Pause(args) => lifecycle::run(ctx, Target::Pause, args),
        Command::Cancel(args) => lifecycle::run(ctx, Target::Cancel, args),
        Command::Reopen(args) => lifecycle::run(ctx, Target::Reopen, args),
        Command::Approve(args) => approve::approve(ctx, args),
        Command::Reject(args) => approve::reject(ctx, args),
        Command::Check(args) => check::run(ctx, args),
        Command::Set(args) => set::run(ctx, args),
        Command::Edit(args) => edit::run(ctx, args),
        Command::Archive(args) => archive::run(ctx, args),
        Command::Search(args) => search::run(ctx, args),
        Command::Log(args) => log::run(ctx, args),
        Command::Activity(args) => activity::run(ctx, args),
        Command::Diff(args) => diff::run(ctx, args),
        Command::Dag(args) => dag::run(ctx, args),
        Command::Drift(args) => drift::run(ctx, args),
        Command::Split(args) => split::run(ctx, args),
        Command::Lint(args) => lint::run(ctx, args),
        Command::Fmt(args) => fmt::run(ctx, args),
        Command::Hooks(args) => hooks::run(ctx, args),
        Command::Reindex(args) => reindex::run(ctx, args),
        Command::Doctor(args) => doctor::run(ctx, args),
        Command::Validate(args) => validate::run(ctx, args),
        Command::Verify(args) => verify::run(ctx, args),
        Command::Fetch(args) => sync::fetch(ctx, args),
        Command::Merge(args) => merge::run(ctx, args),
        Command::Push(args) => sync::push(ctx, args),
        Command::Sync(args) => sync::sync(ctx, args),
        Command::Conflicts(args) => sync::conflicts(ctx, args),
        Command::Work(args) => work::run(ctx, args),
        Command::Output(args) => work::output(ctx, args),
        Command::Transcript(args) => transcript::run(ctx, args),
        Command::Worktrees(args) => work::worktrees(ctx, args),
        Command::Prep(args) => runs::prep(ctx, args),
        Command::Tail(args) => runs::tail(ctx, args),
        Command::Takeover(args) => runs::takeover(ctx, args),
        Command::Resume(args) => runs::resume(ctx, args),
        Command::Reset(args) => runs::reset(ctx, args),
        Command::Mcp(args) => mcp::run(ctx, args),
        Command::Import(args) => import::import(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Template(args) => template::run(ctx, args),
        Command::Site(args) => site::run(ctx, args),
        Command::InstallManPages(args) => manual::install_man_pages(ctx, args),
        Command::Completions(args) => manual::completions(ctx, args),
        Command::Hook(args) => hook::run(ctx, args),
        Command::Event(args) => event::run(ctx, args),
    }
}

/// The text of a file argument, at most `bound` bytes; `-` reads standard input.
pub(crate) fn read_text_arg(
    path: &std::path::Path,
    bound: crate::files::Bound,
) -> Result<String, Error> {
    if path.as_os_str() == "-" {
        return read_stdin(bound);
    }
    crate::files::text(crate::files::read_file(path, bound)?, path)
}

/// Standard input as text, at most `bound` bytes.
pub(crate) fn read_stdin(bound: crate::files::Bound) -> Result<String, Error> {
    crate::files::text(
        crate::files::read_stdin(bound)?,
        std::path::Path::new("<stdin>"),
    )
}
