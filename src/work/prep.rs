//! Everything a run needs decided before anything changes: the spec, the model, the
//! prompt template and what fills it, and the agent's command line. `git chant prep` prints
//! the prompt from here, so it is exactly the one `work` gives.

use std::path::PathBuf;

use super::agent::{self, Agent, Invocation};
use super::error::WorkError;
use super::{land, prompt, Options};
use crate::error::Error;
use crate::lifecycle::LifecycleError;
use crate::ops;
use crate::spec::Spec;
use crate::store::Store;

/// A run, decided.
pub struct Prepared {
    pub id: String,
    pub spec: Spec,
    /// The spec's `model:`, else the ledger's `defaults.model`.
    pub model: Option<String>,
    pub template: String,
    pub project: String,
    pub worktree: PathBuf,
    pub branch: String,
}

/// Decides a run on spec `short`: refuses an id that could lead outside `.git/chant/`, a
/// model that could pass for a flag, and a prompt template the ledger lacks.
pub fn prepare(store: &Store, short: &str, opts: &Options) -> Result<Prepared, Error> {
    let snapshot = store.snapshot()?;
    let id = ops::resolve(store, &snapshot, short)?;
    // The id names the worktree, branch and prompt file: one a push without the server's
    // checks planted (`..`, a `/`) must not lead outside `.git/chant/`.
    crate::spec::id::validate(&id)?;
    let (_, spec) = ops::load(&snapshot, &id)?;
    let config = agent::ledger_config(store)?;
    let model = spec.model().map(str::to_owned).or_else(|| {
        config.as_ref().and_then(|c| {
            c.frontmatter()
                .get("defaults")?
                .get("model")?
                .as_str()
                .map(str::to_owned)
        })
    });
    if let Some(m) = &model {
        if !agent::model_ok(m) {
            return Err(WorkError::BadModel {
                id,
                model: crate::escape::escape(m).into_owned(),
            }
            .into());
        }
    }
    let template_name = opts
        .prompt
        .clone()
        .or_else(|| spec.prompt().map(str::to_owned))
        .unwrap_or_else(|| "standard".into());
    let template = snapshot
        .file(&format!("prompts/{template_name}.md"))?
        .or_else(|| prompt::built_in(&template_name).map(|t| t.as_bytes().to_vec()))
        .ok_or_else(|| LifecycleError::BadField {
            id: id.clone(),
            why: format!("no prompt template `{template_name}` in the ledger"),
            help:
                "use `--prompt <name>` with one of the ledger's prompts/ (see `git chant export`)"
                    .into(),
        })?;
    let project = config
        .as_ref()
        .and_then(|c| {
            c.frontmatter()
                .get("project")?
                .get("name")?
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "project".into());
    Ok(Prepared {
        worktree: store.agent_worktree(&id),
        branch: land::branch_of(&id),
        template: String::from_utf8_lossy(&template).into_owned(),
        id,
        spec,
        model,
        project,
    })
}

impl Prepared {
    /// The prompt for `spec` (the spec as it is when the run starts).
    pub fn prompt(&self, store: &Store, spec: &Spec) -> String {
        prompt::render(
            &self.template,
            &prompt::Context {
                id: &self.id,
                spec,
                project: &self.project,
                worktree: &self.worktree,
                branch: &self.branch,
                limit: crate::files::Limits::from_store(store).spec,
            },
        )
    }

    /// `agent`'s argument vector for this run, resuming `session` when given.
    pub fn argv(&self, store: &Store, agent: &Agent, session: Option<&str>) -> Vec<String> {
        let git_dir = store.repo().common_dir().to_owned();
        agent.argv(&Invocation {
            model: self.model.as_deref(),
            resume: session,
            git_dir: Some(&git_dir),
            skip_permissions: store.config_string("chant.permissions").as_deref() == Some("skip"),
            json_schema: None,
        })
    }

    /// Refuses, before anything changes, an agent whose program is not there: the spec
    /// stays as it was, with a `start-failed` event.
    pub fn check_agent(&self, store: &Store, agent: &Agent, argv: &[String]) -> Result<(), Error> {
        let program = argv.first().cloned().unwrap_or_default();
        if agent::find_program(&program).is_some() {
            return Ok(());
        }
        let event = crate::notes::Event::new(ops::now(), &self.id, "start-failed")
            .with("agent", &agent.label())
            .with("reason", &format!("{program} not found"));
        if let Ok(on) = ops::transcript::last_ledger_commit_naming(store, &self.id) {
            ops::record_event(store, on, &event)?;
        }
        Err(WorkError::AgentNotFound {
            id: self.id.clone(),
            program: crate::escape::escape(&program).into_owned(),
            agent: crate::escape::escape(&agent.label()).into_owned(),
        }
        .into())
    }
}

/// The prompt `work` would give spec `short` now.
pub fn prep(store: &Store, short: &str, opts: &Options) -> Result<String, Error> {
    let prepared = prepare(store, short, opts)?;
    Ok(prepared.prompt(store, &prepared.spec))
}
