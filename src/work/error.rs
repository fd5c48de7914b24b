//! Why `work` could not start an agent, raised where the run is set up; why `verify` or
//! `split` refused a spec or the agent's answer.

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

    #[error("{id} is {status}: only a completed spec is verified")]
    #[diagnostic(
        code(chant::verify::not_completed),
        help("finish it first (`git chant work {id}`, or `git chant done {id}`); `git chant verify --all` verifies every completed spec")
    )]
    NotVerifiable { id: String, status: String },

    #[error("{id} has no landed commit and no `commits:` to verify")]
    #[diagnostic(
        code(chant::verify::no_commit),
        help("land its work (`git chant merge {id}`), or record its commit (`git chant set {id} commits --add <rev>`)")
    )]
    NothingToVerify { id: String },

    #[error("{id}: the agent's {ask} answer cannot be read: {why}")]
    #[diagnostic(
        code(chant::ask::unreadable),
        help("nothing in the spec changed; the transcript is kept on commit {kept} (`git chant transcript {id}`); fix the ledger's `prompts/{ask}.md` or the agent, and run it again")
    )]
    Unreadable {
        id: String,
        ask: &'static str,
        why: String,
        kept: String,
    },

    #[error("{id}: the agent ended with {how} before answering")]
    #[diagnostic(
        code(chant::ask::agent_failed),
        help("nothing in the spec changed; the transcript is kept on commit {kept} (`git chant transcript {id}`)")
    )]
    AgentFailed {
        id: String,
        how: String,
        kept: String,
    },

    #[error("{id} cannot be split: {why}")]
    #[diagnostic(code(chant::split::refused), help("{help}"))]
    NotSplittable {
        id: String,
        why: String,
        help: String,
    },

    #[error("{id}: the split answer is refused: {why}")]
    #[diagnostic(
        code(chant::split::bad_answer),
        help("nothing was written; the answer is kept in {} (and its transcript on commit {kept}); `git chant split {id}` asks again", path.display())
    )]
    BadSplit {
        id: String,
        why: String,
        path: std::path::PathBuf,
        kept: String,
    },
}

impl ExitCode for WorkError {
    fn exit(&self) -> Exit {
        match self {
            // An answer was checked and rejected.
            WorkError::Unreadable { .. } | WorkError::BadSplit { .. } => Exit::Validation,
            _ => Exit::User,
        }
    }
}
