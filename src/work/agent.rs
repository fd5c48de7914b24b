//! Which agent runs and with which command line: the built-in presets for Claude Code,
//! Codex and Gemini CLI (their headless flags, the spec's model, a permission default, a
//! resumed session), or a command line from local config. The ledger may only name a
//! preset; a command line always comes from `--agent` or `git config chant.agent`.

use std::path::{Path, PathBuf};

use super::error::WorkError;
use super::prompt::split_command;
use crate::error::Error;
use crate::store::Store;

/// The agents git chant knows how to drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Claude,
    Codex,
    Gemini,
}

impl Preset {
    pub fn named(name: &str) -> Option<Preset> {
        match name.trim() {
            "claude" => Some(Preset::Claude),
            "codex" => Some(Preset::Codex),
            "gemini" => Some(Preset::Gemini),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::Claude => "claude",
            Preset::Codex => "codex",
            Preset::Gemini => "gemini",
        }
    }
}

/// An agent to run: a preset, or a command line split into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agent {
    Preset(Preset),
    Command(Vec<String>),
}

/// What a run's command line depends on.
#[derive(Debug, Clone, Default)]
pub struct Invocation<'a> {
    /// The spec's `model:` (else the ledger's `defaults.model`), checked by [`model_ok`].
    pub model: Option<&'a str>,
    /// A session to resume (`resume`), for presets that keep sessions.
    pub resume: Option<&'a str>,
    /// The repository's common git dir, which a sandboxed agent must be able to write to
    /// commit from a linked worktree.
    pub git_dir: Option<&'a Path>,
    /// `git config chant.permissions skip`: the agent's own "skip every permission" flag.
    pub skip_permissions: bool,
    /// A JSON Schema the answer must follow (`verify`): Claude Code's `--json-schema`,
    /// whose answer arrives as the `result` event's `structured_output`. The other
    /// presets have no such option; their prompt asks for a fenced JSON block instead.
    pub json_schema: Option<&'a str>,
}

/// Whether a model name from the ledger may be passed as a flag's value: a plain name
/// (`opus`, `gpt-5-codex`, `gemini-2.5-pro`, `claude-sonnet-4@2025`), never something
/// that starts like a flag or holds a space.
pub fn model_ok(model: &str) -> bool {
    !model.is_empty()
        && model.len() <= 100
        && !model.starts_with('-')
        && model
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:/@-".contains(c))
}

impl Agent {
    /// The agent `setting` names: a preset's name, else a command line.
    pub fn from_setting(setting: &str) -> Agent {
        match Preset::named(setting) {
            Some(p) => Agent::Preset(p),
            None => Agent::Command(split_command(setting)),
        }
    }

    /// How it is called in transcripts and messages.
    pub fn label(&self) -> String {
        match self {
            Agent::Preset(p) => p.name().to_owned(),
            Agent::Command(argv) => argv.join(" "),
        }
    }

    /// Whether it can continue an earlier session.
    pub fn resumes_sessions(&self) -> bool {
        matches!(self, Agent::Preset(_))
    }

    /// The argument vector for one run. The prompt always goes on stdin (and in
    /// `$CHANT_PROMPT_FILE`); a command line gets the model as `$CHANT_MODEL` only.
    pub fn argv(&self, run: &Invocation<'_>) -> Vec<String> {
        let preset = match self {
            Agent::Command(argv) => return argv.clone(),
            Agent::Preset(p) => *p,
        };
        let mut argv: Vec<String> = Vec::new();
        let mut push = |words: &[&str]| argv.extend(words.iter().map(|w| w.to_string()));
        match preset {
            Preset::Claude => {
                push(&[
                    "claude",
                    "-p",
                    "--output-format",
                    "stream-json",
                    "--verbose",
                ]);
                if let Some(m) = run.model {
                    push(&["--model", m]);
                }
                if let Some(s) = run.resume {
                    push(&["--resume", s]);
                }
                if let Some(schema) = run.json_schema {
                    push(&["--json-schema", schema]);
                }
                if run.skip_permissions {
                    push(&["--dangerously-skip-permissions"]);
                } else {
                    // Edits without asking; of the shell, only git (and so `git chant`).
                    push(&[
                        "--permission-mode",
                        "acceptEdits",
                        "--allowedTools",
                        "Bash(git:*),Bash(git-chant:*)",
                    ]);
                }
            }
            Preset::Codex => {
                push(&["codex", "exec"]);
                if let Some(s) = run.resume {
                    push(&["resume", s]);
                }
                push(&["--json"]);
                if let Some(m) = run.model {
                    push(&["-m", m]);
                }
                if run.skip_permissions {
                    push(&["--dangerously-bypass-approvals-and-sandbox"]);
                } else {
                    // Writes in the worktree, and in the git dir its commits go to.
                    push(&["--sandbox", "workspace-write"]);
                    if let Some(dir) = run.git_dir {
                        argv.push("--add-dir".into());
                        argv.push(dir.display().to_string());
                    }
                }
                argv.push("-".into());
            }
            Preset::Gemini => {
                push(&["gemini", "--output-format", "stream-json"]);
                if let Some(m) = run.model {
                    push(&["-m", m]);
                }
                if let Some(s) = run.resume {
                    push(&["--resume", s]);
                }
                if run.skip_permissions {
                    push(&["--approval-mode", "yolo"]);
                } else {
                    push(&[
                        "--approval-mode",
                        "auto_edit",
                        "--allowed-tools",
                        "run_shell_command(git)",
                    ]);
                }
                // gemini reads stdin as context to `-p`'s prompt.
                push(&["-p", "Follow the instructions given on standard input."]);
            }
        }
        argv
    }
}

