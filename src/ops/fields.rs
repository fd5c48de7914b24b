//! Changing a spec's fields without changing its status: ticking criteria (`check`),
//! setting one field (`set`, validated), and moving specs to the archive (`archive`).

use serde_yaml::Value;

use crate::error::Error;
use crate::lifecycle::{self, LifecycleError};
use crate::spec::{rules, Shape, Spec};
use crate::store::index::Index;
use crate::store::paths::spec_path;
use crate::store::trailer::Trailer;
use crate::store::{Change, Store};

use super::lookup::{load, resolve};

/// What a write to one spec did: its full id, and whether anything changed (a write that
/// would store the bytes already there makes no ledger commit).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    pub id: String,
    pub changed: bool,
}

/// Ticks (or clears) acceptance criteria by number (1-based).
pub fn check(
    store: &Store,
    short: &str,
    numbers: &[usize],
    checked: bool,
) -> Result<Written, Error> {
    let (id, commit) = store.update_committed(|snapshot| {
        let id = resolve(store, snapshot, short)?;
        let (entry, mut spec) = load(snapshot, &id)?;
        let total = spec.criteria().len();
        for &number in numbers {
            if number == 0 || !spec.set_criterion(number, checked) {
                return Err(LifecycleError::NoCriterion {
                    id: id.clone(),
                    number,
                    total,
                }
                .into());
            }
        }
        let list = numbers
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let verb = if checked { "check" } else { "uncheck" };
        let mut change = Change::on_spec(&format!("{verb} {list}"), &id);
        change.subject(format!("{verb} {id} {list}")).write_spec(
            &id,
            entry.archived,
            spec.render(),
        );
        Ok::<_, Error>((change, id.clone()))
    })?;
    Ok(Written {
        id,
        changed: commit.is_some(),
    })
}

/// How `set` changes a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetAction {
    /// Replace the value (a list field becomes a list of this one value).
    Value(String),
    /// Add to a list field.
    Add(String),
    /// Remove from a list field.
    Remove(String),
}

/// Sets one frontmatter field, or one inside a mapping (`approval.required`), under the
/// input rules (`spec::rules`): not `status` (the lifecycle commands) or `title`, a known
/// type unless `force`, one-line list entries, dependencies that exist and make no cycle.
pub fn set(
    store: &Store,
    short: &str,
    field: &str,
    action: &SetAction,
    force: bool,
) -> Result<Written, Error> {
    let (id, commit) = store.update_committed(|snapshot| {
        let id = resolve(store, snapshot, short)?;
        let (entry, mut spec) = load(snapshot, &id)?;
        let before = spec.clone();
        set_field(store, snapshot, &id, &mut spec, field, action)?;
        rules::introduced(Some(&before), &spec, force).map_err(|v| v.on(id.clone()))?;
        let bytes = spec.render();
        // What is written must load back, whatever the value was.
        Spec::parse(&id, bytes.as_bytes())?;
        let mut change = Change::on_spec(&format!("set {field}"), &id);
        change.write_spec(&id, entry.archived, bytes);
        Ok::<_, Error>((change, id.clone()))
    })?;
    Ok(Written {
        id,
        changed: commit.is_some(),
    })
}

