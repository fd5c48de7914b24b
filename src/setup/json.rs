//! Our entries in someone else's JSON settings (`.mcp.json`, `.claude/settings.json`,
//! `.gemini/settings.json`), merged in and taken out with every other key kept in its
//! place. A file whose entry is already ours is left byte for byte; one that must change is
//! written in the indentation it uses, so adding and then removing our entry gives back a
//! file in that pretty-printed form exactly.

use serde::Serialize;
use serde_json::{Map, Value};

use super::text;

/// Which entry of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `mcpServers.chant`.
    Server,
    /// Our element of `hooks.SessionStart` (Claude Code).
    Hook,
}

/// Why a file cannot take our entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not JSON: where serde_json stopped, and why.
    Invalid {
        line: usize,
        column: usize,
        message: String,
    },
    /// `key` holds something other than `want` ("an object", "an array").
    Shape { key: String, want: &'static str },
}

impl Entry {
    /// What to add by hand when the file cannot be merged.
    pub fn snippet(self) -> String {
        let (key, value) = match self {
            Entry::Server => (
                "mcpServers",
                Value::Object(one(text::SERVER, text::mcp_server())),
            ),
            Entry::Hook => (
                "hooks",
                Value::Object(one(
                    "SessionStart",
                    Value::Array(vec![text::session_start_hook()]),
                )),
            ),
        };
        format!("\"{key}\": {value}")
    }
}

fn one(key: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(key.to_owned(), value);
    map
}

/// How a file is laid out, to write it back the same way.
struct Style {
    indent: String,
    newline_at_end: bool,
}

impl Style {
    /// The indentation of the first indented line (two spaces when none is), and whether
    /// the file ends with a newline (a new file does).
    fn of(text: &str) -> Style {
        let indent = text
            .lines()
            .skip(1)
            .map(|line| &line[..line.len() - line.trim_start_matches([' ', '\t']).len()])
            .find(|ws| !ws.is_empty())
            .unwrap_or("  ");
        Style {
            indent: indent.to_owned(),
            newline_at_end: text.trim().is_empty() || text.ends_with('\n'),
        }
    }

    fn render(&self, value: &Value) -> String {
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(self.indent.as_bytes());
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        // Serialising a Value into a Vec cannot fail.
        let _ = value.serialize(&mut serializer);
        let mut text = String::from_utf8(out).unwrap_or_default();
        if self.newline_at_end {
            text.push('\n');
        }
        text
    }
}

/// The top-level object of `text` (an empty or blank file is an empty one).
fn parse(text: &str) -> Result<Map<String, Value>, Refusal> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(shape("the top level", "an object")),
        Err(e) => Err(Refusal::Invalid {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }),
    }
}

fn shape(key: &str, want: &'static str) -> Refusal {
    Refusal::Shape {
        key: key.to_owned(),
        want,
    }
}

/// The object under `key`, created (last) when absent.
fn object<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> Result<&'a mut Map<String, Value>, Refusal> {
    map.entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| shape(key, "an object"))
}

/// An element of `hooks.SessionStart` that is ours: one hook, running `git chant prime`.
fn is_our_hook(entry: &Value) -> bool {
    let hooks = entry.get("hooks").and_then(Value::as_array);
    matches!(hooks.map(Vec::as_slice), Some([hook]) if hook.get("command").and_then(Value::as_str) == Some(text::PRIME))
}

/// `text` (`None`: no file) with our entry in it; the same string when it is already there.
pub fn install(text: Option<&str>, entry: Entry) -> Result<String, Refusal> {
    let original = text.unwrap_or("");
    let mut root = parse(original)?;
    let changed = match entry {
        Entry::Server => {
            let servers = object(&mut root, "mcpServers")?;
            let ours = text::mcp_server();
            let same = servers.get(text::SERVER) == Some(&ours);
            if !same {
                servers.insert(text::SERVER.to_owned(), ours);
            }
            !same
        }
        Entry::Hook => {
            let hooks = object(&mut root, "hooks")?;
            let list = hooks
                .entry("SessionStart")
                .or_insert_with(|| Value::Array(Vec::new()))
                .as_array_mut()
                .ok_or_else(|| shape("hooks.SessionStart", "an array"))?;
            let ours = text::session_start_hook();
            if list.contains(&ours) {
                false
            } else {
                match list.iter().position(is_our_hook) {
                    Some(at) => list[at] = ours,
                    None => list.push(ours),
                }
                true
            }
        }
    };
    if !changed && text.is_some() {
        return Ok(original.to_owned());
    }
    Ok(Style::of(original).render(&Value::Object(root)))
}

