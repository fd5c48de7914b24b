//! The tools that write: each one library operation, the same the command line runs (one
//! compare-and-swap write of the ledger, or a claim pushed at once), so servers and
//! commands writing together lose nothing.

use serde_json::{json, Value};

use super::args::{self, parse};
use super::calls::open;
use super::tools::Fail;
use crate::ops::{self, BodyEdit, NewSpec, SetAction, Target, Update};
use crate::store::Store;
use crate::work::land::{self, Strategy};

/// Refuses a text argument longer than a spec may be (`chant.maxSpecBytes`).
fn bounded(store: &Store, what: &str, text: &str) -> Result<(), Fail> {
    let bound = crate::files::Limits::from_store(store).spec;
    if text.len() as u64 > bound.bytes {
        return Err(crate::files::FileError::TooLarge {
            path: format!("the `{what}` argument").into(),
            limit: bound.bytes,
            key: bound.key,
        }
        .into());
    }
    Ok(())
}

pub fn add(arguments: Value) -> Result<Value, Fail> {
    let a: args::Add = parse(arguments)?;
    let store = open(&a.repo)?;
    if let Some(body) = &a.body {
        bounded(&store, "body", body)?;
    }
    let new = NewSpec {
        title: a.title,
        id: a.id,
        kind: a.kind,
        depends_on: a.depends_on,
        labels: a.labels,
        target_files: a.target_files,
        prompt: a.prompt,
        member_of: a.member_of,
        body: a.body,
        force: a.force,
        needs_approval: false,
        extra: Vec::new(),
    };
    let id = ops::add(&store, &new, &ops::today())?;
    Ok(json!({ "id": id }))
}

pub fn update(arguments: Value) -> Result<Value, Fail> {
    let a: args::Update = parse(arguments)?;
    let mut fields = Vec::new();
    for (field, value) in &a.set {
        fields.push((field.clone(), SetAction::Value(value.text())));
    }
    for (map, action) in [
        (&a.add, SetAction::Add as fn(String) -> SetAction),
        (&a.remove, SetAction::Remove),
    ] {
        for (field, values) in map {
            fields.extend(values.iter().map(|v| (field.clone(), action(v.clone()))));
        }
    }
    let body = match (a.body, a.append) {
        (Some(_), Some(_)) => return Err(Fail::Args("give `body` or `append`, not both".into())),
        (Some(body), None) => Some(BodyEdit::Replace(body)),
        (None, Some(append)) => Some(BodyEdit::Append {
            section: append.section,
            text: append.text,
        }),
        (None, None) => None,
    };
    if fields.is_empty() && body.is_none() {
        return Err(Fail::Args(
            "nothing to change: give `set`, `add`, `remove`, `body` or `append`".into(),
        ));
    }
    let store = open(&a.repo)?;
    if let Some(BodyEdit::Replace(text) | BodyEdit::Append { text, .. }) = &body {
        bounded(&store, "body", text)?;
    }
    let update = Update {
        fields,
        body,
        force: a.force,
    };
    Ok(serde_json::to_value(ops::update(&store, &a.id, &update)?).unwrap_or_default())
}

pub fn transition(arguments: Value) -> Result<Value, Fail> {
    let a: args::Transition = parse(arguments)?;
    let target = match a.to {
        args::To::Start => Target::Start,
        args::To::Done => Target::Done,
        args::To::Fail => Target::Fail,
        args::To::Pause => Target::Pause,
        args::To::Cancel => Target::Cancel,
        args::To::Reopen => Target::Reopen,
    };
    let store = open(&a.repo)?;
    let t = ops::transition(
        &store,
        &a.id,
        target,
        a.force,
        a.reason.as_deref(),
        &ops::now(),
    )?;
    Ok(json!({
        "id": t.id,
        "from": t.from,
        "to": t.to,
        "forced": t.forced,
        "messages": t.messages,
        "commit": t.commit.map(|c| c.to_string()),
    }))
}

