//! The push gate (pre-receive, update, and `git chant validate` in CI): parse git's
//! `<old> <new> <ref>` lines, check every update of the ledger and notes refs (and
//! branches, when the policy asks), and say what is wrong in plain ASCII with the command
//! that would find it locally. Every problem is reported, not just the first; the cost
//! follows the size of the push, not of the ledger.

mod approvals;
mod branch;
mod claims;
mod layout;
mod ledger;
mod merge;
mod notes;
mod parsed;
mod report;
mod specs;
mod tree;

use gix::ObjectId;

use report::Report;
pub use report::{Policy, Problem, Rule};

use crate::store::paths::{LEDGER_REF, NOTES_REF, OUTPUT_REF};
use crate::store::{Store, StoreError};

/// One ref update; `None` for the all-zero id (creation, deletion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
    pub ref_name: String,
}

fn object(hex: &str) -> Option<ObjectId> {
    ObjectId::from_hex(hex.as_bytes())
        .ok()
        .filter(|id| !id.is_null())
}

impl Update {
    pub fn new(old: &str, new: &str, ref_name: &str) -> Update {
        Update {
            old: object(old),
            new: object(new),
            ref_name: ref_name.to_owned(),
        }
    }
}

/// git's pre-receive input: one `<old> <new> <ref>` per line.
pub fn parse_updates(input: &str) -> Vec<Update> {
    input
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(Update::new(words.next()?, words.next()?, words.next()?))
        })
        .collect()
}

/// Checks every update of one push. Notes are checked against the pushed ledger when the
/// same push moves it; the push's new ledger and notes objects count against
/// `chant.maxPushBytes` together.
pub fn check_push(
    store: &Store,
    updates: &[Update],
    policy: &Policy,
) -> Result<Vec<Problem>, StoreError> {
    let ledger = updates
        .iter()
        .find(|u| u.ref_name == LEDGER_REF)
        .and_then(|u| u.new);
    let mut walker = tree::Walker::new(store.repo(), policy);
    let mut problems = Vec::new();
    for update in updates {
        let mut report = Report::new(&update.ref_name);
        check_update(store, &mut report, &mut walker, update, ledger, policy)?;
        problems.extend(report.finish());
    }
    if walker.bytes > policy.max_push_bytes {
        let mut report = Report::new("(push)");
        report.refuse(
            Rule::Size,
            format!(
                "the push brings {} bytes of ledger and notes objects, more than chant.maxPushBytes={}",
                walker.bytes, policy.max_push_bytes
            ),
        );
        problems.extend(report.finish());
    }
    Ok(problems)
}

/// What a ref is to the validator.
enum Kind {
    Ledger,
    Notes {
        events: bool,
    },
    /// Configured with `chant.allowRef`: moves forward, never deleted, content unchecked.
    Extra,
    Branch,
    /// Not ours: accepted as it is.
    Other,
}

fn kind(ref_name: &str, policy: &Policy) -> Result<Kind, &'static str> {
    let lower = ref_name.to_ascii_lowercase();
    Ok(match ref_name {
        LEDGER_REF => Kind::Ledger,
        NOTES_REF => Kind::Notes { events: true },
        OUTPUT_REF => Kind::Notes { events: false },
        _ if policy.extra_refs.iter().any(|r| r == ref_name) => Kind::Extra,
        // A ref below a notes ref makes that ref impossible for git (a ref cannot also be a
        // folder), so nobody could push or sync notes again.
        // Also any spelling that differs only in case: on a case-insensitive file system it
        // is the same file as the real ref.
        _ if lower.starts_with("refs/chant/")
            || lower == "refs/chant"
            || [NOTES_REF, OUTPUT_REF].iter().any(|r| {
                lower == *r || lower.starts_with(&format!("{r}/"))
            }) =>
        {
            return Err("only refs/chant/specs, refs/notes/chant and refs/notes/chant-output are accepted here (more refs/chant/* with chant.allowRef)")
        }
        _ if ref_name.starts_with("refs/heads/") => Kind::Branch,
        _ => Kind::Other,
    })
}

fn check_update(
    store: &Store,
    report: &mut Report,
    walker: &mut tree::Walker<'_>,
    update: &Update,
    ledger: Option<ObjectId>,
    policy: &Policy,
) -> Result<(), StoreError> {
    let kind = match kind(&update.ref_name, policy) {
        Ok(kind) => kind,
        Err(why) => {
            report.refuse(Rule::Ref, why);
            return Ok(());
        }
    };
    let (old, new) = (update.old, update.new);
    match kind {
        Kind::Other => return Ok(()),
        Kind::Branch => {
            if let (true, Some(new)) = (policy.require_known_specs, new) {
                branch::check_branch(store, report, old, new, ledger)?;
            }
            return Ok(());
        }
        _ => {}
    }
    let Some(new) = new else {
        report.refuse(Rule::Deletion, "deleting this ref is not allowed");
        return Ok(());
    };
    let repo = store.repo();
    if repo.find_commit(new).is_err() {
        report.refuse(Rule::NotACommit, format!("{new} is not a commit"));
        return Ok(());
    }
    if let Some(old) = old {
        if !store.is_ancestor(old, new) {
            report.refuse(
                Rule::FastForward,
                format!("{old} is not an ancestor of {new}: history may not be rewritten"),
            );
            return Ok(());
        }
    }
    match kind {
        Kind::Ledger => {
            let commits = ledger::pushed_commits(repo, new, old)?;
            // Each spec version parsed once, for the history's rules and the tip's.
            let mut parsed = parsed::Parsed::new(repo, policy);
            let history = ledger::check_history(
                repo,
                report,
                walker,
                &mut parsed,
                &commits,
                old.is_none(),
                policy,
            )?;
            claims::check_claims(repo, report, &history.changed, (old, new), &commits, policy)?;
            approvals::check_signatures(store, report, &history.decisions)?;
            let tip = tree_of(repo, new)?;
            specs::check_tip(repo, report, tip, &history.changed, &mut parsed)
        }
        Kind::Notes { events } => {
            let commits = ledger::pushed_commits(repo, new, old)?;
            let ledger_tree = match ledger.or(store.ref_tip(LEDGER_REF)?) {
                Some(c) => Some(tree_of(repo, c)?),
                None => None,
            };
            notes::check_notes(repo, report, walker, &commits, ledger_tree, events, policy)
        }
        _ => Ok(()),
    }
}

use crate::store::ledger::commit_tree as tree_of;

/// The lines the pusher sees (git prefixes them with `remote: `).
pub fn render(problems: &[Problem]) -> String {
    let mut out: String = problems.iter().map(|p| format!("{p}\n")).collect();
    let mut refs: Vec<&str> = problems.iter().map(|p| p.ref_name.as_str()).collect();
    refs.sort();
    refs.dedup();
    out.push_str(&format!(
        "git chant: push rejected: {} problem{} in {} ref{}\n",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        refs.len(),
        if refs.len() == 1 { "" } else { "s" }
    ));
    out.push_str("git chant: find them locally with `git chant lint` and `git chant validate <old> <new> <ref>`, fix, and push again (never with --force)\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_ids_mean_creation_and_deletion() {
        let zero = "0".repeat(40);
        let id = "a".repeat(40);
        let updates = parse_updates(&format!(
            "{zero} {id} refs/chant/specs\n{id} {zero} refs/notes/chant\n"
        ));
        assert_eq!(updates[0].old, None);
        assert!(updates[0].new.is_some());
        assert_eq!(updates[1].new, None);
        assert_eq!(updates[1].ref_name, "refs/notes/chant");
    }
}
