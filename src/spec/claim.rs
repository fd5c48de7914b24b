//! A spec's `claim`: who works it (`by`, a git identity `Name <email>`), since when (`at`)
//! and until when (`until`), both RFC 3339; and the lease a new claim is given. Pure: the
//! clock is always passed in, so the merge rule (which never reads it) gives the same
//! answer on every clone and on the server, whenever it runs.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_yaml::{Mapping, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::Spec;

/// The frontmatter key.
pub const FIELD: &str = "claim";

/// A well-formed claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// `Name <email>`, as git signs commits.
    pub by: String,
    pub at: String,
    pub until: String,
}

/// An RFC 3339 time (`2026-02-02T14:27:53Z`, or with an offset).
pub fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

impl Claim {
    /// A claim by `by` from `now` for `lease`.
    pub fn new(by: &str, now: OffsetDateTime, lease: Lease) -> Claim {
        Claim {
            by: by.to_owned(),
            at: crate::clock::format(now),
            until: crate::clock::format(lease.after(now)),
        }
    }

    /// The claim a `claim:` value holds, or what is wrong with it.
    pub fn from_value(value: &Value) -> Result<Claim, String> {
        let Some(map) = value.as_mapping() else {
            return Err("`claim` must be a mapping of `by`, `at` and `until`".into());
        };
        let text = |key: &str| -> Result<String, String> {
            match map.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(format!("`claim.{key}` must be a string")),
                None => Err(format!("`claim` has no `{key}`")),
            }
        };
        let claim = Claim {
            by: text("by")?,
            at: text("at")?,
            until: text("until")?,
        };
        if claim.by.trim().is_empty() || claim.by.chars().any(char::is_control) {
            return Err(
                "`claim.by` must be one line naming a git identity (`Name <email>`)".into(),
            );
        }
        let (Some(at), Some(until)) = (parse_time(&claim.at), parse_time(&claim.until)) else {
            let which = if parse_time(&claim.at).is_none() {
                "at"
            } else {
                "until"
            };
            return Err(format!(
                "`claim.{which}` is not an RFC 3339 time (like 2026-02-02T14:27:53Z)"
            ));
        };
        if until <= at {
            return Err("`claim.until` must be after `claim.at`".into());
        }
        Ok(claim)
    }

    /// The frontmatter value: `by`, `at`, `until`, in that order.
    pub fn to_value(&self) -> Value {
        let mut map = Mapping::new();
        for (key, value) in [("by", &self.by), ("at", &self.at), ("until", &self.until)] {
            map.insert(key.into(), Value::String(value.clone()));
        }
        Value::Mapping(map)
    }

    /// The email inside `<…>` of `by` (all of `by` when it has none): who the claimant is,
    /// the same person whatever name a clone configured.
    pub fn email(&self) -> &str {
        email_of(&self.by)
    }

    /// Whether `identity` (`Name <email>`) made this claim.
    pub fn is_by(&self, identity: &str) -> bool {
        self.email().eq_ignore_ascii_case(email_of(identity))
    }

    fn at_time(&self) -> OffsetDateTime {
        parse_time(&self.at).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    fn until_time(&self) -> OffsetDateTime {
        parse_time(&self.until).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The `Chant-Forced` trailer value of a change that replaces or removes this claim on
    /// spec `id`: what the server looks for before it lets an unexpired claim go.
    pub fn forced_value(&self, id: &str) -> String {
        format!("claim {id} {}", self.by)
    }

    /// Still held at `now`: its lease has not ended.
    pub fn is_held_at(&self, now: OffsetDateTime) -> bool {
        self.until_time() > now
    }

    /// The same claim (the same claimant from the same moment; a renewal only moves
    /// `until`).
    pub fn same_as(&self, other: &Claim) -> bool {
        self.by == other.by && self.at == other.at
    }

    /// The merge rule for two claims made on different sides: a claim taken after the
    /// other's lease had ended wins; otherwise the earlier `at`, then the smaller `by`,
    /// then (a renewal on both sides) the later `until`. No clock is read, so every clone
    /// and the server decide alike, at any time.
    pub fn keeps_over(&self, other: &Claim) -> bool {
        if self.until_time() <= other.at_time() {
            return false;
        }
        if other.until_time() <= self.at_time() {
            return true;
        }
        let key = |c: &Claim| (c.at_time(), c.by.clone());
        match key(self).cmp(&key(other)) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => {
                (other.until_time(), &other.until) <= (self.until_time(), &self.until)
            }
        }
    }
}

fn email_of(identity: &str) -> &str {
    match (identity.rfind('<'), identity.rfind('>')) {
        (Some(open), Some(close)) if open < close => &identity[open + 1..close],
        _ => identity.trim(),
    }
}

impl Spec {
    /// The spec's claim: `None` when it has none, `Some(Err)` when `claim:` is malformed.
    pub fn claim(&self) -> Option<Result<Claim, String>> {
        match self.frontmatter().get(FIELD) {
            None | Some(Value::Null) => None,
            Some(value) => Some(Claim::from_value(value)),
        }
    }

