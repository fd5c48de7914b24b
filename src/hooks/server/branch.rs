//! The optional branch policy (`chant.requireKnownSpecs`): pushed commits whose messages
//! name a spec must name one that exists.

use gix::ObjectId;

use super::report::{Report, Rule};
use crate::hooks::message;
use crate::spec::id;
use crate::store::paths::LEDGER_REF;
use crate::store::{Context, Store, StoreError};

pub(crate) fn check_branch(
    store: &Store,
    report: &mut Report,
    old: Option<ObjectId>,
    new: ObjectId,
    ledger: Option<ObjectId>,
) -> Result<(), StoreError> {
    let repo = store.repo();
    let mut ids: Option<Vec<String>> = None;
    for commit_id in crate::store::range::new_commits(repo, new, old)? {
        let commit = repo
            .find_commit(commit_id)
            .context(|| format!("reading {commit_id}"))?;
        let refs = message::references(&commit.message_raw_sloppy().to_string());
        if refs.is_empty() {
            continue;
        }
        if ids.is_none() {
            let known = match ledger.or(store.ref_tip(LEDGER_REF)?) {
                Some(tip) => store
                    .snapshot_at(tip)?
                    .entries()?
                    .into_iter()
                    .map(|e| e.id)
                    .collect(),
                None => Vec::new(),
            };
            ids = Some(known);
        }
        let known = ids.as_deref().unwrap_or_default();
        for short in refs.ids {
            if let Err(e) = id::resolve(&short, known.iter().map(String::as_str)) {
                let short_commit = commit_id.to_hex_with_len(12).to_string();
                report.add(
                    Some(&short),
                    None,
                    Rule::KnownSpec,
                    format!("commit {short_commit}: {e}"),
                );
            }
        }
    }
    Ok(())
}
