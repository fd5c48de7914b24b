//! Who signs the commits git chant writes (ledger, notes) and when: git's rules for names,
//! emails and `GIT_*_DATE`, with the clock read afresh for every commit.
//!
//! gix resolves the identity once per opened repository and stamps it with the time of
//! that first use, so a `work` run would date the commit recording its end at its start;
//! and gix finds the local zone through a walk of the whole zoneinfo tree (~2 ms, paid by
//! every hook). Here the zone comes straight from `$TZ` or `/etc/localtime`, as libc's
//! `localtime()` (and so git) takes it, and the environment is read directly, so that it
//! wins over `git -c` values as it does in git.

use gix::actor::Signature;
use gix::date::Time;

use super::{Store, StoreError};

/// The committer and author of one commit.
pub struct Identity {
    pub(super) committer: Signature,
    pub(super) author: Signature,
}

impl Store {
    /// The identity for a commit made now, the way git resolves it: `GIT_<ROLE>_NAME`, then
    /// `<role>.name`, then `user.name` (the first that is set; a blank name is refused), then
    /// the passwd entry's name; for the email the same, then `EMAIL`, then `login@hostname` (see `whoami`);
    /// with `user.useConfigOnly` no guesses. The date from `GIT_<ROLE>_DATE`, else the
    /// clock. A missing name or email is [`StoreError::NoIdentity`] with git's reason; a
    /// date git would reject is [`StoreError::BadDate`].
    pub(crate) fn identity(&self) -> Result<Identity, StoreError> {
        let now = now();
        let env = |var: String| std::env::var(var).ok();
        let config_only = self
            .repo
            .config_snapshot()
            .boolean("user.useConfigOnly")
            .unwrap_or(false);
        let signature = |role: &str| -> Result<Signature, StoreError> {
            let var = |what: &str| format!("GIT_{}_{what}", role.to_uppercase());
            let missing = |reason: String| StoreError::NoIdentity { reason };
            // The first that is set is taken as it is: git refuses a blank name below
            // rather than look further.
            let name = env(var("NAME"))
                .or_else(|| self.config_string(&format!("{role}.name")))
                .or_else(|| self.config_string("user.name"));
            let name = match name {
                Some(name) => name,
                None if config_only => {
                    return Err(missing(
                        "no name was given and auto-detection is disabled (user.useConfigOnly)"
                            .into(),
                    ))
                }
                None => super::whoami::default_name().ok_or_else(|| {
                    missing("no user.name, and your passwd entry has no name either".into())
                })?,
            };
            let email = env(var("EMAIL"))
                .or_else(|| self.config_string(&format!("{role}.email")))
                .or_else(|| self.config_string("user.email"));
            let email =
                match email {
                    Some(email) => email,
                    None if config_only => return Err(missing(
                        "no email was given and auto-detection is disabled (user.useConfigOnly)"
                            .into(),
                    )),
                    None => match env("EMAIL".into()) {
                        Some(email) => email,
                        None => super::whoami::default_email().map_err(|guess| {
                            missing(format!(
                                "unable to auto-detect email address (got '{guess}')"
                            ))
                        })?,
                    },
                };
            if name.trim().is_empty() {
                return Err(missing(format!(
                    "empty ident name (for <{email}>) not allowed"
                )));
            }
            let time = match env(var("DATE")) {
                Some(value) => gix::date::parse(&value, None).map_err(|_| StoreError::BadDate {
                    var: var("DATE"),
                    value,
                })?,
                None => now,
            };
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
}

impl Store {
    /// Who a claim made here is by: the committer identity as `Name <email>`, the way the
    /// server sees the commit that carries it.
    pub fn claimant(&self) -> Result<String, StoreError> {
        let who = self.identity()?.committer;
        Ok(format!("{} <{}>", who.name, who.email))
    }

    /// The committer of a commit made now, its name, and the time git would date that
    /// commit, RFC 3339 UTC (`GIT_COMMITTER_DATE` when set): what an approval records, so
    /// its `at` is the date of the commit that carries it.
    pub fn committer_now(&self) -> Result<(String, String, String), StoreError> {
        let who = self.identity()?.committer;
        let at = crate::clock::from_unix(who.time.seconds);
        Ok((
            format!("{} <{}>", who.name, who.email),
            who.name.to_string(),
            at,
        ))
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
/// zone file it is (read once per process); UTC when neither can be read.
fn local_offset(seconds: i64) -> i32 {
    use jiff::tz::TimeZone;
    static ZONE: std::sync::OnceLock<Option<TimeZone>> = std::sync::OnceLock::new();
    let zone = ZONE.get_or_init(|| {
        if std::env::var_os("TZ").is_some() {
            TimeZone::try_system().ok()
        } else {
            std::fs::read("/etc/localtime")
                .ok()
                .and_then(|data| TimeZone::tzif("localtime", &data).ok())
                .or_else(|| TimeZone::try_system().ok())
        }
    });
    match (zone, jiff::Timestamp::from_second(seconds)) {
        (Some(zone), Ok(at)) => zone.to_offset(at).seconds(),
        _ => 0,
    }
}