    /// The spec's claim when it is well formed.
    pub fn valid_claim(&self) -> Option<Claim> {
        self.claim().and_then(Result::ok)
    }

    /// Sets (`Some`) or removes (`None`) the claim.
    pub fn set_claim(&mut self, claim: Option<&Claim>) {
        match claim {
            Some(c) => self.set_value(FIELD, c.to_value()),
            None => {
                self.remove(FIELD);
            }
        }
    }
}

/// How long a new claim (or a renewal) lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    seconds: u64,
}

impl Lease {
    /// Two hours: long enough for most agent runs; `work` renews while it runs.
    pub const DEFAULT: Lease = Lease { seconds: 2 * 3600 };
    /// A year: a longer lease is a claim that never ends.
    const MAX_SECONDS: u64 = 366 * 24 * 3600;

    pub fn seconds(self) -> u64 {
        self.seconds
    }

    pub fn after(self, now: OffsetDateTime) -> OffsetDateTime {
        now + time::Duration::seconds(self.seconds as i64)
    }

    /// `30m`, `2h`, `90s`, `1d`, `1h30m`: one or more numbers, each with its unit (`s`,
    /// `m`, `h`, `d`); more than zero and at most a year.
    pub fn parse(text: &str) -> Result<Lease, String> {
        let bad =
            || format!("`{text}` is not a lease: give a duration like 30m, 2h, 90s, 1d or 1h30m");
        let mut seconds: u64 = 0;
        let mut number = String::new();
        for c in text.trim().chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => return Err(bad()),
            };
            let n: u64 = number.parse().map_err(|_| bad())?;
            number.clear();
            seconds = n
                .checked_mul(unit)
                .and_then(|s| seconds.checked_add(s))
                .ok_or_else(bad)?;
        }
        if !number.is_empty() || seconds == 0 {
            return Err(bad());
        }
        if seconds > Lease::MAX_SECONDS {
            return Err(format!(
                "`{text}` is longer than a year: a lease that never ends is no lease"
            ));
        }
        Ok(Lease { seconds })
    }
}

impl std::fmt::Display for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.seconds;
        match s {
            _ if s.is_multiple_of(3600) => write!(f, "{}h", s / 3600),
            _ if s.is_multiple_of(60) => write!(f, "{}m", s / 60),
            _ => write!(f, "{s}s"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(by: &str, at: &str, until: &str) -> Claim {
        Claim {
            by: by.into(),
            at: at.into(),
            until: until.into(),
        }
    }

    #[test]
    fn leases_parse_and_refuse() {
        assert_eq!(Lease::parse("30m").map(Lease::seconds), Ok(1800));
        assert_eq!(Lease::parse("1h30m").map(Lease::seconds), Ok(5400));
        assert_eq!(Lease::parse("2h").map(|l| l.to_string()), Ok("2h".into()));
        for bad in ["", "0m", "30", "m", "2x", "-1h", "1.5h", "400d"] {
            assert!(Lease::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn claims_are_checked() {
        let ok = claim("A <a@x>", "2026-02-02T10:00:00Z", "2026-02-02T12:00:00Z");
        assert_eq!(Claim::from_value(&ok.to_value()), Ok(ok.clone()));
        let bad = claim("A <a@x>", "2026-02-02T10:00:00Z", "2026-02-02T09:00:00Z");
        assert!(Claim::from_value(&bad.to_value()).is_err());
        let bad = claim("A <a@x>", "yesterday", "2026-02-02T09:00:00Z");
        assert!(Claim::from_value(&bad.to_value())
            .unwrap_err()
            .contains("claim.at"));
        assert!(Claim::from_value(&Value::String("me".into())).is_err());
        assert!(ok.is_by("Other Name <A@X>") && !ok.is_by("A <b@x>"));
    }

    #[test]
    fn the_merge_rule_is_symmetric_and_ignores_the_clock() {
        let a = claim("A <a@x>", "2026-02-02T10:00:00Z", "2026-02-02T12:00:00Z");
        let b = claim("B <b@x>", "2026-02-02T10:30:00Z", "2026-02-02T12:30:00Z");
        assert!(a.keeps_over(&b) && !b.keeps_over(&a), "the earlier wins");
        let c = claim("C <c@x>", "2026-02-02T12:00:00Z", "2026-02-02T14:00:00Z");
        assert!(
            c.keeps_over(&a) && !a.keeps_over(&c),
            "taken after the lease ended"
        );
        let b2 = claim("B <b@x>", "2026-02-02T10:00:00Z", "2026-02-02T12:00:00Z");
        assert!(
            a.keeps_over(&b2) && !b2.keeps_over(&a),
            "a tie goes by `by`"
        );
        let renewed = claim("A <a@x>", "2026-02-02T10:00:00Z", "2026-02-02T13:00:00Z");
        assert!(renewed.keeps_over(&a) && !a.keeps_over(&renewed));
    }
}
