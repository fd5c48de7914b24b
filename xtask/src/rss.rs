//! Peak memory of one child process: its maximum resident set size, read from the
//! `rusage` that `wait4` returns when the child is reaped (no `/usr/bin/time` needed).

use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `binary args` in `repo` (output discarded) and returns the child's peak RSS in
/// bytes, or `None` where `wait4` rusage is not available. An exit above 1 (1 is lint's
/// findings) is an error.
pub(crate) fn peak_rss(repo: &Path, binary: &Path, args: &[&str]) -> Result<Option<u64>, String> {
    let mut child = Command::new(binary)
        .current_dir(repo)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let peak = reap(pid, args);
    // Reaped by `wait4` on Linux already (this then reports ECHILD, ignored); elsewhere
    // this is the wait.
    let _ = child.wait();
    peak
}

#[cfg(target_os = "linux")]
fn reap(pid: libc::pid_t, args: &[&str]) -> Result<Option<u64>, String> {
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value (plain integers), which wait4 fills.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child that nothing has waited on yet, and both pointers
    // are to live locals of the right types.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(format!(
            "wait4 for git-chant {args:?}: {}",
            std::io::Error::last_os_error()
        ));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) > 1 {
        return Err(format!("git-chant {args:?} failed (wait status {status})"));
    }
    // Linux reports ru_maxrss in kilobytes.
    Ok(u64::try_from(usage.ru_maxrss).ok().map(|kb| kb * 1024))
}

#[cfg(not(target_os = "linux"))]
fn reap(_pid: libc::pid_t, _args: &[&str]) -> Result<Option<u64>, String> {
    Ok(None)
}

/// `149.2 MB`, or the reason there is no figure.
pub(crate) fn mb(bytes: Option<u64>) -> String {
    match bytes {
        Some(b) => format!("{:.1} MB", b as f64 / 1e6),
        None => "(skipped: no wait4 rusage on this platform)".into(),
    }
}
