//! A spec's verification result, as upstream chant records it and `git chant verify`
//! writes it: `last_verified` (RFC 3339), `verification_status` (`passed`, `failed` or
//! `partial`) and `verification_failures` (one line per failing criterion). Pure: the
//! same check serves `set`, `lint` and the server.

use super::Spec;

/// `verification_status` when every criterion passed.
pub const PASSED: &str = "passed";
/// When any criterion failed (or `--command` did not exit 0).
// tidy: a verification result, not a spec's status
pub const FAILED: &str = "failed";
/// When none failed but some could not be decided.
pub const PARTIAL: &str = "partial";

/// The values `verification_status` may hold.
pub const STATUSES: &[&str] = &[PASSED, FAILED, PARTIAL];

/// What is wrong with `spec`'s verification fields, if anything.
pub fn problem(spec: &Spec) -> Option<String> {
    if let Some(status) = spec.frontmatter().get("verification_status") {
        if !status.as_str().is_some_and(|s| STATUSES.contains(&s)) && !status.is_null() {
            return Some("`verification_status` must be passed, failed or partial".into());
        }
    }
    if let Some(at) = spec.text("last_verified") {
        let format = time::format_description::well_known::Rfc3339;
        if time::OffsetDateTime::parse(at, &format).is_err() {
            return Some(format!(
                "`last_verified` is `{}`, not an RFC 3339 time",
                crate::escape::escape(at)
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(front: &str) -> Spec {
        Spec::parse(
            "s",
            format!("---\nstatus: completed\n{front}---\n# T\n").as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn verification_fields_hold_what_upstream_writes() {
        let good = spec("last_verified: 2026-01-02T03:04:05Z\nverification_status: partial\n");
        assert_eq!(problem(&good), None);
        assert!(problem(&spec("verification_status: ok\n"))
            .unwrap()
            .contains("passed, failed or partial"));
        assert!(problem(&spec("last_verified: yesterday\n"))
            .unwrap()
            .contains("RFC 3339"));
    }
}
