//! Who signs the commits git chant writes (ledger, notes) and when: git's rules for names,
//! emails and `GIT_*_DATE`, with the clock read afresh for every commit.
//!
//! gix resolves the identity once per opened repository and stamps it with the time of
//! that first use, so a `work` run would date the commit recording its end at its start;
//! and gix finds the local zone through a walk of the whole zoneinfo tree (~2 ms, paid by
//! every hook). Here the zone comes straight from `$TZ` or `/etc/localtime`, as libc's
//! `localtime()` (and so git) takes it.

use gix::actor::{Signature, SignatureRef};
use gix::date::Time;
use gix::ObjectId;

use super::{Context, Store, StoreError};

/// The committer and author of one commit.
pub struct Identity {
    committer: Signature,
    author: Signature,
}

impl Store {
    /// The identity for a commit made now. A missing name or email is [`StoreError::NoIdentity`].
    pub(crate) fn identity(&self) -> Result<Identity, StoreError> {
        let now = now();
        let first = |keys: &[String]| keys.iter().find_map(|k| self.config_string(k));
        // gix puts GIT_<ROLE>_NAME/EMAIL/DATE and EMAIL into these keys when it opens.
        let signature = |role: &str| -> Result<Signature, StoreError> {
            let name = first(&[format!("{role}.name"), "user.name".into()]);
            let email = first(&[
                format!("{role}.email"),
                "user.email".into(),
                "gitoxide.user.emailFallback".into(),
            ]);
            let (Some(name), Some(email)) = (name, email) else {
                return Err(StoreError::NoIdentity);
            };
            let time = self
                .config_string(&format!("gitoxide.commit.{role}Date"))
                .and_then(|date| gix::date::parse(&date, None).ok())
                .unwrap_or(now);
            Ok(Signature {
                name: name.into(),
                email: email.into(),
                time,
            })
        };
        Ok(Identity {
            committer: signature("committer")?,
            author: signature("author")?,
        })
    }

    /// Writes a commit object signed by [`identity`](Self::identity).
    pub(crate) fn write_commit(
        &self,
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
                who.author.to_ref(&mut a),
                message,
                tree,
                parents,
            )
            .context(|| "writing a commit".to_owned())?;
        Ok(commit.id)
    }

    /// Applies ref `edits` in one transaction, their reflog entries signed by the committer.
    pub(crate) fn edit_refs(
        &self,
        edits: Vec<gix::refs::transaction::RefEdit>,
    ) -> Result<(), gix::Error> {
        let who = self.identity().ok();
        let mut buf = Default::default();
        let committer: Option<SignatureRef<'_>> =
            who.as_ref().map(|w| w.committer.to_ref(&mut buf));
        self.repo.edit_references_as(edits, committer).map(|_| ())
    }
}

/// Now, with the local zone's offset.
fn now() -> Time {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Time::new(seconds, local_offset(seconds))
}

/// The local zone's offset at `seconds`: `$TZ` when set, else `/etc/localtime` read as the
/// zone file it is; UTC when neither can be read.
fn local_offset(seconds: i64) -> i32 {
    use jiff::tz::TimeZone;
    let zone = if std::env::var_os("TZ").is_some() {
        TimeZone::try_system().ok()
    } else {
        std::fs::read("/etc/localtime")
            .ok()
            .and_then(|data| TimeZone::tzif("localtime", &data).ok())
            .or_else(|| TimeZone::try_system().ok())
    };
    match (zone, jiff::Timestamp::from_second(seconds)) {
        (Some(zone), Ok(at)) => zone.to_offset(at).seconds(),
        _ => 0,
    }
}
