//! The approval rules the server holds, from its own git config (never the ledger, which
//! the pusher writes): `chant.requireApproval` (a spec that requires approval moves to
//! in_progress or completed only once approved), `chant.approvers` (only they decide an
//! approval, and `approval.by` names the committer) and `chant.requireSignedApprovals`
//! (such a commit carries a signature git verifies, by the committer).
//!
//! Cheap by design: each pushed spec version's approval fields come with its one parse
//! (`parsed.rs`); only a commit that decides an approval is read again, and only such a
//! commit has its signature checked, by git (`store::git_cli::signature`).

use gix::ObjectId;

mod alone;

use super::ledger::Pushed;
use super::parsed::Parsed;
use super::report::{Policy, Report, Rule};
use super::tree::Changed;
use crate::lifecycle::Status;
use crate::spec::Spec;
use crate::store::{Context, Store, StoreError};

/// A spec version's `approval` fields (absent ones `None`; `required` only when a boolean).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Approval {
    required: bool,
    status: Option<String>,
    by: Option<String>,
    at: Option<String>,
}

impl Approval {
    pub fn of(spec: &Spec) -> Approval {
        let Some(map) = spec.approval() else {
            return Approval::default();
        };
        let text = |k: &str| map.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        Approval {
            required: map.get("required").and_then(|v| v.as_bool()) == Some(true),
            status: text("status"),
            by: text("by"),
            at: text("at"),
        }
    }

    fn approved(&self) -> bool {
        self.status.as_deref() == Some("approved")
    }

    /// The decision this version records: approved or rejected, by whom, when.
    fn decision(&self) -> Option<(&str, Option<&str>, Option<&str>)> {
        match self.status.as_deref() {
            Some(s @ ("approved" | "rejected")) => {
                Some((s, self.by.as_deref(), self.at.as_deref()))
            }
            _ => None,
        }
    }
}

/// What a commit does to one spec's approval, when it is one of the approval rules' business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Act {
    /// Records a decision (`approved` or `rejected`) no parent holds, naming `by`.
    Decides { verb: String, by: Option<String> },
    /// Turns `approval.required` off (or removes `approval`) where every parent had it on.
    Drops,
}

/// A commit that decides approvals, for the signature check after the history's.
pub(crate) struct Decision {
    pub(super) commit: ObjectId,
    pub(super) committer: String,
    pub(super) specs: Vec<String>,
}

/// The approval rules over one ledger update, fed spec by spec and commit by commit.
pub(crate) struct Gate<'p> {
    policy: &'p Policy,
    /// The current commit's acts, by spec.
    acts: Vec<(String, Act)>,
    /// The commits that decided something, when signatures are required.
    pub decisions: Vec<Decision>,
}

