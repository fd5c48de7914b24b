//! `git chant status`: counts per status and what needs doing.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::lifecycle::Status;

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

/// How many ids of each group the text shows.
const SHOWN: usize = 20;

pub fn run(ctx: &Ctx, args: StatusArgs) -> Result<Exit, Error> {
    // The text shows 20 ids per group: only those are read; the JSON lists them all.
    let view = crate::ops::partial::status(ctx.store()?, SHOWN, args.json)?;
    let (live, report) = (view.live, &view.report);
    if args.json {
        ctx.ui.json(report)?;
    } else {
        let counts: Vec<String> = report
            .counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let mut text = format!("{live} specs: {}\n", counts.join(", "));
        let groups = [
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
        ];
        for ((label, status, ids), total) in groups.into_iter().zip(view.totals) {
            if total == 0 {
                continue;
            }
            text.push_str(&format!("\n{label} ({total}):\n"));
            for id in ids.iter().take(SHOWN) {
                let title = view.titles.get(id).map_or("", String::as_str);
                text.push_str(&format!("  {id:<24} {title}\n"));
            }
            if total > SHOWN {
                text.push_str(&format!(
                    "  … and {} more (git chant list --status {status})\n",
                    total - SHOWN
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
