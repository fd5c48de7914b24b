//! Lifecycle transitions (`start`, `done`, `fail`, `pause`, `cancel`, `reopen`): the table,
//! the preconditions, `--force`, and a group's driver following its members.

use crate::error::Error;
use crate::lifecycle::SpecSummary;
use crate::lifecycle::{self, LifecycleError, Status};
use crate::notes::{Appends, Event};
use crate::spec::{id, Spec};
use crate::store::ledger::Snapshot;
use crate::store::paths::NOTES_REF;
use crate::store::trailer::Trailer;
use crate::store::{Change, Store};

use super::lookup::{load, members, neighbours, resolve, summary};

/// The lifecycle commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Start,
    Done,
    Fail,
    Pause,
    Cancel,
    Reopen,
    /// An agent run that ended well but left criteria open (no command of its own).
    NeedsAttention,
}

impl Target {
    pub fn status(self) -> &'static str {
        let status = match self {
            Target::Start => &Status::InProgress,
            Target::Done => &Status::Completed,
            Target::Fail => &Status::Failed,
            Target::Pause => &Status::Paused,
            Target::Cancel => &Status::Cancelled,
            Target::Reopen => &Status::Pending,
            Target::NeedsAttention => &Status::NeedsAttention,
        };
        status.as_str()
    }

    pub fn verb(self) -> &'static str {
        match self {
            Target::Start => "start",
            Target::Done => "done",
            Target::Fail => "fail",
            Target::Pause => "pause",
            Target::Cancel => "cancel",
            Target::Reopen => "reopen",
            Target::NeedsAttention => "needs-attention",
        }
    }
}

/// What a transition did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transitioned {
    pub id: String,
    pub from: String,
    pub to: String,
    /// A rule or precondition was bypassed with `--force`.
    pub forced: bool,
    /// Messages for the user: the driver that moved with its member, or why it did not.
    pub messages: Vec<String>,
    /// The ledger commit that records the transition.
    pub commit: Option<gix::ObjectId>,
}

/// Moves a spec to `target`'s status as one ledger commit (plus a note event on its last
/// commit, in the same transaction). Refuses what the table or the preconditions forbid
/// unless `force`, which is then recorded in the commit trailers and the note.
pub fn transition(
    store: &Store,
    short: &str,
    target: Target,
    force: bool,
    reason: Option<&str>,
    now: &str,
) -> Result<Transitioned, Error> {
    let (mut outcome, commit) = store.update_committed(|snapshot| -> Result<_, Error> {
        let id = resolve(store, snapshot, short)?;
        let (entry, mut spec) = load(snapshot, &id)?;
        let from = spec.status().to_owned();
        let to = target.status();
        if from == to {
            return Err(LifecycleError::Unchanged { id, status: from }.into());
        }
        let mut forced = false;
        let mut refuse = |err: LifecycleError| {
            if force {
                forced = true;
                Ok(())
            } else {
                Err(err)
            }
        };
        if !lifecycle::is_allowed(&from, to) {
            let allowed = lifecycle::allowed_from(&from).join(", ");
            refuse(LifecycleError::Illegal {
                id: id.clone(),
                from: from.clone(),
                to: to.into(),
                allowed: if allowed.is_empty() {
                    "nothing (unknown status)".into()
                } else {
                    allowed
                },
            })?;
        }
        let me = SpecSummary::from_spec(&entry.place(), &spec);
        if target == Target::Start {
            let deps = neighbours(snapshot, &me)?;
            let blockers = lifecycle::blockers(&me, |d| deps.iter().find(|s| s.id == d));
            if !blockers.is_empty() {
                refuse(LifecycleError::Blocked {
                    id: id.clone(),
                    blockers,
                })?;
            }
        }
        if target == Target::Done {
            let open: Vec<_> = spec.criteria().into_iter().filter(|c| !c.checked).collect();
            if !open.is_empty() {
                refuse(LifecycleError::OpenCriteria {
                    id: id.clone(),
                    open: open
                        .iter()
                        .map(|c| format!("{}. {}", c.number, c.text))
                        .collect(),
                    numbers: open
                        .iter()
                        .map(|c| c.number.to_string())
                        .collect::<Vec<_>>()
                        .join(" "),
                })?;
            }
            let open_members = open_members(store, snapshot, &id, None)?;
            if !open_members.is_empty() {
                refuse(LifecycleError::OpenMembers {
                    id: id.clone(),
                    members: open_members,
                })?;
            }
        }

        set_status(&mut spec, to, now);
        let agent = match Status::of(to) {
            Status::Completed => {
                super::approval::agent::require_if_agent_work(store, snapshot, &mut spec)?
            }
            _ => None,
        };
        let mut change = Change::on_spec(&format!("status {from} -> {to}"), &id);
        change
            .subject(format!("{} {id}", target.verb()))
            .write_spec(&id, entry.archived, spec.render());
        if forced {
            change.trailer(Trailer::Forced, "true");
        }
        if let Some(reason) = reason {
            change.trailer(Trailer::Reason, reason);
        }
        let mut event = Event::new(now, &id, format!("{from}->{to}"));
        if forced {
            event = event.with("forced", "true");
        }
        if let Some(reason) = reason {
            event = event.with("reason", reason);
        }
        let mut messages = follow_driver(store, snapshot, &id, to, now, &mut change)?;
        if let Some((commit, line)) = agent {
            event = event.with("approval", "required");
            messages.push(super::approval::agent::required_message(
                &id, &commit, &line,
            ));
        }
        if let Some(commit) = last_commit(store, &spec) {
            let note = Appends::one(NOTES_REF, commit, vec![event.to_line()]);
            change.ref_edits(note.edits(store)?);
        }
        let outcome = Transitioned {
            id,
            from,
            to: to.into(),
            forced,
            messages,
            commit: None,
        };
        Ok((change, outcome))
    })?;
    outcome.commit = commit;
    Ok(outcome)
}

