//! The server-side checks of one ref update (pre-receive, update, and `git chant validate`
//! in CI): the ledger and the notes refs may only move forward, to states that parse and
//! keep the rules. Every problem is reported, not just the first; the cost follows the
//! size of the change.

use std::collections::HashSet;

use gix::ObjectId;
use serde::Serialize;

use crate::lifecycle;
use crate::notes::Event;
use crate::spec::{id, is_known_status, Spec};
use crate::store::diff::{diff_trees, FileChange};
use crate::store::history::trailers;
use crate::store::paths::{FORMAT, FORMAT_PATH, LEDGER_REF};
use crate::store::{Context, Store, StoreError};

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    #[serde(rename = "ref")]
    pub ref_name: String,
    pub spec: Option<String>,
    pub field: Option<String>,
    pub rule: &'static str,
    pub message: String,
}

impl std::fmt::Display for Problem {
    /// One plain-ASCII line: ref, spec, field, message, rule.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = format!(
            "{}: spec {}: field {}: {} [{}]",
            self.ref_name,
            self.spec.as_deref().unwrap_or("-"),
            self.field.as_deref().unwrap_or("-"),
            self.message,
            self.rule
        );
        let ascii: String = line
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        f.write_str(&ascii)
    }
}

/// Limits and optional policies, from the server's git config.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `chant.maxSpecBytes` (default 1 MiB): the largest spec or ledger file.
    pub max_spec_bytes: u64,
    /// `chant.maxNoteBytes` (default 64 MiB): the largest note (transcripts are large).
    pub max_note_bytes: u64,
    /// `chant.requireKnownSpecs`: branch commits naming a spec must name an existing one.
    pub require_known_specs: bool,
    /// `chant.allowedWriters` (repeatable, emails): who may commit to `refs/chant/*`.
    pub allowed_writers: Vec<String>,
}

impl Policy {
    pub fn from_config(store: &Store) -> Policy {
        let config = store.repo().config_snapshot();
        let number = |key: &str, default: u64| {
            config
                .integer(key)
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(default)
        };
        Policy {
            max_spec_bytes: number("chant.maxSpecBytes", 1 << 20),
            max_note_bytes: number("chant.maxNoteBytes", 64 << 20),
            require_known_specs: config.boolean("chant.requireKnownSpecs").unwrap_or(false),
            allowed_writers: config
                .strings("chant.allowedWriters")
                .unwrap_or_default()
                .into_iter()
                .map(|v| v.to_string())
                .collect(),
        }
    }
}

/// Collects problems for one ref.
struct Report {
    ref_name: String,
    problems: Vec<Problem>,
}

impl Report {
    fn add(
        &mut self,
        spec: Option<&str>,
        field: Option<&str>,
        rule: &'static str,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            ref_name: self.ref_name.clone(),
            spec: spec.map(str::to_owned),
            field: field.map(str::to_owned),
            rule,
            message: message.into(),
        });
    }
}

/// Checks one update of `ref_name` from `old` to `new` (`None` for creation / deletion).
/// `ledger` is the ledger commit notes are checked against (the pushed one when the same
/// push moves it).
pub fn check_update(
    store: &Store,
    ref_name: &str,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
    ledger: Option<ObjectId>,
    policy: &Policy,
) -> Result<Vec<Problem>, StoreError> {
    let mut report = Report {
        ref_name: ref_name.to_owned(),
        problems: Vec::new(),
    };
    let is_ledger = ref_name.starts_with("refs/chant/");
    let is_notes = ref_name.starts_with("refs/notes/chant");
    if ref_name.starts_with("refs/heads/") && policy.require_known_specs {
        if let Some(new) = new {
            super::validate_branch::check_branch(
                store,
                &mut report_adder(&mut report),
                old,
                new,
                ledger,
            )?;
        }
        return Ok(report.problems);
    }
    if !is_ledger && !is_notes {
        return Ok(report.problems);
    }
    let Some(new) = new else {
        report.add(None, None, "deletion", "deleting this ref is not allowed");
        return Ok(report.problems);
    };
    let repo = store.repo();
    let Ok(commit) = repo.find_commit(new) else {
        report.add(None, None, "not-a-commit", format!("{new} is not a commit"));
        return Ok(report.problems);
    };
    if let Some(old) = old {
        let ancestor = repo
            .merge_base(old, new)
            .ok()
            .flatten()
            .is_some_and(|b| b.detach() == old);
        if !ancestor {
            report.add(
                None,
                None,
                "fast-forward",
                format!("{old} is not an ancestor of {new}: history may not be rewritten"),
            );
            return Ok(report.problems);
        }
    }
    let new_tree = commit
        .tree_id()
        .context(|| format!("reading the tree of {new}"))?
        .detach();
    let old_tree = match old {
        Some(old) => Some(
            repo.find_commit(old)
                .context(|| format!("reading {old}"))?
                .tree_id()
                .context(|| format!("reading the tree of {old}"))?
                .detach(),
        ),
        None => None,
    };
    let changes = diff_trees(repo, old_tree, Some(new_tree))?;
    if is_ledger {
        super::validate_ledger::check_ledger(
            store,
            &mut report_adder(&mut report),
            new,
            new_tree,
            &changes,
            old,
            policy,
        )?;
    } else {
        let ledger_tree = match ledger.or(store.ref_tip(LEDGER_REF)?) {
            Some(c) => Some(
                repo.find_commit(c)
                    .context(|| format!("reading {c}"))?
                    .tree_id()
                    .context(|| "ledger tree".to_owned())?
                    .detach(),
            ),
            None => None,
        };
        check_notes(store, &mut report, &changes, ref_name, ledger_tree, policy)?;
    }
    Ok(report.problems)
}

