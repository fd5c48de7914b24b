//! Spec templates in upstream's format (`templates/<name>.md`): YAML frontmatter whose
//! `variables` list declares `{{name}}` placeholders (each with a description, whether it
//! is required and a default), the rest of it the new spec's fields, and a markdown body.
//! This module checks a template's shape and fills it; `ops::template` reads the ledger.

use serde::Serialize;
use serde_yaml::Value;

use super::rules::Violation;
use super::Spec;

/// The frontmatter keys that describe the template itself, not the spec it makes.
const OWN_KEYS: [&str; 3] = ["name", "description", "variables"];
/// Keys only the lifecycle writes: a new spec is pending, unclaimed, with no commits.
const LIFECYCLE_KEYS: [&str; 4] = ["status", "claim", "commits", "completed_at"];
/// The variable every template may use without declaring it: the title given to `add`.
pub const TITLE_VARIABLE: &str = "title";

const SHAPE_HELP: &str = "`variables` is a list of mappings, each with a `name` (letters, digits, `_`) and optional `description` (text), `required` (true or false) and `default` (text)";

/// One declared variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variable {
    pub name: String,
    pub description: String,
    pub required: bool,
    pub default: Option<String>,
}

/// A parsed, well-formed template.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub description: String,
    pub variables: Vec<Variable>,
    spec: Spec,
}

/// What filling a template gives: the spec's fields (placeholders filled) and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    pub fields: Vec<(String, Value)>,
    pub body: String,
}

fn shape(message: impl Into<String>) -> Violation {
    Violation::new("template", message, SHAPE_HELP)
}

/// A variable name: what `{{…}}` may hold, ASCII letters, digits and `_`.
fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Parses template `name` from its bytes: the frontmatter must parse and `variables`, if
/// present, have upstream's shape. Errors are one line, for `lint` and the server.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Template, Violation> {
    let spec = Spec::parse(&format!("templates/{name}.md"), bytes).map_err(|e| {
        Violation::new(
            "template",
            e.to_string().replace('\n', " "),
            "a template is a markdown file starting with YAML frontmatter between `---` lines",
        )
    })?;
    let text = |key: &str| -> Result<String, Violation> {
        match spec.frontmatter().get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(shape(format!("`{key}` is not text"))),
        }
    };
    let description = text("description")?;
    text("name")?;
    let variables = match spec.frontmatter().get("variables") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => {
            let mut out: Vec<Variable> = Vec::with_capacity(items.len());
            for (n, item) in items.iter().enumerate() {
                let v = variable(n + 1, item)?;
                if out.iter().any(|o| o.name == v.name) {
                    return Err(shape(format!("variable `{}` is declared twice", v.name)));
                }
                out.push(v);
            }
            out
        }
        Some(_) => return Err(shape("`variables` is not a list")),
    };
    Ok(Template {
        name: name.to_owned(),
        description,
        variables,
        spec,
    })
}

/// Entry `n` (from 1) of `variables`.
fn variable(n: usize, item: &Value) -> Result<Variable, Violation> {
    let Value::Mapping(map) = item else {
        return Err(shape(format!("variable {n} is not a mapping")));
    };
    let get = |key: &str| map.get(Value::from(key));
    let name = match get("name") {
        Some(Value::String(s)) if is_variable_name(s) => s.clone(),
        Some(Value::String(s)) => {
            return Err(shape(format!(
                "variable {n}: `{}` is not a variable name",
                crate::escape::escape(s)
            )))
        }
        _ => return Err(shape(format!("variable {n} has no `name`"))),
    };
    let description = match get("description") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(shape(format!("`{name}`: `description` is not text"))),
    };
    let required = match get("required") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(shape(format!("`{name}`: `required` is not true or false"))),
    };
    let default = match get("default") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(shape(format!("`{name}`: `default` is not text"))),
    };
    Ok(Variable {
        name,
        description,
        required,
        default,
    })
}

impl Template {
    /// The template's body, placeholders unfilled.
    pub fn body(&self) -> &str {
        self.spec.body()
    }

