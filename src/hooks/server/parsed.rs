//! Each spec version a ref update brings, read and parsed once: the history checks want
//! its status (and the status of the version it replaces), the tip's rules its
//! dependencies. A spec of 85,000 dependencies is 680 KB of frontmatter; parsing it once
//! instead of once per rule is most of what checking it costs.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use gix::ObjectId;

use super::approvals::Approval;
use super::report::{Policy, Report, Rule};
use crate::spec::{is_known_status, Spec};
use crate::store::{Context, StoreError};

/// What one blob is as a spec.
enum Loaded {
    /// Over `chant.maxSpecBytes`: never read (the walker reports its size).
    TooBig,
    /// Does not parse: why, on one line.
    Broken(String),
    Spec {
        status: String,
        /// `depends_on`, each once, in order.
        deps: Vec<String>,
        /// What is wrong with its `claim`, if anything.
        bad_claim: Option<String>,
        /// Its `approval` fields, for the approval rules (`approvals.rs`).
        approval: Approval,
        /// What is wrong with its verification fields (`spec::verification`), if anything.
        bad_verification: Option<String>,
        /// What is wrong with its `approval`, if anything (spec/approval.rs).
        bad_approval: Vec<String>,
    },
}

/// The spec versions read so far, by blob (with the id they were read as: a parse error
/// names the spec, so the same bytes under another id are read again).
pub(crate) struct Parsed<'r> {
    repo: &'r gix::Repository,
    limit: u64,
    seen: HashMap<ObjectId, (String, Loaded)>,
}

impl<'r> Parsed<'r> {
    pub fn new(repo: &'r gix::Repository, policy: &Policy) -> Parsed<'r> {
        Parsed {
            repo,
            limit: policy.max_spec_bytes,
            seen: HashMap::new(),
        }
    }

    fn load(&mut self, id: &str, blob: ObjectId) -> Result<&Loaded, StoreError> {
        let (repo, limit) = (self.repo, self.limit);
        Ok(match self.seen.entry(blob) {
            Entry::Occupied(mut slot) => {
                if slot.get().0 != id {
                    slot.insert((id.to_owned(), read(repo, limit, id, blob)?));
                }
                &slot.into_mut().1
            }
            Entry::Vacant(slot) => &slot.insert((id.to_owned(), read(repo, limit, id, blob)?)).1,
        })
    }

    /// The status of the version `blob` of `id`, reporting why it does not load or that
    /// its status is unknown (each time: the report keeps one of each).
    pub fn check(
        &mut self,
        report: &mut Report,
        id: &str,
        blob: ObjectId,
    ) -> Result<Option<String>, StoreError> {
        Ok(match self.load(id, blob)? {
            Loaded::TooBig => None, // reported by the walker
            Loaded::Broken(why) => {
                report.add(Some(id), None, Rule::Parse, why.clone());
                None
            }
            Loaded::Spec {
                status,
                bad_claim,
                bad_verification,
                bad_approval,
                ..
            } => {
                if !is_known_status(status) {
                    report.add(
                        Some(id),
                        Some("status"),
                        Rule::Status,
                        format!("unknown status `{status}`"),
                    );
                }
                if let Some(why) = bad_claim {
                    report.add(Some(id), Some("claim"), Rule::Claim, why.clone());
                }
                if let Some(why) = bad_verification {
                    report.add(Some(id), None, Rule::Verification, why.clone());
                }
                for why in bad_approval {
                    report.add(Some(id), Some("approval"), Rule::ApprovalField, why.clone());
                }
                Some(status.clone())
            }
        })
    }

    /// The status of a version nothing is reported about (the one a commit replaces).
    pub fn status(&mut self, id: &str, blob: ObjectId) -> Result<Option<String>, StoreError> {
        Ok(match self.load(id, blob)? {
            Loaded::Spec { status, .. } => Some(status.clone()),
            _ => None,
        })
    }

    /// The status and approval fields of a version nothing is reported about; `None` when
    /// it does not load.
    pub fn approval(
        &mut self,
        id: &str,
        blob: ObjectId,
    ) -> Result<Option<(String, Approval)>, StoreError> {
        Ok(match self.load(id, blob)? {
            Loaded::Spec {
                status, approval, ..
            } => Some((status.clone(), approval.clone())),
            _ => None,
        })
    }

    /// The dependencies of a version; none when it does not load.
    pub fn deps(&mut self, id: &str, blob: ObjectId) -> Result<Vec<String>, StoreError> {
        Ok(match self.load(id, blob)? {
            Loaded::Spec { deps, .. } => deps.clone(),
            _ => Vec::new(),
        })
    }
}

/// Reads and parses a blob the walker found within its limit (too big ones are not read).
fn read(
    repo: &gix::Repository,
    limit: u64,
    id: &str,
    blob: ObjectId,
) -> Result<Loaded, StoreError> {
    let size = repo
        .find_header(blob)
        .context(|| format!("reading {blob}"))?
        .size();
    if size > limit {
        return Ok(Loaded::TooBig);
    }
    let data = repo.find_blob(blob).context(|| format!("reading {blob}"))?;
    Ok(match Spec::parse(id, &data.data) {
        Err(e) => Loaded::Broken(e.to_string().replace('\n', " ")),
        Ok(spec) => {
            let mut once = HashSet::new();
            Loaded::Spec {
                status: spec.status().to_owned(),
                deps: spec
                    .depends_on()
                    .into_iter()
                    .filter(|d| once.insert(*d))
                    .map(str::to_owned)
                    .collect(),
                bad_claim: spec.claim().and_then(Result::err),
                approval: Approval::of(&spec),
                bad_verification: crate::spec::verification::problem(&spec),
                bad_approval: crate::spec::approval::violations(&spec)
                    .into_iter()
                    .map(|v| v.message)
                    .collect(),
            }
        }
    })
}
