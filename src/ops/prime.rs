//! `git chant prime`: what an agent needs at the start of a session, in under 1,500 tokens
//! — how to work here, the spec its worktree is for with the open criteria numbered as
//! `check` takes them, the claimed and in-progress specs, and the top of the ready queue.
//! Lists are cut (and say how many more there are) until the text fits [`BUDGET`], so the
//! report and the text an agent reads always hold the same entries.

use serde::Serialize;

use crate::error::Error;
use crate::lifecycle::{SpecSummary, Status};
use crate::spec::claim::Claim;
use crate::store::index::Index;
use crate::store::ledger::Snapshot;
use crate::store::Store;

use super::query::{self, Filter};

/// The most bytes the text may take: about 1,500 tokens at four bytes a token.
pub const BUDGET: usize = 6_000;
/// The most entries of one list before the budget is even looked at.
const LIST: usize = 10;
/// The most open criteria shown.
const CRITERIA: usize = 20;
/// What the budget cuts last: this many entries of each list, this many criteria.
const KEEP: usize = 3;
const KEEP_CRITERIA: usize = 10;
/// The most bytes of a title, a criterion's text, a claimant.
const TITLE: usize = 90;
const CRITERION: usize = 160;
const BY: usize = 80;

/// How the worktree's spec was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `CHANT_SPEC_ID`, which `git chant work` sets for its agent.
    Env,
    /// The branch checked out, `chant/<id>`.
    Branch,
}

/// The whole report (`prime --json`).
#[derive(Debug, Clone, Serialize)]
pub struct Prime {
    /// How to work with git chant here (the text `init --agent` writes for agents).
    pub instructions: &'static str,
    /// Whether the repository has a ledger yet.
    pub ledger: bool,
    /// The spec this worktree is for, when it is for one.
    pub spec: Option<Current>,
    /// Live specs with an unexpired claim that are not in progress (those are below).
    pub claimed: Listing,
    pub in_progress: Listing,
    /// Ready specs nobody holds an unexpired claim on, in dependency order as `ready`
    /// lists them.
    pub ready: Listing,
}

/// The worktree's spec.
#[derive(Debug, Clone, Serialize)]
pub struct Current {
    pub id: String,
    pub source: Source,
    /// Whether the ledger has it.
    pub found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `{checked, total}` of all its criteria.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Counts>,
    /// Its unchecked criteria, numbered as `git chant check <id> <n>` takes them.
    pub open: Vec<Open>,
    /// How many unchecked criteria there are (`open` may show fewer).
    pub open_total: usize,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Counts {
    pub checked: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Open {
    pub number: usize,
    pub text: String,
}

/// The first entries of a list, and how long it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Listing {
    pub items: Vec<Item>,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub status: String,
    /// Its claim, when unexpired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
}

/// The spec this worktree is for: `env` (`CHANT_SPEC_ID`) when set, else the `<id>` of a
/// `chant/<id>` branch checked out here.
pub fn here(store: &Store, env: Option<String>) -> Option<(String, Source)> {
    if let Some(id) = env.filter(|id| !id.trim().is_empty()) {
        return Some((id.trim().to_owned(), Source::Env));
    }
    let head = store.repo().head_name().ok().flatten()?;
    let id = head
        .as_bstr()
        .to_string()
        .strip_prefix("refs/heads/chant/")?
        .to_owned();
    Some((id, Source::Branch))
}

/// The report at `now`, cut to fit [`BUDGET`].
pub fn prime(
    snapshot: &Snapshot<'_>,
    index: &Index,
    here: Option<(String, Source)>,
    now: time::OffsetDateTime,
) -> Result<Prime, Error> {
    let spec = match here {
        Some((id, source)) => Some(current(snapshot, id, source)?),
        None => None,
    };
    let mine_id = spec.as_ref().map(|c| c.id.clone());
    let mine = mine_id.as_deref();
    let live = || {
        index
            .specs
            .iter()
            .filter(|s| !s.archived && Some(s.id.as_str()) != mine)
    };
    let held = |s: &SpecSummary| s.claim.as_ref().filter(|c| c.is_held_at(now)).cloned();
    let item = |s: &SpecSummary| Item {
        id: s.id.clone(),
        title: cut(&s.title, TITLE),
        status: s.status.clone(),
        claim: held(s).map(|c| Claim {
            by: cut(&c.by, BY),
            ..c
        }),
    };
    let done = |s: &SpecSummary| Status::Completed.is(&s.status) || Status::Cancelled.is(&s.status);
    let claimed =
        live().filter(|s| held(s).is_some() && !done(s) && !Status::InProgress.is(&s.status));
    let in_progress = live().filter(|s| Status::InProgress.is(&s.status));
    let filter = Filter {
        statuses: vec!["ready".to_owned()],
        ..Filter::default()
    };
    let mut ready = query::select(index, &filter);
    // A claimed ready spec is listed as claimed: the queue is what is free to take.
    ready.retain(|r| Some(r.spec.id.as_str()) != mine && held(r.spec).is_none());
    query::dependency_order(index, &mut ready);
    let mut report = Prime {
        instructions: crate::setup::text::INSTRUCTIONS,
        ledger: snapshot.commit.is_some(),
        spec,
        claimed: listing(claimed.map(item)),
        in_progress: listing(in_progress.map(item)),
        ready: listing(ready.iter().map(|r| item(r.spec))),
    };
    fit(&mut report);
    Ok(report)
}

fn listing(all: impl Iterator<Item = Item>) -> Listing {
    let mut total = 0;
    let mut items = Vec::new();
    for item in all {
        total += 1;
        if items.len() < LIST {
            items.push(item);
        }
    }
    Listing { items, total }
}

/// The worktree's spec `id` with its open criteria.
fn current(snapshot: &Snapshot<'_>, id: String, source: Source) -> Result<Current, Error> {
    let mut current = Current {
        id,
        source,
        found: false,
        title: None,
        status: None,
        criteria: None,
        open: Vec::new(),
        open_total: 0,
    };
    let Some(entry) = snapshot.locate(&current.id)? else {
        return Ok(current);
    };
    let spec = crate::spec::Spec::parse(&entry.id, &snapshot.blob(entry.blob)?)?;
    let criteria = spec.criteria();
    let open: Vec<Open> = criteria
        .iter()
        .filter(|c| !c.checked)
        .map(|c| Open {
            number: c.number,
            text: cut(&c.text, CRITERION),
        })
        .collect();
    current.found = true;
    current.title = Some(cut(spec.title().unwrap_or_default(), TITLE));
    current.status = Some(spec.status().to_owned());
    current.criteria = Some(Counts {
        checked: criteria.len() - open.len(),
        total: criteria.len(),
    });
    current.open_total = open.len();
    current.open = open.into_iter().take(CRITERIA).collect();
    Ok(current)
}

/// `text` cut to at most `max` bytes (at a character), with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Drops entries until the text as shown (escaped) fits the budget: from the longest list
/// while any has more than [`KEEP`], then open criteria past [`KEEP_CRITERIA`], then from
/// the lists again, then the remaining criteria; so each part keeps a few lines.
fn fit(report: &mut Prime) {
    while crate::escape::escape(&report.render()).len() > BUDGET {
        let criteria = report.spec.as_ref().map_or(0, |s| s.open.len());
        let longest = longest(report);
        if longest.as_ref().is_some_and(|l| l.items.len() > KEEP) || criteria <= KEEP_CRITERIA {
            if let Some(list) = longest.filter(|l| !l.items.is_empty()) {
                list.items.pop();
                continue;
            }
        }
        match report.spec.as_mut().filter(|s| !s.open.is_empty()) {
            Some(spec) => {
                spec.open.pop();
            }
            None => return,
        }
    }
}

/// The list with the most entries shown; on a tie the ready queue, which `ready` lists
/// whole, then the in-progress specs.
fn longest(report: &mut Prime) -> Option<&mut Listing> {
    [
        &mut report.claimed,
        &mut report.in_progress,
        &mut report.ready,
    ]
    .into_iter()
    .max_by_key(|l| l.items.len())
}

impl Prime {
    /// The text an agent reads (the CLI escapes it on the way out).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(BUDGET);
        out.push_str(self.instructions);
        out.push_str("\n## Now\n\n");
        if !self.ledger {
            out.push_str("This repository has no ledger yet: `git chant init` creates one (`git chant init --remote origin` in a clone takes origin's).\n");
        }
        match &self.spec {
            None => out.push_str("This worktree is for no spec (no CHANT_SPEC_ID, and the branch is not chant/<id>).\n"),
            Some(spec) => spec.render(&mut out),
        }
        section(
            &mut out,
            "Claimed, not started",
            &self.claimed,
            "git chant list --json",
        );
        section(
            &mut out,
            "In progress",
            &self.in_progress,
            "git chant list --status in_progress",
        );
        if self.ready.total == 0 {
            out.push_str("\nReady, unclaimed: none.\n");
        } else {
            section(&mut out, "Ready, unclaimed", &self.ready, "git chant ready");
        }
        out
    }
}

