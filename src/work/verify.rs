//! `verify`: whether a completed spec's landed work meets its acceptance criteria, asked
//! of the agent (upstream's `verify` prompt, a verdict per numbered criterion) or of the
//! user's own command (`--command`, exit 0 = passed), in a fresh detached worktree at the
//! landed commit that is removed afterwards. The result is recorded as upstream records it
//! (`last_verified`, `verification_status`, `verification_failures`), with a `verified`
//! event and the transcript on the verified commit, in one ledger commit.

use gix::ObjectId;
use serde::Serialize;

use super::ask::{self, Asked};
use super::error::WorkError;
use super::verdict::{self, Rated};
use super::{builtin, land};
use crate::error::Error;
use crate::lifecycle::Status;
use crate::notes::{attach_edit, Appends, Event};
use crate::ops;
use crate::spec::{verification, Spec};
use crate::store::paths::{NOTES_REF, OUTPUT_REF};
use crate::store::{Change, Store};

/// How to verify.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--agent`: a preset or a command line, else the configured agent.
    pub agent: Option<String>,
    /// `--command`: a shell command from the user's command line, run instead of an agent.
    pub command: Option<String>,
}

/// One spec verified.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub id: String,
    /// `passed`, `failed` or `partial`.
    pub status: &'static str,
    /// The commit whose work was checked (it carries the event and the transcript).
    pub commit: String,
    pub last_verified: String,
    pub failures: Vec<String>,
    /// The agent's verdict per criterion (none for `--command`).
    pub criteria: Vec<Rated>,
    /// The agent's name or command line, or `command`.
    pub by: String,
}

/// A spec `--all` passed over, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

/// What `verify` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub verified: Vec<Verified>,
    pub skipped: Vec<Skipped>,
}

impl Report {
    /// Whether any spec failed or passed only partly (`--exit-code`).
    pub fn any_not_passed(&self) -> bool {
        self.verified
            .iter()
            .any(|v| v.status != verification::PASSED)
    }
}

/// Verifies the specs `shorts` name, or with `all` every live completed spec.
pub fn verify(
    store: &Store,
    shorts: &[String],
    all: bool,
    opts: &Options,
) -> Result<Report, Error> {
    let snapshot = store.snapshot()?;
    let ids: Vec<String> = if all {
        ops::query::completed(&crate::store::index::Index::load(store, &snapshot)?)
    } else {
        let mut ids = Vec::new();
        for short in shorts {
            let id = ops::resolve(store, &snapshot, short)?;
            let (_, spec) = ops::load(&snapshot, &id)?;
            if !Status::Completed.is(spec.status()) {
                return Err(WorkError::NotVerifiable {
                    id,
                    status: spec.status().to_owned(),
                }
                .into());
            }
            ids.push(id);
        }
        ids
    };
    let mut report = Report::default();
    for id in ids {
        match one(store, &id, opts, all)? {
            Ok(verified) => report.verified.push(verified),
            Err(reason) => report.skipped.push(Skipped { id, reason }),
        }
    }
    Ok(report)
}

