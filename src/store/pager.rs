//! Paging long output on a terminal the way git does: the pager git would use (see
//! [`git_cli::pager`]), run through the shell with `LESS=FRX` and `LV=-c` unless they are
//! set, and never when stdout is not a terminal (a pipe or a file gets the text as is).

use std::io::{IsTerminal, Write};
use std::process::{Child, Command, Stdio};

use super::{git_cli, Store};

/// A running pager reading what we write.
pub struct Pager {
    child: Child,
}

impl Pager {
    /// Starts the pager when stdout is a terminal and git names one; `None` otherwise (or
    /// when it cannot be started), and the caller writes to stdout itself.
    pub fn start(store: &Store) -> Option<Pager> {
        if !std::io::stdout().is_terminal() {
            return None;
        }
        let pager = git_cli::pager(store)?;
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(&pager).stdin(Stdio::piped());
        // git's PAGER_ENV: quit if one screen, keep colour codes, do not clear the screen.
        for (key, value) in [("LESS", "FRX"), ("LV", "-c")] {
            if std::env::var_os(key).is_none() {
                cmd.env(key, value);
            }
        }
        cmd.env("GIT_PAGER_IN_USE", "true");
        let child = cmd.spawn().ok()?;
        // Ctrl-C reaches the pager too, which stays: we must stay with it (and so must the
        // `git` that started us) rather than hand the terminal back while it still reads it.
        let _ = ctrlc::set_handler(|| {});
        Some(Pager { child })
    }

    /// Writes `bytes` to the pager; a pager that quit early (`q` in less) is not an error.
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let Some(input) = self.child.stdin.as_mut() else {
            return Ok(());
        };
        match input.write_all(bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.child.stdin = None;
                Ok(())
            }
            other => other,
        }
    }

    /// Closes the pager's input and waits until the user leaves it.
    pub fn finish(mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
