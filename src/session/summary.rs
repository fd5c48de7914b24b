//! Cutting what agents print down to what a reader scans: a tool's input to its most
//! telling field on one line, a tool's output to its first lines, paths relative to the
//! worktree. Every function reads a bounded prefix of its input, however long it is.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// The widest a summary line gets, in characters.
pub const WIDTH: usize = 100;

/// How many lines of a tool's output a result shows.
pub const RESULT_LINES: usize = 2;

/// The input fields that say most about a call, best first: the command a shell runs, the
/// file an edit touches, what a search looks for.
const TELLING: &[&str] = &[
    "command",
    "cmd",
    "file_path",
    "absolute_path",
    "notebook_path",
    "pattern",
    "query",
    "url",
    "path",
    "dir_path",
    "description",
    "prompt",
];

/// Fields that hold a path, shown relative to the session's directory.
const PATHS: &[&str] = &[
    "file_path",
    "absolute_path",
    "notebook_path",
    "path",
    "dir_path",
];

/// A tool input (`input`, `parameters`, `arguments`) as one line: its most telling string
/// field, else its first string field, else how many fields it has.
pub fn input(input: Option<&Value>, cwd: Option<&str>) -> String {
    let Some(Value::Object(map)) = input else {
        return match input.and_then(Value::as_str) {
            Some(text) => one_line(text),
            None => String::new(),
        };
    };
    if let Some((key, text)) = TELLING
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str).map(|t| (*k, t)))
    {
        return if PATHS.contains(&key) {
            one_line(relative(text, cwd))
        } else {
            one_line(text)
        };
    }
    if let Some(list) = map.get("todos").and_then(Value::as_array) {
        return format!("{} items", list.len());
    }
    match map.values().find_map(Value::as_str) {
        Some(text) => one_line(text),
        None if map.is_empty() => String::new(),
        None => fields(map),
    }
}

fn fields(map: &Map<String, Value>) -> String {
    let names: Vec<&str> = map.keys().take(4).map(String::as_str).collect();
    one_line(&names.join(", "))
}

/// `path` relative to `cwd` when inside it, else relative to the agent worktree it is in
/// (`…/.git/chant/worktrees/<id>/src/x.rs` is `src/x.rs`), else as it is.
pub fn relative<'p>(path: &'p str, cwd: Option<&str>) -> &'p str {
    if let Some(rest) = cwd
        .map(|c| c.trim_end_matches('/'))
        .filter(|c| !c.is_empty())
        .and_then(|c| path.strip_prefix(c))
        .and_then(|r| r.strip_prefix('/'))
    {
        if !rest.is_empty() {
            return rest;
        }
    }
    const WORKTREES: &str = "/.git/chant/worktrees/";
    if let Some(at) = path.find(WORKTREES) {
        let rest = &path[at + WORKTREES.len()..];
        if let Some((_, inside)) = rest.split_once('/') {
            if !inside.is_empty() {
                return inside;
            }
        }
    }
    path
}

/// The first non-blank line of `text`, at most [`WIDTH`] characters, `…` when anything was
/// left out.
pub fn one_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default();
    let (mut line, cut) = cut(first, WIDTH);
    if cut || lines.next().is_some() {
        line.push('…');
    }
    line
}

/// The first [`RESULT_LINES`] non-blank lines of `text`, each at most [`WIDTH`]
/// characters, `…` after the last when anything was left out.
pub fn output(text: &str) -> String {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let mut shown: Vec<String> = Vec::new();
    let mut more = false;
    for line in lines.by_ref().take(RESULT_LINES) {
        let (line, cut) = cut(line.trim_end(), WIDTH);
        more |= cut;
        shown.push(line);
    }
    more |= lines.next().is_some();
    let mut out = shown.join("\n");
    if more {
        out.push('…');
    }
    out
}

/// The first `width` characters of `line`, and whether there were more.
fn cut(line: &str, width: usize) -> (String, bool) {
    match line.char_indices().nth(width) {
        Some((at, _)) => (line[..at].trim_end().to_owned(), true),
        None => (line.to_owned(), false),
    }
}

/// The text of a tool result's `content`: a string, or a list of blocks whose `text`
/// fields are joined, read only as far as a summary needs.
pub fn content_text(content: Option<&Value>) -> Cow<'_, str> {
    match content {
        Some(Value::String(text)) => Cow::Borrowed(text),
        Some(Value::Array(blocks)) => {
            let mut text = String::new();
            for block in blocks {
                if let Some(t) = block.get("text").and_then(Value::as_str) {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    let room = (RESULT_LINES + 1) * (WIDTH + 1) * 4;
                    let (part, _) = cut(t, room);
                    text.push_str(&part);
                }
                if text.lines().filter(|l| !l.trim().is_empty()).count() > RESULT_LINES {
                    break;
                }
            }
            Cow::Owned(text)
        }
        _ => Cow::Borrowed(""),
    }
}
