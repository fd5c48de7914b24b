//! One question to the agent (`verify`, `split`): the configured agent (`--agent`, `git
//! config chant.agent`, or a preset the ledger names) runs once in a given directory with
//! a rendered prompt, as `work` runs it (`run::run`: the prompt on stdin and in
//! `$CHANT_PROMPT_FILE`, its output streamed and captured), and what comes back is its
//! final answer and the transcript to keep as a note. Nothing is committed here: the
//! caller records the answer and the transcript together.

use std::path::Path;

use gix::ObjectId;

use super::agent::{self, Invocation};
use super::error::WorkError;
use super::run;
use crate::error::Error;
use crate::session::FinalAnswer;
use crate::store::{git_cli, Store};

/// What to ask.
pub struct Question<'a> {
    pub id: &'a str,
    /// `verify` or `split`: names the prompt file and `$CHANT_ASK`.
    pub kind: &'static str,
    /// Where the agent runs.
    pub cwd: &'a Path,
    pub prompt: &'a str,
    /// `--agent`, else the configured agent.
    pub agent: Option<&'a str>,
    /// A JSON Schema for agents that take one (Claude Code).
    pub schema: Option<&'a str>,
    /// The spec's model, already checked by `agent::model_ok`.
    pub model: Option<&'a str>,
}

/// What came back.
pub struct Asked {
    /// The final answer, `None` when the agent said nothing.
    pub answer: Option<FinalAnswer>,
    pub exit_code: Option<i32>,
    pub interrupted: bool,
    /// The whole transcript, header first: the note to keep.
    pub transcript: String,
    /// The agent, as transcripts and events name it.
    pub agent: String,
}

/// A question about a spec, asked with a prompt of its own.
pub struct About<'a> {
    pub id: &'a str,
    pub spec: &'a crate::spec::Spec,
    /// The prompt's name (`verify`, `split`), as in [`Question::kind`].
    pub kind: &'static str,
    /// What to append when the prompt does not already ask for the answer's shape.
    pub tail: fn(&str) -> Option<&'static str>,
    pub schema: Option<&'static str>,
}

/// Asks the agent about `about.spec` in `cwd`, with the ledger's `prompts/<kind>.md`, else
/// the built-in prompt, filled in with the spec, and the spec's model, checked.
pub fn ask_about(
    store: &Store,
    about: &About<'_>,
    cwd: &Path,
    agent: Option<&str>,
) -> Result<Asked, Error> {
    let run = super::Options {
        prompt: Some(about.kind.into()),
        ..Default::default()
    };
    let prepared = super::prep::prepare(store, about.id, &run)?;
    let ctx = super::prompt::Context {
        id: about.id,
        spec: about.spec,
        project: &prepared.project,
        worktree: cwd,
        branch: "",
        limit: crate::files::Limits::from_store(store).spec,
    };
    let mut text = super::prompt::fill_spec(&prepared.template, &ctx);
    if let Some(tail) = (about.tail)(&text) {
        text.push_str(tail);
    }
    ask(
        store,
        &Question {
            id: about.id,
            kind: about.kind,
            cwd,
            prompt: &text,
            agent,
            schema: about.schema,
            model: prepared.model.as_deref(),
        },
    )
}