/// Verifies spec `id`; `Ok(Err(reason))` when `--all` passes it over.
fn one(
    store: &Store,
    id: &str,
    opts: &Options,
    all: bool,
) -> Result<Result<Verified, String>, Error> {
    // The id names a folder under `.git/chant/`: one a push without the server's checks
    // planted must not lead outside it.
    crate::spec::id::validate(id)?;
    let (_, spec) = ops::load(&store.snapshot()?, id)?;
    let commit = match landed_commit(store, id, &spec)? {
        Some(c) => c,
        None if all => return Ok(Err("no landed commit and no `commits:`".into())),
        None => return Err(WorkError::NothingToVerify { id: id.to_owned() }.into()),
    };
    let criteria = spec.criteria();
    if opts.command.is_none() && criteria.is_empty() {
        return Ok(Err("no acceptance criteria to verify".into()));
    }
    let asked =
        ask::in_scratch_worktree(store, "verify", id, commit, |path| match &opts.command {
            Some(command) => ask::run_command(id, path, command),
            None => ask::ask_about(
                store,
                &ask::About {
                    id,
                    spec: &spec,
                    kind: "verify",
                    tail: builtin::verify_tail,
                    schema: Some(builtin::VERDICT_SCHEMA),
                },
                path,
                opts.agent.as_deref(),
            ),
        })?;
    let (rated, status, failures) = match &opts.command {
        Some(command) => {
            let (status, failures) = command_result(command, &asked);
            (Vec::new(), status, failures)
        }
        None => {
            if asked.interrupted || asked.exit_code != Some(0) {
                let how = match asked.exit_code {
                    Some(code) if !asked.interrupted => format!("exit code {code}"),
                    _ => "an interrupt".to_owned(),
                };
                let kept = keep_transcript(store, commit, &asked)?;
                return Err(WorkError::AgentFailed {
                    id: id.to_owned(),
                    how,
                    kept,
                }
                .into());
            }
            match verdict::read(asked.answer.as_ref(), &criteria) {
                Ok(rated) => {
                    let status = verdict::status(&rated);
                    let failures = verdict::failures(&rated);
                    (rated, status, failures)
                }
                Err(why) => {
                    let kept = keep_transcript(store, commit, &asked)?;
                    return Err(WorkError::Unreadable {
                        id: id.to_owned(),
                        ask: "verify",
                        why: crate::escape::escape(&why).into_owned(),
                        kept,
                    }
                    .into());
                }
            }
        }
    };
    let now = ops::now();
    let event = Event::new(now.clone(), id, "verified")
        .with("status", status)
        .with("by", &asked.agent);
    store.update(|snapshot| {
        let (entry, mut spec) = ops::load(snapshot, id)?;
        spec.set_text("last_verified", &now);
        spec.set_text("verification_status", status);
        if failures.is_empty() {
            spec.remove("verification_failures");
        } else {
            spec.set_list("verification_failures", &failures);
        }
        let mut change = Change::on_spec("verify", id);
        change.write_spec(id, entry.archived, spec.render());
        let mut edits = Appends::one(NOTES_REF, commit, vec![event.to_line()]).edits(store)?;
        edits.push(attach_edit(store, OUTPUT_REF, commit, &asked.transcript)?);
        change.ref_edits(edits);
        Ok::<_, Error>((change, ()))
    })?;
    Ok(Ok(Verified {
        id: id.to_owned(),
        status,
        commit: commit.to_string(),
        last_verified: now,
        failures,
        criteria: rated,
        by: asked.agent,
    }))
}

/// `--command`'s result: exit 0 passed; anything else failed, with the end of its output.
fn command_result(command: &str, asked: &Asked) -> (&'static str, Vec<String>) {
    if asked.exit_code == Some(0) && !asked.interrupted {
        return (verification::PASSED, Vec::new());
    }
    let how = match asked.exit_code {
        Some(code) => format!("exited {code}"),
        None => "was interrupted".to_owned(),
    };
    // The output is the transcript after its header.
    let output = asked
        .transcript
        .splitn(3, "---\n")
        .nth(2)
        .unwrap_or_default();
    let lines: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(5)..].join(" | ");
    let tail: String = {
        let chars: Vec<char> = tail.chars().collect();
        chars[chars.len().saturating_sub(300)..].iter().collect()
    };
    let shown = verdict::one_line(command).unwrap_or_default();
    let failure = match verdict::one_line(&tail) {
        Some(tail) => format!("`{shown}` {how}: {tail}"),
        None => format!("`{shown}` {how}"),
    };
    (verification::FAILED, vec![failure])
}

/// Keeps a run's transcript on `commit` when its answer is not recorded; returns the
/// commit, for the error to name.
fn keep_transcript(store: &Store, commit: ObjectId, asked: &Asked) -> Result<String, Error> {
    store.update(|_| {
        let mut change = Change::default();
        change.ref_edits([attach_edit(store, OUTPUT_REF, commit, &asked.transcript)?]);
        Ok::<_, Error>((change, ()))
    })?;
    Ok(commit.to_string())
}

/// The commit `id`'s work landed in: the commit of its newest `landed` event, else the tip
/// its kept branch was marked landed at, else the last of its `commits:`; `None` without
/// any of them (or when this clone lacks the commit).
fn landed_commit(store: &Store, id: &str, spec: &Spec) -> Result<Option<ObjectId>, Error> {
    let mut newest: Option<(String, ObjectId)> = None;
    for (commit, _) in crate::notes::list(store, NOTES_REF)? {
        for event in crate::notes::events(store, commit)? {
            let newer = newest.as_ref().is_none_or(|(at, _)| event.at > *at);
            if event.spec == id && event.event == "landed" && newer {
                newest = Some((event.at, commit));
            }
        }
    }
    let has = |c: &ObjectId| store.repo().find_commit(*c).is_ok();
    if let Some((_, commit)) = newest.filter(|(_, c)| has(c)) {
        return Ok(Some(commit));
    }
    let named = land::landed_mark(store, id).or(spec.commits().last().map(|c| c.to_string()));
    Ok(named
        .and_then(|rev| store.resolve_rev(&rev).ok())
        .filter(has))
}
