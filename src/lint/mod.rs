//! Spec quality rules: what `git chant lint` reports. Errors make lint exit 1; warnings
//! are advice. Each finding names the spec, the rule and what to do.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::lifecycle::Status;

pub mod cache;
mod graph;
mod own;
pub mod report;

pub use own::Facts;

/// Thresholds of the complexity rule (upstream chant's spirit: a spec an agent can finish
/// in one run).
pub const MAX_TARGET_FILES: usize = 10;
pub const MAX_CRITERIA: usize = 12;
pub const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub rule: &'static str,
    pub message: String,
}

/// One spec as lint sees it: its place and what its file alone says.
pub struct Input {
    pub id: String,
    pub archived: bool,
    pub blob: gix::ObjectId,
    pub facts: Facts,
}

/// Files no command reads because they are not where the layout puts a spec: errors, so a
/// ledger a hook-less remote let them into is noticed.
pub fn strays(strays: &[crate::store::ledger::Stray]) -> Vec<Finding> {
    strays
        .iter()
        .map(|stray| {
            let (id, message) = match &stray.belongs {
                Some((id, place)) => (
                    id.clone(),
                    format!("stored at {} but its id puts it at {place}, so no command sees it; `git chant doctor --fix` moves it", stray.path),
                ),
                None => (
                    stray.path.clone(),
                    "not a spec file where the ledger layout allows one; no command reads it (remove it with a ledger commit, or push to a server with `hooks install --server` to keep such files out)".to_owned(),
                ),
            };
            Finding { id, severity: Severity::Error, rule: "layout", message }
        })
        .collect()
}

/// Lints `only` (all specs when `None`) against the whole ledger `all`: the one-spec
/// findings each input carries, with the ledger-wide rules' (duplicate titles,
/// dependencies, cycles, coupling, members) put where lint has always reported them.
pub fn lint(all: &[Input], only: Option<&HashSet<String>>) -> Vec<Finding> {
    judge(all, only).into_iter().map(|(_, f)| f).collect()
}

/// `lint`, each finding with the position of the input it is about: the kept report
/// (`report`) splices a changed spec's findings by it.
pub fn judge(all: &[Input], only: Option<&HashSet<String>>) -> Vec<(usize, Finding)> {
    let whole = Whole::of(all);
    let mut findings = Vec::new();
    for (at, input) in all.iter().enumerate() {
        if only.is_some_and(|o| !o.contains(&input.id)) {
            continue;
        }
        let mut add = |severity, rule, message: String| {
            let id = input.id.clone();
            findings.push((
                at,
                Finding {
                    id,
                    severity,
                    rule,
                    message,
                },
            ))
        };
        judge_one(at, &input.id, &input.facts, &whole, &mut add);
    }
    sort(&mut findings);
    findings
}

/// The order lint reports in: errors first, then by id; one spec's findings (live before
/// archived) in the order its rules ran.
pub fn sort(findings: &mut [(usize, Finding)]) {
    findings
        .sort_by(|(a_at, a), (b_at, b)| (a.severity, &a.id, a_at).cmp(&(b.severity, &b.id, b_at)));
}

/// What one spec's findings need from the rest of the ledger. The whole ledger answers
/// it when everything is linted; the kept report answers it after a change that leaves
/// what other specs see of a spec alone (see `report`).
pub trait Ledger {
    /// The findings of the rules that read other specs' titles (`Wide::Title`) or
    /// dependencies and the cycle check (`Wide::Deps`) for input `at`.
    fn wide(&self, at: usize, facts: &Facts, part: Wide, add: &mut Add<'_>);
    /// Whether a spec that parses has this id.
    fn exists(&self, id: &str) -> bool;
    /// Whether some spec that parses has an id starting with `<id>.`.
    fn has_members(&self, id: &str) -> bool;
}

/// The two places in a spec's findings the rules over other specs' fields go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wide {
    Title,
    Deps,
}

/// The findings of spec `id` (input `at`, file facts `facts`), in the order lint reports
/// a spec's findings before sorting.
pub fn judge_one(at: usize, id: &str, facts: &Facts, ledger: &dyn Ledger, add: &mut Add<'_>) {
    if let Some(why) = &facts.error {
        add(Severity::Error, "parse", format!("does not parse: {why}"));
        return;
    }
    ledger.wide(at, facts, Wide::Title, add);
    local(&facts.early, add);
    ledger.wide(at, facts, Wide::Deps, add);
    local(&facts.middle, add);
    for token in &facts.mentions {
        if token != id && ledger.exists(token) {
            add(
                Severity::Warning,
                "coupling",
                format!("mentions {token} but does not depend on it"),
            );
        }
    }
    if matches!(facts.kind.as_str(), "driver" | "group") && !ledger.has_members(id) {
        add(
            Severity::Warning,
            "type-fields",
            format!(
                "a {} has no members (`git chant add --member-of {id}`)",
                facts.kind
            ),
        )
    }
    local(&facts.late, add);
}

/// The whole ledger: its graph and its titles.
struct Whole<'a> {
    all: &'a [Input],
    graph: graph::Graph<'a>,
    titles: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Whole<'a> {
    fn of(all: &'a [Input]) -> Whole<'a> {
        let mut titles: HashMap<&str, Vec<&str>> = HashMap::new();
        for input in all.iter().filter(|i| !i.archived) {
            if let Some(title) = &input.facts.title {
                titles.entry(title).or_default().push(&input.id);
            }
        }
        Whole {
            all,
            graph: graph::Graph::of(all),
            titles,
        }
    }
}

impl Ledger for Whole<'_> {
    fn wide(&self, at: usize, facts: &Facts, part: Wide, add: &mut Add<'_>) {
        let input = &self.all[at];
        let id = input.id.as_str();
        if part == Wide::Title {
            if let (true, Some(title)) = (facts.titled && !input.archived, &facts.title) {
                let same: Vec<&str> = self
                    .titles
                    .get(title.trim())
                    .map(|v| v.iter().copied().filter(|o| *o != id).collect())
                    .unwrap_or_default();
                if !same.is_empty() {
                    add(
                        Severity::Warning,
                        "duplicate-title",
                        format!("same title as {}", same.join(", ")),
                    );
                }
            }
            return;
        }
        for (dep, found) in facts.depends_on.iter().zip(self.graph.deps(at)) {
            match found.map(|d| &self.all[d].facts) {
                None => add(
                    Severity::Error,
                    "unknown-dependency",
                    format!("depends on `{dep}`, which does not exist"),
                ),
                Some(d) if matches!(Status::of(&d.status), Status::Cancelled | Status::Failed) => {
                    add(
                        Severity::Warning,
                        "dependency-state",
                        format!("depends on {dep}, which is {}", d.status),
                    )
                }
                Some(_) => {}
            }
        }
        if self.graph.on_cycle(id) {
            add(
                Severity::Error,
                "cycle",
                "is part of a dependency cycle (`git chant dag` shows it)".into(),
            );
        }
    }

    fn exists(&self, id: &str) -> bool {
        self.graph.by_id.contains_key(id)
    }

    fn has_members(&self, id: &str) -> bool {
        self.graph.has_members(id)
    }
}

pub type Add<'a> = dyn FnMut(Severity, &'static str, String) + 'a;

/// Reports one-spec findings `found` in their order.
fn local(found: &[own::Local], add: &mut Add<'_>) {
    for (severity, rule, message) in found {
        add(*severity, rule, message.clone());
    }
}