/// The agents a run may use, from the local side only: `--agent`, else every value of
/// `git config chant.agent` (several share a `--parallel` run round-robin). The ledger's
/// config.md was written by whoever could push, so an `agent:` there counts only when it
/// names a preset; any other text there is never run: the error names it.
pub fn agents(store: &Store, asked: Option<&str>) -> Result<Vec<Agent>, Error> {
    if let Some(setting) = asked {
        return Ok(vec![Agent::from_setting(setting)]);
    }
    let configured = store.config_strings("chant.agent");
    if !configured.is_empty() {
        return Ok(configured.iter().map(|s| Agent::from_setting(s)).collect());
    }
    let named = ledger_config(store)?.and_then(|c| c.text("agent").map(str::to_owned));
    if let Some(preset) = named.as_deref().and_then(Preset::named) {
        return Ok(vec![Agent::Preset(preset)]);
    }
    Err(WorkError::NoAgent {
        ledger_names: named,
    }
    .into())
}

/// The ledger's config.md, parsed (`None` when absent or unreadable).
pub fn ledger_config(store: &Store) -> Result<Option<crate::spec::Spec>, Error> {
    let snapshot = store.snapshot()?;
    Ok(snapshot
        .file(crate::store::paths::CONFIG_PATH)?
        .and_then(|c| crate::spec::Spec::parse("config.md", &c).ok()))
}

/// Where `program` would be found: a path as given, else the first executable file of
/// that name on `PATH`.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let executable = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        let p = PathBuf::from(program);
        return executable(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| executable(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_carry_the_model_the_session_and_their_permission_default() {
        let run = Invocation {
            model: Some("opus"),
            resume: Some("abc"),
            git_dir: Some(Path::new("/r/.git")),
            skip_permissions: false,
            json_schema: None,
        };
        let claude = Agent::Preset(Preset::Claude).argv(&run).join(" ");
        assert!(claude.starts_with("claude -p --output-format stream-json --verbose --model opus --resume abc --permission-mode acceptEdits"), "{claude}");
        let codex = Agent::Preset(Preset::Codex).argv(&run).join(" ");
        assert_eq!(
            codex,
            "codex exec resume abc --json -m opus --sandbox workspace-write --add-dir /r/.git -"
        );
        let skip = Invocation {
            skip_permissions: true,
            ..Default::default()
        };
        let gemini = Agent::Preset(Preset::Gemini).argv(&skip).join(" ");
        assert!(
            gemini.contains("--approval-mode yolo") && !gemini.contains("-m "),
            "{gemini}"
        );
        assert_eq!(
            Agent::from_setting("my-agent --fast").argv(&run),
            vec!["my-agent", "--fast"]
        );
        let asking = Invocation {
            json_schema: Some("{}"),
            ..Default::default()
        };
        let claude = Agent::Preset(Preset::Claude).argv(&asking).join(" ");
        assert!(claude.contains(" --json-schema {} "), "{claude}");
        let codex = Agent::Preset(Preset::Codex).argv(&asking).join(" ");
        assert!(!codex.contains("schema"), "{codex}");
    }

    #[test]
    fn a_model_from_the_ledger_cannot_be_a_flag() {
        assert!(model_ok("opus") && model_ok("gemini-2.5-pro") && model_ok("gpt-5.1-codex"));
        assert!(!model_ok("--dangerously-skip-permissions"));
        assert!(!model_ok("opus --x") && !model_ok("") && !model_ok("a\nb"));
    }
}
