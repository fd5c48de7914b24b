//! Groups: a `driver` (or `group`) spec and its members `<driver>.N`, which it waits for.
//! What a driver must be to take members; the ledger walks that follow a driver when its
//! members move live in `ops::transition`, which reads and writes the specs.

use super::Status;
use crate::spec::rules::Violation;
use crate::spec::Spec;

/// A driver `add --member-of` may add to: a `driver` or `group` spec that is not finished
/// (a member of a completed or cancelled driver would never be worked as part of it).
pub fn takes_members(id: &str, spec: &Spec) -> Result<(), Violation> {
    let kind = spec.kind();
    if !matches!(kind, "driver" | "group") {
        return Err(Violation::new(
            "member-of",
            format!("{id} is a {kind} spec, not a driver: members go under a `driver` or `group` spec"),
            format!("make it one first (`git chant set {id} type driver`), or add a spec of its own with `--depends-on {id}`"),
        ));
    }
    let status = spec.status();
    if Status::of(status).is_done() {
        return Err(Violation::new(
            "member-of",
            format!("driver {id} is {status}: a new member would never be worked as part of it"),
            format!("reopen it first (`git chant reopen {id}`), or add a spec of its own"),
        ));
    }
    Ok(())
}
