//! A spec's stored status as a type: the seven git chant writes, and `Unknown` for any other
//! text an upstream file or a push brought (it loads; lint and the validator report it).
//! `ready` and `blocked` are computed states ([`super::state`]), never stored.

use std::fmt;

/// A stored status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Status {
    Pending,
    InProgress,
    Paused,
    Completed,
    Failed,
    NeedsAttention,
    Cancelled,
    /// Text git chant does not know, kept as it was written.
    Unknown(String),
}

/// The statuses git chant stores, in the order people read them.
pub const STORED: [Status; 7] = [
    Status::Pending,
    Status::InProgress,
    Status::Paused,
    Status::Completed,
    Status::Failed,
    Status::NeedsAttention,
    Status::Cancelled,
];

impl Status {
    /// The status `text` names (`Unknown` for anything else; an absent status is pending,
    /// upstream's default, decided by the caller).
    pub fn of(text: &str) -> Status {
        match text {
            "pending" => Status::Pending,
            "in_progress" => Status::InProgress,
            "paused" => Status::Paused,
            "completed" => Status::Completed,
            "failed" => Status::Failed,
            "needs_attention" => Status::NeedsAttention,
            "cancelled" => Status::Cancelled,
            other => Status::Unknown(other.to_owned()),
        }
    }

    /// As stored in the frontmatter.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Pending => "pending",
            Status::InProgress => "in_progress",
            Status::Paused => "paused",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::NeedsAttention => "needs_attention",
            Status::Cancelled => "cancelled",
            Status::Unknown(text) => text,
        }
    }

    /// Whether `text` is this status.
    pub fn is(&self, text: &str) -> bool {
        self.as_str() == text
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, Status::Unknown(_))
    }

    /// How far along a spec is, for a status both sides of a merge changed: the further
    /// along wins (unknown text ranks lowest, the same on every clone).
    pub fn merge_rank(&self) -> usize {
        match self {
            Status::Unknown(_) => 0,
            Status::Pending => 1,
            Status::Paused => 2,
            Status::InProgress => 3,
            Status::NeedsAttention => 4,
            Status::Failed => 5,
            Status::Cancelled => 6,
            Status::Completed => 7,
        }
    }

    /// Satisfies a dependency: completed or cancelled.
    pub fn is_done(&self) -> bool {
        matches!(self, Status::Completed | Status::Cancelled)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_status_reads_back_and_others_are_kept() {
        for status in STORED {
            assert_eq!(Status::of(status.as_str()), status);
        }
        assert_eq!(
            Status::of("inprogress"),
            Status::Unknown("inprogress".into())
        );
        assert_eq!(Status::of("inprogress").as_str(), "inprogress");
    }

    #[test]
    fn the_spec_formats_list_of_statuses_is_this_one() {
        let listed: Vec<&str> = STORED.iter().map(Status::as_str).collect();
        let mut sorted = listed.clone();
        sorted.sort();
        let mut theirs = crate::spec::STATUSES.to_vec();
        theirs.sort();
        assert_eq!(sorted, theirs);
    }
}
