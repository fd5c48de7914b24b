//! `git chant status`: counts per status and what needs doing.

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::lifecycle::SpecSummary;
use crate::lifecycle::{self, Status};

/// Counts per status and what needs doing.
///
/// Counts of live specs per status, and which are ready, in progress, paused, need
/// attention or failed.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  git chant status\n  git chant status --json")]
pub struct StatusArgs {
    /// One JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    counts: BTreeMap<&'a str, usize>,
    ready: Vec<&'a str>,
    in_progress: Vec<&'a str>,
    paused: Vec<&'a str>,
    needs_attention: Vec<&'a str>,
    failed: Vec<&'a str>,
    /// In progress, but the run on this machine is gone (crash, reboot, killed `work`).
    stale: Vec<String>,
}

pub fn run(ctx: &Ctx, args: StatusArgs) -> Result<Exit, Error> {
    let (_, index) = ctx.index()?;
    let live: Vec<&SpecSummary> = index.specs.iter().filter(|s| !s.archived).collect();
    let mut counts = BTreeMap::new();
    for s in &live {
        *counts.entry(s.status.as_str()).or_default() += 1;
    }
    let with = |status: &str| {
        live.iter()
            .filter(|s| s.status == status)
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
    };
    let report = Report {
        ready: live
            .iter()
            .filter(|s| lifecycle::is_ready(s, |id| index.get(id)))
            .map(|s| s.id.as_str())
            .collect(),
        in_progress: with(Status::InProgress.as_str()),
        paused: with(Status::Paused.as_str()),
        needs_attention: with(Status::NeedsAttention.as_str()),
        failed: with(Status::Failed.as_str()),
        stale: crate::store::runs::stale(ctx.store()?)
            .into_iter()
            .filter(|id| {
                index
                    .get(id)
                    .is_some_and(|s| Status::InProgress.is(&s.status))
            })
            .collect(),
        counts,
    };
    if args.json {
        ctx.ui.json(&report)?;
    } else {
        let counts: Vec<String> = report
            .counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let mut text = format!("{} specs: {}\n", live.len(), counts.join(", "));
        for (label, status, ids) in [
            ("ready", "ready", &report.ready),
            (
                "in progress",
                Status::InProgress.as_str(),
                &report.in_progress,
            ),
            // tidy: labels
            ("paused", Status::Paused.as_str(), &report.paused),
            (
                "needs attention",
                Status::NeedsAttention.as_str(),
                &report.needs_attention,
            ),
            // tidy: labels
            ("failed", Status::Failed.as_str(), &report.failed),
        ] {
            if ids.is_empty() {
                continue;
            }
            text.push_str(&format!("\n{label} ({}):\n", ids.len()));
            for id in ids.iter().take(20) {
                let title = index.get(id).map_or("", |s| s.title.as_str());
                text.push_str(&format!("  {id:<24} {title}\n"));
            }
            if ids.len() > 20 {
                text.push_str(&format!(
                    "  … and {} more (git chant list --status {status})\n",
                    ids.len() - 20
                ));
            }
        }
        if !report.stale.is_empty() {
            text.push_str(&format!(
                "\nstale: in progress, but their runs are gone ({}):\n",
                report.stale.len()
            ));
            for id in &report.stale {
                text.push_str(&format!(
                    "  {id:<24} git chant resume {id}, or git chant reset {id}\n"
                ));
            }
        }
        ctx.ui.text(&text)?;
    }
    Ok(Exit::Ok)
}
