//! `split`: the agent proposes how a pending spec breaks into members (upstream's `split`
//! prompt and answer format, `members.rs`), and one ledger commit writes `<id>.1…N`, each
//! pending with its dependencies on its siblings, and makes `<id>` their driver (which
//! waits for its members as every driver does: members never depend on it). An answer
//! that cannot be taken writes nothing and is kept in `.git/chant/split/<id>.md`. The
//! agent runs in a throwaway checkout of HEAD (`.git/chant/split/<id>/`), never in yours.

use std::path::PathBuf;

use serde::Serialize;

use super::ask::{self, Asked};
use super::builtin;
use super::error::WorkError;
use super::members::{self, Member};
use crate::error::Error;
use crate::lifecycle::Status;
use crate::ops::{self, NewSpec};
use crate::spec::{rules, Spec};
use crate::store::trailer::Trailer;
use crate::store::{Change, Store};

/// How to split.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--agent`, else the configured agent.
    pub agent: Option<String>,
    /// Print the plan, write nothing.
    pub dry_run: bool,
}

/// One member, as written (or as it would be).
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub id: String,
    pub title: String,
    pub depends_on: Vec<String>,
    pub target_files: Vec<String>,
    /// Its acceptance criteria.
    pub criteria: usize,
}

/// What `split` did.
#[derive(Debug, Clone, Serialize)]
pub struct Split {
    pub driver: String,
    pub members: Vec<Planned>,
    /// False for `--dry-run`.
    pub written: bool,
}

/// Splits spec `short` by `opts`'s agent.
pub fn split(store: &Store, short: &str, opts: &Options) -> Result<Split, Error> {
    let snapshot = store.snapshot()?;
    let id = ops::resolve(store, &snapshot, short)?;
    // The id names files under `.git/chant/`: it must not lead outside.
    crate::spec::id::validate(&id)?;
    let (_, spec) = ops::load(&snapshot, &id)?;
    splittable(
        &id,
        &spec,
        crate::store::ids::load(store, &snapshot)?.iter(),
    )?;
    // Asked in a checkout of HEAD of its own: never in the user's.
    let head = store
        .repo()
        .head_id()
        .map_err(|_| WorkError::NoCommit)?
        .detach();
    let asked = ask::in_scratch_worktree(store, "split", &id, head, |path| {
        ask::ask_about(
            store,
            &ask::About {
                id: &id,
                spec: &spec,
                kind: "split",
                tail: builtin::split_tail,
                schema: None,
            },
            path,
            opts.agent.as_deref(),
        )
    })?;
    let kept = answer_path(store, &id);
    let text = asked.answer.as_ref().map_or("", |a| a.text.as_str());
    let io = |source| Error::Write {
        path: kept.clone(),
        source,
    };
    if let Some(dir) = kept.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&kept, text).map_err(io)?;
    if asked.interrupted || asked.exit_code != Some(0) {
        let how = match asked.exit_code {
            Some(code) if !asked.interrupted => format!("exit code {code}"),
            _ => "an interrupt".to_owned(),
        };
        let kept = keep_transcript(store, &id, &asked)?;
        return Err(WorkError::AgentFailed { id, how, kept }.into());
    }
    let planned = members::parse(text).and_then(|m| render(&id, &m));
    let rendered = match planned {
        Ok(r) => r,
        Err(why) => {
            let transcript_on = keep_transcript(store, &id, &asked)?;
            return Err(WorkError::BadSplit {
                id,
                why: crate::escape::escape(&why).into_owned(),
                path: kept,
                kept: transcript_on,
            }
            .into());
        }
    };
    let members: Vec<Planned> = rendered.iter().map(|(p, _)| p.clone()).collect();
    if opts.dry_run {
        return Ok(Split {
            driver: id,
            members,
            written: false,
        });
    }
    let ((), commit) = store.update_committed(|snapshot| {
        let (entry, mut driver) = ops::load(snapshot, &id)?;
        let ids = crate::store::ids::load(store, snapshot)?;
        splittable(&id, &driver, ids.iter())?;
        driver.set_text("type", "driver");
        let mut change = Change::on_spec("split", &id);
        change.write_spec(&id, entry.archived, driver.render());
        for (member, bytes) in &rendered {
            change.trailer(Trailer::Spec, member.id.as_str());
            change.write_spec(&member.id, false, bytes.clone());
        }
        Ok::<_, Error>((change, ()))
    })?;
    if let Some(commit) = commit {
        // The split's own ledger commit names the driver: `show` finds the transcript there.
        ops::transcript::attach_note(store, &id, commit, &asked.transcript)?;
    }
    let _ = std::fs::remove_file(&kept);
    Ok(Split {
        driver: id,
        members,
        written: true,
    })
}

/// Refuses a spec that is not pending, is a driver already, or has members.
fn splittable<'a>(
    id: &str,
    spec: &Spec,
    mut ids: impl Iterator<Item = &'a str>,
) -> Result<(), WorkError> {
    let refuse = |why: String, help: String| WorkError::NotSplittable {
        id: id.to_owned(),
        why,
        help,
    };
    if !Status::Pending.is(spec.status()) {
        return Err(refuse(
            format!("it is {}, and only a pending spec is split", spec.status()),
            format!("`git chant reopen {id}` makes it pending again, if its work is to be redone in parts"),
        ));
    }
    if matches!(spec.kind(), "driver" | "group") {
        return Err(refuse(
            format!("it is a {} already", spec.kind()),
            format!("add members with `git chant add <title> --member-of {id}`"),
        ));
    }
    if let Some(member) = ids.find(|other| crate::spec::id::driver_of(other) == Some(id)) {
        return Err(refuse(
            format!("it has members already ({member})"),
            format!("add more with `git chant add <title> --member-of {id}`"),
        ));
    }
    Ok(())
}

/// Each member's spec file, checked as `add` checks a new spec.
fn render(driver: &str, members: &[Member]) -> Result<Vec<(Planned, String)>, String> {
    let mut out = Vec::new();
    for (at, member) in members.iter().enumerate() {
        let id = format!("{driver}.{}", at + 1);
        let depends_on: Vec<String> = member
            .depends_on
            .iter()
            .map(|n| format!("{driver}.{n}"))
            .collect();
        let new = NewSpec {
            title: member.title.clone(),
            target_files: member.target_files.clone(),
            body: Some(format!("# {}\n\n{}\n", member.title, member.description)),
            ..Default::default()
        };
        let bytes = new.render(&member.title, &depends_on);
        let spec =
            Spec::parse(&id, bytes.as_bytes()).map_err(|e| format!("member {}: {e}", at + 1))?;
        rules::introduced(None, &spec, false)
            .map_err(|v| format!("member {}: {}", at + 1, v.message))?;
        let planned = Planned {
            criteria: spec.criteria().len(),
            id,
            title: member.title.clone(),
            depends_on,
            target_files: member.target_files.clone(),
        };
        out.push((planned, bytes));
    }
    Ok(out)
}

/// Where a refused answer is kept: `.git/chant/split/<id>.md`.
fn answer_path(store: &Store, id: &str) -> PathBuf {
    store.cache_dir().join("split").join(format!("{id}.md"))
}

/// Keeps a run's transcript on the newest ledger commit naming `id`; returns that commit.
fn keep_transcript(store: &Store, id: &str, asked: &Asked) -> Result<String, Error> {
    let on = ops::transcript::last_ledger_commit_naming(store, id)?;
    ops::transcript::attach_note(store, id, on, &asked.transcript)?;
    Ok(on.to_string())
}