pub fn check(arguments: Value) -> Result<Value, Fail> {
    let a: args::Check = parse(arguments)?;
    if a.numbers.is_empty() {
        return Err(Fail::Args("`numbers` needs at least one criterion".into()));
    }
    let store = open(&a.repo)?;
    let written = ops::check(&store, &a.id, &a.numbers, !a.uncheck)?;
    Ok(serde_json::to_value(written).unwrap_or_default())
}

pub fn work(arguments: Value) -> Result<Value, Fail> {
    let a: args::Work = parse(arguments)?;
    if a.ids.is_empty() {
        return Err(Fail::Args("`ids` needs at least one spec".into()));
    }
    let store = open(&a.repo)?;
    // Refused here, before anything starts: an unknown id, no agent, a run going on.
    let mut ids = Vec::new();
    for short in &a.ids {
        let id = ops::resolve(&store, &store.snapshot()?, short)?;
        if crate::store::runs::load(&store, &id).is_some_and(|r| !r.is_stale()) {
            return Err(crate::work::WorkError::Running { id }.into());
        }
        ids.push(id);
    }
    crate::work::agents(&store, a.agent.as_deref())?;
    let opts = crate::work::Options {
        agent: a.agent,
        prompt: a.prompt,
        force: a.force,
        target: a.target,
        claim: a.claim,
        ..crate::work::Options::default()
    };
    let mut started = Vec::new();
    for id in &ids {
        let launch = crate::work::detach::start(&store, id, &opts, a.merge)?;
        started.push(json!({
            "id": launch.id,
            "pid": launch.process.pid,
            "output": launch.output,
            "log": launch.log,
        }));
    }
    Ok(json!({ "started": started }))
}

pub fn merge(arguments: Value) -> Result<Value, Fail> {
    let a: args::Merge = parse(arguments)?;
    let strategy = match a.strategy.as_deref() {
        None => None,
        Some(name) => Some(Strategy::named(name).ok_or_else(|| {
            Fail::Args(format!(
                "unknown strategy `{name}`: merge, ff-only, rebase or squash"
            ))
        })?),
    };
    if a.ids.is_empty() != a.all_completed {
        return Err(Fail::Args("give `ids` or `all_completed: true`".into()));
    }
    let store = open(&a.repo)?;
    let ids = if a.all_completed {
        land::unlanded(&store)?
    } else {
        let snapshot = store.snapshot()?;
        let mut ids = Vec::new();
        for short in &a.ids {
            let short = short.strip_prefix("chant/").unwrap_or(short);
            ids.push(ops::resolve(&store, &snapshot, short)?);
        }
        land::landing_order(&store, ids)?
    };
    let opts = land::Options {
        strategy,
        into: a.into,
        keep: a.keep,
        push: a.push,
    };
    let mut landed = Vec::new();
    for id in &ids {
        landed.push(land::land(&store, id, &opts)?);
    }
    Ok(json!({ "landed": landed }))
}

fn lease(text: &Option<String>) -> Result<Option<crate::spec::claim::Lease>, Fail> {
    text.as_deref()
        .map(crate::spec::claim::Lease::parse)
        .transpose()
        .map_err(Fail::Args)
}

pub fn claim(arguments: Value) -> Result<Value, Fail> {
    let a: args::Claim = parse(arguments)?;
    let lease = lease(&a.lease)?;
    let store = open(&a.repo)?;
    let report = match &a.id {
        Some(id) => ops::claim::claim(&store, id, lease, a.force, a.remote.as_deref())?,
        None if a.force => {
            return Err(Fail::Args(
                "`force` needs the `id` of the spec to take".into(),
            ))
        }
        None => ops::claim::claim_next(&store, lease, a.remote.as_deref())?,
    };
    Ok(serde_json::to_value(report).unwrap_or_default())
}

pub fn release(arguments: Value) -> Result<Value, Fail> {
    let a: args::Release = parse(arguments)?;
    let store = open(&a.repo)?;
    let report = ops::claim::release(&store, &a.id, a.force, a.remote.as_deref())?;
    Ok(serde_json::to_value(report).unwrap_or_default())
}
