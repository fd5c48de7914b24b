//! `add`: a new spec, its id allocated inside the compare-and-swap loop.

use serde_yaml::Value;

use crate::error::Error;
use crate::spec::{id, rules, Spec};
use crate::store::{Change, Store, StoreError};

/// What `add` needs to create a spec.
#[derive(Debug, Clone, Default)]
pub struct NewSpec {
    pub title: String,
    pub id: Option<String>,
    pub kind: Option<String>,
    pub depends_on: Vec<String>,
    pub labels: Vec<String>,
    pub target_files: Vec<String>,
    pub prompt: Option<String>,
    /// Make it the next member (`<driver>.N`) of this driver.
    pub member_of: Option<String>,
    /// A markdown body; without one, a skeleton with the title and one open criterion.
    pub body: Option<String>,
    /// Store a type git chant does not know.
    pub force: bool,
    /// Ask for an approval: upstream's `approval: {required: true, status: pending}`.
    pub needs_approval: bool,
    /// More fields (a template's), each written unless an option above gave that key.
    pub extra: Vec<(String, Value)>,
}

impl NewSpec {
    /// The spec file, before it has an id: `title` (checked) above the body unless the
    /// body has its own `# ` line.
    pub fn render(&self, title: &str, depends_on: &[String]) -> String {
        let list = |items: &[String]| {
            Value::Sequence(items.iter().map(|s| Value::from(s.as_str())).collect())
        };
        let extra = |key: &str| self.extra.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        let kind = match (&self.kind, extra("type")) {
            (Some(kind), _) => Value::from(kind.as_str()),
            (None, Some(kind)) => kind.clone(),
            (None, None) => Value::from("code"),
        };
        let mut fields = vec![
            ("type", kind),
            (
                "status",
                Value::from(crate::lifecycle::Status::Pending.as_str()),
            ),
        ];
        for (key, items) in [
            ("depends_on", depends_on),
            ("labels", &self.labels),
            ("target_files", &self.target_files),
        ] {
            if !items.is_empty() {
                fields.push((key, list(items)));
            }
        }
        if let Some(prompt) = &self.prompt {
            fields.push(("prompt", Value::from(prompt.as_str())));
        }
        if self.needs_approval {
            let mut approval = serde_yaml::Mapping::new();
            approval.insert("required".into(), Value::Bool(true));
            approval.insert("status".into(), crate::spec::approval::PENDING.into());
            fields.push(("approval", Value::Mapping(approval)));
        }
        for (key, value) in &self.extra {
            if !fields.iter().any(|(k, _)| k == key) {
                fields.push((key.as_str(), value.clone()));
            }
        }
        let body = match self.body.as_deref().map(rules::strip_bom) {
            Some(body) if crate::spec::title(body).is_some() => body.to_owned(),
            Some(body) => format!("# {title}\n\n{body}"),
            None => format!(
                "# {title}\n\n## Acceptance Criteria\n\n- [ ] Describe what done looks like\n"
            ),
        };
        Spec::new(fields, body).render()
    }
}

/// Adds a spec; the id (given, or the next of today's sequence) is allocated inside the
/// compare-and-swap loop from the live and archived ids, so concurrent adds never share one.
/// The input rules (`spec::rules`) decide what may be added.
pub fn add(store: &Store, new: &NewSpec, today: &str) -> Result<String, Error> {
    if let Some(given) = &new.id {
        id::validate(given)?;
    }
    let subject = new.id.as_deref().unwrap_or("add");
    let body = new.body.as_deref().map(rules::strip_bom);
    let title = rules::add_title(&new.title, body).map_err(|v| v.on(subject))?;
    store.update(|snapshot| {
        if snapshot.commit.is_none() {
            return Err(Error::from(StoreError::NoLedger));
        }
        let ids = crate::store::ids::load(store, snapshot)?;
        let depends_on = new
            .depends_on
            .iter()
            .map(|d| id::resolve(d, ids.iter()).map_err(Error::from))
            .collect::<Result<Vec<_>, _>>()?;
        let all = || ids.iter();
        let spec_id = match (&new.id, &new.member_of) {
            (Some(given), _) if ids.contains(given) => {
                return Err(Error::IdTaken { id: given.clone() })
            }
            (Some(given), _) => given.clone(),
            (None, Some(driver)) => {
                let driver = id::resolve(driver, all())?;
                let (_, spec) = super::lookup::load(snapshot, &driver)?;
                crate::lifecycle::group::takes_members(&driver, &spec)
                    .map_err(|v| v.on(subject))?;
                id::next_member(&driver, all())
            }
            (None, None) => id::generate(today, all()),
        };
        let bytes = new.render(title, &depends_on);
        // The file must load back; a title with YAML-breaking text never reaches the ledger.
        let spec = Spec::parse(&spec_id, bytes.as_bytes())?;
        rules::introduced(None, &spec, new.force).map_err(|v| v.on(subject))?;
        let mut change = Change::on_spec("add", &spec_id);
        change.write_spec(&spec_id, false, bytes);
        Ok((change, spec_id))
    })
}
