//! Why `work` could not start an agent, raised where the run is set up.

use miette::Diagnostic;
use thiserror::Error;

use crate::exit::{Exit, ExitCode};

#[derive(Debug, Error, Diagnostic)]
pub enum WorkError {
    /// Neither `--agent` nor `git config chant.agent` names a command. `ledger_names` is
    /// what the ledger's config.md says, shown (escaped) and never run.
    #[error("no agent command configured")]
    #[diagnostic(
        code(chant::work::no_agent),
        help("{}pass `--agent <command>`, or `git config chant.agent <command>`", match ledger_names {
            Some(named) => format!("the ledger's config.md names agent `{}`, but git chant never runs a command from the ledger: set `git config chant.agent <command>` to run it. ", crate::escape::escape(named)),
            None => String::new(),
        })
    )]
    NoAgent { ledger_names: Option<String> },
}

impl ExitCode for WorkError {
    fn exit(&self) -> Exit {
        Exit::User
    }
}