    /// Fills the template for `add <title>` with `given` (`--var k=v`, in order). Every
    /// given name must be declared (or be `title`), and given once; a required variable
    /// without a default must be given; an optional one without a default is empty.
    /// `{{title}}` is the title unless the template declares its own `title`.
    pub fn fill(&self, title: &str, given: &[(String, String)]) -> Result<Filled, Violation> {
        let subject = format!("template `{}`", self.name);
        for (n, (key, _)) in given.iter().enumerate() {
            let declared = self.variables.iter().any(|v| v.name == *key);
            if !declared && key != TITLE_VARIABLE {
                let names: Vec<&str> = self.variables.iter().map(|v| v.name.as_str()).collect();
                return Err(Violation::new(
                    "template",
                    format!("{subject} has no variable `{}`", crate::escape::escape(key)),
                    format!(
                        "its variables: {}; see `git chant template show {}`",
                        if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.join(", ")
                        },
                        self.name
                    ),
                ));
            }
            if given[..n].iter().any(|(k, _)| k == key) {
                return Err(Violation::new(
                    "template",
                    format!("`--var {key}=…` is given twice"),
                    "give each variable once",
                ));
            }
        }
        let lookup = |key: &str| given.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let mut values: Vec<(String, String)> = Vec::new();
        let mut missing = Vec::new();
        for v in &self.variables {
            match lookup(&v.name).or_else(|| v.default.clone()) {
                Some(value) => values.push((v.name.clone(), value)),
                None if v.required => missing.push(v.name.as_str()),
                None => values.push((v.name.clone(), String::new())),
            }
        }
        if !missing.is_empty() {
            let args: Vec<String> = missing.iter().map(|m| format!("--var {m}=…")).collect();
            return Err(Violation::new(
                "template",
                format!(
                    "{subject} needs the variable{} {}",
                    if missing.len() > 1 { "s" } else { "" },
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!("give {}", args.join(" ")),
            ));
        }
        if !values.iter().any(|(k, _)| k == TITLE_VARIABLE) {
            values.push((TITLE_VARIABLE.to_owned(), title.to_owned()));
        }
        let mut fields = Vec::new();
        for (key, value) in self.spec.frontmatter().iter() {
            let Some(key) = key.as_str() else { continue };
            if OWN_KEYS.contains(&key) || LIFECYCLE_KEYS.contains(&key) {
                continue;
            }
            fields.push((key.to_owned(), fill_value(value, &values)));
        }
        Ok(Filled {
            fields,
            body: fill(self.spec.body(), &values),
        })
    }
}

/// Fills every text inside a YAML value (list entries, mapping values).
fn fill_value(value: &Value, values: &[(String, String)]) -> Value {
    match value {
        Value::String(s) => Value::String(fill(s, values)),
        Value::Sequence(items) => {
            Value::Sequence(items.iter().map(|v| fill_value(v, values)).collect())
        }
        Value::Mapping(map) => Value::Mapping(
            map.iter()
                .map(|(k, v)| (k.clone(), fill_value(v, values)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Replaces each `{{name}}` whose name has a value, in one pass from left to right: text a
/// value brings is never read again, so a value holding `{{other}}` stays as it is. An
/// unknown `{{…}}` is kept as written.
pub fn fill(text: &str, values: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let key = &after[..end];
            values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| (v, end + 2))
        });
        match value {
            Some((value, used)) => {
                out.push_str(value);
                rest = &after[used..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "---\nname: feature\ndescription: A feature\nvariables:\n  - name: feature\n    description: What\n    required: true\n  - name: module\n    default: core\ntype: code\nstatus: completed\nlabels:\n  - \"{{module}}\"\n---\n# {{title}}\n\n{{feature}} in {{module}}, not {{other}}.\n";

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_given_values_and_defaults_once() {
        let t = parse("feature", T.as_bytes()).unwrap();
        assert_eq!(t.variables.len(), 2);
        let f = t
            .fill("Add X", &vars(&[("feature", "{{module}}")]))
            .unwrap();
        assert_eq!(f.body, "# Add X\n\n{{module}} in core, not {{other}}.\n");
        assert_eq!(
            f.fields.len(),
            2,
            "status is the lifecycle's: {:?}",
            f.fields
        );
        assert_eq!(f.fields[1].1, Value::Sequence(vec![Value::from("core")]));
    }

    #[test]
    fn refuses_missing_unknown_and_repeated_variables() {
        let t = parse("feature", T.as_bytes()).unwrap();
        let e = t.fill("A", &[]).unwrap_err();
        assert!(e.message.contains("`feature`"), "{}", e.message);
        assert!(t
            .fill("A", &vars(&[("feature", "x"), ("nope", "y")]))
            .is_err());
        assert!(t
            .fill("A", &vars(&[("feature", "x"), ("feature", "y")]))
            .is_err());
    }

    #[test]
    fn the_variables_shape_is_checked() {
        for bad in [
            "---\nvariables: x\n---\n",
            "---\nvariables:\n  - x\n---\n",
            "---\nvariables:\n  - name: a b\n---\n",
            "---\nvariables:\n  - name: a\n    required: yes please\n---\n",
            "---\nvariables:\n  - name: a\n  - name: a\n---\n",
            "no frontmatter\n",
        ] {
            assert!(parse("t", bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(parse("t", b"---\n---\nbody\n").is_ok());
    }
}
