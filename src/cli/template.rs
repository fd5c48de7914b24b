//! `git chant template list | show`: the ledger's spec templates and their variables.

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::template::{self, TemplateInfo};

/// List the ledger's spec templates, or show one.
///
/// Spec templates are the ledger's templates/<name>.md (upstream's .chant/templates/,
/// carried by `import` and `export`): frontmatter declaring `variables` (name,
/// description, required, default) and the new spec's fields, and a body with `{{name}}`
/// placeholders. `git chant add <title> --template <name> --var k=v` makes a spec of one.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant template list\n  git chant template show feature --json"
)]
pub struct TemplateArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Every template: its name, description and variables.
    #[command(
        after_help = "Examples:\n  git chant template list\n  git chant template list --json"
    )]
    List {
        /// A JSON array of templates (`name`, `path`, `description`, `variables`, `problem`).
        #[arg(long)]
        json: bool,
    },
    /// One template: its variables and body.
    #[command(
        after_help = "Examples:\n  git chant template show feature\n  git chant template show feature --json"
    )]
    Show {
        /// The template's name (templates/<NAME>.md).
        name: String,
        /// The template as JSON (`name`, `path`, `description`, `variables`, `body`).
        #[arg(long)]
        json: bool,
    },
}

fn variables(info: &TemplateInfo, text: &mut String) {
    for v in &info.variables {
        let mut line = format!("  {}", v.name);
        if v.required {
            line.push_str(" (required)");
        }
        if let Some(default) = &v.default {
            line.push_str(&format!(" [default: {default}]"));
        }
        if !v.description.is_empty() {
            line.push_str(&format!("  {}", v.description));
        }
        text.push_str(&line);
        text.push('\n');
    }
}

pub fn run(ctx: &Ctx, args: TemplateArgs) -> Result<Exit, Error> {
    let store = ctx.store()?;
    match args.action {
        Action::List { json } => {
            let all = template::list(store)?;
            if json {
                return ctx.ui.json(&all).map(|_| Exit::Ok);
            }
            let mut text = String::new();
            for info in &all {
                match &info.problem {
                    Some(why) => text.push_str(&format!("{}  (broken: {why})\n", info.name)),
                    None if info.description.is_empty() => {
                        text.push_str(&format!("{}\n", info.name))
                    }
                    None => text.push_str(&format!("{}  {}\n", info.name, info.description)),
                }
                variables(info, &mut text);
            }
            if all.is_empty() {
                text.push_str("no templates (add templates/<name>.md to the ledger, or `git chant import` upstream's)\n");
            }
            ctx.ui.text(&text)?;
        }
        Action::Show { name, json } => {
            let info = template::show(store, &name)?;
            if json {
                return ctx.ui.json(&info).map(|_| Exit::Ok);
            }
            let mut text = format!("{}  {}\n", info.path, info.description);
            text.push_str("variables:\n");
            variables(&info, &mut text);
            text.push('\n');
            text.push_str(info.body.as_deref().unwrap_or_default());
            ctx.ui.text(&text)?;
        }
    }
    Ok(Exit::Ok)
}
