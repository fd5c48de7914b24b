//! `git chant hooks run <name>` (and `hook <name>`, what older shims call): the entry
//! point the hook shims call. Output is plain ASCII;
//! post-* hooks never fail the user's command.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::diag::Style;
use crate::error::Error;
use crate::exit::Exit;
use crate::hooks::message;
use crate::hooks::server::{self, Policy};
use crate::ops::record::{self, MessageCheck};
use crate::store::{Context, Store};

/// Run a git hook's work (called by the shims `git chant hooks install` writes).
#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    hook: Hook,
}

#[derive(Debug, Subcommand)]
enum Hook {
    /// Check that the ids a message names exist; expand unique short ids.
    CommitMsg { file: PathBuf },
    /// Record the new commit on the specs its message names.
    PostCommit,
    /// Follow amend and rebase (old/new pairs on stdin).
    PostRewrite { kind: Option<String> },
    /// Check a push (`<old> <new> <ref>` lines on stdin); exit 1 rejects it.
    PreReceive,
    /// Check one ref update of a push; exit 1 rejects that ref.
    Update {
        ref_name: String,
        old: String,
        new: String,
    },
}

pub fn run(ctx: &Ctx, args: HookArgs) -> Result<Exit, Error> {
    match args.hook {
        Hook::CommitMsg { file } => commit_msg(ctx, &file),
        Hook::PostCommit => Ok(never_fail(ctx, post_commit(ctx))),
        Hook::PostRewrite { .. } => Ok(never_fail(ctx, post_rewrite(ctx))),
        Hook::PreReceive => {
            let input = super::read_stdin(crate::files::Limits::default().note)?;
            Ok(gate(ctx, server::parse_updates(&input)))
        }
        Hook::Update { ref_name, old, new } => {
            Ok(gate(ctx, vec![server::Update::new(&old, &new, &ref_name)]))
        }
    }
}

/// Runs the server checks in hook mode (pushed objects still in quarantine, refs never
/// written) and answers git: 0 accepts, 1 rejects. A check that cannot run rejects too.
fn gate(ctx: &Ctx, updates: Vec<server::Update>) -> Exit {
    let checked = Store::open_for_hook(".").and_then(|store| {
        let policy = Policy::from_config(&store);
        server::check_push(&store, &updates, &policy)
    });
    match checked {
        Ok(problems) if problems.is_empty() => Exit::Ok,
        Ok(problems) => {
            ctx.ui.err(&server::render(&problems));
            Exit::User
        }
        Err(e) => {
            ctx.ui.diagnostic_as(&e, Style::Ascii);
            ctx.ui
                .err("git chant: push rejected: the checks could not run\n");
            Exit::User
        }
    }
}

fn commit_msg(ctx: &Ctx, file: &PathBuf) -> Result<Exit, Error> {
    // Bounded without reading any config, so a message naming no spec stays this cheap;
    // git allows long messages, so the generous transcript limit.
    let bound = crate::files::Limits::default().note;
    let text = crate::files::text(crate::files::read_file(file, bound)?, file)?;
    // The fast path: a message that names no spec never opens the ledger.
    if message::references(&text).is_empty() {
        return Ok(Exit::Ok);
    }
    let store = ctx.store()?;
    match record::check_message(store, &text)? {
        MessageCheck::NoReference => Ok(Exit::Ok),
        MessageCheck::Resolved(expanded) => {
            if expanded != text {
                std::fs::write(file, expanded).map_err(|source| Error::Write {
                    path: file.clone(),
                    source,
                })?;
            }
            Ok(Exit::Ok)
        }
        MessageCheck::Unresolved(errors) => {
            let strict = store
                .config_string("chant.hooks.strict")
                .is_none_or(|v| !matches!(v.as_str(), "false" | "no" | "off" | "0"));
            for e in &errors {
                ctx.ui.diagnostic_as(e, Style::Ascii);
            }
            if strict {
                ctx.ui.err("git chant: commit refused; fix the id in the message, or commit with --no-verify (then `git chant reindex`)\n");
                Ok(Exit::User)
            } else {
                ctx.ui
                    .err("git chant: warning only (chant.hooks.strict=false)\n");
                Ok(Exit::Ok)
            }
        }
    }
}

fn post_commit(ctx: &Ctx) -> Result<(), Error> {
    let store = ctx.store()?;
    let head = store
        .repo()
        .head_commit()
        .context(|| "reading HEAD".to_owned())?;
    let refs = message::references(&head.message_raw_sloppy().to_string());
    if refs.is_empty() {
        return Ok(());
    }
    let id = head.id;
    for recorded in record::record_commit(store, id, &refs)? {
        match recorded.transition {
            Some((from, to)) => ctx
                .ui
                .warn(&format!("git chant: {}: {from} -> {to}", recorded.id)),
            None => ctx
                .ui
                .warn(&format!("git chant: {}: commit recorded", recorded.id)),
        }
        if !recorded.open.is_empty() {
            // Criteria are the spec's text: escaped like all data.
            ctx.ui.warn(&format!(
                "git chant: {} not completed, criteria still open: {}",
                recorded.id,
                recorded.open.join("; ")
            ));
        }
    }
    Ok(())
}

fn post_rewrite(ctx: &Ctx) -> Result<(), Error> {
    let input = super::read_stdin(crate::files::Limits::default().note)?;
    let pairs: Vec<_> = input
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let old = gix::ObjectId::from_hex(words.next()?.as_bytes()).ok()?;
            let new = gix::ObjectId::from_hex(words.next()?.as_bytes()).ok()?;
            Some((old, new))
        })
        .collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let store = ctx.store()?;
    for id in record::rewrite(store, &pairs)? {
        ctx.ui
            .warn(&format!("git chant: {id}: rewritten commits followed"));
    }
    Ok(())
}

/// A post-* hook reports a failure and exits 0: the commit already happened, and
/// `git chant reindex` recovers whatever was not recorded.
fn never_fail(ctx: &Ctx, result: Result<(), Error>) -> Exit {
    if let Err(e) = result {
        ctx.ui.diagnostic_as(&e, Style::Ascii);
        ctx.ui
            .err("git chant: warning: not recorded; run `git chant reindex` later\n");
    }
    Exit::Ok
}
