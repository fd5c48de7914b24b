//! Dotted field paths into the frontmatter (`approval.required` is `required` inside the
//! `approval` mapping): reading one, and setting or removing one, creating the mappings on
//! the way and refusing to turn a value that is not a mapping into one.

use serde_yaml::{Mapping, Value};

use super::Spec;

/// A path that runs through a value that is not a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct NotAMapping {
    /// The dotted prefix holding that value (`approval` for `approval.required`).
    pub at: String,
    pub found: Value,
}

impl Spec {
    /// The value at a path; `None` when some part is absent or not a mapping.
    pub fn get_path(&self, path: &[&str]) -> Option<&Value> {
        let (first, rest) = path.split_first()?;
        let mut value = self.frontmatter.get(first)?;
        for key in rest {
            value = value.as_mapping()?.get(*key)?;
        }
        Some(value)
    }

    /// Sets (`Some`) or removes (`None`) the value at a path. Missing mappings on the way
    /// are created (and ones a removal empties are removed); a value on the way that is
    /// not a mapping is an error, and nothing changes. Setting the value a path already
    /// holds changes no bytes.
    pub fn set_path(&mut self, path: &[&str], value: Option<Value>) -> Result<(), NotAMapping> {
        let Some((first, rest)) = path.split_first() else {
            return Ok(());
        };
        if rest.is_empty() {
            match value {
                Some(value) => self.frontmatter.set(first, value),
                None => {
                    self.frontmatter.remove(first);
                }
            }
            return Ok(());
        }
        let mut top = match self.frontmatter.get(first) {
            None | Some(Value::Null) => Value::Mapping(Mapping::new()),
            Some(other) => other.clone(),
        };
        set_in(&mut top, rest, value, first)?;
        if top.as_mapping().is_some_and(Mapping::is_empty) {
            self.frontmatter.remove(first);
        } else {
            self.frontmatter.set(first, top);
        }
        Ok(())
    }
}

/// Sets or removes `path` inside `node`, a mapping (checked); `at` names `node`.
fn set_in(
    node: &mut Value,
    path: &[&str],
    value: Option<Value>,
    at: &str,
) -> Result<(), NotAMapping> {
    let Value::Mapping(map) = node else {
        return Err(NotAMapping {
            at: at.to_owned(),
            found: node.clone(),
        });
    };
    let Some((key, rest)) = path.split_first() else {
        return Ok(());
    };
    let key_value = Value::String((*key).to_owned());
    if rest.is_empty() {
        match value {
            Some(value) => {
                map.insert(key_value, value);
            }
            None => {
                map.remove(&key_value);
            }
        }
        return Ok(());
    }
    let child = map
        .entry(key_value.clone())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if child.is_null() {
        *child = Value::Mapping(Mapping::new());
    }
    set_in(child, rest, value, &format!("{at}.{key}"))?;
    if child.as_mapping().is_some_and(Mapping::is_empty) {
        map.remove(&key_value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> Spec {
        Spec::parse("s", format!("---\n{yaml}---\n# T\n").as_bytes()).unwrap()
    }

    #[test]
    fn a_dotted_path_creates_and_updates_nested_mappings() {
        let mut s = spec("status: pending\n");
        s.set_path(&["approval", "required"], Some(Value::Bool(true)))
            .unwrap();
        assert_eq!(
            s.render(),
            "---\nstatus: pending\napproval:\n  required: true\n---\n# T\n"
        );
        s.set_path(&["approval", "status"], Some("pending".into()))
            .unwrap();
        assert_eq!(s.get_path(&["approval", "status"]), Some(&"pending".into()));
        s.set_path(&["approval", "required"], None).unwrap();
        s.set_path(&["approval", "status"], None).unwrap();
        assert_eq!(s.render(), "---\nstatus: pending\n---\n# T\n");
    }

    #[test]
    fn a_scalar_on_the_way_is_refused_and_nothing_changes() {
        let mut s = spec("a:\n  b: 3\n");
        let before = s.render();
        let e = s.set_path(&["a", "b", "c"], Some(1.into())).unwrap_err();
        assert_eq!(e.at, "a.b");
        assert_eq!(e.found, Value::from(3));
        assert_eq!(s.render(), before);
    }
}
