//! The one table of process exit codes, and the trait every error type uses to pick its row.

/// Exit codes of `git-chant`. Scripts and hooks depend on these numbers: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// A user or domain error: unknown id, illegal transition, a file that cannot be read.
    User = 1,
    /// The command line itself is wrong (clap reports these).
    Usage = 2,
    /// A conflict: a race still lost after retries, or a merge conflict.
    Conflict = 3,
    /// Input was checked and rejected: a spec that does not parse, a push that breaks a rule.
    Validation = 4,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// Implemented by every error type so `main` maps any failure to its row of the table.
pub trait ExitCode {
    fn exit(&self) -> Exit;
}
