//! Setting coding agents up to use git chant in one repository (`git chant init --agent`):
//! which files each agent reads, our part of each (an MCP server entry, an instructions
//! block, Claude's skill and `SessionStart` hook), and putting it in or taking exactly it
//! out. Only inside the working tree, never under `$HOME`; docs/AGENTS.md ("Setting agents
//! up") has the sources for what each agent reads.

mod block;
mod json;
mod place;
pub mod text;

use std::path::{Path, PathBuf};

use miette::Diagnostic;
use serde::Serialize;
use thiserror::Error;

use crate::error::Error;
use crate::exit::{Exit, ExitCode};
use crate::files::Bound;
use block::{BadMarkers, Markers};
use json::{Entry, Refusal};
use place::Place;

/// A coding agent git chant can set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Agent {
    Claude,
    Codex,
    Gemini,
}

impl Agent {
    pub const ALL: [Agent; 3] = [Agent::Claude, Agent::Codex, Agent::Gemini];

    pub fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
        }
    }

    /// The files this agent reads that git chant writes into, and our part of each.
    fn pieces(self) -> Vec<(&'static str, &'static str, Kind)> {
        match self {
            Agent::Claude => vec![
                (".mcp.json", "MCP server `chant`", Kind::Json(Entry::Server)),
                (
                    ".claude/settings.json",
                    "SessionStart hook `git chant prime`",
                    Kind::Json(Entry::Hook),
                ),
                ("CLAUDE.md", "instructions block", Kind::Markdown),
                (
                    ".claude/skills/chant/SKILL.md",
                    "skill `chant`",
                    Kind::Skill,
                ),
            ],
            Agent::Codex => vec![
                (".codex/config.toml", "MCP server `chant`", Kind::Toml),
                ("AGENTS.md", "instructions block", Kind::Markdown),
            ],
            Agent::Gemini => vec![
                (
                    ".gemini/settings.json",
                    "MCP server `chant`",
                    Kind::Json(Entry::Server),
                ),
                ("GEMINI.md", "instructions block", Kind::Markdown),
            ],
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Json(Entry),
    Markdown,
    Toml,
    /// A file that is ours entirely.
    Skill,
}

const MD: Markers = Markers {
    begin: text::MD_BEGIN,
    end: text::MD_END,
};
const TOML: Markers = Markers {
    begin: text::TOML_BEGIN,
    end: text::TOML_END,
};

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Created,
    Updated,
    Unchanged,
    Removed,
}

/// One file and what was done to our part of it.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub agent: Agent,
    /// Relative to the working tree.
    pub path: String,
    /// Our part of it.
    pub part: &'static str,
    pub action: Action,
}

/// What `init --agent` did.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The working tree written in.
    pub root: PathBuf,
    pub files: Vec<FileReport>,
    /// What the user still has to do or know, one sentence each.
    pub notes: Vec<String>,
}

#[derive(Debug, Error, Diagnostic)]
pub enum SetupError {
    #[error("{} is not valid JSON (line {line}, column {column}): {message}; git chant changed nothing", path.display())]
    #[diagnostic(
        code(chant::setup::not_json),
        help("fix the file, or add git chant's entry to it yourself, {snippet}, and run the command again")
    )]
    NotJson {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        snippet: String,
    },

    #[error("{key} in {} is not {want}; git chant changed nothing", path.display())]
    #[diagnostic(
        code(chant::setup::shape),
        help("make it {want}, or add git chant's entry yourself, {snippet}, and run the command again")
    )]
    Shape {
        path: PathBuf,
        key: String,
        want: &'static str,
        snippet: String,
    },

    #[error("{} has {what}; git chant changed nothing", path.display())]
    #[diagnostic(
        code(chant::setup::markers),
        help("leave one block from a `{begin}` line to a `{end}` line, or none, and run the command again")
    )]
    Markers {
        path: PathBuf,
        what: &'static str,
        begin: &'static str,
        end: &'static str,
    },

    #[error("{} already configures the MCP server `chant` outside git chant's block (`{line}`); git chant changed nothing", path.display())]
    #[diagnostic(
        code(chant::setup::server_taken),
        help("remove or rename that server (an inline `mcp_servers = {{…}}` table cannot take ours either: write it as tables), and run the command again")
    )]
    ServerTaken { path: PathBuf, line: String },

    #[error("{} leads outside the working tree (to {}): git chant writes only inside it", path.display(), target.display())]
    #[diagnostic(
        code(chant::setup::outside),
        help("replace the link with a file of its own, or remove it, and run the command again")
    )]
    Outside { path: PathBuf, target: PathBuf },

    #[error("{} is not a regular file", path.display())]
    #[diagnostic(
        code(chant::setup::not_file),
        help("move it away, and run the command again")
    )]
    NotFile { path: PathBuf },

    #[error("this repository is bare: it has no working tree to set an agent up in")]
    #[diagnostic(
        code(chant::setup::bare),
        help("run `git chant init --agent …` in a clone with a working tree")
    )]
    Bare,
}

impl ExitCode for SetupError {
    fn exit(&self) -> Exit {
        Exit::User
    }
}

/// What `init --agent` will write, computed before anything is: a file that cannot be
/// merged stops the whole command with nothing changed.
pub struct Plan {
    root: PathBuf,
    /// Each file once, by where it really is: as found, and as it will be.
    files: Vec<(Place, Option<String>, Option<String>)>,
    report: Report,
}