impl<'p> Gate<'p> {
    pub fn new(policy: &'p Policy) -> Gate<'p> {
        Gate {
            policy,
            acts: Vec::new(),
            decisions: Vec::new(),
        }
    }

    /// Whether any rule is configured; nothing else costs anything when not.
    pub fn active(&self) -> bool {
        self.policy.require_approval || self.identity_rules()
    }

    /// `chant.approvers` or `chant.requireSignedApprovals`: who decides matters.
    fn identity_rules(&self) -> bool {
        !self.policy.approvers.is_empty() || self.policy.require_signed_approvals
    }

    /// One spec of `commit`: `after` is its new version (a blob that parsed), `befores` its
    /// version in each parent (for a plain commit the first parent's, or the version a
    /// commit earlier in the push deleted).
    pub fn spec(
        &mut self,
        report: &mut Report,
        parsed: &mut Parsed<'_>,
        commit: &Pushed,
        id: &str,
        befores: &[Option<ObjectId>],
        after: ObjectId,
    ) -> Result<(), StoreError> {
        let Some((status, approval)) = parsed.approval(id, after)? else {
            return Ok(());
        };
        let mut olds = Vec::new();
        for blob in befores {
            olds.push(match blob {
                Some(b) => parsed.approval(id, *b)?,
                None => None,
            });
        }
        let moves = olds
            .iter()
            .all(|o| o.as_ref().is_none_or(|(s, _)| *s != status));
        if self.policy.require_approval
            && approval.required
            && !approval.approved()
            && matches!(Status::of(&status), Status::InProgress | Status::Completed)
            && moves
        {
            let from = match &olds[..] {
                [Some((s, _))] => s.as_str(),
                [None] => "(new)",
                _ => "its parents'",
            };
            let state = approval.status.as_deref().unwrap_or("not recorded");
            report.add(Some(id), Some("approval.status"), Rule::Approval, format!(
                "commit {} moves it {from} -> {status}, but it requires approval and its approval is {state} (chant.requireApproval): approve it first with `git chant approve {id}`{}",
                commit.short(),
                if self.policy.approvers.is_empty() { "" } else { " as one of chant.approvers" }
            ));
        }
        if !self.identity_rules() {
            return Ok(());
        }
        if let Some((verb, by, _)) = approval.decision() {
            let new = olds
                .iter()
                .all(|o| o.as_ref().and_then(|(_, a)| a.decision()) != approval.decision());
            if new {
                let act = Act::Decides {
                    verb: verb.to_owned(),
                    by: by.map(str::to_owned),
                };
                self.acts.push((id.to_owned(), act));
            }
        } else if !approval.required
            && !olds.is_empty()
            && olds
                .iter()
                .all(|o| o.as_ref().is_some_and(|(_, a)| a.required))
        {
            self.acts.push((id.to_owned(), Act::Drops));
        }
        Ok(())
    }

    /// After every spec of `commit`: who decided, and whether the commit decided alone.
    pub fn commit_done(
        &mut self,
        repo: &gix::Repository,
        report: &mut Report,
        commit: &Pushed,
        changes: &[Changed],
    ) -> Result<(), StoreError> {
        let acts = std::mem::take(&mut self.acts);
        if acts.is_empty() {
            return Ok(());
        }
        let found = repo
            .find_commit(commit.id)
            .context(|| format!("reading {}", commit.id))?;
        let name = found
            .committer()
            .map(|c| c.name.to_string())
            .unwrap_or_default();
        let email = commit.committer.as_str();
        let short = commit.short();
        let how = |id: &str, act: &Act| {
            let what = match act {
                Act::Decides { .. } => {
                    format!("approve it with `git chant approve {id}` (or `git chant reject {id}`)")
                }
                Act::Drops => format!("leave it to one of chant.approvers (`git chant set {id} approval.required false`)"),
            };
            format!(
                "{what}{}{}",
                if self.policy.approvers.is_empty() || matches!(act, Act::Drops) {
                    ""
                } else {
                    " as one of chant.approvers"
                },
                if self.policy.require_signed_approvals {
                    ", with chant.signApprovals true"
                } else {
                    ""
                }
            )
        };
        for (id, act) in &acts {
            let what = match act {
                Act::Decides { verb, .. } => format!("records it {verb}"),
                Act::Drops => "drops its approval requirement".to_owned(),
            };
            if !self.policy.approvers.is_empty() && !is_approver(&self.policy.approvers, email) {
                report.add(Some(id), Some("approval"), Rule::Approver, format!(
                    "commit {short} {what}, but its committer {email} is not in chant.approvers: {}",
                    how(id, act)
                ));
            }
            if let Act::Decides { by, .. } = act {
                if !names(by.as_deref().unwrap_or(""), &name, email) {
                    report.add(Some(id), Some("approval.by"), Rule::Approver, format!(
                        "commit {short} {what} by `{}`, but its committer is {name} <{email}>: {}, which records the committer",
                        by.as_deref().unwrap_or(""),
                        how(id, act)
                    ));
                }
            }
        }
        // A merge's versions are held to its parents' by the merge rules; a plain commit
        // that approves may change nothing else, so what was approved is what it shows.
        if commit.parents.len() <= 1 {
            alone::check_alone(repo, report, commit, &acts, changes)?;
        }
        if self.policy.require_signed_approvals {
            self.decisions.push(Decision {
                commit: commit.id,
                committer: email.to_owned(),
                specs: acts.into_iter().map(|(id, _)| id).collect(),
            });
        }
        Ok(())
    }
}

/// The email of an approvers entry: `Name <email>` or a bare email.
pub(super) fn email_of(entry: &str) -> &str {
    let entry = entry.trim();
    match (entry.rfind('<'), entry.ends_with('>')) {
        (Some(start), true) => &entry[start + 1..entry.len() - 1],
        _ => entry,
    }
}

fn is_approver(approvers: &[String], email: &str) -> bool {
    approvers
        .iter()
        .any(|a| email_of(a).eq_ignore_ascii_case(email))
}

/// Whether `by` (`Name <email>` or a bare email) names the committer `name <email>`: the
/// same email, and the same name when it gives one.
fn names(by: &str, name: &str, email: &str) -> bool {
    let by = by.trim();
    if !email_of(by).eq_ignore_ascii_case(email) || email.is_empty() {
        return false;
    }
    match by.rfind('<') {
        Some(start) if by.ends_with('>') => {
            let given = by[..start].trim();
            given.is_empty() || given == name
        }
        _ => true,
    }
}

/// Each approval commit's signature, verified by git with the server's config: good
/// (`G`: a key the allowed signers file or keyring trusts) and by the committer's email.
pub(crate) fn check_signatures(
    store: &Store,
    report: &mut Report,
    decisions: &[Decision],
) -> Result<(), StoreError> {
    for decision in decisions {
        let short = decision.commit.to_hex_with_len(12).to_string();
        let sig = crate::store::git_cli::signature(store, decision.commit)?;
        let email = decision.committer.as_str();
        let problem = match sig.code {
            'G' if signer_is(&sig.signer, email) => continue,
            'G' => format!(
                "commit {short} decides an approval with a good signature by {}, not by its committer {email}",
                sig.signer
            ),
            'N' => format!("commit {short} decides an approval and is not signed"),
            'B' => format!("commit {short} decides an approval with a bad signature"),
            'U' => format!("commit {short} decides an approval with a signature by a key the server does not trust (not in gpg.ssh.allowedSignersFile or the keyring)"),
            'X' | 'Y' => format!("commit {short} decides an approval with an expired signature or key"),
            'R' => format!("commit {short} decides an approval with a revoked key"),
            _ => format!("commit {short} decides an approval with a signature git cannot check here"),
        };
        for id in &decision.specs {
            report.add(Some(id), Some("approval"), Rule::Signature, format!(
                "{problem} (chant.requireSignedApprovals): approve it with `git chant approve {id}` with chant.signApprovals true and a key the server trusts for {email}"
            ));
        }
    }
    Ok(())
}

/// A principal from the allowed signers file (`email`) or an OpenPGP user id (`Name <email>`).
fn signer_is(signer: &str, email: &str) -> bool {
    !email.is_empty() && email_of(signer).eq_ignore_ascii_case(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_names_the_committer_by_email_and_name_when_given() {
        assert!(names("Ann <ann@x.org>", "Ann", "ann@x.org"));
        assert!(names("ANN@x.org", "Ann", "ann@x.org"));
        assert!(!names("Bob <ann@x.org>", "Ann", "ann@x.org"));
        assert!(!names("Ann <bob@x.org>", "Ann", "ann@x.org"));
        assert!(!names("", "Ann", "ann@x.org"));
        assert!(is_approver(&["Ann <ann@x.org>".into()], "ann@x.org"));
        assert!(!is_approver(&["ann@x.org".into()], "bob@x.org"));
    }
}
