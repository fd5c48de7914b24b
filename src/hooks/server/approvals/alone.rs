//! An approval commit decides alone: a commit that approves (or drops a requirement)
//! changes nothing but the `approval` fields and the `## Approval Discussion` section of the
//! specs it approves, so what its committer (and signature) vouches for is the approval.

use std::collections::HashMap;

use gix::ObjectId;

use super::Act;
use crate::hooks::server::layout::Item;
use crate::hooks::server::ledger::Pushed;
use crate::hooks::server::report::{Report, Rule};
use crate::hooks::server::tree::Changed;
use crate::spec::Spec;
use crate::store::{Context, StoreError};

/// An approval commit approves (or drops a requirement) and does nothing else: every change
/// is one of those specs, and differs only in `approval` and `## Approval Discussion`. A
/// rejection may bring what `reject --action` writes (a fix spec, the members of a group).
pub(super) fn check_alone(
    repo: &gix::Repository,
    report: &mut Report,
    commit: &Pushed,
    acts: &[(String, Act)],
    changes: &[Changed],
) -> Result<(), StoreError> {
    let approving: HashMap<&str, &Act> = acts
        .iter()
        .filter(|(_, a)| !matches!(a, Act::Decides { verb, .. } if verb == "rejected"))
        .map(|(id, a)| (id.as_str(), a))
        .collect();
    let Some(first) = approving.keys().min().copied() else {
        return Ok(());
    };
    for change in changes {
        let ok = match &change.item {
            Item::Spec { id, .. } if approving.contains_key(id.as_str()) => {
                match (change.file.old, change.file.new) {
                    (Some(old), Some(new)) => same_but_approval(repo, id, old, new)?,
                    _ => false,
                }
            }
            _ => false,
        };
        if !ok {
            let spec = match &change.item {
                Item::Spec { id, .. } if approving.contains_key(id.as_str()) => id.as_str(),
                _ => first,
            };
            report.add(Some(spec), Some("approval"), Rule::Approval, format!(
                "commit {} approves {spec} and also changes {}: an approval commit changes only `approval` and the `## Approval Discussion` section; approve with `git chant approve {spec}` alone and push other changes in their own commits",
                commit.short(),
                change.file.path,
            ));
        }
    }
    Ok(())
}

/// Two versions of a spec equal but for `approval` and the `## Approval Discussion` section.
fn same_but_approval(
    repo: &gix::Repository,
    id: &str,
    old: ObjectId,
    new: ObjectId,
) -> Result<bool, StoreError> {
    let read = |blob: ObjectId| -> Result<Option<Spec>, StoreError> {
        let data = repo.find_blob(blob).context(|| format!("reading {blob}"))?;
        Ok(Spec::parse(id, &data.data).ok())
    };
    let (Some(a), Some(b)) = (read(old)?, read(new)?) else {
        return Ok(false);
    };
    let fields = |s: &Spec| {
        let mut map = s.frontmatter().to_mapping();
        map.remove("approval");
        map
    };
    Ok(fields(&a) == fields(&b) && without_discussion(a.body()) == without_discussion(b.body()))
}

/// The body without its `## Approval Discussion` section (up to the next `#`/`##`
/// heading), trailing blank lines ignored.
fn without_discussion(body: &str) -> String {
    let mut kept = Vec::new();
    let mut inside = false;
    for line in body.lines() {
        if line.trim_end() == "## Approval Discussion" {
            inside = true;
            continue;
        }
        if inside && (line.starts_with("## ") || line.starts_with("# ")) {
            inside = false;
        }
        if !inside {
            kept.push(line);
        }
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    kept.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_discussion_section_is_all_an_approval_may_add_to_the_body() {
        let before = "# T\n\nBody.\n";
        let after =
            "# T\n\nBody.\n\n## Approval Discussion\n\n**A** - 2026-02-02 14:27 - APPROVED\n";
        assert_eq!(without_discussion(before), without_discussion(after));
        let sneaky = "# T\n\nBody.\n\n## Approval Discussion\n\nok\n\n## More\n\nrm -rf\n";
        assert_ne!(without_discussion(before), without_discussion(sneaky));
    }
}
