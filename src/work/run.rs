//! Running an agent process: the prompt on stdin and in a file, its output streamed live
//! and captured whole, and Ctrl-C noticed rather than fatal.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Set by Ctrl-C while an agent runs; the run then ends as paused.
static INTERRUPTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

fn interrupted_flag() -> Arc<AtomicBool> {
    INTERRUPTED
        .get_or_init(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let handler_flag = flag.clone();
            // The agent gets the same SIGINT (same process group) and stops; we stay to
            // record the run. If a handler cannot be installed, Ctrl-C simply kills us.
            let _ = ctrlc::set_handler(move || handler_flag.store(true, Ordering::SeqCst));
            flag
        })
        .clone()
}

/// From now on Ctrl-C ends the current git or agent child, not git chant: called before
/// anything is created, so an interrupt never leaves a lock or a half-made run behind.
pub fn catch_interrupts() {
    interrupted_flag();
}

/// How an agent run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    pub interrupted: bool,
    /// stdout and stderr as they arrived.
    pub transcript: Vec<u8>,
}

/// Spawns `argv` in `cwd` with `env`, writes `prompt` to its stdin, and tees its output to
/// ours (each line prefixed with `prefix`, for parallel runs) while capturing it; on a
/// terminal the status line shows `id` with its elapsed time meanwhile.
pub fn run(
    id: &str,
    argv: &[String],
    cwd: &Path,
    env: &[(&str, String)],
    prompt: &str,
    prefix: &str,
) -> std::io::Result<Finished> {
    let flag = interrupted_flag();
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| std::io::Error::other("empty agent command"))?;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // An agent that does not read its stdin closes the pipe: not an error.
        let _ = stdin.write_all(prompt.as_bytes());
    }
    let board = super::board::board();
    board.begin(id);
    let captured = Arc::new(Mutex::new(Vec::new()));
    let mut pumps = Vec::new();
    let streams: [(Option<Box<dyn Read + Send>>, bool); 2] = [
        (
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            false,
        ),
        (
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            true,
        ),
    ];
    for (stream, is_err) in streams {
        let Some(mut stream) = stream else { continue };
        let captured = captured.clone();
        let prefix = prefix.to_owned();
        let board = board.clone();
        pumps.push(std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            let mut at_line_start = true;
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let chunk = &buf[..n];
                if let Ok(mut all) = captured.lock() {
                    all.extend_from_slice(chunk);
                }
                let mut shown = Vec::with_capacity(n + prefix.len());
                for &b in chunk {
                    if at_line_start && !prefix.is_empty() {
                        shown.extend_from_slice(prefix.as_bytes());
                    }
                    shown.push(b);
                    at_line_start = b == b'\n';
                }
                board.write(is_err, &shown);
            }
        }));
    }
    let status = child.wait();
    for pump in pumps {
        let _ = pump.join();
    }
    board.end(id);
    let status = status?;
    let transcript = captured.lock().map(|t| t.clone()).unwrap_or_default();
    #[cfg(unix)]
    let signalled = {
        use std::os::unix::process::ExitStatusExt;
        status.signal() == Some(2)
    };
    #[cfg(not(unix))]
    let signalled = false;
    Ok(Finished {
        code: status.code(),
        interrupted: flag.load(Ordering::SeqCst) || signalled,
        transcript,
    })
}
