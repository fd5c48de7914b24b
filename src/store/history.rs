//! The ledger's history: its commits with their operation trailers, newest first, so
//! `log` answers "what happened to this spec" without diffing trees.

use gix::ObjectId;

use super::{Context, Store, StoreError};

/// One ledger commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerCommit {
    pub id: String,
    pub author: String,
    pub email: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
    pub subject: String,
    pub trailers: Vec<(String, String)>,
    /// The first parent, `None` for the root commit.
    #[serde(skip)]
    pub parent: Option<ObjectId>,
}

impl LedgerCommit {
    pub fn trailer<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> {
        self.trailers
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Every commit reachable from the ledger tip, newest first.
pub fn history(store: &Store) -> Result<Vec<LedgerCommit>, StoreError> {
    let Some(tip) = store.ledger_tip()? else {
        return Err(StoreError::NoLedger);
    };
    let repo = store.repo();
    let walk = repo
        .rev_walk([tip])
        .all()
        .context(|| "walking refs/chant/specs".to_owned())?;
    let mut commits = Vec::new();
    for info in walk {
        let info = info.context(|| "walking refs/chant/specs".to_owned())?;
        let commit = info
            .object()
            .context(|| format!("reading ledger commit {}", info.id))?;
        commits.push(describe(info.id, &commit)?);
    }
    Ok(commits)
}

fn describe(id: ObjectId, commit: &gix::Commit<'_>) -> Result<LedgerCommit, StoreError> {
    let author = commit
        .author()
        .context(|| format!("reading the author of {id}"))?;
    let seconds = author.time().map(|t| t.seconds).unwrap_or_default();
    let date = crate::clock::from_unix(seconds);
    let message = commit.message_raw_sloppy().to_string();
    Ok(LedgerCommit {
        id: id.to_string(),
        author: author.name.to_string(),
        email: author.email.to_string(),
        date,
        subject: message.lines().next().unwrap_or_default().to_owned(),
        trailers: trailers(&message),
        parent: commit.parent_ids().next().map(|p| p.detach()),
    })
}

/// `Key: value` lines of the message's last paragraph.
pub fn trailers(message: &str) -> Vec<(String, String)> {
    let last = message.trim_end().rsplit("\n\n").next().unwrap_or_default();
    if !message.trim_end().contains("\n\n") {
        return Vec::new();
    }
    last.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(": ")?;
            let valid =
                !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            valid.then(|| (key.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn trailers_come_from_the_last_paragraph() {
        let message = "chant: done x\n\nChant-Spec: x\nChant-Op: status a -> b\n";
        assert_eq!(
            super::trailers(message),
            vec![
                ("Chant-Spec".into(), "x".into()),
                ("Chant-Op".into(), "status a -> b".into())
            ]
        );
        assert!(super::trailers("chant: init\n").is_empty());
    }
}
