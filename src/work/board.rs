//! The board: the live status line of `work` on a terminal, which agents are running and
//! for how long, kept on the last line under their streamed output.
//!
//! Every write of agent output goes through one [`Board`], which erases the status line,
//! writes the output, and draws the line again when the output ended a line (drawing in the
//! middle of a line would split the agent's text). A ticker redraws it once a second.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Erase the current terminal line: carriage return, then "erase to end of line".
const ERASE: &[u8] = b"\r\x1b[K";
/// Auto-wrap off while the status line is drawn, so a line wider than the terminal is cut
/// at its edge instead of wrapping onto a row that [`ERASE`] would not reach.
const NO_WRAP: &str = "\x1b[?7l";
const WRAP: &str = "\x1b[?7h";

/// Where output and the status line go. Tests give it buffers; `work` gives it the
/// process's stdout and stderr.
pub struct Board {
    state: Mutex<State>,
}

struct State {
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
    /// Draw a status line at all (stdout and stderr are a terminal).
    live: bool,
    running: Vec<(String, Instant)>,
    drawn: bool,
    at_line_start: bool,
}

impl Board {
    pub fn new(out: Box<dyn Write + Send>, err: Box<dyn Write + Send>, live: bool) -> Self {
        Board {
            state: Mutex::new(State {
                out,
                err,
                live,
                running: Vec::new(),
                drawn: false,
                at_line_start: true,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A run started: it shows on the status line from now on.
    pub fn begin(&self, id: &str) {
        let mut s = self.lock();
        s.running.push((id.to_owned(), Instant::now()));
        s.redraw();
    }

    /// A run ended: it leaves the status line (which goes when nothing runs). Output it
    /// left without a final newline gets one on the terminal, so the line can come back.
    pub fn end(&self, id: &str) {
        let mut s = self.lock();
        s.running.retain(|(r, _)| r != id);
        if s.live && !s.at_line_start {
            let _ = s.err.write_all(b"\n").and_then(|()| s.err.flush());
            s.at_line_start = true;
        }
        s.redraw();
    }

    /// Agent output, to stdout or stderr, with the status line kept below it.
    pub fn write(&self, to_stderr: bool, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let mut s = self.lock();
        s.erase();
        let sink = if to_stderr { &mut s.err } else { &mut s.out };
        // A closed stdout or stderr must not stop the run: the transcript is captured apart.
        let _ = sink.write_all(bytes).and_then(|()| sink.flush());
        s.at_line_start = bytes.ends_with(b"\n");
        s.redraw();
    }

    /// Redraws the line with fresh elapsed times.
    pub fn tick(&self) {
        self.lock().redraw();
    }
}

impl State {
    fn erase(&mut self) {
        if self.drawn {
            let _ = self.err.write_all(ERASE).and_then(|()| self.err.flush());
            self.drawn = false;
        }
    }

    fn redraw(&mut self) {
        self.erase();
        if !self.live || self.running.is_empty() || !self.at_line_start {
            return;
        }
        let runs: Vec<String> = self
            .running
            .iter()
            .map(|(id, since)| format!("{id} {}", elapsed(since.elapsed())))
            .collect();
        let line = format!("{NO_WRAP}git chant: running {}{WRAP}", runs.join(", "));
        let _ = self
            .err
            .write_all(line.as_bytes())
            .and_then(|()| self.err.flush());
        self.drawn = true;
    }
}

/// `42s`, `3m05s`, `1h02m`.
pub fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s / 60) % 60),
    }
}

/// The process's board: the real stdout and stderr, live when both are a terminal, with a
/// ticker thread that redraws it every second.
pub fn board() -> Arc<Board> {
    static BOARD: OnceLock<Arc<Board>> = OnceLock::new();
    BOARD
        .get_or_init(|| {
            use std::io::IsTerminal;
            let live = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
            let board = Arc::new(Board::new(
                Box::new(std::io::stdout()),
                Box::new(std::io::stderr()),
                live,
            ));
            if live {
                let ticking = board.clone();
                std::thread::spawn(move || loop {
                    std::thread::sleep(Duration::from_secs(1));
                    ticking.tick();
                });
            }
            board
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl Buf {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn the_status_line_stays_below_the_output_and_never_splits_a_line() {
        let (out, err) = (Buf::default(), Buf::default());
        let board = Board::new(Box::new(out.clone()), Box::new(err.clone()), true);
        // Compared without the wrap switches that surround every drawn line.
        let shown = || err.text().replace(NO_WRAP, "").replace(WRAP, "");
        board.begin("s1");
        board.begin("s2");
        assert_eq!(
            shown(),
            "git chant: running s1 0s\r\x1b[Kgit chant: running s1 0s, s2 0s"
        );
        board.write(false, b"half a line");
        board.tick();
        board.write(true, b"warning\n");
        board.end("s1");
        board.write(false, b" and the rest\n");
        board.end("s2");
        // The agents' text is intact on its own streams.
        assert_eq!(out.text(), "half a line and the rest\n");
        let text = shown();
        assert!(
            text.starts_with(
                "git chant: running s1 0s\r\x1b[Kgit chant: running s1 0s, s2 0s\r\x1b[Kwarning\n"
            ),
            "{text:?}"
        );
        // Once the output ended a line the status is back, then gone when nothing runs.
        assert!(
            text.contains(
                "warning\ngit chant: running s1 0s, s2 0s\r\x1b[Kgit chant: running s2 0s\r\x1b[K"
            ),
            "{text:?}"
        );
        assert!(text.ends_with("\r\x1b[K"), "{text:?}");
        assert!(err
            .text()
            .starts_with(&format!("{NO_WRAP}git chant: running s1 0s{WRAP}")));
    }

    #[test]
    fn a_run_ending_mid_line_gets_its_newline_on_the_terminal() {
        let (out, err) = (Buf::default(), Buf::default());
        let board = Board::new(Box::new(out.clone()), Box::new(err.clone()), true);
        board.begin("s1");
        board.begin("s2");
        board.write(false, b"no newline at the end");
        board.end("s1");
        assert_eq!(out.text(), "no newline at the end");
        let expected = format!("\n{NO_WRAP}git chant: running s2 0s{WRAP}");
        assert!(err.text().ends_with(&expected), "{:?}", err.text());
    }

    #[test]
    fn without_a_terminal_only_the_output_is_written() {
        let (out, err) = (Buf::default(), Buf::default());
        let board = Board::new(Box::new(out.clone()), Box::new(err.clone()), false);
        board.begin("s1");
        board.write(false, b"line\n");
        board.tick();
        board.end("s1");
        assert_eq!((out.text(), err.text()), ("line\n".into(), String::new()));
    }

    #[test]
    fn elapsed_times_read_naturally() {
        let at = |s| elapsed(Duration::from_secs(s));
        assert_eq!([at(42), at(185), at(3720)], ["42s", "3m05s", "1h02m"]);
    }
}
