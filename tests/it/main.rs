//! The integration tests: one binary, one module per area. Commands run as real processes
//! of the built `git-chant` binary.

mod cli;
mod clone;
mod concurrency;
mod edit;
mod everyday;
mod fmt;
mod harness;
mod hooks;
mod import;
mod input;
mod ledger;
mod ledger_merge_props;
mod lifecycle;
mod merge_props;
mod messages;
mod pipes;
mod server;
mod show;
mod spec_props;
mod sync;
mod trust_client;
mod trust_server;
mod validator_props;
mod work;

use std::path::PathBuf;

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Sorted files of one fixtures folder.
pub fn fixture_files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// A `git-chant` command with a hermetic environment: no colour, UTC.
pub fn chant() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_git-chant"));
    cmd.env("NO_COLOR", "1").env("TZ", "UTC");
    cmd
}
