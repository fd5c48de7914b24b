//! Property tests of the spec format: whatever spec is built, rendering and parsing it
//! gives the same spec back, and rendering is stable.

use git_chant::spec::{Shape, Spec, FIELDS};
use proptest::prelude::*;
use serde_yaml::Value;

/// Text with the characters that stress YAML: quotes, colons, hashes, dashes, newlines,
/// leading and trailing spaces, unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9._-]{1,20}",
        "[ -~]{0,30}",
        "\\PC{0,30}",
        prop::sample::select(vec![
            "---",
            "- [ ] x",
            "yes",
            "null",
            "~",
            "0x10",
            "1e3",
            "2026-02-02T14:27:53Z",
            "a: b",
            "# c",
            " lead",
            "trail ",
            "multi\nline\n",
            "\ttab",
            "'",
            "\"",
            "",
        ])
        .prop_map(str::to_owned),
    ]
}

fn value_for(shape: Option<Shape>) -> BoxedStrategy<Value> {
    let list = prop::collection::vec(text(), 1..4)
        .prop_map(|items| Value::Sequence(items.into_iter().map(Value::String).collect()));
    match shape {
        Some(Shape::Text) => text().prop_map(Value::String).boxed(),
        Some(Shape::List) => list.boxed(),
        Some(Shape::TextOrList) => prop_oneof![text().prop_map(Value::String), list].boxed(),
        Some(Shape::Bool) => any::<bool>().prop_map(Value::Bool).boxed(),
        Some(Shape::Map) => (any::<bool>(), text())
            .prop_map(|(required, status)| {
                let mut map = serde_yaml::Mapping::new();
                map.insert("required".into(), Value::Bool(required));
                map.insert("status".into(), Value::String(status));
                Value::Mapping(map)
            })
            .boxed(),
        None => prop_oneof![
            text().prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            list,
        ]
        .boxed(),
    }
}

fn field() -> impl Strategy<Value = (String, Value)> {
    let known = prop::sample::select(FIELDS.to_vec())
        .prop_flat_map(|(name, shape)| (Just(name.to_owned()), value_for(Some(shape))));
    let unknown = "x_[a-z_]{1,10}".prop_flat_map(|name| (Just(name), value_for(None)));
    prop_oneof![known, unknown]
}

fn body() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        text(),
        Just("## Acceptance Criteria".to_owned()),
        Just("- [x] done".to_owned()),
        Just("```".to_owned()),
        Just("# Title".to_owned()),
    ];
    prop::collection::vec(line, 0..12)
        .prop_map(|lines| lines.into_iter().map(|l| l + "\n").collect::<String>())
}

fn spec() -> impl Strategy<Value = Spec> {
    (prop::collection::vec(field(), 0..8), body()).prop_map(|(fields, body)| {
        let fields = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        Spec::new(fields, body)
    })
}

proptest! {
    #[test]
    fn parse_of_render_is_identity(spec in spec()) {
        let rendered = spec.render();
        let parsed = Spec::parse("prop.md", rendered.as_bytes())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{rendered}")))?;
        prop_assert_eq!(&parsed, &spec);
        prop_assert_eq!(parsed.render(), rendered);
    }

    #[test]
    fn canonical_form_is_a_fixed_point(spec in spec()) {
        let once = Spec::canonical("p", spec.render().as_bytes()).unwrap();
        let twice = Spec::canonical("p", once.as_bytes()).unwrap();
        prop_assert_eq!(once, twice);
    }
}
