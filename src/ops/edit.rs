//! `edit`: saving a spec the user edited by hand, validated like every other write; when
//! the spec changed meanwhile, both edits are merged three-way, or refused as a conflict,
//! never a silent overwrite.

use crate::error::Error;
use crate::lifecycle::{self, LifecycleError};
use crate::merge::text::{merge3, Prefer};
use crate::spec::{rules, Spec};
use crate::store::{Change, Store};

use super::lookup::load;

/// How the edit landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Unchanged,
    Written,
    /// The spec had changed since the editor opened; both changes were merged.
    Merged,
}

/// Writes `edited` over spec `id`, whose bytes were `base` when the editor opened. The
/// result must parse and may break no input rule the spec did not already break
/// (`spec::rules`); `force` allows an unknown type and a status change off the table.
pub fn save_edit(
    store: &Store,
    id: &str,
    base: &str,
    edited: &str,
    force: bool,
) -> Result<Saved, Error> {
    let edited = rules::strip_bom(edited);
    if base == edited {
        return Ok(Saved::Unchanged);
    }
    let (saved, commit) = store.update_committed(|snapshot| {
        let (entry, current) = load(snapshot, id)?;
        let current_text = current.render();
        let (text, saved) = if current_text == base {
            (edited.to_owned(), Saved::Written)
        } else {
            let merged = merge3(base, edited, &current_text, Prefer::Ours);
            if let Some(conflict) = merged.conflicts.first() {
                return Err(Error::EditConflict {
                    id: id.to_owned(),
                    line: conflict.line,
                    saved: None,
                });
            }
            (merged.text, Saved::Merged)
        };
        let spec = Spec::parse(id, text.as_bytes())?;
        rules::introduced(Some(&current), &spec, force).map_err(|v| v.on(id))?;
        crate::spec::approval::same_decision(&current, &spec).map_err(|v| v.on(id))?;
        validate(store, snapshot, id, &current, &spec, force)?;
        let op = if current.status() == spec.status() {
            "edit".to_owned()
        } else {
            format!("edit, status {} -> {}", current.status(), spec.status())
        };
        let mut change = Change::on_spec(&op, id);
        change
            .subject(format!("edit {id}"))
            .write_spec(id, entry.archived, text);
        Ok((change, saved))
    })?;
    // A merge that comes out as the spec already is writes nothing.
    Ok(if commit.is_some() {
        saved
    } else {
        Saved::Unchanged
    })
}

/// The checks `set` and the lifecycle commands apply, on a whole edited spec.
fn validate(
    store: &Store,
    snapshot: &crate::store::ledger::Snapshot<'_>,
    id: &str,
    before: &Spec,
    after: &Spec,
    force: bool,
) -> Result<(), Error> {
    let (from, to) = (before.status(), after.status());
    if from != to && !lifecycle::is_allowed(from, to) && !force {
        return Err(LifecycleError::Illegal {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            allowed: lifecycle::allowed_from(from).join(", "),
        }
        .into());
    }
    if before.depends_on() == after.depends_on() {
        return Ok(());
    }
    let deps: Vec<String> = after.depends_on().into_iter().map(str::to_owned).collect();
    super::fields::check_dependencies(store, snapshot, id, &deps)
}
