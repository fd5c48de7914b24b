//! What the validator reports (one `Problem` per broken rule, as one plain-ASCII line, the
//! rules as one `Rule` type) and the server settings it enforces (`Policy`, read from the
//! server's git config).

use serde::{Serialize, Serializer};

use crate::store::Store;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    #[serde(rename = "ref")]
    pub ref_name: String,
    pub spec: Option<String>,
    pub field: Option<String>,
    pub rule: Rule,
    pub message: String,
}

/// Every rule the validator enforces; its tag (`as_str`) ends each problem's line in
/// brackets and is the `rule` of `validate --json`, so scripts and the pusher can tell
/// them apart. Add a rule here, then report it where it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Only the ledger, the notes refs and `chant.allowRef` refs under `refs/chant/`.
    Ref,
    /// Our refs are never deleted.
    Deletion,
    /// Our refs point at commits.
    NotACommit,
    /// Our refs only move forward.
    FastForward,
    /// A file over `chant.maxSpecBytes`/`chant.maxNoteBytes`, a push over `chant.maxPushBytes`.
    Size,
    /// Tree entries in git's order, no name twice.
    Order,
    /// Notes: UTF-8 events naming specs of the ledger, each note stored once.
    Note,
    /// Entry names a checkout can write safely.
    Name,
    /// Only regular files and folders.
    Mode,
    /// Every entry where the layout puts one (a spec in its shard).
    Path,
    /// Spec file names are valid ids.
    Id,
    /// `FORMAT` is there and is the one this code reads.
    Format,
    /// No spec both live and archived.
    Unique,
    /// Every dependency exists.
    Dependency,
    /// No dependency cycle.
    Cycle,
    /// One history: no second root commit.
    Root,
    /// A merge joins two histories and holds what the ledger merge makes of them.
    Merge,
    /// No spec deleted (unless `chant.allowDelete`).
    Delete,
    /// Every changed spec parses.
    Parse,
    /// Every changed spec has a known status.
    Status,
    /// Every status change is allowed, or forced.
    Transition,
    /// Only `chant.forceWriters` force.
    Force,
    /// Only `chant.allowedWriters` commit.
    Writer,
    /// Config and prompts are UTF-8 text.
    Text,
    /// Branch commits name existing specs (`chant.requireKnownSpecs`).
    KnownSpec,
    /// A `claim` is well formed, and someone else's unexpired claim is replaced only when
    /// forced.
    Claim,
    /// A template's frontmatter parses and its `variables` have upstream's shape.
    Template,
    /// `chant.requireApproval`: a spec that requires approval starts or completes only
    /// once approved; an approval commit changes nothing but approvals.
    Approval,
    /// `chant.approvers`: only they approve or reject, and `approval.by` names the committer.
    Approver,
    /// `chant.requireSignedApprovals`: an approval commit carries a signature git trusts,
    /// by its committer.
    Signature,
    /// `verification_status` is passed, failed or partial; `last_verified` RFC 3339.
    Verification,
    /// A spec's `approval` is well formed: its shape, and a decision that names who and
    /// when (lint's `approval` rule).
    ApprovalField,
    /// Not a rule: the count of problems past the listing's limit.
    More,
}

impl Rule {
    /// Every rule, in the order above.
    pub const ALL: [Rule; 33] = [
        Rule::Ref,
        Rule::Deletion,
        Rule::NotACommit,
        Rule::FastForward,
        Rule::Size,
        Rule::Order,
        Rule::Note,
        Rule::Name,
        Rule::Mode,
        Rule::Path,
        Rule::Id,
        Rule::Format,
        Rule::Unique,
        Rule::Dependency,
        Rule::Cycle,
        Rule::Root,
        Rule::Merge,
        Rule::Delete,
        Rule::Parse,
        Rule::Status,
        Rule::Transition,
        Rule::Force,
        Rule::Writer,
        Rule::Text,
        Rule::KnownSpec,
        Rule::Claim,
        Rule::Template,
        Rule::Approval,
        Rule::Approver,
        Rule::Signature,
        Rule::Verification,
        Rule::ApprovalField,
        Rule::More,
    ];

    /// The tag, as printed in `[...]` and in `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Ref => "ref",
            Rule::Deletion => "deletion",
            Rule::NotACommit => "not-a-commit",
            Rule::FastForward => "fast-forward",
            Rule::Size => "size",
            Rule::Order => "order",
            Rule::Note => "note",
            Rule::Name => "name",
            Rule::Mode => "mode",
            Rule::Path => "path",
            Rule::Id => "id",
            Rule::Format => "format",
            Rule::Unique => "unique",
            Rule::Dependency => "dependency",
            Rule::Cycle => "cycle",
            Rule::Root => "root",
            Rule::Merge => "merge",
            Rule::Delete => "delete",
            Rule::Parse => "parse",
            Rule::Status => "status",
            Rule::Transition => "transition",
            Rule::Force => "force",
            Rule::Writer => "writer",
            Rule::Text => "text",
            Rule::KnownSpec => "known-spec",
            Rule::Claim => "claim",
            Rule::Template => "template",
            Rule::Approval => "approval",
            Rule::Approver => "approver",
            Rule::Signature => "signature",
            Rule::Verification => "verification",
            Rule::ApprovalField => "approval-field",
            Rule::More => "more",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Problem {
    /// One plain-ASCII line: ref, spec, field, message, rule. Anything else (names and
    /// values come from the push) shows as `?`, so no pusher can send escapes to a terminal.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = format!(
            "{}: spec {}: field {}: {} [{}]",
            self.ref_name,
            self.spec.as_deref().unwrap_or("-"),
            self.field.as_deref().unwrap_or("-"),
            self.message,
            self.rule
        );
        let ascii: String = line
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        f.write_str(&ascii)
    }
}

