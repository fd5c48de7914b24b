//! What one command did, shown as a session would: stdout, stderr and the exit status
//! together, with what changes from run to run (temporary paths, today's ids and times,
//! object ids) replaced by stable placeholders, for inline snapshots:
//!
//! ```text
//! insta::assert_snapshot!(repo.run(&["start", "zzz"]), @r"
//! ------- stderr -------
//! chant::id::unknown
//! …
//! [EOF]
//! [exit status: 1]
//! ");
//! ```
//!
//! Each stream that printed anything ends with `[EOF]` (on its own line when the output
//! ended with a newline, right after the text when it did not); stderr follows its header;
//! the status line is there when the command did not exit 0. Placeholders:
//! `$REPO`, `$HOME` (the test's temporary folder), `$ROOT` (this project), `$BIN` (where
//! the built git-chant is); `[id-N]` for an id `add` generated today; `[now]` for a
//! timestamp of today; `[commit-N]`, `[blob-N]`, `[tree-N]` for an object id of the
//! repository, full or abbreviated. `N` counts in the order first seen by one `Repo` (or
//! `Scratch`): `[commit-2]` is the same commit in every run of it.
//!
//! miette wraps a diagnostic at 100 columns by the real text, before the placeholders go
//! in: a snapshot of one that quotes a temporary path would depend on that path's length,
//! so such tests name files relative to the working directory.

use std::fmt;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Output};
use std::sync::Mutex;

/// One command's output and exit status, raw, and as a session shows it (`Display`).
pub struct Run {
    /// Standard output as printed (not normalised): parse ids and JSON from here.
    pub stdout: String,
    pub stderr: String,
    pub status: ExitStatus,
    shown: String,
}

impl Run {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{self}"))
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// The ids one test has seen, numbered per kind in the order first seen.
#[derive(Default)]
pub struct Placeholders {
    seen: Mutex<Vec<(&'static str, String)>>,
}

impl Placeholders {
    fn name(&self, kind: &'static str, full: &str) -> String {
        let mut seen = self.seen.lock().unwrap();
        if !seen.iter().any(|(k, f)| *k == kind && f == full) {
            seen.push((kind, full.to_owned()));
        }
        let n = seen
            .iter()
            .filter(|(k, _)| *k == kind)
            .position(|(_, f)| f == full)
            .unwrap();
        format!("[{kind}-{}]", n + 1)
    }
}

/// What a run is normalised against.
pub struct Normalise<'a> {
    /// Folders and their placeholders; the longest are replaced first.
    pub paths: Vec<(PathBuf, &'static str)>,
    /// The repository whose object ids are replaced (none outside one).
    pub repo: Option<&'a super::Repo>,
    pub placeholders: &'a Placeholders,
}

/// Runs `cmd` with `input` on its standard input (none: nothing to read) and normalises
/// what it printed.
pub fn run(mut cmd: Command, input: Option<&str>, normalise: &Normalise) -> Run {
    let before = git_chant::clock::today();
    let out = match input {
        Some(input) => super::with_stdin(cmd, input.as_bytes()),
        None => cmd.output().unwrap(),
    };
    from_output(out, normalise, &[before, git_chant::clock::today()])
}

/// The `Run` of an output already collected (`days`: the UTC dates it ran on).
pub fn from_output(out: Output, normalise: &Normalise, days: &[String]) -> Run {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut shown = String::new();
    for (header, text) in [("", &stdout), ("------- stderr -------\n", &stderr)] {
        if !text.is_empty() {
            shown.push_str(header);
            shown.push_str(&normalise.text(text, days));
            shown.push_str("[EOF]\n");
        }
    }
    if !out.status.success() {
        match out.status.code() {
            Some(code) => shown.push_str(&format!("[exit status: {code}]\n")),
            None => shown.push_str(&format!("[{}]\n", out.status)),
        }
    }
    Run {
        stdout,
        stderr,
        status: out.status,
        shown,
    }
}

impl Normalise<'_> {
    fn text(&self, text: &str, days: &[String]) -> String {
        let mut text = text.to_owned();
        let mut paths: Vec<(String, &str)> = Vec::new();
        for (path, name) in &self.paths {
            paths.push((path.display().to_string(), name));
            if let Ok(real) = path.canonicalize() {
                paths.push((real.display().to_string(), name));
            }
        }
        paths.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        for (path, name) in paths {
            text = text.replace(&path, name);
        }
        let text = times(&text, days);
        let text = words(&text, |w| {
            is_generated_id(w, days).then(|| self.placeholders.name("id", w))
        });
        self.object_ids(&text)
    }

