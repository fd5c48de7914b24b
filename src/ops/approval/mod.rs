//! `approve` and `reject`: a decision on a spec's approval, by the git identity that
//! signs the ledger commit (never a name typed on the command line), recorded in one
//! compare-and-swap commit that changes the spec's `approval` (`status`, `by` as `Name
//! <email>`, `at`), appends upstream's entry to its `## Approval Discussion`, and carries
//! an event for its last commit's note. With `chant.signApprovals` git signs that commit.
//! A rejection's `--action` (action.rs) writes its new specs in the same commit.

pub mod action;
pub mod agent;

use serde_yaml::Value;

use crate::error::Error;
use crate::notes::{Appends, Event};
use crate::spec::approval::{self, Decision};
use crate::spec::{id, rules, Spec};
use crate::store::paths::NOTES_REF;
use crate::store::trailer::Trailer;
use crate::store::{Change, Store};

pub use action::RejectAction;

use super::lookup::{load, resolve};

/// The git config key that has git sign approval and rejection commits.
pub const SIGN_KEY: &str = "chant.signApprovals";

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decided {
    pub id: String,
    /// `approved` or `rejected`.
    pub status: String,
    /// The approver, `Name <email>` (for an approval already given: who gave it).
    pub by: String,
    /// `false` when the spec was already approved (nothing written).
    pub changed: bool,
    /// The fix spec a `dependency` rejection created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The members a `group` rejection created.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Whether git signed the ledger commit.
    pub signed: bool,
}

/// Approves spec `short` as the git identity, at the time its commit is dated, with an
/// optional comment. Approving an approved spec writes nothing and says who approved it.
pub fn approve(store: &Store, short: &str, comment: Option<&str>) -> Result<Decided, Error> {
    decide(
        store,
        short,
        Decision::Approved,
        comment,
        RejectAction::Manual,
    )
}

/// Rejects spec `short` as the git identity, for `reason`, then does what `action` says.
pub fn reject(
    store: &Store,
    short: &str,
    reason: &str,
    action: RejectAction,
) -> Result<Decided, Error> {
    decide(store, short, Decision::Rejected, Some(reason), action)
}

fn decide(
    store: &Store,
    short: &str,
    decision: Decision,
    text: Option<&str>,
    action: RejectAction,
) -> Result<Decided, Error> {
    // Who and when are the approval commit's committer and date, resolved as git does.
    let (by, name, at) = store.committer_now()?;
    let now = at.as_str();
    let signed = store.config_bool(SIGN_KEY);
    store.update(|snapshot| {
        let id = resolve(store, snapshot, short)?;
        let (entry, mut spec) = load(snapshot, &id)?;
        let before = spec.clone();
        let mut decided = Decided {
            id: id.clone(),
            status: decision.as_str().to_owned(),
            by: by.clone(),
            changed: true,
            fix: None,
            members: Vec::new(),
            signed,
        };
        if decision == Decision::Approved && approval::state(&spec).as_deref() == Some("approved") {
            let given = spec
                .approval()
                .and_then(|a| a.get("by"))
                .and_then(Value::as_str);
            decided.by = given.unwrap_or_default().to_owned();
            decided.changed = false;
            decided.signed = false;
            return Ok((Change::default(), decided));
        }
        record(&mut spec, decision, &by, now);
        let discussion = approval::entry(&name, now, decision, text);
        spec.set_body(approval::discuss(spec.body(), &discussion));
        let verb = match decision {
            Decision::Approved => "approve",
            Decision::Rejected => "reject",
        };
        let mut change = Change::on_spec(verb, &id);
        change.sign(signed);
        let mut event = Event::new(now, &id, decision.as_str()).with("by", &by);
        if let Some(text) = text {
            let key = if decision == Decision::Approved {
                "comment"
            } else {
                "reason"
            };
            event = event.with(key, text);
            if decision == Decision::Rejected {
                change.trailer(Trailer::Reason, text);
            }
        }
        if decision == Decision::Rejected && action != RejectAction::Manual {
            let ids = crate::store::ids::load(store, snapshot)?;
            event = event.with("action", action.as_str());
            let reason = text.unwrap_or_default();
            match action {
                RejectAction::Dependency => {
                    let fix = id::generate(&crate::ops::today(), ids.iter());
                    action::dependency(&mut spec, &id, &fix, reason, &mut change);
                    change.subject(format!("reject {id}, fix in {fix}"));
                    decided.fix = Some(fix);
                }
                RejectAction::Group => {
                    decided.members =
                        action::group(&mut spec, &id, reason, ids.iter(), &mut change);
                    let n = decided.members.len();
                    change.subject(format!("reject {id}, a driver of {n} members"));
                }
                RejectAction::Manual => {}
            }
        }
        rules::introduced(Some(&before), &spec, true).map_err(|v| v.on(id.clone()))?;
        let bytes = spec.render();
        // What is written must load back.
        Spec::parse(&id, bytes.as_bytes())?;
        change.write_spec(&id, entry.archived, bytes);
        if let Some(commit) = super::transition::last_commit(store, &spec) {
            let note = Appends::one(NOTES_REF, commit, vec![event.to_line()]);
            change.ref_edits(note.edits(store)?);
        }
        Ok::<_, Error>((change, decided))
    })
}

/// Writes the decision into `approval`, keeping `required` (and any other key) as it is.
fn record(spec: &mut Spec, decision: Decision, by: &str, at: &str) {
    let mut mapping = spec.approval().cloned().unwrap_or_default();
    mapping.insert("status".into(), decision.as_str().into());
    mapping.insert("by".into(), by.into());
    mapping.insert("at".into(), at.into());
    spec.set_value("approval", Value::Mapping(mapping));
}
