//! Git hooks: installing the shims, and the client handlers that advance specs when a
//! commit names them.

pub mod client;
pub mod install;
pub mod message;
