//! Where each file of an upstream `.chant/` directory goes in the ledger, and which of its
//! folders import looks into.

use super::Kind;
use crate::store::paths::CONFIG_PATH;

/// Classifies a path of an upstream `.chant/` directory; `None` for files it ignores.
pub fn classify(rel: &str) -> Option<(Kind, String)> {
    let parts: Vec<&str> = rel.split('/').collect();
    let stem = |file: &str| file.strip_suffix(".md").map(str::to_owned);
    match parts.as_slice() {
        ["config.md"] => Some((Kind::Config, CONFIG_PATH.to_owned())),
        ["prompts", rest @ ..] if rel.ends_with(".md") && !rest.is_empty() => {
            Some((Kind::Prompt, rel.to_owned()))
        }
        ["templates", file] if file.ends_with(".md") => Some((Kind::Template, rel.to_owned())),
        ["specs", file] => stem(file).map(|id| (Kind::Spec, id)),
        ["archive", file] | ["archive", _, file] => stem(file).map(|id| (Kind::Archived, id)),
        _ => None,
    }
}

/// Whether import looks inside this folder of an upstream directory (`rel` relative to
/// it): the folders `classify` takes files from, and nothing else.
pub(super) fn descends(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    matches!(
        parts.as_slice(),
        ["specs"] | ["archive"] | ["archive", _] | ["prompts", ..] | ["templates"]
    )
}

/// `prompts/<name>.md`, `prompts/extensions/<name>.md` or `templates/<name>.md` with a
/// valid name (the same rule for both: the name forms a path).
pub(super) fn is_named_path(path: &str) -> bool {
    // A name holding `/` (a deeper folder) is no prompt name.
    let name = (path.strip_prefix("prompts/extensions/"))
        .or(path.strip_prefix("prompts/"))
        .or(path.strip_prefix("templates/"));
    name.and_then(|n| n.strip_suffix(".md"))
        .is_some_and(crate::store::paths::is_prompt_name)
}

/// What is wrong with the template at `path` (valid by `is_named_path`), if anything.
pub(super) fn template_problem(path: &str, bytes: &[u8]) -> Option<String> {
    let name = path.strip_prefix("templates/")?.strip_suffix(".md")?;
    crate::spec::template::parse(name, bytes)
        .err()
        .map(|v| format!("{path}: {}", v.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_paths_map_to_the_ledger() {
        assert_eq!(classify("specs/a.md"), Some((Kind::Spec, "a".into())));
        assert_eq!(
            classify("archive/2026-01-02/a.md"),
            Some((Kind::Archived, "a".into()))
        );
        assert_eq!(classify("archive/a.md"), Some((Kind::Archived, "a".into())));
        assert_eq!(
            classify("prompts/extensions/x.md"),
            Some((Kind::Prompt, "prompts/extensions/x.md".into()))
        );
        assert_eq!(
            classify("config.md"),
            Some((Kind::Config, "config.md".into()))
        );
        assert_eq!(classify("logs/run.log"), None);
        assert_eq!(
            classify("templates/feature.md"),
            Some((Kind::Template, "templates/feature.md".into()))
        );
        assert!(is_named_path("templates/feature.md") && !is_named_path("templates/.x.md"));
        assert!(descends("prompts/extensions") && descends("archive/2026-01-02"));
        assert!(!descends("logs") && !descends("specs/sub"));
    }
}
