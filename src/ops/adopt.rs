//! A clone taking its remote's ledger: after a fetch, a clone with no ledger of its own
//! starts from the remote-tracking one (`refs/remotes/<remote>/chant/specs`), and a notes
//! ref it lacks from the remote's copy, so `fetch` (or `init --remote`) makes a fresh
//! clone usable. A ledger or notes ref the clone already has is never touched: merging
//! is `sync`'s and `merge`'s.

use crate::error::Error;
use crate::store::git_cli::{remote_ledger, remote_notes};
use crate::store::paths::{NOTES_REF, OUTPUT_REF};
use crate::store::{cas_ref_edit, Change, Store};

/// What the clone took from the remote-tracking refs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adopted {
    /// `refs/chant/specs` was created from the remote's ledger.
    pub ledger: bool,
    /// Notes refs created from the remote's.
    pub notes: Vec<&'static str>,
}

/// Creates each of the local ledger and notes refs that does not exist from the remote's
/// fetched copy (by compare-and-swap, expecting it absent). The remote's ledger must be a
/// ledger this git chant reads.
pub fn adopt(store: &Store, remote: &str) -> Result<Adopted, Error> {
    let tracking = remote_ledger(remote);
    let theirs = match store.ref_tip(&tracking)? {
        Some(_) => Some(store.ledger_rev(&tracking)?),
        None => None,
    };
    store.update(|snapshot| {
        let mut adopted = Adopted::default();
        let mut change = Change::new(format!("take {remote}'s ledger"));
        if let (None, Some(theirs)) = (snapshot.commit, theirs) {
            change.fast_forward(theirs);
            adopted.ledger = true;
        }
        for notes_ref in [NOTES_REF, OUTPUT_REF] {
            if store.ref_tip(notes_ref)?.is_some() {
                continue;
            }
            if let Some(tip) = store.ref_tip(&remote_notes(remote, notes_ref))? {
                let why = format!("take {remote}'s notes");
                change.ref_edits([cas_ref_edit(notes_ref, None, tip, &why)?]);
                adopted.notes.push(notes_ref);
            }
        }
        Ok::<_, Error>((change, adopted))
    })
}
