//! Statuses and readiness: the one function that decides whether a spec can be worked.

use crate::spec::id::{driver_of, member_number};
use crate::store::index::Summary;

/// Statuses that satisfy a dependency.
pub fn is_done(status: &str) -> bool {
    matches!(status, "completed" | "cancelled")
}

/// Why a pending spec cannot start yet; empty when nothing blocks it. A spec is ready when
/// it is `pending`, every `depends_on` id is completed or cancelled (live or archived), a
/// group member that declares no dependencies has its earlier siblings done, and no
/// approval is pending.
pub fn blockers<'a>(spec: &Summary, lookup: impl Fn(&str) -> Option<&'a Summary>) -> Vec<String> {
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
    if spec.approval_pending {
        why.push("approval is pending".to_owned());
    }
    why
}

/// Ready = pending and nothing blocks it.
pub fn is_ready<'a>(spec: &Summary, lookup: impl Fn(&str) -> Option<&'a Summary>) -> bool {
    spec.status == "pending" && blockers(spec, lookup).is_empty()
}
