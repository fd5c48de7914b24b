//! Three-way merge of one spec, field by field: a field changed on one side takes that
//! side; lists merge as sets; a scalar changed on both sides keeps the value a fixed rule
//! picks (the same whichever side runs the merge) and records the other. The body merges
//! by lines; a region changed on both sides is recorded, never left with conflict markers.

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use super::text::{merge3, Prefer};
use crate::lifecycle::Status;
use crate::spec::claim::{Claim, FIELD as CLAIM};
use crate::spec::{Shape, Spec};

/// A difference both sides made, and what the merge kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldConflict {
    pub spec: String,
    /// A frontmatter key, or `body`.
    pub field: String,
    pub kept: String,
    pub lost: String,
}

/// Status precedence for a both-sided status change: the further along wins.
fn rank(status: &Value) -> usize {
    status.as_str().map_or(0, |s| Status::of(s).merge_rank())
}

fn render(value: &Option<Value>) -> String {
    match value {
        None => "(absent)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => serde_yaml::to_string(v)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

/// Merges two values changed on both sides. Returns the kept value and, when one side's
/// value was dropped, a description of it.
fn merge_value(
    field: &str,
    base: Option<&Value>,
    ours: Option<&Value>,
    theirs: Option<&Value>,
) -> (Option<Value>, Option<String>) {
    let is_list = matches!(Shape::of(field), Some(Shape::List | Shape::TextOrList))
        || (ours.is_some_and(Value::is_sequence) && theirs.is_some_and(Value::is_sequence));
    if is_list {
        return (merge_list(base, ours, theirs), None);
    }
    if let (Some(Value::Mapping(o)), Some(Value::Mapping(t))) = (ours, theirs) {
        let b = base.and_then(Value::as_mapping);
        return (
            Some(Value::Mapping(merge_mapping(
                field,
                b,
                o,
                t,
                false,
                &mut Vec::new(),
            ))),
            None,
        );
    }
    let (o, t) = (ours.cloned(), theirs.cloned());
    let ours_wins = if field == "status" {
        (rank(o.as_ref().unwrap_or(&Value::Null)), render(&o))
            >= (rank(t.as_ref().unwrap_or(&Value::Null)), render(&t))
    } else {
        render(&o) >= render(&t)
    };
    let (kept, lost) = if ours_wins { (o, t) } else { (t, o) };
    let lost = render(&lost);
    (kept, Some(lost))
}

fn items(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Sequence(items)) => items.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    }
}

