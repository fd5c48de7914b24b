//! The tool set: each tool's name, one-line description, behaviour hints, schemas and the
//! handler that runs it, in the one order `tools/list` always gives.

use serde_json::{json, Value};

use super::{calls, outputs, schemas, writes};
use crate::error::Error;

/// Why a call failed: arguments its schema refuses (-32602), or the operation's own error
/// (a result with `isError`, the message and help the command line prints).
#[derive(Debug)]
pub enum Fail {
    Args(String),
    Op(Error),
}

impl<E: Into<Error>> From<E> for Fail {
    fn from(e: E) -> Fail {
        Fail::Op(e.into())
    }
}

/// The MCP tool annotations, set truthfully: a read-only tool changes nothing; a
/// destructive one may overwrite or remove; an idempotent one called again with the same
/// arguments changes nothing more; an open-world one reaches past this repository (a
/// remote, an agent).
#[derive(Debug, Clone, Copy)]
pub struct Hints {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

const READ: Hints = Hints {
    read_only: true,
    destructive: false,
    idempotent: true,
    open_world: false,
};

const fn writes(destructive: bool, idempotent: bool, open_world: bool) -> Hints {
    Hints {
        read_only: false,
        destructive,
        idempotent,
        open_world,
    }
}

pub struct Tool {
    pub name: &'static str,
    pub description: &'static str,
    pub hints: Hints,
    pub input: fn() -> Value,
    pub output: fn() -> Value,
    pub call: fn(Value) -> Result<Value, Fail>,
}

/// Every tool, in the order `tools/list` gives them.
pub const TOOLS: &[Tool] = &[
    Tool {
        name: "list",
        description: "List specs (id, title, status, type, labels, depends_on, ready, criteria, claim), filtered, paged.",
        hints: READ,
        input: schemas::list_in,
        output: outputs::list_out,
        call: calls::list,
    },
    Tool {
        name: "show",
        description: "One spec: frontmatter, body, readiness and blockers, numbered criteria, members, events.",
        hints: READ,
        input: schemas::one_in,
        output: outputs::show_out,
        call: calls::show,
    },
    Tool {
        name: "ready",
        description: "Specs ready to start, in dependency order; claim takes one.",
        hints: READ,
        input: schemas::ready_in,
        output: outputs::specs_out,
        call: calls::ready,
    },
    Tool {
        name: "status",
        description: "Counts per status, and which specs are ready, in progress, paused, need attention, failed or stale.",
        hints: READ,
        input: schemas::repo_in,
        output: outputs::status_out,
        call: calls::status,
    },
    Tool {
        name: "search",
        description: "Specs, live and archived, whose title or body contains a text.",
        hints: READ,
        input: schemas::search_in,
        output: outputs::specs_out,
        call: calls::search,
    },
    Tool {
        name: "add",
        description: "Add a spec (status pending); returns its id.",
        hints: writes(false, false, false),
        input: schemas::add_in,
        output: outputs::add_out,
        call: writes::add,
    },
    Tool {
        name: "update",
        description: "Change a spec in one write: set, add to or remove from fields; replace the body or append to a section.",
        hints: writes(true, false, false),
        input: schemas::update_in,
        output: outputs::written_out,
        call: writes::update,
    },
    Tool {
        name: "transition",
        description: "Move a spec through its lifecycle: start, done (criteria all ticked), fail, pause, cancel, reopen.",
        hints: writes(true, true, false),
        input: schemas::transition_in,
        output: outputs::transition_out,
        call: writes::transition,
    },
    Tool {
        name: "check",
        description: "Tick (or clear) acceptance criteria by number.",
        hints: writes(true, true, false),
        input: schemas::check_in,
        output: outputs::written_out,
        call: writes::check,
    },
    Tool {
        name: "lint",
        description: "Check specs against the quality rules; errors and warnings.",
        hints: READ,
        input: schemas::lint_in,
        output: outputs::lint_out,
        call: calls::lint,
    },
    Tool {
        name: "log",
        description: "A spec's history: ledger commits (operation, author, date) and its code commits with events.",
        hints: READ,
        input: schemas::one_in,
        output: outputs::log_out,
        call: calls::log,
    },
    Tool {
        name: "transcript",
        description: "An agent run's output, readable, by pages of about 8 KB.",
        hints: READ,
        input: schemas::transcript_in,
        output: outputs::transcript_out,
        call: calls::transcript,
    },
    Tool {
        name: "work",
        description: "Start agent runs in the background, each in its own worktree on chant/<id>; see runs.",
        hints: writes(false, false, true),
        input: schemas::work_in,
        output: outputs::work_out,
        call: writes::work,
    },
    Tool {
        name: "runs",
        description: "Agent runs on this machine: running, stale, and those work started (with outcomes).",
        hints: READ,
        input: schemas::repo_in,
        output: outputs::runs_out,
        call: calls::runs,
    },
    Tool {
        name: "merge",
        description: "Land completed specs' branches in their target branch.",
        hints: writes(true, true, true),
        input: schemas::merge_in,
        output: outputs::merge_out,
        call: writes::merge,
    },
    Tool {
        name: "claim",
        description: "Claim a spec (or the first ready one nobody holds) for a lease, pushed at once.",
        hints: writes(false, false, true),
        input: schemas::claim_in,
        output: outputs::claim_out,
        call: writes::claim,
    },
    Tool {
        name: "release",
        description: "Remove your claim on a spec, pushed at once.",
        hints: writes(true, true, true),
        input: schemas::release_in,
        output: outputs::claim_out,
        call: writes::release,
    },
];

pub fn find(name: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|t| t.name == name)
}

impl Tool {
    /// The tool as `tools/list` describes it.
    pub fn listing(&self) -> Value {
        let h = self.hints;
        // The destructive and idempotent hints mean something only for a tool that writes.
        let annotations = if h.read_only {
            json!({"readOnlyHint": true, "openWorldHint": h.open_world})
        } else {
            json!({
                "readOnlyHint": false,
                "destructiveHint": h.destructive,
                "idempotentHint": h.idempotent,
                "openWorldHint": h.open_world,
            })
        };
        json!({
            "name": self.name,
            "description": self.description,
            "inputSchema": (self.input)(),
            "outputSchema": (self.output)(),
            "annotations": annotations,
        })
    }
}
