//! `git chant mcp`: a Model Context Protocol server on stdio (newline-delimited JSON-RPC,
//! synchronous, on serde_json) whose tools call the same library operations as the
//! command line and return their reports as `structuredContent` (docs/MCP.md).

mod args;
mod calls;
mod outputs;
mod protocol;
mod schemas;
mod tools;
mod writes;

pub use protocol::{serve, Server};

/// The stateless revisions, whose requests name their version in `_meta`.
pub const MODERN: &[&str] = &["2026-07-28"];
/// The revisions negotiated by `initialize`, newest first (the answer to a version this
/// server does not speak).
pub const LEGACY: &[&str] = &["2025-11-25", "2025-06-18"];

/// What `initialize` and `server/discover` tell the model about this server.
pub fn instructions() -> String {
    let statuses = crate::spec::STATUSES.join(", ");
    format!(
        "git chant keeps work specs (markdown with YAML frontmatter) in this git repository. \
         Statuses: {statuses}; a pending spec is ready or blocked by its depends_on. \
         Typical loop: ready, claim (takes one), transition to start, work in the repository \
         committing as `chant(<id>): ...`, check criteria by the numbers show gives, \
         transition to done. Every tool takes `repo`, the repository's path."
    )
}
