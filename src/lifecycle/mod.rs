//! Statuses, the transition table, readiness (the one function that decides whether a
//! spec can be worked) and dependency cycles.

mod error;
pub mod graph;
pub mod group;
mod status;
mod summary;

pub use error::LifecycleError;
pub use graph::path_between;
pub use status::{Status, STORED};
pub use summary::{Place, SpecSummary};

use crate::spec::id::{driver_of, member_number};

/// Which stored status may move to which (DESIGN.md "Statuses and transitions").
fn transitions(from: &Status) -> &'static [Status] {
    use Status::*;
    match from {
        Pending => &[InProgress, Cancelled],
        InProgress => &[Completed, Failed, NeedsAttention, Paused, Cancelled],
        Paused => &[InProgress, Cancelled],
        Failed | NeedsAttention => &[Pending, InProgress],
        // A completed spec whose branch conflicts with its target needs attention.
        Completed => &[Pending, NeedsAttention],
        Cancelled => &[Pending],
        Unknown(_) => &[],
    }
}

/// The statuses `from` may move to without `--force` (none for an unknown status).
pub fn allowed_from(from: &str) -> Vec<&'static str> {
    transitions(&Status::of(from))
        .iter()
        .map(Status::as_str)
        .collect()
}

pub fn is_allowed(from: &str, to: &str) -> bool {
    transitions(&Status::of(from)).iter().any(|s| s.is(to))
}

/// Statuses that satisfy a dependency.
pub fn is_done(status: &str) -> bool {
    Status::of(status).is_done()
}

/// Why a pending spec cannot start yet; empty when nothing blocks it. A spec is ready when
/// it is `pending`, every `depends_on` id is completed or cancelled (live or archived), a
/// group member that declares no dependencies has its earlier siblings done, and its
/// approval, if it has one, is neither rejected nor (when required) still pending.
pub fn blockers<'a>(
    spec: &SpecSummary,
    lookup: impl Fn(&str) -> Option<&'a SpecSummary>,
) -> Vec<String> {
    let mut why = Vec::new();
    for dep in &spec.depends_on {
        match lookup(dep) {
            Some(d) if is_done(&d.status) => {}
            Some(d) => why.push(format!("depends on {dep} ({})", d.status)),
            None => why.push(format!("depends on {dep}, which does not exist")),
        }
    }
    if spec.depends_on.is_empty() {
        if let (Some(driver), Some(n)) = (driver_of(&spec.id), member_number(&spec.id)) {
            for k in 1..n {
                let sibling = format!("{driver}.{k}");
                if let Some(s) = lookup(&sibling).filter(|s| !is_done(&s.status)) {
                    why.push(format!("waits for earlier member {sibling} ({})", s.status));
                }
            }
        }
    }
    let id = &spec.id;
    match spec.approval.as_deref() {
        Some("rejected") => why.push(format!(
            "its approval was rejected (see its Approval Discussion; `git chant approve {id}` once it is addressed)"
        )),
        Some("approved") => {}
        _ if spec.approval_required => why.push(format!(
            "approval is pending (`git chant approve {id}`)"
        )),
        _ => {}
    }
    why
}

/// Ready = pending and nothing blocks it.
pub fn is_ready<'a>(spec: &SpecSummary, lookup: impl Fn(&str) -> Option<&'a SpecSummary>) -> bool {
    spec.status == "pending" && blockers(spec, lookup).is_empty()
}

/// The state people see: `ready` or `blocked` for a pending spec (every pending spec is one
/// or the other), otherwise the stored status.
pub fn state(status: &str, ready: bool) -> &str {
    match (Status::Pending.is(status), ready) {
        (true, true) => "ready",
        (true, false) => "blocked",
        (false, _) => status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_matches_the_design() {
        assert!(is_allowed("pending", "in_progress"));
        assert!(!is_allowed("pending", "completed"));
        assert!(is_allowed("completed", "pending"));
        assert!(!is_allowed("completed", "cancelled"));
        assert!(allowed_from("blocked").is_empty());
    }
}
