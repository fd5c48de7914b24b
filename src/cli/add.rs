//! `git chant add`: create a spec and print its id.

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::{self, NewSpec};

/// Add a spec to the ledger and print its id.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant add \"Fix the race in the store\"\n  git chant add \"Phase 2\" --depends-on 001 --label bug --target src/store.rs\n  git chant add \"Root cause\" --id 003-root-cause --type research --body-file body.md\n  git chant add \"Split step\" --member-of 2026-01-20-002-drv\n  git chant add \"Add retries\" --template feature --var module=store\n  git chant add \"Drop the v1 API\" --needs-approval\n  echo '## Acceptance Criteria' | git chant add \"From stdin\" --body-file -"
)]
pub struct AddArgs {
    /// The title (the body's `# ` line).
    title: String,
    /// A hand-chosen id instead of a generated YYYY-MM-DD-SSS-RRR one.
    #[arg(long)]
    id: Option<String>,
    /// Spec type: code, task, driver, group, research, documentation (others need --force).
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// A spec this one depends on (short ids resolve); repeatable.
    #[arg(long = "depends-on", value_name = "ID")]
    depends_on: Vec<String>,
    /// A label; repeatable.
    #[arg(long = "label")]
    labels: Vec<String>,
    /// A file the work targets; repeatable.
    #[arg(long = "target", value_name = "PATH")]
    targets: Vec<String>,
    /// The prompt template to work it with.
    #[arg(long)]
    prompt: Option<String>,
    /// Create the next member `<driver>.N` of this driver spec.
    #[arg(long, value_name = "DRIVER", conflicts_with = "id")]
    member_of: Option<String>,
    /// The markdown body from a file, or `-` for stdin. A `# ` line in it must match the title.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// Store a type git chant does not know.
    #[arg(long)]
    force: bool,
    /// Ask for an approval before it can be worked (`git chant approve <id>` gives it).
    #[arg(long)]
    needs_approval: bool,
    /// Make the spec from the ledger's templates/<NAME>.md (see `git chant template list`).
    #[arg(long, value_name = "NAME", conflicts_with = "body_file")]
    template: Option<String>,
    /// A template variable, NAME=VALUE; repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", requires = "template")]
    vars: Vec<String>,
}

pub fn run(ctx: &Ctx, args: AddArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    let bound = crate::files::Limits::from_store(store).spec;
    let body = match &args.body_file {
        None => None,
        Some(path) => Some(super::read_text_arg(path, bound)?),
    };
    let mut new = NewSpec {
        title: args.title,
        id: args.id,
        kind: args.kind,
        depends_on: args.depends_on,
        labels: args.labels,
        target_files: args.targets,
        prompt: args.prompt,
        member_of: args.member_of,
        body,
        force: args.force,
        needs_approval: args.needs_approval,
        extra: Vec::new(),
    };
    if let Some(name) = &args.template {
        let vars = (args.vars.iter().map(|v| ops::template::parse_var(v)))
            .collect::<Result<Vec<_>, _>>()?;
        ops::template::apply(store, name, &vars, &mut new)?;
    }
    let id = ops::add(store, &new, &ops::today())?;
    ctx.ui.line(&id)?;
    Ok(Exit::Ok)
}
