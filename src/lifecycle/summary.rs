//! What list-like commands need of one spec (title, status, type, labels, dependencies,
//! criteria counts), read once from its file and kept in the index cache: the domain's
//! view of a spec, which readiness and the listings take.

use serde::{Deserialize, Serialize};

use crate::spec::claim::Claim;
use crate::spec::{criteria_counts, Spec};

/// Where a spec is: its id, live or archived, and the blob holding it.
pub struct Place<'a> {
    pub id: &'a str,
    pub archived: bool,
    pub blob: String,
}

/// What list-like commands need of one spec, without parsing it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecSummary {
    pub id: String,
    pub archived: bool,
    pub blob: String,
    pub title: String,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub checked: usize,
    pub total: usize,
    /// The approval state (`pending`, `approved`, `rejected`), when the spec asks for an
    /// approval or records one (spec/approval.rs `state`).
    #[serde(default)]
    pub approval: Option<String>,
    /// `approval.required` is true.
    #[serde(default)]
    pub approval_required: bool,
    /// Who claims it and until when (a well-formed `claim`, expired or not).
    #[serde(default)]
    pub claim: Option<Claim>,
    /// Why the blob does not parse, if it does not (it still lists, flagged).
    pub error: Option<String>,
}

impl SpecSummary {
    /// The summary of a spec file, which may not parse (it then lists, flagged).
    pub fn of(place: &Place, bytes: &[u8]) -> SpecSummary {
        match Spec::parse(place.id, bytes) {
            Ok(spec) => SpecSummary::from_spec(place, &spec),
            // No status or type: a spec that does not parse is never ready.
            Err(e) => SpecSummary {
                status: String::new(),
                kind: String::new(),
                error: Some(e.to_string()),
                ..SpecSummary::from_spec(place, &Spec::new(Vec::new(), String::new()))
            },
        }
    }

    /// The summary of a parsed spec.
    pub fn from_spec(place: &Place, spec: &Spec) -> SpecSummary {
        let owned = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect();
        let (checked, total) = criteria_counts(spec.body());
        SpecSummary {
            id: place.id.to_owned(),
            archived: place.archived,
            blob: place.blob.clone(),
            title: spec.title().unwrap_or_default().to_owned(),
            status: spec.status().to_owned(),
            kind: spec.kind().to_owned(),
            labels: owned(spec.labels()),
            depends_on: owned(spec.depends_on()),
            checked,
            total,
            approval: crate::spec::approval::state(spec),
            approval_required: crate::spec::approval::required(spec),
            claim: spec.valid_claim(),
            error: None,
        }
    }
}
