//! Refusals of lifecycle operations, each naming the spec and the command that would help.

use miette::Diagnostic;
use thiserror::Error;

use crate::exit::{Exit, ExitCode};

#[derive(Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum LifecycleError {
    #[error("{id} is {from}: it cannot go to {to}")]
    #[diagnostic(
        code(chant::lifecycle::illegal),
        help("from {from} a spec may go to: {allowed}; `--force` overrides (the commit records it as forced)")
    )]
    Illegal {
        id: String,
        from: String,
        to: String,
        allowed: String,
    },

    #[error("{id} is already {status}")]
    #[diagnostic(
        code(chant::lifecycle::unchanged),
        help("`git chant show {id}` shows its state")
    )]
    Unchanged { id: String, status: String },

    #[error("{id} cannot start: {}", blockers.join("; "))]
    #[diagnostic(
        code(chant::lifecycle::blocked),
        help("finish what blocks it first (`git chant show {id}`), or start it anyway with `--force`")
    )]
    Blocked { id: String, blockers: Vec<String> },

    #[error("{id} cannot complete: {} of its acceptance criteria {} not ticked: {}", open.len(), if open.len() == 1 { "is" } else { "are" }, open.join("; "))]
    #[diagnostic(
        code(chant::lifecycle::open_criteria),
        help(
            "tick them with `git chant check {id} {}`, or complete it anyway with `--force`",
            numbers
        )
    )]
    OpenCriteria {
        id: String,
        open: Vec<String>,
        numbers: String,
    },

    #[error("driver {id} cannot complete: members still open: {}", members.join(", "))]
    #[diagnostic(
        code(chant::lifecycle::open_members),
        help("complete or cancel its members first, or complete it anyway with `--force`")
    )]
    OpenMembers { id: String, members: Vec<String> },

    #[error("{id} has {total} acceptance criteria: there is no criterion {number}")]
    #[diagnostic(
        code(chant::lifecycle::no_criterion),
        help("`git chant show {id}` lists them, numbered from 1")
    )]
    NoCriterion {
        id: String,
        number: usize,
        total: usize,
    },

    #[error("{id}: {why}")]
    #[diagnostic(code(chant::lifecycle::field), help("{help}"))]
    BadField {
        id: String,
        why: String,
        help: String,
    },

    #[error("depending on {dep} would make a cycle: {}", path.join(" -> "))]
    #[diagnostic(
        code(chant::lifecycle::cycle),
        help("a spec cannot depend, directly or not, on itself")
    )]
    Cycle { dep: String, path: Vec<String> },

    #[error("{id} is {status}: only completed or cancelled specs are archived")]
    #[diagnostic(
        code(chant::lifecycle::archive),
        help("finish or cancel it first, or archive it anyway with `--force`")
    )]
    NotFinished { id: String, status: String },
}

impl ExitCode for LifecycleError {
    fn exit(&self) -> Exit {
        Exit::User
    }
}
