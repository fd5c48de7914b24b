//! Writing commits and moving refs: commit objects signed by the identity git would use
//! (`identity.rs`), the compare-and-swap edit of one ref, and the ref transaction that
//! applies a write's edits together, with reflog entries git chant's refs would not get
//! by default.

use gix::actor::SignatureRef;
use gix::refs::transaction::{Change as RefChange, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::Target;
use gix::ObjectId;

use super::{Context, Store, StoreError};

impl Store {
    /// Writes a commit object signed by [`identity`](Self::identity).
    pub(crate) fn write_commit(
        &self,
        message: &str,
        tree: ObjectId,
        parents: impl IntoIterator<Item = ObjectId>,
    ) -> Result<ObjectId, StoreError> {
        self.write_commit_by(None, message, tree, parents)
    }

    /// [`write_commit`](Self::write_commit) keeping another `author` (a rebased commit
    /// keeps its author; the committer is whoever rebased it, as in git).
    pub(crate) fn write_commit_by(
        &self,
        author: Option<SignatureRef<'_>>,
        message: &str,
        tree: ObjectId,
        parents: impl IntoIterator<Item = ObjectId>,
    ) -> Result<ObjectId, StoreError> {
        let who = self.identity()?;
        let (mut c, mut a) = (Default::default(), Default::default());
        let commit = self
            .repo
            .new_commit_as(
                who.committer.to_ref(&mut c),
                author.unwrap_or_else(|| who.author.to_ref(&mut a)),
                message,
                tree,
                parents,
            )
            .context(|| "writing a commit".to_owned())?;
        Ok(commit.id)
    }

    /// Applies ref `edits` in one transaction, their reflog entries signed by the committer.
    pub(crate) fn edit_refs(&self, edits: Vec<RefEdit>) -> Result<(), gix::Error> {
        let who = self.identity().ok();
        let mut buf = Default::default();
        let committer: Option<SignatureRef<'_>> =
            who.as_ref().map(|w| w.committer.to_ref(&mut buf));
        self.repo.edit_references_as(edits, committer).map(|_| ())
    }
}

/// The edit moving `name` from `old` (`None`: must not exist yet) to `new`, with a reflog
/// entry even for refs outside `refs/heads` (git does not log `refs/chant/*` by default).
pub(crate) fn ref_edit(
    name: &str,
    old: Option<ObjectId>,
    new: impl Into<ObjectId>,
    subject: &str,
) -> Result<RefEdit, StoreError> {
    let expected = match old {
        Some(old) => PreviousValue::MustExistAndMatch(Target::Object(old)),
        None => PreviousValue::MustNotExist,
    };
    let name = gix::refs::FullName::try_from(name).map_err(|e| StoreError::Corrupt {
        what: format!("`{name}` is not a valid ref name: {e}"),
    })?;
    Ok(RefEdit {
        change: RefChange::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: true,
                message: format!("chant: {subject}").into(),
            },
            expected,
            new: Target::Object(new.into()),
        },
        name,
        deref: false,
    })
}
