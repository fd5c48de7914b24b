//! `dag --format svg`: parsed as XML, one node per live spec linked to its page and
//! coloured by state, one edge per dependency pointing down the layers, and spec text that
//! stays text (`<script>`, `&"'`).

use std::collections::HashMap;

use crate::harness::Repo;

const SCRIPT: &str = "<script>alert(1)</script>";
const QUOTES: &str = "Tom & Jerry's \"best\"";

/// A diamond (root <- left, right <- join), a chain hanging off it, a loner, a spec in
/// progress and one done.
fn ledger() -> Repo {
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.chant(&["add", SCRIPT, "--id", "root"]);
    repo.chant(&["add", QUOTES, "--id", "left", "--depends-on", "root"]);
    repo.chant(&[
        "add",
        "Right — side",
        "--id",
        "right",
        "--depends-on",
        "root",
    ]);
    let join = [
        "add",
        "Join",
        "--id",
        "join",
        "--depends-on",
        "left",
        "--depends-on",
        "right",
    ];
    repo.chant(&join);
    repo.chant(&["add", "After join", "--id", "tail", "--depends-on", "join"]);
    repo.chant(&["add", "Alone", "--id", "alone"]);
    repo.chant(&["add", "Busy", "--id", "busy"]);
    repo.chant(&["start", "busy"]);
    repo.chant(&["add", "Gone", "--id", "gone"]);
    repo.chant(&["cancel", "gone"]);
    repo
}

#[test]
fn one_node_per_spec_and_one_edge_per_dependency() {
    let repo = ledger();
    let svg = repo.chant(&["dag", "--format", "svg"]);
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let list = repo.list_json(&[]);

    let nodes: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("node"))
        .collect();
    assert_eq!(nodes.len(), list.len());
    let mut top_of: HashMap<String, f64> = HashMap::new();
    let mut fill_of: HashMap<String, String> = HashMap::new();
    for want in &list {
        let id = want["id"].as_str().unwrap();
        let node = nodes
            .iter()
            .find(|n| n.attribute("data-id") == Some(id))
            .unwrap_or_else(|| panic!("no node for {id}"));
        let state = match (
            want["status"].as_str().unwrap(),
            want["ready"].as_bool().unwrap(),
        ) {
            ("pending", true) => "ready",
            ("pending", false) => "blocked",
            (other, _) => other,
        };
        assert_eq!(node.attribute("data-state"), Some(state), "{id}");
        // Linked to the site's page of the spec.
        let link = node.parent_element().unwrap();
        assert_eq!(link.tag_name().name(), "a");
        assert_eq!(
            link.attribute("href"),
            Some(format!("specs/{id}.html").as_str())
        );
        // The full title, as text.
        let title = node
            .children()
            .find(|c| c.tag_name().name() == "title")
            .and_then(|t| t.text())
            .unwrap();
        assert!(title.contains(want["title"].as_str().unwrap()), "{title}");
        let rect = node
            .children()
            .find(|c| c.tag_name().name() == "rect")
            .unwrap();
        top_of.insert(id.to_owned(), rect.attribute("y").unwrap().parse().unwrap());
        fill_of.insert(state.to_owned(), rect.attribute("fill").unwrap().to_owned());
    }
    // Each state its own colour.
    let mut fills: Vec<&String> = fill_of.values().collect();
    fills.sort();
    fills.dedup();
    assert_eq!(fills.len(), fill_of.len(), "{fill_of:?}");

    let edges: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("edge"))
        .map(|n| {
            (
                n.attribute("data-from").unwrap().to_owned(),
                n.attribute("data-to").unwrap().to_owned(),
            )
        })
        .collect();
    let mut want: Vec<(String, String)> = list
        .iter()
        .flat_map(|s| {
            let id = s["id"].as_str().unwrap().to_owned();
            s["depends_on"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |d| (d.as_str().unwrap().to_owned(), id.clone()))
        })
        .collect();
    let mut got = edges.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(got.len(), 5);
    // Longest-path layers: every dependency sits above what depends on it, and `tail`
    // three layers below `root`.
    for (dep, dependent) in &edges {
        assert!(top_of[dep] < top_of[dependent], "{dep} -> {dependent}");
    }
    assert!(top_of["root"] < top_of["left"] && top_of["left"] < top_of["join"]);
    assert_eq!(top_of["left"], top_of["right"]);
    assert!(top_of["join"] < top_of["tail"]);
}

#[test]
fn spec_text_never_becomes_markup() {
    let repo = ledger();
    let svg = repo.chant(&["dag", "--format", "svg"]);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(svg.contains("Tom &amp; Jerry&apos;s &quot;best&quot;"));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let elements: Vec<&str> = doc
        .descendants()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect();
    for name in &elements {
        assert!(
            ["svg", "defs", "marker", "path", "g", "a", "title", "rect", "text"].contains(name),
            "unexpected element {name}"
        );
    }
}
