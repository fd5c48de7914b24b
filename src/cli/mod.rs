//! The command line: one file per subcommand, each an `Args` struct and a `run` function
//! that does nothing but call the library and print.

mod add;
mod archive;
mod check;
mod dag;
mod diff;
mod doctor;
mod edit;
mod event;
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
mod ready;
mod reindex;
mod search;
mod set;
mod show;
mod status;
mod sync;
mod validate;
mod work;

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
    /// Start a spec (pending -> in_progress); its dependencies must be done.
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed, cancelled -> pending.
    Start(lifecycle::LifecycleArgs),
    /// Complete a spec (in_progress -> completed); every criterion must be ticked.
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed, cancelled -> pending.
    Done(lifecycle::LifecycleArgs),
    /// Mark a spec failed (in_progress -> failed).
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed, cancelled -> pending.
    Fail(lifecycle::LifecycleArgs),
    /// Pause a spec (in_progress -> paused).
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed, cancelled -> pending.
    Pause(lifecycle::LifecycleArgs),
    /// Cancel a spec (pending, in_progress or paused -> cancelled).
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed, cancelled -> pending.
    Cancel(lifecycle::LifecycleArgs),
    /// Reopen a completed, cancelled or failed spec (-> pending).
    ///
    /// The table: pending -> in_progress | cancelled; in_progress -> completed | failed |
    /// needs_attention | paused | cancelled; paused -> in_progress | cancelled; failed,
    /// needs_attention -> pending | in_progress; completed, cancelled -> pending.
    Reopen(lifecycle::LifecycleArgs),
    Check(check::CheckArgs),
    Set(set::SetArgs),
    Edit(edit::EditArgs),
    Archive(archive::ArchiveArgs),
    Search(search::SearchArgs),
    Log(log::LogArgs),
    Diff(diff::DiffArgs),
    Dag(dag::DagArgs),
    Lint(lint::LintArgs),
    Fmt(fmt::FmtArgs),
    Hooks(hooks::HooksArgs),
    Reindex(reindex::ReindexArgs),
    Doctor(doctor::DoctorArgs),
    Validate(validate::ValidateArgs),
    /// Fetch a remote's ledger and notes into remote-tracking refs.
    ///
    /// Fetch a remote's ledger and notes into remote-tracking refs (refs/remotes/<remote>/
    /// chant/specs, refs/notes/remotes/<remote>/…). A clone with no ledger (or notes ref)
    /// of its own gets one from the remote's; refs it has are left for `sync` or `merge`.
    #[command(after_help = "Examples:\n  git chant fetch\n  git chant fetch upstream")]
    Fetch(sync::RemoteArgs),
    /// Merge another ledger into ours (three-way, per spec and field).
    Merge(sync::MergeArgs),
    /// Push the ledger and notes (never forced).
    #[command(after_help = "Examples:\n  git chant push\n  git chant push upstream")]
    Push(sync::RemoteArgs),
    /// Fetch, merge and push, again while the remote moves.
    #[command(after_help = "Examples:\n  git chant sync\n  git chant sync upstream")]
    Sync(sync::RemoteArgs),
    Conflicts(sync::ConflictsArgs),
    Work(work::WorkArgs),
    Output(work::OutputArgs),
    Worktrees(work::WorktreesArgs),
    Import(import::ImportArgs),
    Export(import::ExportArgs),
    InstallManPages(manual::InstallManPagesArgs),
    Completions(manual::CompletionsArgs),
    #[command(hide = true)]
    Hook(hook::HookArgs),
    #[command(hide = true)]
    Event(event::EventArgs),
}

