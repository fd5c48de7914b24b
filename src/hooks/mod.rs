//! Git hooks: installing the shims, the client handlers that advance specs when a commit
//! names them, and the server-side validator of pushes.

pub mod client;
pub mod install;
pub mod message;
pub mod server;
