//! Changing a spec without changing its status: ticking criteria (`check`), setting one
//! field (`set`, validated), and moving specs to the archive.

use serde_yaml::Value;

use crate::error::Error;
use crate::lifecycle::{self, LifecycleError};
use crate::spec::{is_known_type, Shape};
use crate::store::index::Index;
use crate::store::paths::spec_path;
use crate::store::{Change, Store};

use super::lookup::{load, resolve};

fn one_spec_change(op: &str, id: &str, path: String, bytes: String) -> Change {
    Change {
        subject: format!("{op} {id}"),
        trailers: vec![
            ("Chant-Spec".into(), id.to_owned()),
            ("Chant-Op".into(), op.to_owned()),
        ],
        writes: vec![(path, Some(bytes.into_bytes()))],
        ..Change::default()
    }
}

/// Ticks (or clears) acceptance criteria by number (1-based). Returns the full id.
pub fn check(
    store: &Store,
    short: &str,
    numbers: &[usize],
    checked: bool,
) -> Result<String, Error> {
    store.update(|snapshot| {
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
        let op = if checked {
            format!("check {list}")
        } else {
            format!("uncheck {list}")
        };
        let mut change = one_spec_change(&op, &id, spec_path(&id, entry.archived), spec.render());
        change.subject = format!("{} {id} {list}", if checked { "check" } else { "uncheck" });
        Ok((change, id.clone()))
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

/// Sets one frontmatter field, validated: `status` only through the lifecycle commands,
/// `type` a known type (unless `force`), `depends_on` ids that exist and make no cycle.
pub fn set(
    store: &Store,
    short: &str,
    field: &str,
    action: &SetAction,
    force: bool,
) -> Result<String, Error> {
    store.update(|snapshot| {
        let id = resolve(store, snapshot, short)?;
        let (entry, mut spec) = load(snapshot, &id)?;
        let bad = |why: String, help: &str| LifecycleError::BadField { id: id.clone(), why, help: help.into() };
        let shape = Shape::of(field);
        match (field, shape, action) {
            ("status", ..) => {
                return Err(bad(
                    "status changes go through the lifecycle commands".into(),
                    "use git chant start / done / fail / pause / cancel / reopen",
                )
                .into())
            }
            ("type", _, SetAction::Value(v)) if !is_known_type(v) && !force => {
                return Err(bad(format!("unknown type `{v}`"), "known types: code, task, driver, group, research, documentation; `--force` stores it anyway").into())
            }
            (_, Some(Shape::List | Shape::TextOrList), _) => {
                let mut items: Vec<String> = spec.list(field).into_iter().map(str::to_owned).collect();
                let value = match action {
                    SetAction::Value(v) | SetAction::Add(v) | SetAction::Remove(v) => v,
                };
                let value = if field == "depends_on" && !matches!(action, SetAction::Remove(_)) {
                    resolve(store, snapshot, value)?
                } else {
                    value.clone()
                };
                match action {
                    SetAction::Value(_) => items = vec![value],
                    SetAction::Add(_) if !items.contains(&value) => items.push(value),
                    SetAction::Add(_) => {}
                    SetAction::Remove(_) => items.retain(|i| *i != value),
                }
                if field == "depends_on" {
                    check_dependencies(store, snapshot, &id, &items)?;
                }
                spec.set_list(field, &items);
            }
            (_, _, SetAction::Add(_) | SetAction::Remove(_)) => {
                return Err(bad(format!("`{field}` is not a list"), "set it with `git chant set <id> <field> <value>`").into())
            }
            (_, Some(Shape::Map), _) => {
                return Err(bad(format!("`{field}` is a mapping"), "change it with `git chant edit`").into())
            }
            (_, Some(Shape::Bool), SetAction::Value(v)) => match v.as_str() {
                "true" | "false" => spec.set_value(field, Value::Bool(v == "true")),
                _ => return Err(bad(format!("`{field}` must be true or false"), "e.g. `git chant set <id> public true`").into()),
            },
            (_, Some(Shape::Text), SetAction::Value(v)) => spec.set_text(field, v),
            (_, None, SetAction::Value(v)) => {
                // An unknown key takes the YAML meaning of its value (`3` a number, `true` a
                // bool), as if the user had written it in the file.
                let parsed = serde_yaml::from_str::<Value>(v).ok().filter(|p| !p.is_mapping() && !p.is_sequence() && !p.is_null());
                spec.set_value(field, parsed.unwrap_or_else(|| Value::String(v.clone())));
            }
        }
        let op = format!("set {field}");
        let change = one_spec_change(&op, &id, spec_path(&id, entry.archived), spec.render());
        Ok((change, id.clone()))
    })
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
                    .filter(|s| !s.archived && s.status == "completed")
                    .map(|s| s.id.clone()),
            );
        }
        ids.sort();
        ids.dedup();
        let mut change = Change {
            subject: String::new(),
            ..Change::default()
        };
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
            change.writes.push((spec_path(&id, false), None));
            change.writes.push((spec_path(&id, true), Some(bytes)));
            change.trailers.push(("Chant-Spec".into(), id.clone()));
            moved.push(id);
        }
        change.subject = match moved.as_slice() {
            [one] => format!("archive {one}"),
            many => format!("archive {} specs", many.len()),
        };
        change.trailers.push(("Chant-Op".into(), "archive".into()));
        if moved.is_empty() {
            change = Change::default();
        }
        Ok((change, moved.clone()))
    })
}
