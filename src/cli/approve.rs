//! `git chant approve` and `reject`: a decision on a spec's approval, by your git identity
//! (the work is `ops::approval`).

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::approval::{self, Decided, RejectAction};

/// Approve a spec, as your git identity.
///
/// Records `approval.status: approved`, `approval.by` (your git committer identity, `Name
/// <email>`, as git would sign a commit: GIT_COMMITTER_NAME/EMAIL, then user.name and
/// user.email) and `approval.at`, and appends `**Name** - YYYY-MM-DD HH:MM - APPROVED` to
/// the spec's `## Approval Discussion`, in one ledger commit you are the committer of, with
/// an `approved` event. With `git config chant.signApprovals true` git signs that commit
/// (`gpg.format`, `user.signingkey`). There is no option naming the approver.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant approve 003\n  git chant approve 003 --comment \"Looks good; ship it\"\n  git config chant.signApprovals true   sign approval commits the way git signs commits"
)]
pub struct ApproveArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// A comment, written under the discussion entry.
    #[arg(long, value_name = "TEXT")]
    comment: Option<String>,
    /// The report as JSON (`id`, `status`, `by`, `changed`, `signed`).
    #[arg(long)]
    json: bool,
}

/// Reject a spec, as your git identity, and say why.
///
/// Records `approval.status: rejected` with `by` and `at` as `approve` does, and appends
/// `**Name** - YYYY-MM-DD HH:MM - REJECTED` and the reason to `## Approval Discussion`. A
/// rejected spec is blocked until approved. `--action dependency` also creates a fix spec
/// the rejected one then depends on; `--action group` makes the spec a driver whose members
/// `<id>.1…N` take its acceptance criteria, one each (upstream's `rejection_action`). All in
/// one ledger commit.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant reject 003 --reason \"Needs a migration plan\"\n  git chant reject 003 --reason \"Fix the tests first\" --action dependency\n  git chant reject 003 --reason \"Too big for one run\" --action group"
)]
pub struct RejectArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// Why: written under the discussion entry.
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// What else the rejection does.
    #[arg(long, value_enum, default_value_t = RejectAction::Manual)]
    action: RejectAction,
    /// The report as JSON (`id`, `status`, `by`, `changed`, `signed`, `fix`, `members`).
    #[arg(long)]
    json: bool,
}

pub fn approve(ctx: &Ctx, args: ApproveArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let done = approval::approve(store, &args.id, args.comment.as_deref())?;
    report(ctx, &done, args.json)
}

pub fn reject(ctx: &Ctx, args: RejectArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let done = approval::reject(store, &args.id, &args.reason, args.action)?;
    report(ctx, &done, args.json)
}

fn report(ctx: &Ctx, done: &Decided, json: bool) -> Result<Exit, Error> {
    if json {
        ctx.ui.json(done)?;
        return Ok(Exit::Ok);
    }
    let id = &done.id;
    if !done.changed {
        ctx.ui
            .line(&format!("{id}: already approved by {}", done.by))?;
        return Ok(Exit::Ok);
    }
    let signed = if done.signed { " (signed)" } else { "" };
    ctx.ui
        .line(&format!("{id}: {} by {}{signed}", done.status, done.by))?;
    if let Some(fix) = &done.fix {
        ctx.ui
            .line(&format!("{id}: now depends on the fix spec {fix}"))?;
    }
    if !done.members.is_empty() {
        ctx.ui.line(&format!(
            "{id}: now a driver of {}",
            done.members.join(", ")
        ))?;
    }
    Ok(Exit::Ok)
}
