//! The one owner of a command's output, and the context every command runs in.
//!
//! [`Ui`] writes stdout (buffered; text escaped, JSON indented only on a terminal, long
//! text through git's pager) and stderr (warnings, diagnostics, progress only on a
//! terminal). A closed pipe (`git chant list | head`) is [`Error::ClosedPipe`], which
//! `main` turns into a quiet exit: nothing here ends the process. [`Ctx`] opens the
//! repository once, when a command first asks for it.

use std::cell::{OnceCell, RefCell};
use std::io::{BufWriter, IsTerminal, Stdout, Write};

use crate::diag;
use crate::error::Error;
use crate::store::index::Index;
use crate::store::Store;

/// stdout and stderr of one command.
pub struct Ui {
    out: RefCell<BufWriter<Stdout>>,
    stdout_terminal: bool,
    stderr_terminal: bool,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            out: RefCell::new(BufWriter::new(std::io::stdout())),
            stdout_terminal: std::io::stdout().is_terminal(),
            stderr_terminal: std::io::stderr().is_terminal(),
        }
    }
}

fn written(result: std::io::Result<()>) -> Result<(), Error> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Error::ClosedPipe),
        Err(source) => Err(Error::Write {
            path: "<stdout>".into(),
            source,
        }),
    }
}

impl Ui {
    /// Human output with its control characters escaped: data from the ledger must never
    /// drive the terminal (see `escape`). Colour, if ever, goes in after this, never before.
    pub fn text(&self, text: &str) -> Result<(), Error> {
        self.raw(crate::escape::escape(text).as_bytes())
    }

    /// One line of human output, escaped.
    pub fn line(&self, line: &str) -> Result<(), Error> {
        self.text(line)?;
        self.raw(b"\n")
    }

    /// Exact bytes (`show --raw`, `fmt -`): what is stored, for pipes and files.
    pub fn raw(&self, bytes: &[u8]) -> Result<(), Error> {
        written(self.out.borrow_mut().write_all(bytes))
    }

    /// Whether `json` indents (stdout is a terminal).
    pub fn json_pretty(&self) -> bool {
        self.stdout_terminal
    }

    /// JSON: indented on a terminal, compact in a pipe.
    pub fn json(&self, value: &impl serde::Serialize) -> Result<(), Error> {
        self.json_as(value, self.stdout_terminal)
    }

    /// JSON, indented or not (DEL and C1 controls, which serde_json leaves raw, as `\u00NN`).
    pub fn json_as(&self, value: &impl serde::Serialize, pretty: bool) -> Result<(), Error> {
        let text = if pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        let text = text.map_err(|e| Error::Write {
            path: "<stdout>".into(),
            source: std::io::Error::from(e),
        })?;
        self.raw(crate::escape::json(text).as_bytes())?;
        self.raw(b"\n")
    }

    /// Text that may be long (`show`, `log`), escaped: through git's pager when stdout is a
    /// terminal, as git pages its own, otherwise to stdout.
    pub fn page(&self, store: &Store, text: &str) -> Result<(), Error> {
        if !self.stdout_terminal {
            return self.text(text);
        }
        let Some(mut pager) = crate::store::pager::Pager::start(store) else {
            return self.text(text);
        };
        self.flush()?;
        let result = pager.write(crate::escape::escape(text).as_bytes());
        pager.finish();
        match result {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
                path: "<pager>".into(),
                source: e,
            }),
            _ => Ok(()), // quitting the pager early is not an error
        }
    }

    pub fn flush(&self) -> Result<(), Error> {
        written(self.out.borrow_mut().flush())
    }

    /// One line on stderr, escaped; a closed stderr is not worth failing for.
    pub fn warn(&self, line: &str) {
        let _ = self.flush();
        let _ = writeln!(std::io::stderr(), "{}", crate::escape::escape(line));
    }

    /// Text on stderr as it is (hook messages git relays, prompts), after stdout so far.
    pub fn err(&self, text: &str) {
        let _ = self.flush();
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    /// A diagnostic on stderr, in the style stderr can show.
    pub fn diagnostic(&self, error: &dyn miette::Diagnostic) {
        self.diagnostic_as(error, diag::Style::for_stderr());
    }

    /// A diagnostic on stderr in one style (hooks: plain ASCII, as git relays it).
    pub fn diagnostic_as(&self, error: &dyn miette::Diagnostic, style: diag::Style) {
        self.err(&diag::render(error, style));
    }

    /// A progress line that rewrites itself, only on a terminal; `None` ends it.
    pub fn progress(&self, text: Option<&str>) {
        if !self.stderr_terminal {
            return;
        }
        match text {
            Some(text) => self.err(&format!("\r{}", crate::escape::escape(text))),
            None => self.err("\n"),
        }
    }
}

/// What every command runs with: the output, and the repository opened once, on first use
/// (`fmt` and `completions` never open one).
#[derive(Default)]
pub struct Ctx {
    pub ui: Ui,
    store: OnceCell<Store>,
}

impl Ctx {
    /// The repository of the current directory, opened the way git opens it.
    pub fn store(&self) -> Result<&Store, Error> {
        if let Some(store) = self.store.get() {
            return Ok(store);
        }
        let store = Store::open(".")?;
        Ok(self.store.get_or_init(|| store))
    }

    /// The repository and the index of its ledger, for read commands.
    pub fn index(&self) -> Result<(&Store, Index), Error> {
        let store = self.store()?;
        let snapshot = store.snapshot()?;
        let index = Index::load(store, &snapshot)?;
        Ok((store, index))
    }
}
