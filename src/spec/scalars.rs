//! Scalars in string fields read as their text, as upstream chant's typed structs read
//! them: `commits: [3614866]` (a short SHA of digits, unquoted) is the string "3614866",
//! `0123abc` keeps its leading zero, `labels: [true]` is "true".
//!
//! serde_yaml's `Value` has already turned such scalars into numbers and booleans, losing
//! their spelling; deserializing the same YAML into `String`s gives the scalar's source
//! text back. Only specs that need it pay for the second parse. The entry's source bytes
//! are kept by the frontmatter as they are, so nothing is rewritten.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_yaml::{Mapping, Value};

use super::fields::Shape;

/// A scalar that is not a string (null is "absent", not text).
fn is_bare_scalar(value: &Value) -> bool {
    matches!(value, Value::Number(_) | Value::Bool(_))
}

/// Whether a known string or list-of-strings field holds a scalar that is not a string.
fn needs_text(field: &str, value: &Value) -> bool {
    match (Shape::of(field), value) {
        (Some(Shape::Text | Shape::TextOrList), v) if is_bare_scalar(v) => true,
        (Some(Shape::List | Shape::TextOrList), Value::Sequence(items)) => {
            items.iter().any(|i| is_bare_scalar(i) || i.is_null())
        }
        _ => false,
    }
}

/// Replaces, in `map` (parsed from `yaml`), every such scalar by its source text. When the
/// second parse fails (an item that is a mapping, say), `map` is left as it is and the
/// field's shape check reports it.
pub(crate) fn as_text(yaml: &str, map: &mut Mapping) {
    let fix: Vec<(Value, bool)> = map
        .iter()
        .filter(|(k, v)| k.as_str().is_some_and(|f| needs_text(f, v)))
        .map(|(k, v)| (k.clone(), v.is_sequence()))
        .collect();
    if fix.is_empty() {
        return;
    }
    let Ok(texts) = Texts { fix: &fix }.deserialize(serde_yaml::Deserializer::from_str(yaml))
    else {
        return;
    };
    for (key, text) in texts {
        map.insert(key, text);
    }
}

/// Reads the top-level mapping again, deserializing only the `fix` keys (each a scalar or
/// a sequence), as strings.
struct Texts<'a> {
    fix: &'a [(Value, bool)],
}

impl<'de> DeserializeSeed<'de> for Texts<'_> {
    type Value = Vec<(Value, Value)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Texts<'_> {
    type Value = Vec<(Value, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = access.next_key::<Value>()? {
            // `String` (not `Value`, nor an untagged enum, which buffers a number as a
            // number) is what makes serde_yaml hand over the scalar's spelling.
            let value = match self.fix.iter().find(|(k, _)| *k == key) {
                None => {
                    access.next_value::<IgnoredAny>()?;
                    continue;
                }
                Some((_, true)) => Value::Sequence(
                    access
                        .next_value::<Vec<String>>()?
                        .into_iter()
                        .map(Value::String)
                        .collect(),
                ),
                Some((_, false)) => Value::String(access.next_value::<String>()?),
            };
            out.push((key, value));
        }
        Ok(out)
    }
}
