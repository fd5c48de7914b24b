//! Which specs a commit message refers to: a `chant(<id>): …` subject and `Chant-Spec:`
//! trailers, plus `Chant-Status: completed`. Parsing is cheap and needs no repository, so
//! a commit that names no spec costs almost nothing in a hook.

use crate::store::trailer::Trailer;

/// The references of one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References {
    /// Ids as written (possibly short), subject first, without duplicates.
    pub ids: Vec<String>,
    /// A `Chant-Status: completed` trailer asks to complete the referenced specs.
    pub complete: bool,
}

impl References {
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The id in a `chant(<id>): …` subject.
pub fn subject_id(message: &str) -> Option<&str> {
    let subject = message.lines().next()?;
    let rest = subject.strip_prefix("chant(")?;
    let (id, after) = rest.split_once(')')?;
    (after.starts_with(':') && !id.trim().is_empty()).then(|| id.trim())
}

/// `Key: value` trailers of the last paragraph (git's trailer block), keys compared
/// case-insensitively.
fn trailers(message: &str) -> Vec<(&str, &str)> {
    let body: Vec<&str> = message.lines().filter(|l| !l.starts_with('#')).collect();
    let end = body
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    let start = body[..end]
        .iter()
        .rposition(|l| l.trim().is_empty())
        .map_or(0, |i| i + 1);
    if start == 0 {
        // The subject alone is never a trailer block.
        return Vec::new();
    }
    body[start..end]
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

/// Everything a message refers to.
pub fn references(message: &str) -> References {
    let mut refs = References::default();
    if let Some(id) = subject_id(message) {
        refs.ids.push(id.to_owned());
    }
    for (key, value) in trailers(message) {
        if Trailer::Spec.matches(key) && !value.is_empty() && !refs.ids.iter().any(|i| i == value) {
            refs.ids.push(value.to_owned());
        }
        if Trailer::Status.matches(key)
            && value.eq_ignore_ascii_case(crate::lifecycle::Status::Completed.as_str())
        {
            refs.complete = true;
        }
    }
    refs
}

/// The message with every reference to `short` written as `full` (subject and trailers).
pub fn expand(message: &str, short: &str, full: &str) -> String {
    let mut out = String::with_capacity(message.len() + full.len());
    for (n, line) in message.split_inclusive('\n').enumerate() {
        let subject = format!("chant({short})");
        if n == 0 && line.starts_with(&subject) {
            out.push_str(&format!("chant({full}){}", &line[subject.len()..]));
            continue;
        }
        match line.split_once(':') {
            Some((key, value)) if Trailer::Spec.matches(key.trim()) && value.trim() == short => {
                let ending = if line.ends_with('\n') { "\n" } else { "" };
                out.push_str(&format!("{}: {full}{ending}", key.trim()));
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_and_trailers_are_found() {
        let message = "chant(003-root-cause): find the bug\n\nLong text: with a colon\n\nChant-Spec: 004\nChant-Status: completed\n";
        let refs = references(message);
        assert_eq!(refs.ids, vec!["003-root-cause", "004"]);
        assert!(refs.complete);
    }

    #[test]
    fn ordinary_messages_refer_to_nothing() {
        for message in [
            "fix: a bug\n",
            "chant: not a reference\n",
            "chant(): empty\n",
            "Merge branch 'x'\n",
            "",
        ] {
            assert!(references(message).is_empty(), "{message:?}");
        }
        assert!(references("subject\n\nbody chant(x): mid-text\n").is_empty());
    }

    #[test]
    fn short_ids_expand_in_subject_and_trailers() {
        let message = "chant(k3x): work\n\nChant-Spec: k3x\n";
        assert_eq!(
            expand(message, "k3x", "2026-01-01-001-k3x"),
            "chant(2026-01-01-001-k3x): work\n\nChant-Spec: 2026-01-01-001-k3x\n"
        );
    }
}
