//! Each tool's arguments as serde parses them: unknown names refused (the input schemas say
//! `additionalProperties: false`), so a misspelt argument is an error, never ignored.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::tools::Fail;

/// Parses `value` into `T`, or the argument error `tools/call` answers with -32602.
pub fn parse<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Fail> {
    serde_json::from_value(value).map_err(|e| Fail::Args(e.to_string()))
}

/// Only `repo` (`status`, `runs`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoOnly {
    pub repo: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    pub repo: Option<String>,
    #[serde(default)]
    pub status: Vec<String>,
    #[serde(default)]
    pub label: Vec<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub scope: Option<Scope>,
    #[serde(default)]
    pub approval: Vec<String>,
    pub sort: Option<Sort>,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Live,
    Archived,
    All,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    Id,
    Status,
    Title,
    Updated,
}

/// `show`, `log`: one spec.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct One {
    pub repo: Option<String>,
    pub id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ready {
    pub repo: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
    pub repo: Option<String>,
    pub text: String,
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Add {
    pub repo: Option<String>,
    pub title: String,
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub target_files: Vec<String>,
    pub prompt: Option<String>,
    pub member_of: Option<String>,
    pub body: Option<String>,
    #[serde(default)]
    pub force: bool,
}

/// A value `set` takes: JSON's scalars, as the command line would spell them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    Number(serde_json::Number),
    Flag(bool),
}

impl Scalar {
    pub fn text(&self) -> String {
        match self {
            Scalar::Text(s) => s.clone(),
            Scalar::Number(n) => n.to_string(),
            Scalar::Flag(b) => b.to_string(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    pub repo: Option<String>,
    pub id: String,
    #[serde(default)]
    pub set: BTreeMap<String, Scalar>,
    #[serde(default)]
    pub add: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub remove: BTreeMap<String, Vec<String>>,
    pub body: Option<String>,
    pub append: Option<Append>,
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Append {
    pub section: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub repo: Option<String>,
    pub id: String,
    pub to: To,
    pub reason: Option<String>,
    #[serde(default)]
    pub force: bool,
}

/// The lifecycle commands, by their names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum To {
    Start,
    Done,
    Fail,
    Pause,
    Cancel,
    Reopen,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub repo: Option<String>,
    pub id: String,
    pub numbers: Vec<usize>,
    #[serde(default)]
    pub uncheck: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lint {
    pub repo: Option<String>,
    #[serde(default)]
    pub ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transcript {
    pub repo: Option<String>,
    pub id: String,
    pub commit: Option<String>,
    pub page: Option<usize>,
    #[serde(default)]
    pub live: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Work {
    pub repo: Option<String>,
    pub ids: Vec<String>,
    pub agent: Option<String>,
    pub prompt: Option<String>,
    pub target: Option<String>,
    #[serde(default)]
    pub force: bool,
    #[serde(default)]
    pub merge: bool,
    #[serde(default)]
    pub claim: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Merge {
    pub repo: Option<String>,
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(default)]
    pub all_completed: bool,
    pub strategy: Option<String>,
    pub into: Option<String>,
    #[serde(default)]
    pub keep: bool,
    pub push: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub repo: Option<String>,
    pub id: Option<String>,
    pub lease: Option<String>,
    #[serde(default)]
    pub force: bool,
    pub remote: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    pub repo: Option<String>,
    pub id: String,
    #[serde(default)]
    pub force: bool,
    pub remote: Option<String>,
}
