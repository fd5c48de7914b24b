//! The trailer keys git chant writes on ledger commits and reads on code commits: each key
//! spelled once, here, so a writer and its readers (`log`, `conflicts`, the hooks) cannot
//! drift apart.

use std::fmt;

/// One trailer key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trailer {
    /// `Chant-Spec: <id>`: a spec the commit changed (ledger) or worked on (code).
    Spec,
    /// `Chant-Op: <operation>`: what a ledger commit did (`add`, `status a -> b`, …).
    Op,
    /// `Chant-Commit: <sha>`: the code commit a ledger commit recorded.
    Commit,
    /// `Chant-Forced: true`: a transition made with `--force`; `Chant-Forced: claim <id>
    /// <by>`: someone else's unexpired claim replaced or removed with `--force`.
    Forced,
    /// `Chant-Reason: <text>`: why, as given with `--reason`.
    Reason,
    /// `Chant-Driver: <id> <from> -> <to>`: a driver that moved with its members.
    Driver,
    /// `Chant-Conflict: <spec> <field> <json>`: a both-sided difference a merge decided.
    Conflict,
    /// `Chant-Status: completed` on a code commit: complete the specs it names.
    Status,
}

impl Trailer {
    /// The key as written in a commit message.
    pub const fn key(self) -> &'static str {
        match self {
            Trailer::Spec => "Chant-Spec",
            Trailer::Op => "Chant-Op",
            Trailer::Commit => "Chant-Commit",
            Trailer::Forced => "Chant-Forced",
            Trailer::Reason => "Chant-Reason",
            Trailer::Driver => "Chant-Driver",
            Trailer::Conflict => "Chant-Conflict",
            Trailer::Status => "Chant-Status",
        }
    }

    /// Whether `key` is this trailer the way git compares trailer keys (ignoring case), as
    /// a person typing a commit message may spell it.
    pub fn matches(self, key: &str) -> bool {
        key.eq_ignore_ascii_case(self.key())
    }
}

impl fmt::Display for Trailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::Trailer;

    #[test]
    fn keys_match_ignoring_case_only() {
        assert!(Trailer::Spec.matches("chant-spec"));
        assert!(Trailer::Status.matches("CHANT-STATUS"));
        assert!(!Trailer::Spec.matches("Chant-Specs"));
        assert_eq!(Trailer::Conflict.to_string(), "Chant-Conflict");
    }
}