/// A closure form of `Report::add`, for the checks in other files.
pub(crate) type Add<'a> = dyn FnMut(Option<&str>, Option<&str>, &'static str, String) + 'a;

fn report_adder(
    report: &mut Report,
) -> impl FnMut(Option<&str>, Option<&str>, &'static str, String) + '_ {
    move |spec, field, rule, message| report.add(spec, field, rule, message)
}

/// Notes: every changed note parses (status events) and names specs that exist.
fn check_notes(
    store: &Store,
    report: &mut Report,
    changes: &[FileChange],
    ref_name: &str,
    ledger_tree: Option<ObjectId>,
    policy: &Policy,
) -> Result<(), StoreError> {
    let repo = store.repo();
    let events_ref = !ref_name.ends_with("-output");
    let mut known: HashSet<String> = HashSet::new();
    for change in changes {
        let Some(blob) = change.new else { continue };
        let object = change.path.replace('/', "");
        if object.len() != 40 || !object.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue; // not a note: git keeps such entries, so do we
        }
        let size = repo.find_header(blob).map(|h| h.size()).unwrap_or(0);
        if size > policy.max_note_bytes {
            report.add(
                None,
                None,
                "size",
                format!(
                    "the note on {object} is {size} bytes, more than chant.maxNoteBytes={}",
                    policy.max_note_bytes
                ),
            );
            continue;
        }
        if !events_ref {
            continue;
        }
        let data = repo
            .find_blob(blob)
            .context(|| format!("reading note {blob}"))?
            .data
            .clone();
        let Ok(text) = String::from_utf8(data) else {
            report.add(
                None,
                None,
                "note",
                format!("the note on {object} is not UTF-8 text"),
            );
            continue;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match Event::parse(line) {
                Err(e) => report.add(None, None, "note", format!("the note on {object}: {e}")),
                Ok(event) => {
                    if known.contains(&event.spec) {
                        continue;
                    }
                    if spec_exists(repo, ledger_tree, &event.spec)? {
                        known.insert(event.spec);
                    } else {
                        report.add(
                            Some(&event.spec),
                            None,
                            "note",
                            format!(
                                "the note on {object} names spec {} that is not in the ledger",
                                event.spec
                            ),
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// Is `id` a live or archived spec of the ledger tree? One path lookup per folder.
pub(crate) fn spec_exists(
    repo: &gix::Repository,
    tree: Option<ObjectId>,
    id: &str,
) -> Result<bool, StoreError> {
    let Some(tree) = tree else { return Ok(false) };
    let tree = repo
        .find_tree(tree)
        .context(|| "reading the ledger tree".to_owned())?;
    for archived in [false, true] {
        let path = crate::store::paths::spec_path(id, archived);
        if tree.lookup_entry_by_path(&path).ok().flatten().is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The spec at `blob`, or why it does not load.
pub(crate) fn load_spec(
    repo: &gix::Repository,
    id: &str,
    blob: ObjectId,
) -> Result<Result<Spec, String>, StoreError> {
    let data = repo
        .find_blob(blob)
        .context(|| format!("reading {blob}"))?
        .data
        .clone();
    Ok(Spec::parse(id, &data).map_err(|e| e.to_string()))
}

/// Checks shared by the ledger check: id, shard, parse, status.
pub(crate) fn check_spec_file(
    add: &mut Add<'_>,
    path: &str,
    spec_id: &str,
    shard_ok: bool,
    spec: &Result<Spec, String>,
) {
    if let Err(e) = id::validate(spec_id) {
        add(Some(spec_id), None, "id", format!("{path}: {e}"));
    }
    if !shard_ok {
        add(
            Some(spec_id),
            None,
            "path",
            format!(
                "{path} is not in its shard ({})",
                crate::store::paths::spec_path(spec_id, path.starts_with("archive/"))
            ),
        );
    }
    match spec {
        Err(e) => add(Some(spec_id), None, "parse", e.replace('\n', " ")),
        Ok(spec) if !is_known_status(spec.status()) => add(
            Some(spec_id),
            Some("status"),
            "status",
            format!("unknown status `{}`", spec.status()),
        ),
        Ok(_) => {}
    }
}

/// Is `from -> to` allowed, or forced by the commit that made it?
pub(crate) fn transition_ok(from: &str, to: &str, message: &str) -> bool {
    from == to
        || lifecycle::is_allowed(from, to)
        || trailers(message)
            .iter()
            .any(|(k, v)| k == "Chant-Forced" && v == "true")
}

/// `FORMAT` must be there and known.
pub(crate) fn check_format(
    repo: &gix::Repository,
    add: &mut Add<'_>,
    tree: ObjectId,
) -> Result<(), StoreError> {
    let tree = repo
        .find_tree(tree)
        .context(|| "reading the ledger tree".to_owned())?;
    let format = tree.lookup_entry_by_path(FORMAT_PATH).ok().flatten();
    match format {
        None => add(None, None, "format", "the ledger has no FORMAT file".into()),
        Some(entry) => {
            let data = repo
                .find_blob(entry.object_id())
                .map(|b| b.data.clone())
                .unwrap_or_default();
            if data != FORMAT.as_bytes() {
                add(
                    None,
                    None,
                    "format",
                    format!(
                        "FORMAT is `{}`, expected `chant-ledger 1`",
                        String::from_utf8_lossy(&data).trim()
                    ),
                );
            }
        }
    }
    Ok(())
}
