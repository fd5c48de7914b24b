//! What one write changes, said in a small vocabulary: the ledger commit (`chant:
//! <subject>` and its trailers), the files of the ledger tree it writes or removes, and
//! the other ref edits published in the same transaction. [`Store::update`] applies it.
//!
//! The store knows nothing of what those other edits are: notes are built by `notes`
//! into plain ref edits, inside the operation, so a lost race rebuilds them too.
//!
//! [`Store::update`]: super::Store::update

use gix::refs::transaction::RefEdit;
use gix::ObjectId;

use super::ledger::Snapshot;
use super::paths::spec_path;
use super::trailer::Trailer;
use super::StoreError;

/// What one operation changes. Empty means nothing to write.
#[derive(Debug, Default)]
pub struct Change {
    /// `chant: <subject>` is the ledger commit's subject line.
    pub(super) subject: String,
    /// The ledger commit's trailers, in the order written.
    trailers: Vec<(Trailer, String)>,
    /// Files of the ledger tree to write (`Some`) or remove (`None`).
    pub(super) writes: Vec<(String, Option<Vec<u8>>)>,
    /// More parents of the ledger commit: a merge (written even without `writes`).
    pub(super) merge_parents: Vec<ObjectId>,
    /// Move the ledger to this descendant of its tip instead of writing a commit.
    pub(super) fast_forward: Option<ObjectId>,
    /// Other ref edits the operation prepared from the current state (notes appended or
    /// merged, a transcript attached), published in the same transaction.
    pub(super) ref_edits: Vec<RefEdit>,
    /// Have git sign the ledger commit (`git commit-tree -S`): an approval's, with
    /// `chant.signApprovals`.
    pub(super) signed: bool,
}

impl Change {
    /// A change whose ledger commit, if it writes one, says `chant: <subject>`.
    pub fn new(subject: impl Into<String>) -> Change {
        Change {
            subject: subject.into(),
            ..Change::default()
        }
    }

    /// One operation on one spec: `chant: <op> <id>`, with `Chant-Spec: <id>` and
    /// `Chant-Op: <op>`.
    pub fn on_spec(op: &str, id: &str) -> Change {
        let mut change = Change::new(format!("{op} {id}"));
        change.trailer(Trailer::Spec, id).trailer(Trailer::Op, op);
        change
    }

    /// Replaces the subject (when it should read differently from `<op> <id>`).
    pub fn subject(&mut self, subject: impl Into<String>) -> &mut Self {
        self.subject = subject.into();
        self
    }

    /// Adds a trailer after those already there. A line break in `value` would end the
    /// trailer, so it becomes a space.
    pub fn trailer(&mut self, key: Trailer, value: impl Into<String>) -> &mut Self {
        let value: String = value.into();
        let value = if value.contains('\n') {
            value.replace('\n', " ")
        } else {
            value
        };
        self.trailers.push((key, value));
        self
    }

    /// Writes spec `id`'s file (in the archive when `archived`).
    pub fn write_spec(&mut self, id: &str, archived: bool, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.write(spec_path(id, archived), bytes)
    }

    /// Writes one file of the ledger tree.
    pub fn write(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.writes.push((path.into(), Some(bytes.into())));
        self
    }

    /// Removes one file of the ledger tree.
    pub fn remove(&mut self, path: impl Into<String>) -> &mut Self {
        self.writes.push((path.into(), None));
        self
    }

    /// Files to write (`Some`) or remove (`None`), as a merge or an import computed them.
    pub fn write_files(
        &mut self,
        files: impl IntoIterator<Item = (String, Option<Vec<u8>>)>,
    ) -> &mut Self {
        self.writes.extend(files);
        self
    }

    /// Makes the ledger commit a merge with `parent` (written even when no file changes).
    pub fn merge_parent(&mut self, parent: ObjectId) -> &mut Self {
        self.merge_parents.push(parent);
        self
    }

    /// Moves the ledger to `target`, a descendant of its tip, instead of writing a commit.
    pub fn fast_forward(&mut self, target: ObjectId) -> &mut Self {
        self.fast_forward = Some(target);
        self
    }

    /// Publishes other ref edits (notes, built from their refs' current tips) in the same
    /// transaction as the ledger commit.
    pub fn ref_edits(&mut self, edits: impl IntoIterator<Item = RefEdit>) -> &mut Self {
        self.ref_edits.extend(edits);
        self
    }

    /// Has git sign the ledger commit with the configured key (`sign` true), as `git
    /// commit -S` signs commits; a signing failure writes nothing.
    pub fn sign(&mut self, sign: bool) -> &mut Self {
        self.signed = sign;
        self
    }

    /// Whether the change would write nothing at all.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
            && self.merge_parents.is_empty()
            && self.fast_forward.is_none()
            && self.ref_edits.is_empty()
    }

    /// Drops the writes that would leave a file as the snapshot has it (the same bytes, or
    /// the removal of a file that is not there), so an operation that changes nothing, in
    /// whichever writer, makes no ledger commit.
    pub(super) fn drop_unchanged(&mut self, snapshot: &Snapshot<'_>) -> Result<(), StoreError> {
        let kind = snapshot.repo().object_hash();
        let mut kept = Vec::with_capacity(self.writes.len());
        for (path, content) in std::mem::take(&mut self.writes) {
            let now = snapshot.file_id(&path)?;
            let same = match (&content, now) {
                (None, None) => true,
                (Some(bytes), Some(id)) => {
                    gix::objs::compute_hash(kind, gix::objs::Kind::Blob, bytes).ok() == Some(id)
                }
                _ => false,
            };
            if !same {
                kept.push((path, content));
            }
        }
        self.writes = kept;
        Ok(())
    }

    /// The ledger commit's message: the subject, then the trailers as one paragraph.
    pub(super) fn message(&self) -> String {
        let mut message = format!("chant: {}\n", self.subject);
        if !self.trailers.is_empty() {
            message.push('\n');
            for (key, value) in &self.trailers {
                message.push_str(&format!("{key}: {value}\n"));
            }
        }
        message
    }
}

#[cfg(test)]
mod tests {
    use super::{Change, Trailer};

    #[test]
    fn one_spec_change_reads_as_the_ledger_has_always_written_it() {
        let mut change = Change::on_spec("status pending -> completed", "x");
        change
            .subject("done x")
            .trailer(Trailer::Reason, "two\nlines");
        assert_eq!(
            change.message(),
            "chant: done x\n\nChant-Spec: x\nChant-Op: status pending -> completed\nChant-Reason: two lines\n"
        );
        assert_eq!(Change::new("init").message(), "chant: init\n");
        assert!(Change::on_spec("add", "x").is_empty());
    }
}
