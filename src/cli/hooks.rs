//! `git chant hooks install | uninstall | status`: the hook shims.

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::hooks::install::{self, Action, CLIENT_HOOKS, SERVER_HOOKS};

/// Install, remove or inspect the git hooks.
///
/// Manage the git hooks that let commits advance specs (commit-msg, post-commit,
/// post-rewrite), or the server's pre-receive check with --server. Existing hook content is
/// kept and still runs; core.hooksPath is honoured.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant hooks install\n  git chant hooks status\n  git -C /srv/git/project.git chant hooks install --server"
)]
pub struct HooksArgs {
    #[command(subcommand)]
    action: HooksAction,
}

#[derive(Debug, Subcommand)]
enum HooksAction {
    /// Add the shims (installing twice changes nothing).
    #[command(
        after_help = "Examples:\n  git chant hooks install\n  git -C /srv/git/project.git chant hooks install --server   also sets receive.fsckObjects"
    )]
    Install(Which),
    /// Remove the shims, leaving the rest of each hook as it was.
    #[command(
        after_help = "Examples:\n  git chant hooks uninstall\n  git chant hooks uninstall --server"
    )]
    Uninstall(Which),
    /// What a shim runs: the hook's work (hidden; the shims call it).
    #[command(hide = true)]
    Run(super::hook::HookArgs),
    /// Show what is installed where, and whether the hooks will find git-chant.
    #[command(
        after_help = "Examples:\n  git chant hooks status\n  git chant hooks status --server"
    )]
    Status(Which),
}

#[derive(Debug, Args)]
struct Which {
    /// The server-side pre-receive hook instead of the client hooks.
    #[arg(long)]
    server: bool,
}

pub fn run(ctx: &Ctx, args: HooksArgs) -> Result<Exit, Error> {
    // Before anything opens the repository: a hook's work opens it its own way.
    if let HooksAction::Run(hook) = args.action {
        return super::hook::run(ctx, hook);
    }
    let store = ctx.store()?;
    let dir = install::hooks_dir(store);
    let names = match &args.action {
        HooksAction::Install(w) | HooksAction::Uninstall(w) | HooksAction::Status(w)
            if w.server =>
        {
            SERVER_HOOKS
        }
        _ => CLIENT_HOOKS,
    };
    match args.action {
        HooksAction::Install(w) => {
            if w.server && store.ensure_server_config()? {
                ctx.ui.line("receive.fsckObjects: set to true")?;
            }
            for (name, action) in install::install(&dir, names)? {
                let what = match action {
                    Action::Created => "installed",
                    Action::Added => "added to the existing hook",
                    _ => "already installed",
                };
                ctx.ui
                    .line(&format!("{name}: {what} ({})", dir.join(&name).display()))?;
            }
            warn_if_not_on_path(ctx);
        }
        HooksAction::Uninstall(_) => {
            for (name, action) in install::uninstall(&dir, names)? {
                let what = if action == Action::Removed {
                    "removed"
                } else {
                    "was not installed"
                };
                ctx.ui.line(&format!("{name}: {what}"))?;
            }
        }
        HooksAction::Run(_) => {} // returned above
        HooksAction::Status(_) => {
            ctx.ui
                .line(&format!("hooks directory: {}", dir.display()))?;
            for (name, installed, executable) in install::status(&dir, names) {
                let state = match (installed, executable) {
                    (true, true) => "installed",
                    (true, false) => "installed, but not executable (chmod +x it)",
                    (false, _) => "not installed",
                };
                ctx.ui.line(&format!("  {name}: {state}"))?;
            }
            match install::find_on_path(std::env::var_os("PATH").as_deref()) {
                Some(path) => ctx.ui.line(&format!("git-chant on PATH: {}", path.display()))?,
                None => ctx.ui.line(
                    "git-chant on PATH: not found: the client hooks let commits through unrecorded (cargo install --path .)",
                )?,
            }
        }
    }
    Ok(Exit::Ok)
}

fn warn_if_not_on_path(ctx: &Ctx) {
    if install::find_on_path(std::env::var_os("PATH").as_deref()).is_none() {
        ctx.ui.warn("warning: git-chant is not on PATH, so the hooks cannot run it; install it with `cargo install --path .`");
    }
}
