//! `git chant set`: change one frontmatter field.

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::{self, SetAction};

/// Set one frontmatter field, or add to / remove from a list field.
///
/// Set one frontmatter field, or add to / remove from a list field. A dotted name sets a
/// field inside a mapping (`approval.required`), creating the mapping. Validated: known
/// types, one-line list entries, dependencies that exist and make no cycle; status changes
/// go through the lifecycle commands, the title through `edit`. A value already there
/// writes nothing and says "unchanged".
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant set 003 model opus\n  git chant set 003 labels --add perf\n  git chant set 004 depends_on --add 003\n  git chant set 004 depends_on --remove 003\n  git chant set 003 approval.required true  a field inside a mapping\n  git chant set 003 priority 2            unknown keys are kept as written"
)]
pub struct SetArgs {
    /// The spec id (short forms resolve).
    id: String,
    /// The frontmatter key.
    field: String,
    /// The new value.
    #[arg(required_unless_present_any = ["add", "remove"], conflicts_with_all = ["add", "remove"])]
    value: Option<String>,
    /// Add this value to a list field.
    #[arg(long, conflicts_with = "remove")]
    add: Option<String>,
    /// Remove this value from a list field.
    #[arg(long)]
    remove: Option<String>,
    /// Store a value git chant does not know (e.g. an unknown type).
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Ctx, args: SetArgs) -> Result<Exit, Error> {
    let action = match (args.value, args.add, args.remove) {
        (Some(v), _, _) => SetAction::Value(v),
        (_, Some(v), _) => SetAction::Add(v),
        (_, _, Some(v)) => SetAction::Remove(v),
        // clap requires one of the three.
        (None, None, None) => return Ok(Exit::Usage),
    };
    let store = ctx.store()?;
    let written = ops::set(store, &args.id, &args.field, &action, args.force)?;
    let what = if written.changed {
        "updated"
    } else {
        "unchanged"
    };
    ctx.ui
        .line(&format!("{}: {} {what}", written.id, args.field))?;
    Ok(Exit::Ok)
}
