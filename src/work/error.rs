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

    #[error("{id}: agent `{program}` not found on PATH")]
    #[diagnostic(
        code(chant::work::agent_not_found),
        help("install it, or set another agent: `git config chant.agent <claude|codex|gemini|command>` (or `--agent`); agent was `{agent}`; the spec is unchanged")
    )]
    AgentNotFound {
        id: String,
        program: String,
        agent: String,
    },

    #[error("{id}: the model `{model}` is not a model name")]
    #[diagnostic(
        code(chant::work::bad_model),
        help("a model is letters, digits and `._:/@-`, not starting with `-` (it is passed to the agent as a flag's value); fix it with `git chant set {id} model <name>`")
    )]
    BadModel { id: String, model: String },

    #[error("{id} has an agent running")]
    #[diagnostic(
        code(chant::work::running),
        help("`git chant tail {id}` follows it; `git chant takeover {id}` stops it first")
    )]
    Running { id: String },

    #[error("{id} has no worktree to continue in")]
    #[diagnostic(
        code(chant::work::no_worktree),
        help("`git chant work {id}` starts a new run (`git chant reset {id}` first if it is not pending)")
    )]
    NoWorktree { id: String },

    #[error("this repository has no commit yet: an agent's worktree starts from one")]
    #[diagnostic(
        code(chant::work::no_commit),
        help("make a first commit (`git commit --allow-empty -m init`), then run `git chant work` again")
    )]
    NoCommit,

    #[error("{count} specs are ready; `work` without ids runs at most {limit} unless told")]
    #[diagnostic(
        code(chant::work::too_many),
        help("pass `--limit N`, or `--all` to run every ready spec; `--dry-run` lists them")
    )]
    TooMany { count: usize, limit: usize },
}

impl ExitCode for WorkError {
    fn exit(&self) -> Exit {
        Exit::User
    }
}