/// Collects the problems of one ref update; the same problem found in several pushed
/// commits is reported once.
pub(crate) struct Report {
    ref_name: String,
    pub(crate) problems: Vec<Problem>,
    seen: std::collections::HashSet<(Option<String>, Rule, String)>,
    /// Problems past `MAX_PROBLEMS`, counted but not kept.
    dropped: usize,
}

/// Enough to fix a push by; a push of a million bad names should not print a million lines.
const MAX_PROBLEMS: usize = 1000;

impl Report {
    pub(crate) fn new(ref_name: &str) -> Report {
        Report {
            ref_name: ref_name.to_owned(),
            problems: Vec::new(),
            seen: std::collections::HashSet::new(),
            dropped: 0,
        }
    }

    pub(crate) fn add(
        &mut self,
        spec: Option<&str>,
        field: Option<&str>,
        rule: Rule,
        message: impl Into<String>,
    ) {
        let message = message.into();
        if !self
            .seen
            .insert((spec.map(str::to_owned), rule, message.clone()))
        {
            return;
        }
        if self.problems.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            return;
        }
        self.problems.push(Problem {
            ref_name: self.ref_name.clone(),
            spec: spec.map(str::to_owned),
            field: field.map(str::to_owned),
            rule,
            message,
        });
    }

    /// The problems, with a last line counting those not listed.
    pub(crate) fn finish(mut self) -> Vec<Problem> {
        if self.dropped > 0 {
            let message = format!("and {} more problems not listed", self.dropped);
            self.problems.push(Problem {
                ref_name: self.ref_name.clone(),
                spec: None,
                field: None,
                rule: Rule::More,
                message,
            });
        }
        self.problems
    }

    /// A problem about the ref as a whole.
    pub(crate) fn refuse(&mut self, rule: Rule, message: impl Into<String>) {
        self.add(None, None, rule, message);
    }
}

/// Limits and policies, from the server's git config (README: "Refusing bad pushes").
#[derive(Debug, Clone)]
pub struct Policy {
    /// `chant.maxSpecBytes` (default 1 MiB): the largest spec, prompt, config or FORMAT.
    pub max_spec_bytes: u64,
    /// `chant.maxNoteBytes` (default 64 MiB): the largest note (transcripts are large).
    pub max_note_bytes: u64,
    /// `chant.maxPushBytes` (default 256 MiB): the new ledger and notes objects of a push.
    pub max_push_bytes: u64,
    /// `chant.requireKnownSpecs`: branch commits naming a spec must name an existing one.
    pub require_known_specs: bool,
    /// `chant.allowedWriters` (repeatable, emails): who may commit to the ledger and notes.
    pub allowed_writers: Vec<String>,
    /// `chant.forceWriters` (repeatable, emails): who may force a transition; empty: anyone.
    pub force_writers: Vec<String>,
    /// `chant.allowDelete`: a pushed commit may delete specs (archiving is the usual way).
    pub allow_delete: bool,
    /// `chant.allowRef` (repeatable): more refs under `refs/chant/` that are accepted as
    /// they are (fast-forward, never deleted), for tools of your own.
    pub extra_refs: Vec<String>,
    /// `chant.requireApproval`: a spec whose `approval.required` is true moves to
    /// in_progress or completed only when its `approval.status` is approved.
    pub require_approval: bool,
    /// `chant.approvers` (repeatable, `email` or `Name <email>`, matched by email): who may
    /// approve, reject or drop an approval requirement; empty: anyone.
    pub approvers: Vec<String>,
    /// `chant.requireSignedApprovals`: approval commits carry a signature git verifies
    /// (`gpg.format`, `gpg.ssh.allowedSignersFile`), by the committer.
    pub require_signed_approvals: bool,
}

impl Policy {
    pub fn from_config(store: &Store) -> Policy {
        let config = store.repo().config_snapshot();
        let number = |key: &str, default: u64| {
            config
                .integer(key)
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(default)
        };
        let strings = |key: &str| -> Vec<String> {
            config
                .strings(key)
                .unwrap_or_default()
                .into_iter()
                .map(|v| v.to_string())
                .collect()
        };
        Policy {
            max_spec_bytes: number("chant.maxSpecBytes", 1 << 20),
            max_note_bytes: number("chant.maxNoteBytes", 64 << 20),
            max_push_bytes: number("chant.maxPushBytes", 256 << 20),
            require_known_specs: config.boolean("chant.requireKnownSpecs").unwrap_or(false),
            allowed_writers: strings("chant.allowedWriters"),
            force_writers: strings("chant.forceWriters"),
            allow_delete: config.boolean("chant.allowDelete").unwrap_or(false),
            extra_refs: strings("chant.allowRef"),
            require_approval: config.boolean("chant.requireApproval").unwrap_or(false),
            approvers: strings("chant.approvers"),
            require_signed_approvals: config
                .boolean("chant.requireSignedApprovals")
                .unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn every_rule_has_its_own_tag() {
        let mut tags: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
        assert!(tags
            .iter()
            .all(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), Rule::ALL.len());
        assert_eq!(
            serde_json::to_string(&Rule::NotACommit).ok().as_deref(),
            Some("\"not-a-commit\"")
        );
    }
}
