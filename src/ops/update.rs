//! `update`: several field changes and a body change to one spec as one ledger commit
//! (the MCP server's `update` tool), each under the rules of `set`, the whole spec checked
//! as `edit` checks it, so concurrent writers lose nothing and see one operation.

use crate::error::Error;
use crate::spec::{rules, Spec};
use crate::store::{Change, Store};

use super::fields::{set_field, SetAction, Written};
use super::lookup::{load, resolve};

/// A change to the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEdit {
    /// The new markdown body; without a `# ` line of its own the spec keeps its title.
    Replace(String),
    /// Text added at the end of the section `## <section>` (made when missing).
    Append { section: String, text: String },
}

/// What `update` changes, applied in order: the field actions, then the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    pub fields: Vec<(String, SetAction)>,
    pub body: Option<BodyEdit>,
    /// Store a value git chant does not know (an unknown type), as `set --force`.
    pub force: bool,
}

/// Applies `update` to spec `short` in one compare-and-swap write; nothing is written when
/// one action is refused, or when the spec comes out as it was.
pub fn update(store: &Store, short: &str, update: &Update) -> Result<Written, Error> {
    let (id, commit) = store.update_committed(|snapshot| {
        let id = resolve(store, snapshot, short)?;
        let (entry, mut spec) = load(snapshot, &id)?;
        let before = spec.clone();
        for (field, action) in &update.fields {
            set_field(store, snapshot, &id, &mut spec, field, action)?;
        }
        match &update.body {
            None => {}
            Some(BodyEdit::Replace(body)) => {
                let body = rules::strip_bom(body);
                let body = match (crate::spec::title(body), before.title()) {
                    (None, Some(title)) => format!("# {title}\n\n{body}"),
                    _ => body.to_owned(),
                };
                spec.set_body(body);
            }
            Some(BodyEdit::Append { section, text }) => {
                let body = crate::spec::append_to_section(spec.body(), section, text);
                spec.set_body(body);
            }
        }
        rules::introduced(Some(&before), &spec, update.force).map_err(|v| v.on(id.clone()))?;
        let bytes = spec.render();
        // What is written must load back, whatever the values were.
        Spec::parse(&id, bytes.as_bytes())?;
        let mut what: Vec<&str> = update.fields.iter().map(|(f, _)| f.as_str()).collect();
        what.dedup();
        if update.body.is_some() {
            what.push("body");
        }
        let mut change = Change::on_spec(&format!("update {}", what.join(", ")), &id);
        change.write_spec(&id, entry.archived, bytes);
        Ok::<_, Error>((change, id.clone()))
    })?;
    Ok(Written {
        id,
        changed: commit.is_some(),
    })
}