/// Applies one `set` to `spec` (spec `id` in `snapshot`), under the rules of [`set`]; the
/// caller checks the whole spec afterwards (`rules::introduced`) and writes it.
pub(super) fn set_field(
    store: &Store,
    snapshot: &crate::store::ledger::Snapshot<'_>,
    id: &str,
    spec: &mut Spec,
    field: &str,
    action: &SetAction,
) -> Result<(), Error> {
    let broken = |v: rules::Violation| Error::from(v.on(id.to_owned()));
    let path = rules::field_path(field).map_err(broken)?;
    rules::settable(&path).map_err(broken)?;
    let current = spec.get_path(&path).cloned();
    let value = new_value(store, snapshot, field, &path, current, action).map_err(|e| match e {
        Refused::Rule(v) => broken(v),
        Refused::Other(e) => e,
    })?;
    if field == "depends_on" {
        let deps: Vec<String> = match &value {
            Some(Value::Sequence(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        check_dependencies(store, snapshot, id, &deps)?;
    }
    spec.set_path(&path, value).map_err(|e| {
        let found = serde_yaml::to_string(&e.found).unwrap_or_default();
        broken(rules::not_a_mapping(field, &e.at, found.trim()))
    })
}

/// Why `new_value` refused: a rule (pinned to the spec by the caller), or another error.
enum Refused {
    Rule(rules::Violation),
    Other(Error),
}

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Refused::Other(e)
    }
}

/// The value `set` stores at `path` (`None` removes it), from its current value and the
/// action, by the field's shape: lists take items, booleans `true`/`false`, text as given,
/// unknown fields the YAML meaning of the value (`3` a number), as if written in the file.
fn new_value(
    store: &Store,
    snapshot: &crate::store::ledger::Snapshot<'_>,
    field: &str,
    path: &[&str],
    current: Option<Value>,
    action: &SetAction,
) -> Result<Option<Value>, Refused> {
    let shape = Shape::of_path(path);
    let current_list = match &current {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Sequence(items)) => Some(items.clone()),
        Some(Value::String(s)) if shape == Some(Shape::TextOrList) => Some(vec![s.as_str().into()]),
        Some(_) => None,
    };
    let is_list = match shape {
        Some(Shape::List | Shape::TextOrList) => true,
        Some(_) => false,
        // An unknown field is a list when it holds one, or for --add / --remove.
        None => {
            matches!(current, Some(Value::Sequence(_)))
                || (!matches!(action, SetAction::Value(_)) && current_list.is_some())
        }
    };
    let text = match action {
        SetAction::Value(v) | SetAction::Add(v) | SetAction::Remove(v) => v,
    };
    if is_list {
        rules::list_item(field, text).map_err(Refused::Rule)?;
        let value = if field == "depends_on" && !matches!(action, SetAction::Remove(_)) {
            resolve(store, snapshot, text).map_err(Refused::Other)?
        } else {
            text.clone()
        };
        let value = Value::String(value);
        let mut items = current_list.unwrap_or_default();
        match action {
            SetAction::Value(_) => items = vec![value],
            SetAction::Add(_) if !items.contains(&value) => items.push(value),
            SetAction::Add(_) => {}
            SetAction::Remove(_) => items.retain(|i| *i != value),
        }
        // Upstream never writes `[]`: an emptied list goes away.
        return Ok((!items.is_empty()).then_some(Value::Sequence(items)));
    }
    let SetAction::Value(v) = action else {
        return Err(Refused::Rule(rules::not_a_list(field)));
    };
    Ok(Some(match shape {
        Some(Shape::Map) => return Err(Refused::Rule(rules::a_mapping(field))),
        Some(Shape::Bool) => match v.as_str() {
            "true" | "false" => Value::Bool(v == "true"),
            _ => return Err(Refused::Rule(rules::not_bool(field))),
        },
        Some(_) => Value::String(v.clone()),
        None => serde_yaml::from_str::<Value>(v)
            .ok()
            .filter(|p| !p.is_mapping() && !p.is_sequence() && !p.is_null())
            .unwrap_or_else(|| Value::String(v.clone())),
    }))
}

/// Refuses `depends_on: deps` for `id` when one of them does not exist or already depends
/// on `id` (the checks `set` and `edit` share).
pub(super) fn check_dependencies(
    store: &Store,
    snapshot: &crate::store::ledger::Snapshot<'_>,
    id: &str,
    deps: &[String],
) -> Result<(), Error> {
    let index = Index::load(store, snapshot)?;
    let deps_of = |s: &str| {
        index
            .get(s)
            .map(|x| x.depends_on.clone())
            .unwrap_or_default()
    };
    for dep in deps {
        if index.get(dep).is_none() {
            return Err(LifecycleError::BadField {
                id: id.into(),
                why: format!("depends_on names `{dep}`, which does not exist"),
                help: "`git chant list --all` shows the ids; use full ids in the file".into(),
            }
            .into());
        }
        if let Some(mut path) = lifecycle::path_between(dep, id, deps_of) {
            path.insert(0, id.to_owned());
            return Err(LifecycleError::Cycle {
                dep: dep.clone(),
                path,
            }
            .into());
        }
    }
    Ok(())
}

/// Moves specs to `archive/` (they still resolve and show). Only completed or cancelled
/// ones unless `force`. With `completed`, every live completed spec. Returns the ids moved.
pub fn archive(
    store: &Store,
    shorts: &[String],
    completed: bool,
    force: bool,
) -> Result<Vec<String>, Error> {
    store.update(|snapshot| {
        let mut ids = Vec::new();
        for short in shorts {
            ids.push(resolve(store, snapshot, short)?);
        }
        if completed {
            let index = Index::load(store, snapshot)?;
            ids.extend(
                index
                    .specs
                    .iter()
                    .filter(|s| !s.archived && crate::lifecycle::Status::Completed.is(&s.status))
                    .map(|s| s.id.clone()),
            );
        }
        ids.sort();
        ids.dedup();
        let mut change = Change::default();
        let mut moved = Vec::new();
        for id in ids {
            let (entry, spec) = load(snapshot, &id)?;
            if entry.archived {
                continue;
            }
            if !lifecycle::is_done(spec.status()) && !force {
                return Err(LifecycleError::NotFinished {
                    id,
                    status: spec.status().into(),
                }
                .into());
            }
            let bytes = snapshot.blob(entry.blob)?;
            change
                .remove(spec_path(&id, false))
                .write_spec(&id, true, bytes)
                .trailer(Trailer::Spec, &id);
            moved.push(id);
        }
        change
            .subject(match moved.as_slice() {
                [one] => format!("archive {one}"),
                many => format!("archive {} specs", many.len()),
            })
            .trailer(Trailer::Op, "archive");
        Ok((change, moved.clone()))
    })
}