/// Plans putting our part into (or with `uninstall`, taking it out of) every file `agents`
/// read, in the working tree `root`.
pub fn plan(
    root: Option<&Path>,
    agents: &[Agent],
    uninstall: bool,
    bound: Bound,
) -> Result<Plan, Error> {
    let root = root.ok_or(SetupError::Bare)?;
    let root = std::fs::canonicalize(root).map_err(|source| Error::Read {
        path: root.to_owned(),
        source,
    })?;
    let mut files: Vec<(Place, Option<String>, Option<String>)> = Vec::new();
    let mut report = Vec::new();
    for &agent in agents {
        for (rel, part, kind) in agent.pieces() {
            let place = place::locate(&root, rel)?;
            let at = match files.iter().position(|(p, ..)| p.real == place.real) {
                Some(at) => at,
                None => {
                    let text = place::read(&place, bound)?;
                    files.push((place.clone(), text.clone(), text));
                    files.len() - 1
                }
            };
            let before = files[at].2.clone();
            let after = change(&place, kind, before.as_deref(), uninstall)?;
            let action = match (&before, &after) {
                (None, Some(_)) => Action::Created,
                (Some(_), None) => Action::Removed,
                (Some(a), Some(b)) if a != b => Action::Updated,
                _ => Action::Unchanged,
            };
            files[at].2 = after;
            report.push(FileReport {
                agent,
                path: place.shown,
                part,
                action,
            });
        }
    }
    let changed: Vec<Agent> = agents
        .iter()
        .copied()
        .filter(|a| {
            report
                .iter()
                .any(|f| f.agent == *a && f.action != Action::Unchanged)
        })
        .collect();
    Ok(Plan {
        report: Report {
            notes: notes(&changed, uninstall, &root),
            root: root.clone(),
            files: report,
        },
        root,
        files,
    })
}

impl Plan {
    /// Writes (and removes) the files that change; what was done.
    pub fn write(self) -> Result<Report, Error> {
        for (place, found, wanted) in &self.files {
            match wanted {
                _ if wanted == found => {}
                Some(text) => place::write(place, text)?,
                // A file reached through a link stays, empty, so the link is not left dangling.
                None if place.linked => place::write(place, "")?,
                None => place::remove(place, &self.root)?,
            }
        }
        Ok(self.report)
    }
}

/// The file's text with our part put in or taken out (`None`: no file).
fn change(
    place: &Place,
    kind: Kind,
    text: Option<&str>,
    uninstall: bool,
) -> Result<Option<String>, Error> {
    let path = place.real.clone();
    let markers = |m: Markers| {
        let path = path.clone();
        move |bad: BadMarkers| SetupError::Markers {
            path,
            what: match bad {
                BadMarkers::Unclosed => "a git chant marker line without its pair",
                BadMarkers::Twice => "more than one git chant block",
            },
            begin: m.begin,
            end: m.end,
        }
    };
    let changed = match (kind, text) {
        (_, None) if uninstall => None,
        (Kind::Skill, _) if uninstall => None,
        (Kind::Skill, _) => Some(text::skill()),
        (Kind::Markdown, _) if uninstall => {
            block::uninstall(text.unwrap_or(""), MD).map_err(markers(MD))?
        }
        (Kind::Markdown, _) => {
            Some(block::install(text, &text::markdown_block(), MD).map_err(markers(MD))?)
        }
        (Kind::Toml, _) if uninstall => {
            block::uninstall(text.unwrap_or(""), TOML).map_err(markers(TOML))?
        }
        (Kind::Toml, _) => {
            if let Some(line) = text.and_then(|t| block::toml_conflict(t, TOML, text::SERVER)) {
                return Err(SetupError::ServerTaken { path, line }.into());
            }
            Some(block::install(text, &text::toml_block(), TOML).map_err(markers(TOML))?)
        }
        (Kind::Json(entry), _) => {
            let merged = if uninstall {
                json::uninstall(text.unwrap_or(""), entry)
            } else {
                json::install(text, entry).map(Some)
            };
            merged.map_err(|refusal| refused(path, entry, refusal))?
        }
    };
    Ok(changed)
}

fn refused(path: PathBuf, entry: Entry, refusal: Refusal) -> SetupError {
    let snippet = entry.snippet();
    match refusal {
        Refusal::Invalid {
            line,
            column,
            message,
        } => SetupError::NotJson {
            path,
            line,
            column,
            message,
            snippet,
        },
        Refusal::Shape { key, want } => SetupError::Shape {
            path,
            key,
            want,
            snippet,
        },
    }
}

/// What the agents still ask of the user after an install that changed their files.
fn notes(agents: &[Agent], uninstall: bool, root: &Path) -> Vec<String> {
    if uninstall {
        return Vec::new();
    }
    agents
        .iter()
        .map(|agent| match agent {
            Agent::Claude => "Claude Code asks once before it starts the servers of .mcp.json: approve `chant` (`claude mcp list` shows it)".to_owned(),
            // The trust is the user's to give, in their own ~/.codex/config.toml: said, never written.
            Agent::Codex => format!(
                "Codex reads .codex/config.toml only in a project you trust: accept its prompt on the first start here, or add `[projects.{:?}] trust_level = \"trusted\"` to ~/.codex/config.toml yourself (`codex mcp list` then shows `chant`)",
                root.display().to_string()
            ),
            Agent::Gemini => "Gemini CLI reads .gemini/settings.json when started in this repository (`/mcp` lists `chant`)".to_owned(),
        })
        .collect()
}
