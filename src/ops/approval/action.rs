//! What a rejection does beyond recording itself (`reject --action`, upstream's
//! `rejection_action`): nothing (`manual`); a fix spec the rejected one then depends on
//! (`dependency`); or the spec becomes a driver whose members take its acceptance
//! criteria, one each (`group`). The new specs are written in the rejection's own ledger
//! commit, in upstream's words.

use crate::spec::{id, Spec};
use crate::store::Change;

/// `reject --action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RejectAction {
    /// Only record the rejection.
    #[default]
    Manual,
    /// Create a fix spec, which the rejected spec then depends on.
    Dependency,
    /// Make the spec a driver whose members take its criteria, one member each.
    Group,
}

impl RejectAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectAction::Manual => "manual",
            RejectAction::Dependency => "dependency",
            RejectAction::Group => "group",
        }
    }
}

/// A new spec file: upstream's `type: code`, `status: pending`, and the body.
fn new_spec(body: String) -> String {
    Spec::new(
        vec![
            ("type", "code".into()),
            ("status", crate::lifecycle::Status::Pending.as_str().into()),
        ],
        body,
    )
    .render()
}

/// The reason as a markdown quote, each line of it quoted.
fn quoted(reason: &str) -> String {
    reason
        .trim()
        .lines()
        .map(|l| format!("> {l}").trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Upstream's fix spec for a rejection of `original`.
fn fix_body(original: &str, reason: &str, says_id: bool) -> String {
    let whose = if says_id {
        format!("Original spec {original} was")
    } else {
        "Original spec was".to_owned()
    };
    format!(
        "# Fix rejection issues for {original}\n\n## Context\n\n{whose} rejected with reason:\n{}\n\n## Acceptance Criteria\n\n- [ ] Address rejection feedback\n- [ ] Changes ready for re-review\n",
        quoted(reason)
    )
}

/// `dependency`: a fix spec `fix_id`, and `spec` (being rejected) depending on it.
pub fn dependency(
    spec: &mut Spec,
    original: &str,
    fix_id: &str,
    reason: &str,
    change: &mut Change,
) {
    change.write_spec(fix_id, false, new_spec(fix_body(original, reason, true)));
    change.trailer(crate::store::trailer::Trailer::Spec, fix_id);
    let mut deps: Vec<String> = spec.depends_on().into_iter().map(str::to_owned).collect();
    if !deps.iter().any(|d| d == fix_id) {
        deps.push(fix_id.to_owned());
    }
    spec.set_list("depends_on", &deps);
}

/// `group`: members `<driver>.N…` (numbered after any it has), one per acceptance
/// criterion of `spec` (one fix member when it has none), and `spec` made a `driver`
/// listing them in `members`. Members never depend on their driver; each waits for the
/// one before it, as upstream orders them, by git chant's member rule (a member that
/// declares no dependencies waits for its earlier siblings). Returns the member ids.
pub fn group<'a>(
    spec: &mut Spec,
    driver: &str,
    reason: &str,
    in_use: impl IntoIterator<Item = &'a str>,
    change: &mut Change,
) -> Vec<String> {
    let criteria: Vec<String> = spec.criteria().into_iter().map(|c| c.text).collect();
    let bodies: Vec<String> = if criteria.is_empty() {
        vec![fix_body(driver, reason, false)]
    } else {
        criteria
            .iter()
            .map(|c| format!("# {c}\n\n## Acceptance Criteria\n\n- [ ] {c}\n"))
            .collect()
    };
    let first = id::next_member(driver, in_use);
    let start = id::member_number(&first).map_or(1, |n| n as usize);
    let mut members: Vec<String> = Vec::new();
    for (k, body) in bodies.into_iter().enumerate() {
        let member = format!("{driver}.{}", start + k);
        change.write_spec(&member, false, new_spec(body));
        change.trailer(crate::store::trailer::Trailer::Spec, &member);
        members.push(member);
    }
    spec.set_text("type", "driver");
    let mut listed: Vec<String> = spec.members().into_iter().map(str::to_owned).collect();
    listed.extend(members.iter().cloned());
    spec.set_list("members", &listed);
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_takes_one_member_per_criterion_and_none_depends_on_the_driver() {
        let mut spec = Spec::parse(
            "d",
            b"---\ntype: code\nstatus: pending\n---\n# D\n\n## Acceptance Criteria\n\n- [ ] One\n- [x] Two\n",
        )
        .unwrap();
        let mut change = Change::default();
        let members = group(&mut spec, "d", "why", ["d"], &mut change);
        assert_eq!(members, ["d.1", "d.2"]);
        assert_eq!(spec.kind(), "driver");
        assert_eq!(spec.list("members"), ["d.1", "d.2"]);
        assert!(fix_body("x", "a\nb", true).contains("rejected with reason:\n> a\n> b\n"));
    }
}
