//! The site's two wider views: the activity page (the `activity` feed, newest first) and
//! the graph page (the dependency graph of the live specs as the layered SVG `dag --format
//! svg` draws, each box linked to its spec page).

use std::collections::HashMap;

use super::html::{self, escape, spec_link};
use super::Site;
use crate::draw::svg::{render, Links, Node};
use crate::ops::activity::Entry as Activity;

/// How many activity entries the page shows (the newest).
pub const ACTIVITY_LIMIT: usize = 500;

/// activity.html: `feed` (newest first) as a table.
pub fn activity(feed: &[Activity]) -> String {
    let mut body = format!(
        "<h1>Activity</h1>\n<p>The newest {} events of the ledger and notes (`git chant activity` has them all).</p>\n\
<table class=\"activity\"><thead><tr><th>When</th><th>Who</th><th>Spec</th><th>Event</th><th>Title</th></tr></thead><tbody>\n",
        feed.len()
    );
    for e in feed {
        let detail = if e.detail.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"detail\">({})</span>", escape(&e.detail))
        };
        body.push_str(&format!(
            "<tr class=\"event\" data-event=\"{kind}\"><td><time datetime=\"{at}\">{at}</time></td><td>{}</td><td>{}</td><td>{kind}{detail}</td><td>{}</td></tr>\n",
            escape(&e.by),
            spec_link("", &e.spec),
            escape(&e.title),
            kind = escape(&e.kind.name()),
            at = escape(&e.at),
        ));
    }
    body.push_str("</tbody></table>\n");
    html::page("", "activity", &body)
}

/// graph.html: one box per live spec, coloured by state, one arrow per dependency on a
/// live spec, drawn by [`crate::draw::svg`] (which escapes every spec text it writes).
pub fn graph(site: &Site<'_>) -> String {
    let live: Vec<_> = site
        .entries
        .iter()
        .filter(|e| !e.summary.archived)
        .collect();
    let at: HashMap<&str, usize> = live
        .iter()
        .enumerate()
        .map(|(i, e)| (e.summary.id.as_str(), i))
        .collect();
    let nodes: Vec<Node<'_>> = live
        .iter()
        .map(|e| Node {
            id: &e.summary.id,
            title: &e.summary.title,
            state: e.state,
        })
        .collect();
    let edges: Vec<(usize, usize)> = live
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.summary
                .depends_on
                .iter()
                .filter_map(|d| at.get(d.as_str()))
                .map(move |&d| (d, i))
        })
        .collect();
    let svg = render(&nodes, &edges, &Links { base: "specs/" });
    let body = format!(
        "<h1>Dependency graph</h1>\n<p>{} live specs, {} dependencies; each box links to its page.</p>\n<div class=\"graph\">\n{svg}</div>\n",
        nodes.len(),
        edges.len()
    );
    html::page("", "dependency graph", &body)
}
