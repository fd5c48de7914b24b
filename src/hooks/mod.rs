//! Git hooks: installing the shims, reading what a commit message names, and the
//! server-side validator of pushes. What the client hooks write is `ops::record`.

pub mod install;
pub mod message;
pub mod server;
