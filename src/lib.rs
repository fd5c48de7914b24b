//! git chant keeps AI-agent work specs inside git: specs are blobs on `refs/chant/specs`,
//! status events are notes on the commits that did the work, and `git chant …` reads and
//! advances that state without touching the working tree, the index or HEAD.
//!
//! The library takes its inputs explicitly; `src/main.rs` and `src/cli/` are thin layers
//! over it, so tests call the same functions the commands do.

pub mod cli;
pub mod clock;
pub mod diag;
pub mod draw;
pub mod error;
pub mod escape;
pub mod exit;
pub mod files;
pub mod hooks;
pub mod lifecycle;
pub mod lint;
pub mod mcp;
pub mod merge;
pub mod notes;
pub mod ops;
pub mod session;
pub mod setup;
pub mod site;
pub mod spec;
pub mod store;
pub mod unified;
pub mod work;