/// Sets the status; completing stamps `completed_at`, reopening removes it.
fn set_status(spec: &mut Spec, to: &str, now: &str) {
    spec.set_text("status", to);
    match Status::of(to) {
        Status::Completed => spec.set_text("completed_at", now),
        Status::Pending => {
            spec.remove("completed_at");
        }
        _ => {}
    }
}

/// The last commit listed in `commits:` that exists here, for the note event.
pub(super) fn last_commit(store: &Store, spec: &Spec) -> Option<gix::ObjectId> {
    spec.commits()
        .iter()
        .rev()
        .find_map(|c| store.listed_commit(c))
}

/// Members of `driver` not completed or cancelled; `changed` overrides one member's status
/// (the one being moved in this operation).
fn open_members(
    store: &Store,
    snapshot: &Snapshot<'_>,
    driver: &str,
    changed: Option<(&str, &str)>,
) -> Result<Vec<String>, Error> {
    let mut open = Vec::new();
    for member in members(store, snapshot, driver)? {
        let status = match changed {
            Some((id, status)) if id == member => status.to_owned(),
            _ => summary(snapshot, &member)?
                .map(|s| s.status)
                .unwrap_or_default(),
        };
        if !lifecycle::is_done(&status) {
            open.push(member);
        }
    }
    Ok(open)
}

/// A driver moves to in_progress when its first member starts, and completes when its last
/// member is done and its own criteria are ticked; both in the member's commit.
fn follow_driver(
    store: &Store,
    snapshot: &Snapshot<'_>,
    member: &str,
    to: &str,
    now: &str,
    change: &mut Change,
) -> Result<Vec<String>, Error> {
    let Some(driver) = id::driver_of(member) else {
        return Ok(Vec::new());
    };
    let Some(entry) = snapshot.locate(driver)? else {
        return Ok(Vec::new());
    };
    let (_, mut spec) = load(snapshot, driver)?;
    let from = spec.status().to_owned();
    use Status::{Cancelled, Completed, InProgress, Pending};
    let next = match (Status::of(&from), Status::of(to)) {
        (Pending, InProgress) => InProgress.as_str(),
        (Pending | InProgress, Completed | Cancelled) => {
            if !open_members(store, snapshot, driver, Some((member, to)))?.is_empty() {
                return Ok(Vec::new());
            }
            if spec.criteria().iter().any(|c| !c.checked) {
                return Ok(vec![format!(
                    "every member of {driver} is done; tick its criteria and run `git chant done {driver}`"
                )]);
            }
            Completed.as_str()
        }
        _ => return Ok(Vec::new()),
    };
    set_status(&mut spec, next, now);
    change
        .write_spec(driver, entry.archived, spec.render())
        .trailer(Trailer::Driver, format!("{driver} {from} -> {next}"));
    Ok(vec![format!("{driver}: {from} -> {next}")])
}
