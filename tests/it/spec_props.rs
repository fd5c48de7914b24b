//! Property tests of the spec format: whatever spec is built, rendering and parsing it
//! gives the same spec back, and rendering is stable; whatever YAML a person wrote, `fmt`'s
//! canonical form reads back as the same data, or `fmt` refuses.

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

/// One top-level entry as a person might write it, in YAML's many spellings.
fn yaml_entry() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        "x_[a-z]{1,6}",
        prop::sample::select(vec![
            "labels",
            "commits",
            "depends_on",
            "model",
            "status",
            "approval",
            "\"quoted key\"",
            "'single'",
            "{x: 1}",
            "[a, b]",
            "? complex",
            "42",
            "true",
            "~",
            "!!str tagged",
        ])
        .prop_map(str::to_owned),
    ];
    let scalar = prop::sample::select(vec![
        "plain",
        "3614866",
        "0123456",
        "1e3",
        "0x1F",
        "-0",
        ".nan",
        ".inf",
        "yes",
        "No",
        "~",
        "null",
        "''",
        "\"a\\tb\"",
        "'it''s'",
        "2026-01-02",
        "12:30:00",
        "!!str 12",
        "!custom x",
        "&anchor v",
        "'# not a comment'",
        "a #comment",
        "\"multi\\nline\"",
    ]);
    let value = prop_oneof![
        scalar.clone().prop_map(|s| format!(" {s}")),
        prop::collection::vec(scalar.clone(), 0..4)
            .prop_map(|items| format!(" [{}]", items.join(", "))),
        prop::collection::vec(scalar.clone(), 1..4)
            .prop_map(|items| items.iter().map(|i| format!("\n- {i}")).collect::<String>()),
        prop::collection::vec(scalar, 1..3).prop_map(|items| items
            .iter()
            .enumerate()
            .map(|(n, i)| format!("\n  k{n}: {i}"))
            .collect::<String>()),
        Just(" {a: 1, [b]: 2, {c: 3}: d}".to_owned()),
        Just(" |\n  block\n\n  text".to_owned()),
        Just(" >-\n  folded\n  text".to_owned()),
        Just("\n  ? [k]\n  : v".to_owned()),
    ];
    (key, value).prop_map(|(k, v)| format!("{k}:{v}\n"))
}

proptest! {
    #[test]
    fn fmt_never_changes_what_the_yaml_says(
        entries in prop::collection::vec(yaml_entry(), 0..6),
        comment in any::<bool>(),
    ) {
        let mut yaml = entries.concat();
        if comment {
            yaml = format!("# leading\n{yaml}");
        }
        let text = format!("---\n{yaml}---\n# T\n");
        let Ok(original) = Spec::parse("p.md", text.as_bytes()) else {
            return Ok(()); // not a spec (bad YAML, duplicate keys): fmt reports it
        };
        match Spec::canonical("p.md", text.as_bytes()) {
            Ok(canonical) => {
                let back = Spec::parse("p.md", canonical.as_bytes())
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{text}\n=>\n{canonical}")))?;
                prop_assert_eq!(
                    back.frontmatter().to_mapping(),
                    original.frontmatter().to_mapping(),
                    "{}\n=>\n{}", text, canonical
                );
                prop_assert_eq!(Spec::canonical("p.md", canonical.as_bytes()).ok(), Some(canonical.clone()));
            }
            Err(e) => prop_assert!(
                matches!(e.kind(), git_chant::spec::SpecErrorKind::NotCanonical { .. }),
                "{e}\n{text}"
            ),
        }
    }

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