impl Current {
    fn render(&self, out: &mut String) {
        let id = &self.id;
        let from = match self.source {
            Source::Env => "CHANT_SPEC_ID".to_owned(),
            Source::Branch => format!("branch chant/{id}"),
        };
        if !self.found {
            out.push_str(&format!("This worktree is for {id} (from {from}), which the ledger does not have: `git chant list` shows what it has.\n"));
            return;
        }
        let title = self.title.as_deref().unwrap_or_default();
        let status = self.status.as_deref().unwrap_or_default();
        out.push_str(&format!(
            "This worktree is for {id} (from {from}): {title}\nStatus: {status}"
        ));
        let counts = self.criteria.unwrap_or(Counts {
            checked: 0,
            total: 0,
        });
        if counts.total == 0 {
            out.push_str("; it has no acceptance criteria.\n");
            return;
        }
        out.push_str(&format!(
            "; {} of {} criteria checked.\n",
            counts.checked, counts.total
        ));
        if self.open_total == 0 {
            out.push_str(&format!(
                "Every criterion is checked: finish with `git chant done {id}`.\n"
            ));
            return;
        }
        out.push_str(&format!(
            "Open criteria (tick each with `git chant check {id} <n>` once it is met):\n"
        ));
        for c in &self.open {
            out.push_str(&format!("  {}. {}\n", c.number, c.text));
        }
        more(
            out,
            self.open_total - self.open.len(),
            &format!("git chant show {id}"),
        );
    }
}

/// A titled list, nothing when it is empty.
fn section(out: &mut String, title: &str, list: &Listing, all: &str) {
    if list.total == 0 {
        return;
    }
    out.push_str(&format!("\n{title} ({}):\n", list.total));
    for item in &list.items {
        out.push_str(&format!("  {}  {}", item.id, item.title));
        if let Some(claim) = &item.claim {
            out.push_str(&format!(
                "  (claimed by {} until {})",
                claim.by, claim.until
            ));
        }
        out.push('\n');
    }
    more(out, list.total - list.items.len(), all);
}

fn more(out: &mut String, more: usize, command: &str) {
    if more > 0 {
        out.push_str(&format!("  … and {more} more (`{command}`)\n"));
    }
}
