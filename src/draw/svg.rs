//! The dependency graph as one self-contained SVG document: a box per spec coloured by its
//! state, linked to its page, an arrow per dependency. Every text and attribute value that
//! came from a spec is XML-escaped here; nothing else builds markup from it.

use std::fmt::Write;

use super::layout::{layout, Place};
use crate::lifecycle::Status;

/// One spec to draw.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// `ready`, `blocked`, `in_progress`, … (what `list` shows).
    pub state: &'a str,
}

/// Where the boxes link: `<link_base><id>.html` (`specs/` for the site's spec pages).
#[derive(Debug, Clone)]
pub struct Links<'a> {
    pub base: &'a str,
}

impl Default for Links<'_> {
    fn default() -> Self {
        Links { base: "specs/" }
    }
}

const BOX_W: usize = 220;
const BOX_H: usize = 46;
const GAP_X: usize = 24;
const GAP_Y: usize = 60;
const MARGIN: usize = 16;
/// Characters of a title that fit in a box at the font size used.
const TITLE_CHARS: usize = 30;

/// Fill and text colours of a state (`ready` and `blocked` for a pending spec, else its
/// status); an unknown one is white.
pub fn colours(state: &str) -> (&'static str, &'static str) {
    match (state, Status::of(state)) {
        ("ready", _) => ("#d9f2d9", "#1e5c1e"),
        ("blocked", _) => ("#e6e6e6", "#444444"),
        (_, Status::InProgress) => ("#d6e6fa", "#123f7a"),
        (_, Status::Paused) => ("#fbf0c8", "#6b5200"),
        (_, Status::NeedsAttention) => ("#fde0c2", "#7a3a00"),
        (_, Status::Completed) => ("#b8dcc8", "#0f4025"),
        (_, Status::Failed) => ("#f8d0d0", "#7a1010"),
        (_, Status::Cancelled) => ("#f2f2f2", "#777777"),
        _ => ("#ffffff", "#222222"),
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` as entities, and the control characters XML 1.0
/// cannot hold at all (all but tab, line feed, carriage return) as U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The SVG of `nodes` and `edges` (`(dependency, dependent)` indices into `nodes`).
pub fn render(nodes: &[Node<'_>], edges: &[(usize, usize)], links: &Links<'_>) -> String {
    let places = layout(nodes.len(), edges);
    let columns = places.iter().map(|p| p.slot + 1).max().unwrap_or(0);
    let rows = places.iter().map(|p| p.layer + 1).max().unwrap_or(0);
    let width = 2 * MARGIN + columns * (BOX_W + GAP_X);
    let height = 2 * MARGIN + rows * (BOX_H + GAP_Y);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#666666\"/></marker></defs>\n"
    );
    out.push_str("<g class=\"edges\">\n");
    for &(dep, dependent) in edges {
        let (Some(a), Some(b)) = (places.get(dep), places.get(dependent)) else {
            continue;
        };
        let ((x1, y1), (x2, y2)) = (bottom(a), top(b));
        let bend = GAP_Y / 2;
        let _ = writeln!(
            out,
            "<path class=\"edge\" data-from=\"{}\" data-to=\"{}\" d=\"M{x1},{y1} C{x1},{} {x2},{} {x2},{y2}\" fill=\"none\" stroke=\"#666666\" marker-end=\"url(#arrow)\"/>",
            escape(nodes[dep].id),
            escape(nodes[dependent].id),
            y1 + bend,
            y2.saturating_sub(bend)
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (node, place) in nodes.iter().zip(&places) {
        let (x, y) = corner(place);
        let (fill, ink) = colours(node.state);
        let href = escape(&format!("{}{}.html", links.base, node.id));
        let _ = writeln!(
            out,
            "<a href=\"{href}\"><g class=\"node\" data-id=\"{id}\" data-state=\"{state}\"><title>{id}: {title} ({state})</title>\
             <rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"{fill}\" stroke=\"{ink}\"/>\
             <text x=\"{tx}\" y=\"{}\" fill=\"{ink}\" font-weight=\"bold\">{id}</text>\
             <text x=\"{tx}\" y=\"{}\" fill=\"{ink}\">{short}</text></g></a>",
            y + 18,
            y + 36,
            id = escape(node.id),
            state = escape(node.state),
            title = escape(node.title),
            short = escape(&crate::ops::activity::fit(node.title, TITLE_CHARS)),
            tx = x + 8,
        );
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn corner(p: &Place) -> (usize, usize) {
    (
        MARGIN + p.slot * (BOX_W + GAP_X),
        MARGIN + p.layer * (BOX_H + GAP_Y),
    )
}

fn top(p: &Place) -> (usize, usize) {
    let (x, y) = corner(p);
    (x + BOX_W / 2, y)
}

fn bottom(p: &Place) -> (usize, usize) {
    let (x, y) = corner(p);
    (x + BOX_W / 2, y + BOX_H)
}

#[cfg(test)]
mod tests {
    use super::{escape, render, Links, Node};

    #[test]
    fn spec_text_is_escaped_everywhere() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1}b"), "a\u{fffd}b");
        let nodes = [Node {
            id: "x",
            title: "<script>alert(1)</script>",
            state: "ready",
        }];
        let svg = render(&nodes, &[], &Links { base: "p/\"" });
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("href=\"p/&quot;x.html\""));
    }
}
