//! The push gate: parse git's `<old> <new> <ref>` lines, check every update of the ledger
//! and notes refs (and branches, when the policy asks), and say what is wrong in plain
//! ASCII with the command that would find it locally.

use gix::ObjectId;

use super::validate::{check_update, Policy, Problem};
use crate::store::paths::LEDGER_REF;
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
/// same push moves it.
pub fn check_push(
    store: &Store,
    updates: &[Update],
    policy: &Policy,
) -> Result<Vec<Problem>, StoreError> {
    let ledger = updates
        .iter()
        .find(|u| u.ref_name == LEDGER_REF)
        .and_then(|u| u.new);
    let mut problems = Vec::new();
    for update in updates {
        problems.extend(check_update(
            store,
            &update.ref_name,
            update.old,
            update.new,
            ledger,
            policy,
        )?);
    }
    Ok(problems)
}

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