/// Runs the agent once on `question`.
pub fn ask(store: &Store, question: &Question<'_>) -> Result<Asked, Error> {
    let agent = agent::agents(store, question.agent)?
        .into_iter()
        .next()
        .ok_or(WorkError::NoAgent { ledger_names: None })?;
    let git_dir = store.repo().common_dir().to_owned();
    let argv = agent.argv(&Invocation {
        model: question.model,
        resume: None,
        git_dir: Some(&git_dir),
        skip_permissions: store.config_string("chant.permissions").as_deref() == Some("skip"),
        json_schema: question.schema,
    });
    let program = argv.first().cloned().unwrap_or_default();
    if agent::find_program(&program).is_none() {
        return Err(WorkError::AgentNotFound {
            id: question.id.to_owned(),
            program: crate::escape::escape(&program).into_owned(),
            agent: crate::escape::escape(&agent.label()).into_owned(),
        }
        .into());
    }
    let id = question.id;
    let name = format!("{id}.{}", question.kind);
    let prompt_file = run::prompt_file(store, &name, question.prompt)?;
    let mut env = vec![
        ("CHANT_SPEC_ID", id.to_owned()),
        ("CHANT_WORKTREE", question.cwd.display().to_string()),
        ("CHANT_PROMPT_FILE", prompt_file.display().to_string()),
        ("CHANT_ASK", question.kind.to_owned()),
    ];
    if let Some(m) = question.model {
        env.push(("CHANT_MODEL", m.to_owned()));
    }
    run::catch_interrupts();
    let started = crate::ops::now();
    let output = run::Output {
        prefix: "",
        log: None,
        all_to_stderr: true,
    };
    let finished = run::run(
        id,
        &argv,
        question.cwd,
        &env,
        question.prompt,
        &output,
        |_| {},
    )
    .map_err(|source| Error::Read {
        path: program.clone().into(),
        source,
    })?;
    let label = agent.label();
    let header = run::header(&[
        ("spec", Some(id.to_owned())),
        ("ask", Some(question.kind.to_owned())),
        ("start", Some(started)),
        ("end", Some(crate::ops::now())),
        (
            "agent",
            matches!(agent, agent::Agent::Preset(_)).then(|| label.clone()),
        ),
        ("command", Some(run::yaml_scalar(&argv.join(" ")))),
        (
            "exit_code",
            Some(finished.code.map_or("null".into(), |c| c.to_string())),
        ),
        ("model", question.model.map(str::to_owned)),
    ]);
    Ok(Asked {
        answer: crate::session::final_answer(&finished.transcript),
        exit_code: finished.code,
        interrupted: finished.interrupted,
        transcript: format!("{header}{}", String::from_utf8_lossy(&finished.transcript)),
        agent: label,
    })
}

/// Runs `sh -c command` (the user's own, from the command line: never from the ledger)
/// once in `cwd`, the way an agent runs: its output streamed and captured.
pub fn run_command(id: &str, cwd: &Path, command: &str) -> Result<Asked, Error> {
    let argv = vec!["sh".to_owned(), "-c".to_owned(), command.to_owned()];
    let env = vec![
        ("CHANT_SPEC_ID", id.to_owned()),
        ("CHANT_WORKTREE", cwd.display().to_string()),
    ];
    run::catch_interrupts();
    let started = crate::ops::now();
    let output = run::Output {
        prefix: "",
        log: None,
        all_to_stderr: true,
    };
    let finished =
        run::run(id, &argv, cwd, &env, "", &output, |_| {}).map_err(|source| Error::Read {
            path: "sh".into(),
            source,
        })?;
    let header = run::header(&[
        ("spec", Some(id.to_owned())),
        ("ask", Some("verify".to_owned())),
        ("start", Some(started)),
        ("end", Some(crate::ops::now())),
        ("command", Some(run::yaml_scalar(command))),
        (
            "exit_code",
            Some(finished.code.map_or("null".into(), |c| c.to_string())),
        ),
    ]);
    let text = String::from_utf8_lossy(&finished.transcript).into_owned();
    Ok(Asked {
        answer: None,
        exit_code: finished.code,
        interrupted: finished.interrupted,
        transcript: format!("{header}{text}"),
        agent: "command".to_owned(),
    })
}

/// Runs `f` in a throwaway worktree of `commit`, detached, at `.git/chant/<kind>/<id>`,
/// and removes it afterwards whatever happened: a question is never answered in the
/// user's checkout, and what the agent left there is nobody's work.
pub fn in_scratch_worktree<T>(
    store: &Store,
    kind: &str,
    id: &str,
    commit: ObjectId,
    f: impl FnOnce(&Path) -> Result<T, Error>,
) -> Result<T, Error> {
    let path = store.cache_dir().join(kind).join(id);
    if path.exists() {
        // Left by a run that was killed: it is ours to throw away.
        let _ = git_cli::worktree_discard(store, &path);
        let _ = std::fs::remove_dir_all(&path);
        git_cli::worktree_prune(store)?;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_owned(),
            source,
        })?;
    }
    git_cli::worktree_add_detached(store, &path, &commit.to_string())?;
    let result = f(&path);
    let removed = git_cli::worktree_discard(store, &path);
    let value = result?;
    removed?;
    Ok(value)
}
