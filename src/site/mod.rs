//! `site build`: a static website of the ledger and its notes — a board of the live specs
//! by state, a page per spec, label pages, the activity feed, the dependency graph and a
//! search page — written to a folder and
//! viewable offline (one CSS and one JS file of our own, no network). Everything from the
//! ledger is untrusted: it reaches HTML only through [`html::escape`] or
//! [`markdown::to_html`], and every page carries a Content-Security-Policy.

mod board;
mod feeds;
pub mod html;
pub mod markdown;
mod page;
pub mod serve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::lifecycle::{self, SpecSummary};
use crate::notes::Event;
use crate::ops::view::Transcript;
use crate::spec::{id, Spec};
use crate::store::index::Index;
use crate::store::Store;

/// The stylesheet and script every page links (written beside index.html).
const CSS: &str = include_str!("site.css");
const JS: &str = include_str!("site.js");

/// What `site build` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub out: PathBuf,
    /// Spec pages written.
    pub specs: usize,
    /// Label pages written.
    pub labels: usize,
    /// Bytes of index.html (the board), its page weight without the shared CSS and JS.
    pub board_bytes: usize,
}

/// One spec with everything its card and page show.
pub struct Entry<'a> {
    pub summary: &'a SpecSummary,
    /// `ready`/`blocked` for a pending spec, else its stored status.
    pub state: &'a str,
    /// The parsed spec, or why it does not parse (the page then shows the error).
    pub spec: Result<Spec, String>,
    /// Specs that depend on this one.
    pub dependents: Vec<&'a str>,
    /// A driver's members, in member order.
    pub members: Vec<&'a str>,
    /// When the spec last changed on the ledger (UTC, RFC 3339), when known.
    pub changed: Option<String>,
    pub events: Vec<(String, Event)>,
    pub transcripts: Vec<Transcript>,
}

/// The whole site's data, built once and rendered into every page.
pub struct Site<'a> {
    pub entries: Vec<Entry<'a>>,
    /// When the site was built (the ages on the board count from it).
    pub built: String,
}

impl Site<'_> {
    /// The entry for `id`.
    pub fn get(&self, id: &str) -> Option<&Entry<'_>> {
        self.entries
            .binary_search_by(|e| e.summary.id.as_str().cmp(id))
            .ok()
            .and_then(|at| self.entries.get(at))
    }

    /// Label -> the live specs carrying it, by id.
    pub fn labels(&self) -> BTreeMap<&str, Vec<&Entry<'_>>> {
        let mut all: BTreeMap<&str, Vec<&Entry<'_>>> = BTreeMap::new();
        for entry in self.entries.iter().filter(|e| !e.summary.archived) {
            for label in &entry.summary.labels {
                all.entry(label.as_str()).or_default().push(entry);
            }
        }
        all
    }
}

/// The default output folder: `.git/chant/site` (beside git chant's caches; never in the
/// working tree, so a build leaves `git status` clean).
pub fn default_out(store: &Store) -> PathBuf {
    store.cache_dir().join("site")
}

/// Builds the site from the ledger and notes into `out` (created; pages from an earlier
/// build are replaced, other files left alone).
pub fn build(store: &Store, out: &Path) -> Result<Report, Error> {
    let snapshot = store.snapshot()?;
    let index = Index::load(store, &snapshot)?;
    let site = collect(store, &snapshot, &index)?;
    let feed = crate::ops::activity::feed(
        store,
        &index,
        &crate::ops::activity::Query::default(),
        Some(feeds::ACTIVITY_LIMIT),
    )?;
    write(&site, &feed, out)
}

/// Reads every spec once (in parallel), the dates of their last changes and, for the specs
/// that list commits, their status events and transcripts.
fn collect<'a>(
    store: &Store,
    snapshot: &crate::store::ledger::Snapshot<'_>,
    index: &'a Index,
) -> Result<Site<'a>, Error> {
    let mut specs: Vec<&SpecSummary> = index.specs.iter().collect();
    // Live before archived on a clash, as `show` resolves an id.
    specs.sort_by(|a, b| (&a.id, a.archived).cmp(&(&b.id, b.archived)));
    specs.dedup_by(|b, a| a.id == b.id);
    let entries = snapshot.entries()?;
    let parsed = crate::store::index::read_all(snapshot, &entries, |e, bytes| {
        (
            (e.id.clone(), e.archived),
            Spec::parse(&e.id, bytes).map_err(|err| err.to_string()),
        )
    })?;
    let mut parsed: BTreeMap<(String, bool), Result<Spec, String>> = parsed.into_iter().collect();
    let changed = crate::store::history::last_changed(store, specs.iter().map(|s| s.id.clone()))?;
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut members: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in &specs {
        for dep in &s.depends_on {
            dependents.entry(dep.as_str()).or_default().push(&s.id);
        }
        if let Some(driver) = id::driver_of(&s.id) {
            members.entry(driver).or_default().push(&s.id);
        }
    }
    let mut out = Vec::with_capacity(specs.len());
    for s in specs {
        let ready = lifecycle::is_ready(s, |d| index.get(d));
        let spec = parsed
            .remove(&(s.id.clone(), s.archived))
            .unwrap_or_else(|| Err("not on the ledger".into()));
        let (events, transcripts) = match &spec {
            Ok(spec) if !spec.commits().is_empty() => (
                crate::ops::view::commit_events(store, &s.id, spec)?,
                crate::ops::transcript::transcripts(store, &s.id, spec)?
                    .into_iter()
                    .map(|(commit, note)| Transcript { commit, note })
                    .collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        let mut own_members = members.remove(s.id.as_str()).unwrap_or_default();
        own_members.sort_by_key(|m| id::member_number(m));
        out.push(Entry {
            state: lifecycle::state(&s.status, ready),
            dependents: dependents.remove(s.id.as_str()).unwrap_or_default(),
            members: own_members,
            changed: changed.get(&s.id).cloned(),
            summary: s,
            spec,
            events,
            transcripts,
        });
    }
    Ok(Site {
        entries: out,
        built: crate::clock::now(),
    })
}

/// Writes every page of `site` under `out`.
fn write(
    site: &Site<'_>,
    feed: &[crate::ops::activity::Entry],
    out: &Path,
) -> Result<Report, Error> {
    let put = |rel: &str, text: &str| -> Result<(), Error> {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                path: dir.to_owned(),
                source,
            })?;
        }
        std::fs::write(&path, text).map_err(|source| Error::Write { path, source })
    };
    put("site.css", CSS)?;
    put("site.js", JS)?;
    let board = board::board(site);
    put("index.html", &board)?;
    put("search.html", &board::search(site))?;
    put("search.json", &board::search_json(site))?;
    put("activity.html", &feeds::activity(feed))?;
    put("graph.html", &feeds::graph(site))?;
    let labels = site.labels();
    for (label, specs) in &labels {
        put(
            &format!("labels/{}.html", html::slug(label)),
            &board::label(site, label, specs),
        )?;
    }
    for entry in &site.entries {
        put(
            &format!("specs/{}.html", html::slug(&entry.summary.id)),
            &page::page(site, entry),
        )?;
    }
    Ok(Report {
        out: out.to_owned(),
        specs: site.entries.len(),
        labels: labels.len(),
        board_bytes: board.len(),
    })
}
