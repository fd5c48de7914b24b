//! `git chant ready`: what can be worked now, in dependency order.

use std::collections::HashMap;

use clap::Args;

use crate::error::Error;
use crate::exit::Exit;
use crate::lifecycle;
use crate::store::index::Index;

use super::list::Item;

/// List the specs ready to be worked, in dependency order.
///
/// List the specs ready to be worked: pending, dependencies done, no pending approval.
/// Ordered by depth in the dependency graph, then id.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  git chant ready\n  git chant ready --json | jq -r '.[0].id'")]
pub struct ReadyArgs {
    /// A JSON array (the same objects as `list --json`).
    #[arg(long)]
    json: bool,
}

pub fn run(args: ReadyArgs) -> Result<Exit, Error> {
    let (_, index) = super::open_index()?;
    let depth = depths(&index);
    let mut ready: Vec<_> = index
        .specs
        .iter()
        .filter(|s| !s.archived && lifecycle::is_ready(s, |id| index.get(id)))
        .collect();
    ready.sort_by_key(|s| {
        (
            depth.get(s.id.as_str()).copied().unwrap_or(0),
            s.id.as_str(),
        )
    });
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let items: Vec<Item> = ready.iter().map(|s| Item::new(s, true)).collect();
        super::print_json(&mut out, &items)?;
    } else {
        for s in ready {
            super::print(
                &mut out,
                &format!("{:<24} {:<13} {}\n", s.id, s.kind, s.title),
            )?;
        }
    }
    super::flush(&mut out)?;
    Ok(Exit::Ok)
}

/// Length of the longest dependency chain below each spec (cycles count once).
fn depths(index: &Index) -> HashMap<&str, usize> {
    let mut depth: HashMap<&str, usize> = HashMap::new();
    for spec in &index.specs {
        let mut stack = vec![(spec.id.as_str(), false)];
        let mut on_path = std::collections::HashSet::new();
        while let Some((id, expanded)) = stack.pop() {
            if depth.contains_key(id) {
                continue;
            }
            let deps: Vec<&str> = index
                .get(id)
                .map(|s| s.depends_on.iter().map(String::as_str).collect())
                .unwrap_or_default();
            if expanded {
                let d = deps
                    .iter()
                    .filter_map(|d| depth.get(d))
                    .max()
                    .map_or(0, |m| m + 1);
                depth.insert(id, d);
                on_path.remove(id);
            } else if on_path.insert(id) {
                stack.push((id, true));
                stack.extend(
                    deps.into_iter()
                        .filter(|d| !on_path.contains(d))
                        .map(|d| (d, false)),
                );
            }
        }
    }
    depth
}
