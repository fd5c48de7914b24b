//! `git chant claim` and `release`: say who works a spec, pushed at once so that no two
//! machines both think they do (the work is `ops::claim`).

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::claim::{self, ClaimReport, Outcome};
use crate::spec::claim::Lease;

/// `--lease`: a duration like 30m, 2h, 90s, 1d or 1h30m.
pub fn parse_lease(text: &str) -> Result<Lease, String> {
    Lease::parse(text)
}

/// Claim a spec for yourself, on every machine: recorded in the spec and pushed at once.
///
/// Writes `claim: {by, at, until}` (your git identity, now, now + the lease) and, when the
/// ledger has a remote (`origin`, or `--remote`), pushes it at once: the server moves its
/// ledger by compare-and-swap, so of two machines claiming together one push lands and
/// the other fetches, finds the first claim, drops its own (keeping every other change,
/// which it pushes) and exits 3 naming the holder. Someone else's unexpired claim is
/// refused (exit 3) unless `--force`; your own is renewed. Without a remote the claim is
/// local only, and says so.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant claim 003\n  git chant claim 003 --lease 30m\n  git chant claim 003 --force        take over someone else's claim\n  git config chant.claim.lease 4h    the default lease (2h without it)"
)]
pub struct ClaimArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// How long the claim lasts (30m, 2h, 90s, 1d, 1h30m); default `chant.claim.lease`,
    /// else 2h.
    #[arg(long, value_name = "DURATION", value_parser = parse_lease)]
    lease: Option<Lease>,
    /// Replace someone else's unexpired claim (recorded as forced; the server accepts it).
    #[arg(long)]
    force: bool,
    /// Push to this remote instead of origin.
    #[arg(long, value_name = "REMOTE")]
    remote: Option<String>,
    /// The report as JSON (`id`, `outcome`, `claim`, `replaced`, `remote`, `rounds`, …).
    #[arg(long)]
    json: bool,
}

/// Remove your claim on a spec, pushed at once.
///
/// Removes the spec's `claim` when it is yours (or its lease has ended; someone else's
/// unexpired claim only with `--force`) and pushes that like `claim` does.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant release 003\n  git chant release 003 --force      remove someone else's claim"
)]
pub struct ReleaseArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Remove someone else's unexpired claim (recorded as forced).
    #[arg(long)]
    force: bool,
    /// Push to this remote instead of origin.
    #[arg(long, value_name = "REMOTE")]
    remote: Option<String>,
    /// The report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn claim(ctx: &Ctx, args: ClaimArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let report = claim::claim(
        store,
        &args.id,
        args.lease,
        args.force,
        args.remote.as_deref(),
    )?;
    print(ctx, &report, args.json)
}

pub fn release(ctx: &Ctx, args: ReleaseArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let report = claim::release(store, &args.id, args.force, args.remote.as_deref())?;
    print(ctx, &report, args.json)
}

/// A claim report as text or JSON (shared with `ready --claim`).
pub fn print(ctx: &Ctx, report: &ClaimReport, json: bool) -> Result<Exit, Error> {
    if json {
        ctx.ui.json(report)?;
        return Ok(Exit::Ok);
    }
    let id = &report.id;
    for c in &report.lost {
        ctx.ui.warn(&format!(
            "{}: claimed first by {} (until {}); tried the next",
            c.id, c.claim.by, c.claim.until
        ));
    }
    for y in &report.yielded {
        ctx.ui.warn(&format!(
            "{}: {} claimed it on the remote first; your claim there was dropped",
            y.spec, y.kept.by
        ));
    }
    if let Some(old) = &report.replaced {
        ctx.ui.warn(&format!(
            "{id}: replaced the claim of {} (until {})",
            old.by, old.until
        ));
    }
    let place = match &report.remote {
        Some(remote) => format!("pushed to {remote}"),
        None => "local only: no remote to push to (add one, then `git chant sync`)".into(),
    };
    let line = match (report.outcome, &report.claim) {
        (Outcome::Claimed, Some(c)) => format!("claimed {id} until {} ({place})", c.until),
        (Outcome::Renewed, Some(c)) => format!("renewed {id} until {} ({place})", c.until),
        (Outcome::Released, None) => format!("released {id} ({place})"),
        (Outcome::Released, Some(c)) => format!(
            "released {id} ({place}); it is now claimed by {} until {}",
            c.by, c.until
        ),
        (Outcome::NotClaimed, _) => format!("{id}: not claimed, nothing to release"),
        (_, None) => format!("{id}: unchanged"),
    };
    ctx.ui.line(&line)?;
    Ok(Exit::Ok)
}
