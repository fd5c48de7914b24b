//! Property tests of the spec merge: whichever side merges, the result is the same; merging
//! a result again changes nothing; every one-sided change survives; every both-sided
//! difference is merged (lists) or recorded (scalars).

use std::collections::BTreeSet;

use git_chant::merge::spec::merge_spec;
use git_chant::spec::Spec;
use proptest::prelude::*;
use serde_yaml::Value;

const LABELS: &[&str] = &["a", "b", "c", "d", "e"];
const MODELS: &[&str] = &["opus", "sonnet", "haiku"];
const STATUSES: &[&str] = &["pending", "in_progress", "completed", "cancelled", "failed"];

#[derive(Debug, Clone)]
enum Op {
    Status(&'static str),
    AddLabel(&'static str),
    RemoveLabel(&'static str),
    Model(&'static str),
    Custom(u8),
    Tick(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::sample::select(STATUSES).prop_map(Op::Status),
        prop::sample::select(LABELS).prop_map(Op::AddLabel),
        prop::sample::select(LABELS).prop_map(Op::RemoveLabel),
        prop::sample::select(MODELS).prop_map(Op::Model),
        any::<u8>().prop_map(Op::Custom),
        (1usize..=4, any::<bool>()).prop_map(|(n, t)| Op::Tick(n, t)),
    ]
}

fn base() -> impl Strategy<Value = Spec> {
    (
        prop::sample::subsequence(LABELS, 0..4),
        prop::sample::select(MODELS),
        prop::collection::vec(any::<bool>(), 4),
    )
        .prop_map(|(labels, model, ticks)| {
            let mut body = String::from("# Title\n\nText.\n\n## Acceptance Criteria\n\n");
            for (n, t) in ticks.iter().enumerate() {
                body.push_str(&format!(
                    "- [{}] criterion {}\n",
                    if *t { "x" } else { " " },
                    n + 1
                ));
            }
            let mut fields = vec![
                ("status", Value::from("pending")),
                ("model", Value::from(model)),
            ];
            if !labels.is_empty() {
                fields.push((
                    "labels",
                    Value::Sequence(labels.iter().map(|l| Value::from(*l)).collect()),
                ));
            }
            Spec::new(fields, body)
        })
}

fn apply(spec: &Spec, ops: &[Op]) -> Spec {
    let mut spec = spec.clone();
    for op in ops {
        match op {
            Op::Status(s) => spec.set_text("status", s),
            Op::Model(m) => spec.set_text("model", m),
            Op::Custom(n) => spec.set_value("x_custom", Value::from(*n as u64)),
            Op::AddLabel(l) | Op::RemoveLabel(l) => {
                let mut labels: Vec<String> = spec.labels().iter().map(|s| s.to_string()).collect();
                labels.retain(|x| x != l);
                if matches!(op, Op::AddLabel(_)) {
                    labels.push(l.to_string());
                }
                spec.set_list("labels", &labels);
            }
            Op::Tick(n, t) => {
                spec.set_criterion(*n, *t);
            }
        }
    }
    spec
}

fn labels(spec: &Spec) -> BTreeSet<String> {
    spec.labels().iter().map(|s| s.to_string()).collect()
}

fn field(spec: &Spec, key: &str) -> Option<Value> {
    spec.frontmatter().get(key).cloned()
}

fn ticks(spec: &Spec) -> Vec<bool> {
    spec.criteria().iter().map(|c| c.checked).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn merge_is_symmetric_idempotent_and_loses_nothing(
        base in base(),
        ours_ops in prop::collection::vec(op(), 0..5),
        theirs_ops in prop::collection::vec(op(), 0..5),
    ) {
        let ours = apply(&base, &ours_ops);
        let theirs = apply(&base, &theirs_ops);
        let (merged, conflicts) = merge_spec("s", Some(&base), &ours, &theirs);
        let (swapped, swapped_conflicts) = merge_spec("s", Some(&base), &theirs, &ours);

        // The same content whichever side merges, and the same recorded conflicts.
        prop_assert_eq!(merged.render(), swapped.render());
        let set = |c: &[git_chant::merge::spec::FieldConflict]| c.iter().map(|c| (c.field.clone(), c.kept.clone(), c.lost.clone())).collect::<BTreeSet<_>>();
        prop_assert_eq!(set(&conflicts), set(&swapped_conflicts));

        // Merging the result again with either input changes nothing.
        prop_assert_eq!(merge_spec("s", Some(&ours), &merged, &ours).0.render(), merged.render());
        prop_assert_eq!(merge_spec("s", Some(&theirs), &merged, &theirs).0.render(), merged.render());

        let recorded = |f: &str| conflicts.iter().any(|c| c.field == f);
        for key in ["status", "model", "x_custom"] {
            let (b, o, t, m) = (field(&base, key), field(&ours, key), field(&theirs, key), field(&merged, key));
            if o != b && t == b { prop_assert_eq!(&m, &o, "one-sided {} of ours", key); }
            if t != b && o == b { prop_assert_eq!(&m, &t, "one-sided {} of theirs", key); }
            if o != b && t != b && o != t { prop_assert!(recorded(key), "both-sided {} recorded", key); }
        }
        // Labels merge as sets: kept unless a side removed them, plus every addition.
        let (b, o, t) = (labels(&base), labels(&ours), labels(&theirs));
        let expected: BTreeSet<String> = b.iter().filter(|l| o.contains(*l) && t.contains(*l)).cloned()
            .chain(o.difference(&b).cloned()).chain(t.difference(&b).cloned()).collect();
        prop_assert_eq!(labels(&merged), expected);
        // A checkbox changed on one side only keeps that change.
        let (bt, ot, tt, mt) = (ticks(&base), ticks(&ours), ticks(&theirs), ticks(&merged));
        for k in 0..bt.len() {
            if ot[k] != bt[k] && tt[k] == bt[k] { prop_assert_eq!(mt[k], ot[k]); }
            if tt[k] != bt[k] && ot[k] == bt[k] { prop_assert_eq!(mt[k], tt[k]); }
        }
        prop_assert!(!merged.render().contains("<<<<<<<"));
    }
}
