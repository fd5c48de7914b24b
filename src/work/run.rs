//! Running an agent process: the prompt on stdin and in a file, its output streamed live
//! and captured whole, and Ctrl-C noticed rather than fatal.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::Error;
use crate::store::Store;

/// Set by Ctrl-C while an agent runs; the run then ends as paused.
static INTERRUPTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The process groups of the agents running now. Each agent leads a group of its own, so
/// `takeover` can stop it with everything it started; Ctrl-C, which the terminal sends to
/// our group only, is passed on to theirs.
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn interrupted_flag() -> Arc<AtomicBool> {
    INTERRUPTED
        .get_or_init(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let handler_flag = flag.clone();
            // The agents get the SIGINT and stop; we stay to record the runs. If a handler
            // cannot be installed, Ctrl-C simply kills us.
            let _ = ctrlc::set_handler(move || {
                handler_flag.store(true, Ordering::SeqCst);
                let groups = GROUPS.lock().map(|g| g.clone()).unwrap_or_default();
                for pgid in groups {
                    super::control::signal_group(pgid, "INT");
                }
            });
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

/// The longest line held back whole for the transcript (1 MiB).
const LONGEST_LINE: usize = 1 << 20;

/// Where a run's output goes besides ours: `prefix` on each line we print (parallel runs),
/// and `log`, a file other terminals follow (`tail`).
pub struct Output<'a> {
    pub prefix: &'a str,
    pub log: Option<&'a Path>,
    /// Show its stdout on our stderr too: a question's run (`verify`, `split`) is not the
    /// command's output, which stays for its result (`--json`).
    pub all_to_stderr: bool,
}

/// Spawns `argv` in `cwd` with `env`, writes `prompt` to its stdin, tells `spawned` the
/// agent's pid, and tees its output to ours and the log while capturing it; on a terminal
/// the status line shows `id` with its elapsed time meanwhile.
pub fn run(
    id: &str,
    argv: &[String],
    cwd: &Path,
    env: &[(&str, String)],
    prompt: &str,
    output: &Output<'_>,
    spawned: impl FnOnce(u32),
) -> std::io::Result<Finished> {
    let prefix = output.prefix;
    let flag = interrupted_flag();
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| std::io::Error::other("empty agent command"))?;
    let mut command = Command::new(program);
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let pgid = child.id();
    if let Ok(mut groups) = GROUPS.lock() {
        groups.push(pgid);
    }
    spawned(pgid);
    let log = match output.log {
        Some(path) => Some(std::fs::File::create(path)?),
        None => None,
    };
    let log = Arc::new(Mutex::new(log));
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
        let log = log.clone();
        let prefix = prefix.to_owned();
        let board = board.clone();
        let is_err = is_err || output.all_to_stderr;
        pumps.push(std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            let mut at_line_start = true;
            // The transcript takes whole lines, so stderr never lands inside a line of
            // stdout (a JSON event cut in two would no longer read as one).
            let mut partial: Vec<u8> = Vec::new();
            let keep = |bytes: &[u8]| {
                if let Ok(mut all) = captured.lock() {
                    all.extend_from_slice(bytes);
                }
                if let Ok(mut file) = log.lock() {
                    // A follower's copy only: the note gets the captured bytes.
                    if let Some(f) = file.as_mut() {
                        let _ = f.write_all(bytes);
                    }
                }
            };
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let chunk = &buf[..n];
                partial.extend_from_slice(chunk);
                match partial.iter().rposition(|b| *b == b'\n') {
                    Some(end) => {
                        keep(&partial[..=end]);
                        partial.drain(..=end);
                    }
                    // A line that never ends is kept in pieces past a bound.
                    None if partial.len() > LONGEST_LINE => keep(&std::mem::take(&mut partial)),
                    None => {}
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
            keep(&partial);
        }));
    }
    let status = child.wait();
    if let Ok(mut groups) = GROUPS.lock() {
        groups.retain(|g| *g != pgid);
    }
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

/// Writes a run's prompt where `$CHANT_PROMPT_FILE` points: `.git/chant/prompts/<name>.md`.
pub fn prompt_file(store: &Store, name: &str, text: &str) -> Result<PathBuf, Error> {
    let file = store.cache_dir().join("prompts").join(format!("{name}.md"));
    let io = |source| Error::Write {
        path: file.clone(),
        source,
    };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&file, text).map_err(io)?;
    Ok(file)
}

/// A transcript's YAML header: `---`, a `key: value` line for each field that has a
/// value (already written as YAML), `---`.
pub fn header(fields: &[(&str, Option<String>)]) -> String {
    let mut out = String::from("---\n");
    for (key, value) in fields {
        if let Some(v) = value {
            out.push_str(&format!("{key}: {v}\n"));
        }
    }
    out.push_str("---\n");
    out
}

/// `text` as one YAML scalar (a command line in a header).
pub fn yaml_scalar(text: &str) -> String {
    serde_yaml::to_string(text)
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}
