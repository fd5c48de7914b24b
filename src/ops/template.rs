//! The ledger's spec templates (`templates/<name>.md`): listing them, showing one, and
//! turning one into the `NewSpec` that `add --template` writes. A template comes from the
//! ledger, so from anyone who could push to it: its name is checked before it forms a path.

use serde::Serialize;
use serde_yaml::Value;

use super::NewSpec;
use crate::error::Error;
use crate::lint::{Finding, Severity};
use crate::spec::rules::Violation;
use crate::spec::template::{self, Template, Variable};
use crate::store::ledger::Snapshot;
use crate::store::paths::is_prompt_name;
use crate::store::Store;

/// The ledger folder of templates.
pub const DIR: &str = "templates";

/// One template as `template list` and `template show` report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateInfo {
    pub name: String,
    pub path: String,
    pub description: String,
    pub variables: Vec<Variable>,
    /// What is wrong with it, when it does not parse (then it has no variables).
    pub problem: Option<String>,
    /// The body, placeholders unfilled (`show` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// A template's ledger path, for a name that is a valid one (same rule as prompt names).
pub fn path(name: &str) -> Option<String> {
    is_prompt_name(name).then(|| format!("{DIR}/{name}.md"))
}

fn info(name: &str, parsed: Result<Template, Violation>, body: bool) -> TemplateInfo {
    let path = format!("{DIR}/{name}.md");
    match parsed {
        Ok(t) => TemplateInfo {
            name: name.to_owned(),
            path,
            description: t.description.clone(),
            body: body.then(|| t.body().to_owned()),
            variables: t.variables,
            problem: None,
        },
        Err(v) => TemplateInfo {
            name: name.to_owned(),
            path,
            description: String::new(),
            variables: Vec::new(),
            problem: Some(v.message),
            body: None,
        },
    }
}

/// Every `templates/<name>.md` blob with a valid name, in name order, parsed. Entries of
/// another shape (a folder, a bad name) are `strays`, for `lint`.
pub fn all(snapshot: &Snapshot<'_>) -> Result<(Vec<TemplateInfo>, Vec<String>), Error> {
    let mut found = Vec::new();
    let mut strays = Vec::new();
    for (entry, blob, is_tree) in snapshot.list(DIR)? {
        match entry
            .strip_suffix(".md")
            .filter(|n| !is_tree && is_prompt_name(n))
        {
            Some(name) => {
                let bytes = snapshot.blob(blob)?;
                found.push(info(name, template::parse(name, &bytes), false));
            }
            None => strays.push(format!("{DIR}/{entry}")),
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((found, strays))
}

/// The templates of the ledger (`template list`).
pub fn list(store: &Store) -> Result<Vec<TemplateInfo>, Error> {
    Ok(all(&store.snapshot()?)?.0)
}

fn not_found(name: &str) -> Error {
    Violation::new(
        "template",
        format!(
            "no template `{}` in the ledger",
            crate::escape::escape(name)
        ),
        "see `git chant template list`; `git chant import` brings upstream's .chant/templates/",
    )
    .on(format!("templates/{}.md", crate::escape::escape(name)))
    .into()
}

/// Reads and parses template `name`; a bad name, a missing or malformed template is an error.
pub fn load(store: &Store, name: &str) -> Result<Template, Error> {
    let path = path(name).ok_or_else(|| not_found(name))?;
    let bytes = store
        .snapshot()?
        .file(&path)?
        .ok_or_else(|| not_found(name))?;
    template::parse(name, &bytes).map_err(|v| v.on(path).into())
}

/// One template with its body (`template show`).
pub fn show(store: &Store, name: &str) -> Result<TemplateInfo, Error> {
    let t = load(store, name)?;
    Ok(info(name, Ok(t), true))
}

/// Parses `k=v` (`--var`).
pub fn parse_var(arg: &str) -> Result<(String, String), Error> {
    match arg.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(Violation::new(
            "template",
            format!("`--var {}` is not NAME=VALUE", crate::escape::escape(arg)),
            "e.g. `--var module=store`",
        )
        .on("add")
        .into()),
    }
}

/// Makes `new` the spec template `name` describes, filled with `vars`: its body, and its
/// fields where the command line gave none (`--type`, `--label`, … win key by key; the
/// template's `depends_on` are added to the command line's and resolved like them).
pub fn apply(
    store: &Store,
    name: &str,
    vars: &[(String, String)],
    new: &mut NewSpec,
) -> Result<(), Error> {
    let t = load(store, name)?;
    let subject = format!("templates/{name}.md");
    let filled = t.fill(&new.title, vars).map_err(|v| v.on("add"))?;
    for (key, value) in filled.fields {
        if key == "depends_on" {
            let items = match value {
                Value::Sequence(items) => items,
                one => vec![one],
            };
            for item in items {
                match item {
                    Value::String(dep) => new.depends_on.push(dep),
                    _ => {
                        return Err(Violation::new(
                            "template",
                            "a `depends_on` entry is not a spec id",
                            "list spec ids under `depends_on`",
                        )
                        .on(subject)
                        .into())
                    }
                }
            }
        } else {
            new.extra.push((key, value));
        }
    }
    new.body = Some(filled.body);
    Ok(())
}

/// What `lint` says about the templates: each malformed one, and each entry of
/// `templates/` that is not a template file with a valid name (no command reads it).
pub fn lint(snapshot: &Snapshot<'_>) -> Result<Vec<Finding>, Error> {
    let (found, strays) = all(snapshot)?;
    let finding = |id: String, message: String| Finding {
        id,
        severity: Severity::Error,
        rule: "template",
        message,
    };
    let mut out: Vec<Finding> = found
        .into_iter()
        .filter_map(|t| t.problem.map(|why| finding(t.path, why)))
        .collect();
    out.extend(strays.into_iter().map(|path| {
        finding(path, "not a template file `templates/<name>.md` (a name of letters, digits, `.`, `-`, `_`); no command reads it".to_owned())
    }));
    Ok(out)
}