/// `text` without our entry, and without the containers it leaves empty; `None` when
/// nothing at all is left, so the file can go.
pub fn uninstall(text: &str, entry: Entry) -> Result<Option<String>, Refusal> {
    let mut root = parse(text)?;
    let removed = match entry {
        Entry::Server => take(&mut root, "mcpServers", |servers| {
            servers
                .as_object_mut()
                .is_some_and(|s| s.shift_remove(text::SERVER).is_some())
        }),
        Entry::Hook => take(&mut root, "hooks", |hooks| {
            let Some(hooks) = hooks.as_object_mut() else {
                return false;
            };
            take(hooks, "SessionStart", |list| {
                let Some(list) = list.as_array_mut() else {
                    return false;
                };
                let before = list.len();
                list.retain(|e| !is_our_hook(e));
                list.len() != before
            })
        }),
    };
    if !removed {
        return Ok(Some(text.to_owned()));
    }
    if root.is_empty() {
        return Ok(None);
    }
    Ok(Some(Style::of(text).render(&Value::Object(root))))
}

/// Runs `remove` on `map[key]`; drops the key when that emptied it. Whether it removed.
fn take(map: &mut Map<String, Value>, key: &str, remove: impl FnOnce(&mut Value) -> bool) -> bool {
    let Some(value) = map.get_mut(key) else {
        return false;
    };
    if !remove(value) {
        return false;
    }
    let empty = match value {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    };
    if empty {
        map.shift_remove(key);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const USERS: &str = "{\n  \"mcpServers\": {\n    \"other\": {\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"x\"\n      ]\n    }\n  },\n  \"z\": 1\n}\n";

    #[test]
    fn our_server_goes_in_after_the_users_and_comes_out_leaving_the_bytes() {
        let with = install(Some(USERS), Entry::Server).unwrap();
        let value: Value = serde_json::from_str(&with).unwrap();
        let names: Vec<&String> = value["mcpServers"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["other", "chant"]);
        assert_eq!(install(Some(&with), Entry::Server).unwrap(), with);
        assert_eq!(
            uninstall(&with, Entry::Server).unwrap().as_deref(),
            Some(USERS)
        );
        // Four spaces, no newline at the end: kept.
        let four = "{\n    \"a\": true\n}";
        let with = install(Some(four), Entry::Server).unwrap();
        assert!(
            with.contains("\n    \"mcpServers\": {\n        \"chant\"") && !with.ends_with('\n')
        );
        assert_eq!(
            uninstall(&with, Entry::Server).unwrap().as_deref(),
            Some(four)
        );
    }

    #[test]
    fn a_file_of_ours_alone_goes_away_and_an_identical_entry_is_not_rewritten() {
        let created = install(None, Entry::Hook).unwrap();
        assert!(created.ends_with("}\n"));
        assert_eq!(uninstall(&created, Entry::Hook).unwrap(), None);
        let compact = r#"{"hooks":{"SessionStart":[{"hooks":[{"command":"git chant prime","type":"command"}],"matcher":"startup|resume|clear|compact"}]}}"#;
        assert_eq!(install(Some(compact), Entry::Hook).unwrap(), compact);
    }

    #[test]
    fn the_users_hooks_stay_and_an_old_entry_of_ours_is_replaced() {
        let users = "{\n  \"hooks\": {\n    \"SessionStart\": [\n      {\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"echo hi\"\n          }\n        ]\n      },\n      {\n        \"matcher\": \"startup\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"git chant prime\"\n          }\n        ]\n      }\n    ]\n  }\n}\n";
        let with = install(Some(users), Entry::Hook).unwrap();
        let value: Value = serde_json::from_str(&with).unwrap();
        let list = value["hooks"]["SessionStart"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1], text::session_start_hook());
        let without = uninstall(&with, Entry::Hook).unwrap().unwrap();
        assert!(without.contains("echo hi") && !without.contains("git chant prime"));
    }

    #[test]
    fn what_is_not_json_or_not_the_right_shape_is_refused() {
        assert!(matches!(
            install(Some("{\"a\": 1,}"), Entry::Server),
            Err(Refusal::Invalid { line: 1, .. })
        ));
        assert_eq!(
            install(Some("{\"mcpServers\": []}"), Entry::Server),
            Err(shape("mcpServers", "an object"))
        );
        assert_eq!(
            install(Some("[]"), Entry::Hook),
            Err(shape("the top level", "an object"))
        );
        assert_eq!(
            uninstall("{\"x\": 1}", Entry::Server).unwrap().as_deref(),
            Some("{\"x\": 1}")
        );
    }
}
