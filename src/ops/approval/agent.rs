//! `approval.require_approval_for_agent_work` (the ledger's config.md, upstream's key):
//! a spec completed with a commit an agent co-authored requires approval, as upstream's
//! finalize does. The agents are upstream's list of signatures (Claude, GPT, Copilot,
//! Gemini, Cursor, Anthropic, OpenAI) plus Codex and ChatGPT, matched as words of a
//! `Co-Authored-By:` trailer; upstream's substring match on `ai` and `assistant`, which
//! every `…@gmail.com` co-author meets, is left out.

use serde_yaml::Value;

use crate::error::Error;
use crate::spec::Spec;
use crate::store::ledger::Snapshot;
use crate::store::paths::CONFIG_PATH;
use crate::store::Store;

/// Words of a co-author trailer that name a coding agent.
pub const AGENT_SIGNATURES: &[&str] = &[
    "claude",
    "anthropic",
    "gpt",
    "chatgpt",
    "openai",
    "codex",
    "copilot",
    "gemini",
    "cursor",
];

/// Whether the ledger's config.md sets `approval.require_approval_for_agent_work: true`.
pub fn required_for_agent_work(snapshot: &Snapshot<'_>) -> Result<bool, Error> {
    let Some(bytes) = snapshot.file(CONFIG_PATH)? else {
        return Ok(false);
    };
    let Ok(config) = Spec::parse("config.md", &bytes) else {
        return Ok(false);
    };
    Ok(config
        .frontmatter()
        .get("approval")
        .and_then(|a| a.get("require_approval_for_agent_work"))
        .and_then(Value::as_bool)
        == Some(true))
}

/// The `Co-Authored-By:` line of `message` that names an agent, if one does.
pub fn agent_coauthor(message: &str) -> Option<&str> {
    message.lines().map(str::trim).find(|line| {
        let Some((key, value)) = line.split_once(':') else {
            return false;
        };
        key.trim().eq_ignore_ascii_case("co-authored-by")
            && value
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|word| AGENT_SIGNATURES.contains(&word.to_ascii_lowercase().as_str()))
    })
}

/// When the rule is on and `spec` (being completed) asks for no approval yet, the first
/// of its `commits:` an agent co-authored, with that trailer; the spec then gets upstream's
/// `approval: {required: true, status: pending}`. A spec that already has an `approval`
/// keeps it (upstream does the same), so an approval given before is not undone.
pub fn require_if_agent_work(
    store: &Store,
    snapshot: &Snapshot<'_>,
    spec: &mut Spec,
) -> Result<Option<(String, String)>, Error> {
    if spec.approval().is_some() || !required_for_agent_work(snapshot)? {
        return Ok(None);
    }
    for listed in spec.commits() {
        let Some(id) = store.listed_commit(listed) else {
            continue;
        };
        let Ok(commit) = store.repo().find_commit(id) else {
            continue;
        };
        let Ok(message) = commit.message_raw() else {
            continue;
        };
        let message = String::from_utf8_lossy(message).into_owned();
        if let Some(line) = agent_coauthor(&message) {
            let found = (id.to_string(), line.to_owned());
            let mut approval = serde_yaml::Mapping::new();
            approval.insert("required".into(), Value::Bool(true));
            approval.insert("status".into(), crate::spec::approval::PENDING.into());
            spec.set_value("approval", Value::Mapping(approval));
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// What completing such a spec tells the user.
pub fn required_message(id: &str, commit: &str, trailer: &str) -> String {
    format!(
        "{id}: commit {} has `{trailer}`; approval.require_approval_for_agent_work asks for an approval: `git chant approve {id}`",
        &commit[..12.min(commit.len())]
    )
}

#[cfg(test)]
mod tests {
    use super::agent_coauthor;

    #[test]
    fn agents_are_named_words_of_a_co_author_trailer() {
        let msg = "Fix\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n";
        assert!(agent_coauthor(msg).is_some());
        assert!(agent_coauthor("x\n\nco-authored-by: GPT-5 <x@y.z>\n").is_some());
        assert!(agent_coauthor("x\n\nCo-authored-by: Ana <ana@mail.com>\n").is_none());
        assert!(agent_coauthor("Claude wrote this\n").is_none());
    }
}