    /// Hex words that name an object of the repository, full or abbreviated.
    fn object_ids(&self, text: &str) -> String {
        let Some(repo) = self.repo else {
            return text.to_owned();
        };
        let mut candidates: Vec<String> = Vec::new();
        words(text, |w| {
            let hex = w
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
            if hex && (7..=64).contains(&w.len()) && !candidates.iter().any(|c| c == w) {
                candidates.push(w.to_owned());
            }
            None
        });
        if candidates.is_empty() {
            return text.to_owned();
        }
        let input = candidates.join("\n") + "\n";
        let out = super::with_stdin(
            repo.git_cmd(&["cat-file", "--batch-check"]),
            input.as_bytes(),
        );
        let answers = String::from_utf8_lossy(&out.stdout).into_owned();
        // One line per candidate, in order: `<full id> <type> <size>`, or `<name> missing`.
        let found: Vec<(String, &'static str, String)> = candidates
            .iter()
            .zip(answers.lines())
            .filter_map(|(candidate, line)| {
                let mut parts = line.split(' ');
                let full = parts.next()?;
                let kind = match parts.next()? {
                    "commit" => "commit",
                    "tree" => "tree",
                    "blob" => "blob",
                    "tag" => "tag",
                    _ => return None,
                };
                Some((candidate.clone(), kind, full.to_owned()))
            })
            .collect();
        words(text, |w| {
            let (_, kind, full) = found.iter().find(|(c, _, _)| c == w)?;
            Some(self.placeholders.name(kind, full))
        })
    }
}

/// `text` with each word (a run of ASCII letters, digits, `_` and `-`) that `replace`
/// maps replaced.
fn words(text: &str, mut replace: impl FnMut(&str) -> Option<String>) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        match replace(word) {
            Some(new) if !word.is_empty() => out.push_str(&new),
            _ => out.push_str(word),
        }
        let skip = after.find(is_word).unwrap_or(after.len());
        out.push_str(&after[..skip]);
        rest = &after[skip..];
    }
    out
}

/// `YYYY-MM-DD-NNN-RRR` for one of `days`: what `add` generates (base36, the sequence
/// three or four characters long, the random part three).
fn is_generated_id(word: &str, days: &[String]) -> bool {
    let base36 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    let Some(rest) = days
        .iter()
        .find_map(|d| word.strip_prefix(&format!("{d}-")))
    else {
        return false;
    };
    matches!(rest.split_once('-'), Some((seq, rnd))
        if (3..=4).contains(&seq.len()) && rnd.len() == 3 && base36(seq) && base36(rnd))
}

/// `text` with each `YYYY-MM-DDTHH:MM:SSZ` of one of `days` as `[now]`.
fn times(text: &str, days: &[String]) -> String {
    let shape = |s: &[u8]| {
        s.len() == 20
            && s.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                10 => *b == b'T',
                13 | 16 => *b == b':',
                19 => *b == b'Z',
                _ => b.is_ascii_digit(),
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let candidate = bytes.get(i..i + 20);
        if candidate.is_some_and(shape) && days.iter().any(|d| d.as_bytes() == &bytes[i..i + 10]) {
            out.push_str("[now]");
            i += 20;
        } else {
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[i..i + len]);
            i += len;
        }
    }
    out
}

#[test]
fn normalising_replaces_only_what_it_should() {
    let days = vec!["2026-03-04".to_owned()];
    assert_eq!(
        times("at 2026-03-04T01:02:03Z, 2026-02-02T14:27:53Z", &days),
        "at [now], 2026-02-02T14:27:53Z"
    );
    let placeholders = Placeholders::default();
    let ids = |text: &str| {
        words(text, |w| {
            is_generated_id(w, &days).then(|| placeholders.name("id", w))
        })
    };
    assert_eq!(
        ids("2026-03-04-001-ab9 2026-03-04-002-x0z.1 `2026-03-04-001-ab9` 2026-01-02-001-abc"),
        "[id-1] [id-2].1 `[id-1]` 2026-01-02-001-abc"
    );
    assert_eq!(
        ids("2026-03-04-001-abcd 2026-03-04-01-abc"),
        "2026-03-04-001-abcd 2026-03-04-01-abc"
    );
    assert_eq!(words("", |_| Some("x".into())), "");
    assert_eq!(words("  a b  ", |w| Some(w.to_uppercase())), "  A B  ");
}

#[test]
fn a_run_shows_both_streams_where_they_end_and_a_failing_status() {
    use std::os::unix::process::ExitStatusExt;
    let placeholders = Placeholders::default();
    let normalise = Normalise {
        paths: vec![(PathBuf::from("/tmp/x"), "$HOME")],
        repo: None,
        placeholders: &placeholders,
    };
    let output = |code: i32, stdout: &str, stderr: &str| Output {
        status: ExitStatus::from_raw(code << 8),
        stdout: stdout.into(),
        stderr: stderr.into(),
    };
    let shown = |out| from_output(out, &normalise, &[]).to_string();
    assert_eq!(shown(output(0, "", "")), "");
    assert_eq!(shown(output(0, "a\n", "")), "a\n[EOF]\n");
    assert_eq!(
        shown(output(3, "no newline", "at /tmp/x/f\n")),
        "no newline[EOF]\n------- stderr -------\nat $HOME/f\n[EOF]\n[exit status: 3]\n"
    );
}