/// Runs a parsed command line; the `Exit` is the process's exit code on success.
pub fn run(cli: Cli) -> Result<Exit, Error> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Add(args) => add::run(args),
        Command::List(args) => list::run(args),
        Command::Show(args) => show::run(args),
        Command::Status(args) => status::run(args),
        Command::Ready(args) => ready::run(args),
        Command::Start(args) => lifecycle::run(Target::Start, args),
        Command::Done(args) => lifecycle::run(Target::Done, args),
        Command::Fail(args) => lifecycle::run(Target::Fail, args),
        Command::Pause(args) => lifecycle::run(Target::Pause, args),
        Command::Cancel(args) => lifecycle::run(Target::Cancel, args),
        Command::Reopen(args) => lifecycle::run(Target::Reopen, args),
        Command::Check(args) => check::run(args),
        Command::Set(args) => set::run(args),
        Command::Edit(args) => edit::run(args),
        Command::Archive(args) => archive::run(args),
        Command::Search(args) => search::run(args),
        Command::Log(args) => log::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Dag(args) => dag::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Hooks(args) => hooks::run(args),
        Command::Reindex(args) => reindex::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Fetch(args) => sync::fetch(args),
        Command::Merge(args) => sync::merge(args),
        Command::Push(args) => sync::push(args),
        Command::Sync(args) => sync::sync(args),
        Command::Conflicts(args) => sync::conflicts(args),
        Command::Work(args) => work::run(args),
        Command::Output(args) => work::output(args),
        Command::Worktrees(args) => work::worktrees(args),
        Command::Import(args) => import::import(args),
        Command::Export(args) => import::export(args),
        Command::InstallManPages(args) => manual::install_man_pages(args),
        Command::Completions(args) => manual::completions(args),
        Command::Hook(args) => hook::run(args),
        Command::Event(args) => event::run(args),
    }
}

/// Writes human output to stdout with its control characters escaped (data from the ledger
/// must never drive the terminal; see `escape`); a closed pipe (`git chant list | head`) is
/// not an error worth a diagnostic, so it ends the command quietly. Colour, if ever, goes
/// in after this escaping, never before.
pub(crate) fn print(out: &mut impl std::io::Write, text: &str) -> Result<(), Error> {
    write_or_quit(out.write_all(crate::escape::escape(text).as_bytes()))
}

/// Human output that may be long (`show`, `log`), escaped like `print`: through git's
/// pager when stdout is a terminal, as git pages its own, otherwise straight to stdout.
pub(crate) fn page(store: &crate::store::Store, text: &str) -> Result<(), Error> {
    let Some(mut pager) = crate::store::pager::Pager::start(store) else {
        let mut out = std::io::stdout().lock();
        print(&mut out, text)?;
        return flush(&mut out);
    };
    let written = pager.write(crate::escape::escape(text).as_bytes());
    pager.finish();
    written.map_err(|source| Error::Write {
        path: "<pager>".into(),
        source,
    })
}

/// Exact bytes (`show --raw`, `fmt -`): what is stored, for pipes and files.
pub(crate) fn print_raw(out: &mut impl std::io::Write, bytes: &[u8]) -> Result<(), Error> {
    write_or_quit(out.write_all(bytes))
}

/// One line of human output on stdout, escaped.
pub(crate) fn say(line: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    print(&mut out, line)?;
    print(&mut out, "\n")
}

/// One line on stderr, escaped; a closed stderr is not worth failing for.
pub(crate) fn warn(line: &str) {
    eprintln!("{}", crate::escape::escape(line));
}

pub(crate) fn flush(out: &mut impl std::io::Write) -> Result<(), Error> {
    write_or_quit(out.flush())
}

/// JSON on stdout: indented on a terminal, compact in a pipe (DEL and C1 controls, which
/// serde_json leaves raw, as `\u00NN`).
pub(crate) fn print_json(
    out: &mut impl std::io::Write,
    value: &impl serde::Serialize,
) -> Result<(), Error> {
    use std::io::IsTerminal;
    print_json_as(out, value, std::io::stdout().is_terminal())
}

/// JSON on stdout, indented or not.
pub(crate) fn print_json_as(
    out: &mut impl std::io::Write,
    value: &impl serde::Serialize,
    pretty: bool,
) -> Result<(), Error> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    let text = text.map_err(|e| Error::Write {
        path: "<stdout>".into(),
        source: std::io::Error::from(e),
    })?;
    write_or_quit(out.write_all(crate::escape::json(text).as_bytes()))?;
    print(out, "\n")
}

fn write_or_quit(result: std::io::Result<()>) -> Result<(), Error> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(source) => Err(Error::Write {
            path: "<stdout>".into(),
            source,
        }),
    }
}

/// Opens the repository and the index of its ledger, for read commands.
pub(crate) fn open_index() -> Result<(crate::store::Store, crate::store::index::Index), Error> {
    let store = crate::store::Store::open(".")?;
    let index = {
        let snapshot = store.snapshot()?;
        crate::store::index::Index::load(&store, &snapshot)?
    };
    Ok((store, index))
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
