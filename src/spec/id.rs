//! Spec ids: generating `YYYY-MM-DD-SSS-RRR`, validating hand-chosen ids, group members
//! (`<driver>.N`), and resolving a short id against the ids in use.

use std::hash::{BuildHasher, Hasher};

use miette::Diagnostic;
use thiserror::Error;

use crate::exit::{Exit, ExitCode};

/// Longest id allowed, in bytes.
pub const MAX_LEN: usize = 100;

#[derive(Debug, Clone, Error, Diagnostic, PartialEq, Eq)]
pub enum IdError {
    #[error("invalid spec id `{id}`: {why}")]
    #[diagnostic(
        code(chant::id::invalid),
        help("ids use lowercase letters, digits, `.`, `_` and `-`, start with a letter or digit, at most 100 bytes, no `..`")
    )]
    Invalid { id: String, why: &'static str },

    #[error("no spec matches `{id}`")]
    #[diagnostic(
        code(chant::id::unknown),
        help("`git chant list --all` shows every spec id")
    )]
    Unknown { id: String },

    #[error("`{id}` is ambiguous: it matches {}", candidates.join(", "))]
    #[diagnostic(
        code(chant::id::ambiguous),
        help("give more of the id, e.g. `{}`", candidates.first().map(String::as_str).unwrap_or_default())
    )]
    Ambiguous { id: String, candidates: Vec<String> },
}

impl ExitCode for IdError {
    fn exit(&self) -> Exit {
        Exit::User
    }
}

/// Checks a hand-chosen id: `[a-z0-9][a-z0-9._-]*`, at most 100 bytes, no `..`.
pub fn validate(id: &str) -> Result<(), IdError> {
    let bad = |why| {
        Err(IdError::Invalid {
            id: id.to_owned(),
            why,
        })
    };
    let first_ok = id
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if id.is_empty() {
        bad("it is empty")
    } else if id.len() > MAX_LEN {
        bad("it is longer than 100 bytes")
    } else if !first_ok {
        bad("it must start with a lowercase letter or a digit")
    } else if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
    {
        bad("it may only hold lowercase letters, digits, `.`, `_` and `-`")
    } else if id.contains("..") {
        bad("it must not contain `..`")
    } else {
        Ok(())
    }
}

const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn base36(mut n: u64, width: usize) -> String {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE36[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8(digits).unwrap_or_default()
}

fn parse_base36(s: &str) -> Option<u64> {
    s.bytes().try_fold(0u64, |acc, b| {
        let digit = BASE36.iter().position(|&d| d == b)? as u64;
        Some(acc * 36 + digit)
    })
}

/// A new id for `date` (`YYYY-MM-DD`, UTC): the next base36 sequence after the highest one
/// in use that day, and three random base36 characters so two clones allocating offline
/// still differ.
pub fn generate<'a>(date: &str, in_use: impl IntoIterator<Item = &'a str>) -> String {
    let prefix = format!("{date}-");
    let next = in_use
        .into_iter()
        .filter_map(|id| id.strip_prefix(&prefix))
        .filter_map(|rest| parse_base36(rest.get(..3)?))
        .max()
        .map_or(1, |n| n + 1);
    let width = if next < 36u64.pow(3) { 3 } else { 4 };
    format!("{prefix}{}-{}", base36(next, width), base36(random(), 3))
}

/// Randomness without a dependency: std's per-process random hash keys, mixed with time.
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.write_u32(std::process::id());
    hasher.finish()
}

/// The driver of a group member: `a.2` → `a`, `a.2.1` → `a.2`; `None` for a non-member.
pub fn driver_of(id: &str) -> Option<&str> {
    let (driver, n) = id.rsplit_once('.')?;
    let numeric = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0');
    (numeric && !driver.is_empty()).then_some(driver)
}

/// The member number of a group member: `a.2` → 2.
pub fn member_number(id: &str) -> Option<u32> {
    driver_of(id)?;
    id.rsplit_once('.')?.1.parse().ok()
}

/// The id for the next member of `driver`, given the ids in use: `<driver>.N`.
pub fn next_member<'a>(driver: &str, in_use: impl IntoIterator<Item = &'a str>) -> String {
    let next = in_use
        .into_iter()
        .filter(|id| driver_of(id) == Some(driver))
        .filter_map(member_number)
        .max()
        .map_or(1, |n| n + 1);
    format!("{driver}.{next}")
}

/// Resolves a possibly short id: an exact match, else the one id it is a suffix of, else
/// the one id containing it. Several matches at the first level that has any is an error
/// listing them.
pub fn resolve<'a, I>(short: &str, ids: I) -> Result<String, IdError>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let ids = ids.into_iter();
    if ids.clone().any(|id| id == short) {
        return Ok(short.to_owned());
    }
    let tiers: [&dyn Fn(&str) -> bool; 2] = [&|id: &str| id.ends_with(short), &|id: &str| {
        id.contains(short)
    }];
    for matches in tiers {
        let mut found: Vec<String> = ids
            .clone()
            .filter(|id| matches(id))
            .map(str::to_owned)
            .collect();
        match found.len() {
            0 => continue,
            1 => return Ok(found.remove(0)),
            _ => {
                found.sort();
                return Err(IdError::Ambiguous {
                    id: short.to_owned(),
                    candidates: found,
                });
            }
        }
    }
    Err(IdError::Unknown {
        id: short.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_follow_the_highest_sequence_of_the_day() {
        let used = [
            "2026-11-29-001-abc",
            "2026-11-29-00z-xyz",
            "2026-11-28-0zz-qqq",
        ];
        let id = generate("2026-11-29", used);
        assert!(id.starts_with("2026-11-29-010-"), "{id}");
        assert_eq!(id.len(), "2026-11-29-010-abc".len());
        validate(&id).unwrap();
        assert!(generate("2026-11-30", used).starts_with("2026-11-30-001-"));
    }

    #[test]
    fn hand_chosen_ids_are_checked() {
        validate("003-root-cause").unwrap();
        validate("a.1.2").unwrap();
        for bad in ["", "-x", "Upper", "a/b", "a..b", "a b", &"x".repeat(101)] {
            assert!(validate(bad).is_err(), "{bad:?} should be invalid");
        }
    }

    #[test]
    fn members_and_drivers() {
        assert_eq!(driver_of("d.2"), Some("d"));
        assert_eq!(driver_of("d.2.1"), Some("d.2"));
        assert_eq!(driver_of("v1.x"), None);
        assert_eq!(driver_of("d.01"), None);
        assert_eq!(member_number("d.12"), Some(12));
        assert_eq!(next_member("d", ["d.1", "d.3", "d.3.1", "e.9"]), "d.4");
        assert_eq!(next_member("n", ["d.1"]), "n.1");
    }

    #[test]
    fn short_ids_resolve_exact_then_suffix_then_substring() {
        let ids = ["2026-01-01-001-abc", "2026-01-01-002-abd", "abc"];
        assert_eq!(resolve("abc", ids).unwrap(), "abc");
        assert_eq!(resolve("abd", ids).unwrap(), "2026-01-01-002-abd");
        assert_eq!(resolve("002", ids).unwrap(), "2026-01-01-002-abd");
        let err = resolve("2026-01-01", ids).unwrap_err();
        assert_eq!(
            err,
            IdError::Ambiguous {
                id: "2026-01-01".into(),
                candidates: vec!["2026-01-01-001-abc".into(), "2026-01-01-002-abd".into()]
            }
        );
        assert!(matches!(resolve("zzz", ids), Err(IdError::Unknown { .. })));
    }
}
