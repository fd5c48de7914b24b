//! `git chant hook <name>`: the entry point the hook shims call. Output is plain ASCII;
//! post-* hooks never fail the user's command.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::diag::{self, Style};
use crate::error::Error;
use crate::exit::Exit;
use crate::hooks::client::{self, MessageCheck};
use crate::hooks::message;
use crate::hooks::server::{self, Policy};
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

pub fn run(args: HookArgs) -> Result<Exit, Error> {
    match args.hook {
        Hook::CommitMsg { file } => commit_msg(&file),
        Hook::PostCommit => Ok(never_fail(post_commit())),
        Hook::PostRewrite { .. } => Ok(never_fail(post_rewrite())),
        Hook::PreReceive => {
            let input = super::read_stdin(crate::files::Limits::default().note)?;
            Ok(gate(server::parse_updates(&input)))
        }
        Hook::Update { ref_name, old, new } => {
            Ok(gate(vec![server::Update::new(&old, &new, &ref_name)]))
        }
    }
}

/// Runs the server checks in hook mode (pushed objects still in quarantine, refs never
/// written) and answers git: 0 accepts, 1 rejects. A check that cannot run rejects too.
fn gate(updates: Vec<server::Update>) -> Exit {
    let checked = Store::open_for_hook(".").and_then(|store| {
        let policy = Policy::from_config(&store);
        server::check_push(&store, &updates, &policy)
    });
    match checked {
        Ok(problems) if problems.is_empty() => Exit::Ok,
        Ok(problems) => {
            eprint!("{}", server::render(&problems));
            Exit::User
        }
        Err(e) => {
            eprint!("{}", diag::render(&e, Style::Ascii));
            eprintln!("git chant: push rejected: the checks could not run");
            Exit::User
        }
    }
}

fn commit_msg(file: &PathBuf) -> Result<Exit, Error> {
    // Bounded without reading any config, so a message naming no spec stays this cheap;
    // git allows long messages, so the generous transcript limit.
    let bound = crate::files::Limits::default().note;
    let text = crate::files::text(crate::files::read_file(file, bound)?, file)?;
    // The fast path: a message that names no spec never opens the ledger.
    if message::references(&text).is_empty() {
        return Ok(Exit::Ok);
    }
    let store = Store::open(".")?;
    match client::check_message(&store, &text)? {
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
                eprint!("{}", diag::render(e, Style::Ascii));
            }
            if strict {
                eprintln!("git chant: commit refused; fix the id in the message, or commit with --no-verify (then `git chant reindex`)");
                Ok(Exit::User)
            } else {
                eprintln!("git chant: warning only (chant.hooks.strict=false)");
                Ok(Exit::Ok)
            }
        }
    }
}

fn post_commit() -> Result<(), Error> {
    let store = Store::open(".")?;
    let head = store
        .repo()
        .head_commit()
        .context(|| "reading HEAD".to_owned())?;
    let refs = message::references(&head.message_raw_sloppy().to_string());
    if refs.is_empty() {
        return Ok(());
    }
    let id = head.id;
    for recorded in client::record_commit(&store, id, &refs)? {
        match recorded.transition {
            Some((from, to)) => super::warn(&format!("git chant: {}: {from} -> {to}", recorded.id)),
            None => super::warn(&format!("git chant: {}: commit recorded", recorded.id)),
        }
        if !recorded.open.is_empty() {
            // Criteria are the spec's text: escaped like all data.
            super::warn(&format!(
                "git chant: {} not completed, criteria still open: {}",
                recorded.id,
                recorded.open.join("; ")
            ));
        }
    }
    Ok(())
}

fn post_rewrite() -> Result<(), Error> {
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
    let store = Store::open(".")?;
    for id in client::rewrite(&store, &pairs)? {
        super::warn(&format!("git chant: {id}: rewritten commits followed"));
    }
    Ok(())
}

/// A post-* hook reports a failure and exits 0: the commit already happened, and
/// `git chant reindex` recovers whatever was not recorded.
fn never_fail(result: Result<(), Error>) -> Exit {
    if let Err(e) = result {
        eprint!("{}", diag::render(&e, Style::Ascii));
        eprintln!("git chant: warning: not recorded; run `git chant reindex` later");
    }
    Exit::Ok
}
