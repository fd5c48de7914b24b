//! Transcripts: attaching one to a commit (`output`, the end of a `work` run), linking the
//! commit to its spec in the same write, and finding a spec's transcripts again (`show`,
//! `transcript`).

use gix::ObjectId;

use crate::error::Error;
use crate::hooks::message;
use crate::store::paths::OUTPUT_REF;
use crate::store::{Change, Context, Store};

use super::lookup::{load, resolve};

/// Transcript notes as `(commit, bytes as stored)`, oldest first.
pub type Notes = Vec<(String, Vec<u8>)>;

/// Attaches `text` as the transcript of spec `short` on `commit` (default: the last of
/// its `commits:`), linked as `attach_note` says. Returns the spec id and the commit.
pub fn attach(
    store: &Store,
    short: &str,
    commit: Option<&str>,
    text: &str,
) -> Result<(String, ObjectId), Error> {
    let snapshot = store.snapshot()?;
    let id = resolve(store, &snapshot, short)?;
    let (_, spec) = load(&snapshot, &id)?;
    let commit = match commit.or(spec.commits().last().copied()) {
        Some(rev) => store.resolve_rev(rev)?,
        None => {
            return Err(crate::lifecycle::LifecycleError::BadField {
                id,
                why: "no commit to attach the transcript to".into(),
                help: "name one with `--commit <rev>`".into(),
            }
            .into())
        }
    };
    let note = format!("---\nspec: {id}\nattached: {}\n---\n{text}", super::now());
    attach_note(store, &id, commit, &note)?;
    Ok((id, commit))
}

/// Writes `note` (header and transcript) on `commit` for spec `id`; a commit that neither
/// is listed nor names the spec in its message joins `commits:` in the same transaction.
pub fn attach_note(store: &Store, id: &str, commit: ObjectId, note: &str) -> Result<(), Error> {
    store.update(|snapshot| {
        let (entry, mut spec) = load(snapshot, id)?;
        let mut change = Change::on_spec("attach transcript", id);
        change
            .subject(format!("output {id}"))
            .ref_edits([crate::notes::attach_edit(store, OUTPUT_REF, commit, note)?]);
        if !names(id, &spec, commit, message_of(store, commit).as_deref()) {
            let mut commits: Vec<String> = spec.commits().iter().map(|c| c.to_string()).collect();
            commits.push(commit.to_string());
            spec.set_list("commits", &commits);
            change.write_spec(id, entry.archived, spec.render());
        }
        Ok::<_, Error>((change, ()))
    })
}

/// Whether `commit` belongs to spec `id`: listed in its `commits:` (full or abbreviated,
/// even when this clone lacks the commit), or its message names the spec (`chant(<id>)`, a
/// `Chant-Spec:` trailer).
fn names(id: &str, spec: &crate::spec::Spec, commit: ObjectId, message: Option<&str>) -> bool {
    let hex = commit.to_string();
    spec.commits()
        .iter()
        .any(|c| c.len() >= 7 && hex.starts_with(*c))
        || message.is_some_and(|m| message::references(m).ids.iter().any(|i| i == id))
}

/// A commit's message, `None` when this clone lacks the commit.
fn message_of(store: &Store, commit: ObjectId) -> Option<String> {
    let commit = store.repo().find_commit(commit).ok()?;
    Some(commit.message_raw_sloppy().to_string())
}

/// The transcripts of a spec, oldest first, for `show`: those on the commits it lists and
/// those on any commit whose message names it (`chant(<id>)`, `Chant-Spec: <id>`), such as
/// the ledger commit that recorded a run without commits. Costs one commit read per
/// transcript in the repository, not per spec.
pub fn transcripts(
    store: &Store,
    id: &str,
    spec: &crate::spec::Spec,
) -> Result<Vec<(String, String)>, Error> {
    Ok(transcript_notes(store, id, spec)?
        .into_iter()
        .map(|(c, bytes)| (c, String::from_utf8_lossy(&bytes).into_owned()))
        .collect())
}

/// [`transcripts`] with each note's bytes exactly as stored (`transcript --raw`).
pub fn transcript_notes(store: &Store, id: &str, spec: &crate::spec::Spec) -> Result<Notes, Error> {
    let repo = store.repo();
    let mut found = Vec::new();
    for (commit, blob) in crate::notes::list(store, OUTPUT_REF)? {
        let object = repo.find_commit(commit).ok();
        let message = object.as_ref().map(|o| o.message_raw_sloppy().to_string());
        if !names(id, spec, commit, message.as_deref()) {
            continue;
        }
        let seconds = object.and_then(|o| o.time().ok()).map_or(0, |t| t.seconds);
        let bytes = repo
            .find_blob(blob)
            .context(|| format!("reading note {blob}"))?
            .data
            .clone();
        found.push((seconds, commit.to_string(), bytes));
    }
    found.sort();
    Ok(found.into_iter().map(|(_, c, t)| (c, t)).collect())
}

/// The transcripts of spec `short` (`transcript`), bytes as stored, oldest first; with
/// `commit`, only the one on that commit, and an error naming the spec when it has none.
pub fn of_spec(store: &Store, short: &str, commit: Option<&str>) -> Result<(String, Notes), Error> {
    let snapshot = store.snapshot()?;
    let id = resolve(store, &snapshot, short)?;
    let (_, spec) = load(&snapshot, &id)?;
    let mut found = transcript_notes(store, &id, &spec)?;
    if let Some(rev) = commit {
        let wanted = store.resolve_rev(rev)?.to_string();
        found.retain(|(c, _)| *c == wanted);
        if found.is_empty() {
            return Err(crate::lifecycle::LifecycleError::BadField {
                why: format!("no transcript of {id} on commit {}", &wanted[..12]),
                help: format!("`git chant transcript {id}` prints every transcript of {id}, each with its commit"),
                id,
            }
            .into());
        }
    }
    Ok((id, found))
}

/// The newest ledger commit whose trailers name `id` (its `add` at the latest).
pub fn last_ledger_commit_naming(store: &Store, id: &str) -> Result<ObjectId, Error> {
    let tip = store
        .ledger_tip()?
        .ok_or(crate::store::StoreError::NoLedger)?;
    let walk = store
        .repo()
        .rev_walk([tip])
        .all()
        .context(|| "walking refs/chant/specs".to_owned())?;
    for info in walk {
        let info = info.context(|| "walking refs/chant/specs".to_owned())?;
        let commit = info
            .object()
            .context(|| format!("reading ledger commit {}", info.id))?;
        let refs = message::references(&commit.message_raw_sloppy().to_string());
        if refs.ids.iter().any(|i| i == id) {
            return Ok(info.id);
        }
    }
    Ok(tip)
}
