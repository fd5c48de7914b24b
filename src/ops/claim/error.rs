//! Why a claim, a release or a renewal did not happen.

use miette::Diagnostic;
use thiserror::Error;

use crate::exit::{Exit, ExitCode};
use crate::spec::claim::Claim;

#[derive(Debug, Error, Diagnostic)]
pub enum ClaimError {
    /// Someone else's unexpired claim is there (found locally, or on the remote after a
    /// lost race: `raced` names the remote, and what else was local has been pushed).
    #[error("{id} is claimed by {} until {}{}", holder.by, holder.until, raced.as_ref().map(|r| format!(" (their claim reached {r} first; yours was dropped)")).unwrap_or_default())]
    #[diagnostic(
        code(chant::claim::held),
        help("{}wait until the lease ends, ask them to run `git chant release {id}`, or take it anyway with `git chant claim {id} --force`", if raced.is_some() { "your other ledger changes were merged and pushed; " } else { "" })
    )]
    Held {
        id: String,
        holder: Claim,
        raced: Option<String>,
    },

    /// `release --force`-less or `renew` of a spec you do not hold.
    #[error("{id} is not claimed by you{}", holder.as_ref().map(|h| format!(" (it is claimed by {} until {})", h.by, h.until)).unwrap_or_else(|| " (it has no claim)".into()))]
    #[diagnostic(
        code(chant::claim::not_yours),
        help("`git chant claim {id}` claims it; `git chant show {id}` shows who holds it")
    )]
    NotYours { id: String, holder: Option<Claim> },

    /// `ready --claim` found every ready spec claimed.
    #[error("no ready spec left unclaimed{}", if *tried > 0 { format!(" ({tried} were claimed by others first)") } else { String::new() })]
    #[diagnostic(
        code(chant::claim::none_left),
        help("`git chant ready` lists them with their claims (`--json`: the `claim` field); claims end when their lease does")
    )]
    NoneLeft { tried: usize },

    /// `git config chant.claim.lease` holds no duration.
    #[error("git config chant.claim.lease: {why}")]
    #[diagnostic(
        code(chant::claim::lease),
        help("e.g. `git config chant.claim.lease 2h`, or `git config --unset chant.claim.lease` for the default (2h)")
    )]
    BadLeaseConfig { why: String },
}

impl ExitCode for ClaimError {
    fn exit(&self) -> Exit {
        match self {
            ClaimError::Held { .. } | ClaimError::NoneLeft { .. } => Exit::Conflict,
            ClaimError::NotYours {
                holder: Some(_), ..
            } => Exit::Conflict,
            ClaimError::NotYours { holder: None, .. } => Exit::User,
            ClaimError::BadLeaseConfig { .. } => Exit::User,
        }
    }
}
