//! `git chant dag`: the dependency graph as an indented tree, Graphviz dot or SVG.

use std::collections::{BTreeMap, HashMap, HashSet};

use clap::{Args, ValueEnum};

use super::Ctx;
use crate::draw::svg::{render, Links, Node};
use crate::error::Error;
use crate::exit::Exit;
use crate::lifecycle::SpecSummary;
use crate::store::index::Index;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Dot,
    Svg,
}

/// Print the dependency graph of the live specs: each spec under the specs it depends on.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant dag\n  git chant dag --format dot | dot -Tsvg > specs.svg\n  git chant dag --format svg > specs.svg"
)]
pub struct DagArgs {
    /// `text` (an indented tree), `dot` (Graphviz) or `svg` (laid out in layers here, each
    /// spec coloured by state and linked to `specs/<id>.html`).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(ctx: &Ctx, args: DagArgs) -> Result<Exit, Error> {
    let (_, index) = ctx.index()?;
    let live: Vec<&SpecSummary> = index.specs.iter().filter(|s| !s.archived).collect();
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in &live {
        for dep in &s.depends_on {
            dependents
                .entry(dep.as_str())
                .or_default()
                .push(s.id.as_str());
        }
    }
    let text = match args.format {
        Format::Dot => dot(&live),
        Format::Svg => svg(&index, &live),
        Format::Text => {
            let mut text = String::new();
            let mut shown = HashSet::new();
            let roots = live.iter().filter(|s| {
                s.depends_on
                    .iter()
                    .all(|d| index.get(d).is_none_or(|x| x.archived))
            });
            for root in roots {
                tree(
                    &index,
                    &dependents,
                    root.id.as_str(),
                    "",
                    "",
                    &mut shown,
                    &mut text,
                );
            }
            // Specs only reachable through a cycle have no root: show them too.
            for s in &live {
                if !shown.contains(s.id.as_str()) {
                    tree(
                        &index,
                        &dependents,
                        s.id.as_str(),
                        "",
                        "",
                        &mut shown,
                        &mut text,
                    );
                }
            }
            text
        }
    };
    ctx.ui.text(&text)?;
    Ok(Exit::Ok)
}

fn tree<'a>(
    index: &'a Index,
    dependents: &BTreeMap<&str, Vec<&'a str>>,
    id: &'a str,
    lead: &str,
    branch: &str,
    shown: &mut HashSet<&'a str>,
    out: &mut String,
) {
    let (status, title) = index
        .get(id)
        .map_or(("?", ""), |s| (s.status.as_str(), s.title.as_str()));
    if !shown.insert(id) {
        out.push_str(&format!("{lead}{branch}{id} [{status}] (see above)\n"));
        return;
    }
    out.push_str(&format!("{lead}{branch}{id} [{status}] {title}\n"));
    let children = dependents.get(id).cloned().unwrap_or_default();
    let next_lead = format!(
        "{lead}{}",
        match branch {
            "" => "",
            "└── " => "    ",
            _ => "│   ",
        }
    );
    for (i, child) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        tree(
            index,
            dependents,
            child,
            &next_lead,
            if last { "└── " } else { "├── " },
            shown,
            out,
        );
    }
}

/// One node per live spec, one edge per dependency on a live spec.
fn svg(index: &Index, live: &[&SpecSummary]) -> String {
    let rows = crate::ops::query::rows(index, live.iter().copied());
    let at: HashMap<&str, usize> = live
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let nodes: Vec<Node<'_>> = rows
        .iter()
        .map(|r| Node {
            id: &r.spec.id,
            title: &r.spec.title,
            state: r.state(),
        })
        .collect();
    let edges: Vec<(usize, usize)> = live
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.depends_on
                .iter()
                .filter_map(|d| at.get(d.as_str()))
                .map(move |&d| (d, i))
        })
        .collect();
    render(&nodes, &edges, &Links::default())
}

fn dot(live: &[&SpecSummary]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from("digraph chant {\n  rankdir=LR;\n");
    for s in live {
        // `\n` inside a dot string is a line break in the label.
        let label = format!("{}\\n{}", s.id, s.status);
        out.push_str(&format!("  {} [label=\"{label}\"];\n", quote(&s.id)));
    }
    for s in live {
        for dep in &s.depends_on {
            out.push_str(&format!("  {} -> {};\n", quote(dep), quote(&s.id)));
        }
    }
    out.push_str("}\n");
    out
}
