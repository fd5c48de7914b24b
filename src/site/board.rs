//! The site's index pages: the board (index.html, live specs in columns by state, with
//! label and type filters), a page per label, and the search page with its JSON index.

use std::collections::BTreeSet;

use super::html::{self, escape, label_link, spec_link};
use super::{Entry, Site};
use crate::lifecycle::Status;

/// The board's columns: `(state, heading)`. Cancelled specs are not on the board; archived
/// specs never are (archiving is how a spec leaves it), so each column holds exactly what
/// `list --status <state>` lists.
fn columns() -> Vec<(String, &'static str)> {
    let stored = |s: Status, heading| (s.as_str().to_owned(), heading);
    vec![
        ("ready".to_owned(), "Ready"),
        ("blocked".to_owned(), "Blocked"),
        stored(Status::InProgress, "In progress"),
        stored(Status::NeedsAttention, "Needs attention"),
        stored(Status::Paused, "Paused"),
        stored(Status::Failed, "Failed"),
        stored(Status::Completed, "Recently completed"),
    ]
}

/// index.html.
pub fn board(site: &Site<'_>) -> String {
    let live: Vec<&Entry<'_>> = site
        .entries
        .iter()
        .filter(|e| !e.summary.archived)
        .collect();
    let mut body = format!(
        "<header><h1>Board</h1><p class=\"built\">{} live specs · built {}</p>\n{}</header>\n<div class=\"board\">\n",
        live.len(),
        escape(&site.built),
        filters(&live)
    );
    for (state, heading) in columns() {
        let mut cards: Vec<&Entry<'_>> =
            live.iter().copied().filter(|e| e.state == state).collect();
        if Status::Completed.is(&state) {
            // Newest first: the column is what was finished lately.
            cards.sort_by(|a, b| b.changed.cmp(&a.changed));
        }
        body.push_str(&format!(
            "<section class=\"column\" data-state=\"{state}\"><h2>{heading} <span class=\"count\">{}</span></h2>\n",
            cards.len()
        ));
        for entry in cards {
            body.push_str(&card(site, "", entry));
        }
        body.push_str("</section>\n");
    }
    body.push_str("</div>\n");
    html::page("", "git chant board", &body)
}

/// The label and type filters, offering the values the live specs have.
fn filters(live: &[&Entry<'_>]) -> String {
    let labels: BTreeSet<&str> = live
        .iter()
        .flat_map(|e| e.summary.labels.iter().map(String::as_str))
        .collect();
    let kinds: BTreeSet<&str> = live.iter().map(|e| e.summary.kind.as_str()).collect();
    let options = |values: BTreeSet<&str>| {
        values
            .into_iter()
            .map(|v| format!("<option value=\"{0}\">{0}</option>", escape(v)))
            .collect::<String>()
    };
    format!(
        "<div class=\"filters\"><label>Label <select id=\"filter-label\"><option value=\"\">any</option>{}</select></label> \
<label>Type <select id=\"filter-type\"><option value=\"\">any</option>{}</select></label></div>\n",
        options(labels),
        options(kinds)
    )
}

/// One spec's card: title, id, type, labels, criteria ticked, claimant and age.
fn card(site: &Site<'_>, root: &str, entry: &Entry<'_>) -> String {
    let s = entry.summary;
    let labels_json = serde_json::to_string(&s.labels).unwrap_or_default();
    let labels: String = s.labels.iter().map(|l| label_link(root, l)).collect();
    let claim = s.claim.as_ref().map_or(String::new(), |c| {
        format!("<span class=\"claim\">{}</span>", escape(&c.by))
    });
    let age = entry
        .changed
        .as_deref()
        .and_then(|at| html::age(at, &site.built).map(|age| (at, age)))
        .map_or(String::new(), |(at, age)| {
            format!(
                "<time datetime=\"{}\" title=\"changed {}\">{}</time>",
                escape(at),
                escape(at),
                escape(&age)
            )
        });
    format!(
        "<article class=\"card\" data-labels=\"{}\" data-type=\"{}\">\
<a class=\"title\" href=\"{root}specs/{}.html\">{}</a>\
<div class=\"meta\">{} <span class=\"type\">{}</span> <span class=\"criteria\">{}/{}</span> {age}</div>\
<div class=\"labels\">{labels}</div><div class=\"who\">{claim}</div></article>\n",
        escape(&labels_json),
        escape(&s.kind),
        html::slug(&s.id),
        escape(&s.title),
        spec_link(root, &s.id),
        escape(&s.kind),
        s.checked,
        s.total,
    )
}

/// `labels/<label>.html`: the live specs with `label`, with their states.
pub fn label(site: &Site<'_>, label: &str, specs: &[&Entry<'_>]) -> String {
    let mut body = format!(
        "<h1>Label <span class=\"label\">{}</span></h1><p>{} live specs</p>\n<div class=\"cards\">\n",
        escape(label),
        specs.len()
    );
    for entry in specs {
        body.push_str(&format!(
            "<div class=\"row\"><span class=\"state\">{}</span>{}</div>\n",
            escape(entry.state),
            card(site, "../", entry)
        ));
    }
    body.push_str("</div>\n");
    html::page("../", &format!("label {label}"), &body)
}

/// search.json: `[{id, title, status, words}]` for every spec, live and archived, `words`
/// the distinct lower-case words of its body, space-separated.
pub fn search_json(site: &Site<'_>) -> String {
    let items: Vec<serde_json::Value> = site
        .entries
        .iter()
        .map(|e| {
            let body = e.spec.as_ref().map_or("", |s| s.body());
            serde_json::json!({
                "id": e.summary.id,
                "title": e.summary.title,
                "state": e.state,
                "words": words(body),
            })
        })
        .collect();
    serde_json::to_string(&items).unwrap_or_else(|_| "[]".into())
}

/// The distinct words of `text`, lower-case, in order of first use.
fn words(text: &str) -> String {
    let mut seen = BTreeSet::new();
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1)
    {
        let word = word.to_lowercase();
        if seen.insert(word.clone()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word);
        }
    }
    out
}

/// search.html: the index as a JSON data block (never executed; `<` written as `\u003c` so
/// no text in it can close the block) that site.js searches, reading `?q=` on load.
pub fn search(site: &Site<'_>) -> String {
    let data = search_json(site).replace('<', "\\u003c");
    let body = format!(
        "<h1>Search</h1>\n<input id=\"q\" type=\"search\" placeholder=\"a word of a title or body\" autofocus>\n\
<p id=\"summary\"></p>\n<ol id=\"results\"></ol>\n<script type=\"application/json\" id=\"search-index\">{data}</script>\n"
    );
    html::page("", "search specs", &body)
}