/// Lists as sets: base items neither side removed, in base order, then everything either
/// side added, sorted (so the result does not depend on which side is "ours").
fn merge_list(base: Option<&Value>, ours: Option<&Value>, theirs: Option<&Value>) -> Option<Value> {
    let (b, o, t) = (items(base), items(ours), items(theirs));
    let mut out: Vec<Value> = b
        .iter()
        .filter(|i| o.contains(i) && t.contains(i))
        .cloned()
        .collect();
    let mut added: Vec<Value> = o
        .iter()
        .chain(&t)
        .filter(|i| !b.contains(i))
        .cloned()
        .collect();
    added.sort_by_key(|v| render(&Some(v.clone())));
    for item in added {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    (!out.is_empty()).then_some(Value::Sequence(out))
}

/// Two claims made on different sides (`claim` changed on both): a claim is kept whole,
/// never mixed field by field. The earlier one wins unless it had ended when the other was
/// taken ([`Claim::keeps_over`]); a claim wins over none (a release on one side, a renewal
/// or a take-over on the other). `None` when either side is malformed: the general rule.
fn merge_claims(ours: Option<&Value>, theirs: Option<&Value>) -> Option<(Option<Value>, String)> {
    let parse = |v: Option<&Value>| match v {
        None | Some(Value::Null) => Some(None),
        Some(v) => Claim::from_value(v).ok().map(Some),
    };
    let ours_wins = match (parse(ours)?, parse(theirs)?) {
        (Some(o), Some(t)) => o.keeps_over(&t),
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (None, None) => return None,
    };
    let (kept, lost) = if ours_wins {
        (ours, theirs)
    } else {
        (theirs, ours)
    };
    Some((kept.cloned(), render(&lost.cloned())))
}

/// Merges mappings key by key. Keys keep the base order; keys new on either side follow,
/// sorted, so the result is the same whichever side runs the merge. `top`: the
/// frontmatter itself, where `claim` has its own rule.
fn merge_mapping(
    spec: &str,
    base: Option<&Mapping>,
    ours: &Mapping,
    theirs: &Mapping,
    top: bool,
    conflicts: &mut Vec<FieldConflict>,
) -> Mapping {
    let mut keys: Vec<&Value> = base.map(|b| b.keys().collect()).unwrap_or_default();
    let mut new_keys: Vec<&Value> = ours
        .keys()
        .chain(theirs.keys())
        .filter(|k| !keys.contains(k))
        .collect();
    new_keys.sort_by_key(|k| render(&Some((*k).clone())));
    new_keys.dedup();
    keys.extend(new_keys);
    let mut out = Mapping::new();
    for key in keys {
        let (b, o, t) = (
            base.and_then(|m| m.get(key)),
            ours.get(key),
            theirs.get(key),
        );
        let field = key.as_str().unwrap_or_default();
        let value = if o == t {
            o.cloned()
        } else if o == b {
            t.cloned()
        } else if t == b {
            o.cloned()
        } else if let Some((kept, lost)) = (top && field == CLAIM)
            .then(|| merge_claims(o, t))
            .flatten()
        {
            conflicts.push(FieldConflict {
                spec: spec.into(),
                field: field.into(),
                kept: render(&kept),
                lost,
            });
            kept
        } else {
            let (kept, lost) = merge_value(field, b, o, t);
            if let Some(lost) = lost {
                conflicts.push(FieldConflict {
                    spec: spec.into(),
                    field: field.into(),
                    kept: render(&kept),
                    lost,
                });
            }
            kept
        };
        if let Some(value) = value {
            out.insert(key.clone(), value);
        }
    }
    out
}

/// Text regions both sides rewrote, as recorded conflicts (`label_start <line> label_end`).
pub(crate) fn text_conflicts(
    id: &str,
    label_start: &str,
    label_end: &str,
    found: Vec<super::text::Conflict>,
) -> Vec<FieldConflict> {
    found
        .into_iter()
        .map(|c| {
            let (kept, lost) = c.kept_and_lost();
            FieldConflict {
                spec: id.into(),
                field: format!("{label_start} {}{label_end}", c.line),
                kept: kept.to_owned(),
                lost: lost.to_owned(),
            }
        })
        .collect()
}

/// Merges spec `id` changed on both sides (`base` is `None` when both sides added it).
pub fn merge_spec(
    id: &str,
    base: Option<&Spec>,
    ours: &Spec,
    theirs: &Spec,
) -> (Spec, Vec<FieldConflict>) {
    let mut conflicts = Vec::new();
    let base_map = base.map(|b| b.frontmatter().to_mapping());
    let frontmatter = merge_mapping(
        id,
        base_map.as_ref(),
        &ours.frontmatter().to_mapping(),
        &theirs.frontmatter().to_mapping(),
        true,
        &mut conflicts,
    );
    let base_body = base.map_or("", |b| b.body());
    let merged = merge3(base_body, ours.body(), theirs.body(), Prefer::Greater);
    conflicts.extend(text_conflicts(id, "body (line", ")", merged.conflicts));
    // Keep the exact bytes of whichever side already has the merged frontmatter.
    let mut spec = if ours.frontmatter().to_mapping() == frontmatter {
        ours.clone()
    } else if theirs.frontmatter().to_mapping() == frontmatter {
        theirs.clone()
    } else {
        let fields: Vec<(String, Value)> = frontmatter
            .into_iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v)))
            .collect();
        Spec::new(
            fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect(),
            String::new(),
        )
    };
    spec.set_body(merged.text);
    (spec, conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Spec {
        Spec::parse("s", text.as_bytes()).unwrap()
    }

    const BASE: &str = "---\nstatus: pending\nlabels:\n- a\n---\n# T\n\n## Acceptance Criteria\n\n- [ ] one\n- [ ] two\n";

    #[test]
    fn one_sided_changes_and_list_additions_from_both_sides_survive() {
        let ours = spec(
            &BASE
                .replace("status: pending", "status: completed")
                .replace("- [ ] one", "- [x] one"),
        );
        let theirs = spec(
            &BASE
                .replace("- a\n", "- a\n- b\n")
                .replace("- [ ] two", "- [x] two"),
        );
        let (merged, conflicts) = merge_spec("s", Some(&spec(BASE)), &ours, &theirs);
        assert!(conflicts.is_empty(), "{conflicts:?}");
        assert_eq!(merged.status(), "completed");
        assert_eq!(merged.labels(), vec!["a", "b"]);
        assert_eq!(merged.criteria().iter().filter(|c| c.checked).count(), 2);
        let (swapped, _) = merge_spec("s", Some(&spec(BASE)), &theirs, &ours);
        assert_eq!(
            swapped.render(),
            merged.render(),
            "the same result whichever side merges"
        );
    }

    #[test]
    fn a_both_sided_status_change_is_decided_by_rank_and_recorded() {
        let ours = spec(&BASE.replace("status: pending", "status: cancelled"));
        let theirs = spec(&BASE.replace("status: pending", "status: completed"));
        let (merged, conflicts) = merge_spec("s", Some(&spec(BASE)), &ours, &theirs);
        assert_eq!(merged.status(), "completed");
        assert_eq!(
            conflicts,
            vec![FieldConflict {
                spec: "s".into(),
                field: "status".into(),
                kept: "completed".into(),
                lost: "cancelled".into()
            }]
        );
    }

    #[test]
    fn removals_from_a_list_are_kept() {
        let ours = spec(&BASE.replace("- a\n", ""));
        let theirs = spec(&BASE.replace("- a\n", "- a\n- c\n"));
        let (merged, _) = merge_spec("s", Some(&spec(BASE)), &ours, &theirs);
        assert_eq!(merged.labels(), vec!["c"]);
    }
}
