//! The path patterns a spec tracks (`tracks`, `informed_by`, `origin`, `target_files`),
//! matched against repository paths only: ledger text is untrusted, so nothing here touches
//! the file system, and every pattern is bounded in count and length.

use gix::glob::wildmatch::Mode;

/// At most this many patterns per spec; the rest are ignored with a note.
pub const MAX_PATTERNS: usize = 64;
/// At most this many bytes per pattern: git's wildmatch backtracks on `*`, and a bounded
/// pattern bounds its cost (gix's matcher also stops at 64 levels of recursion).
pub const MAX_PATTERN_LEN: usize = 256;

/// The fields whose entries are paths or globs, in the order they are read.
pub const FIELDS: [&str; 4] = ["tracks", "informed_by", "origin", "target_files"];

/// One spec's patterns, as matched.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    /// As normalised: no leading `./` or `/`, no trailing `/`.
    pub kept: Vec<String>,
    /// Why an entry was not kept (too long, past the count, empty).
    pub ignored: Vec<String>,
}

impl Patterns {
    /// The patterns of `entries`, deduplicated, in their order.
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a str>) -> Patterns {
        let mut out = Patterns::default();
        for raw in entries {
            if raw.len() > MAX_PATTERN_LEN {
                out.ignored.push(format!(
                    "a pattern of {} bytes (at most {MAX_PATTERN_LEN})",
                    raw.len()
                ));
                continue;
            }
            let Some(pattern) = normalise(raw) else {
                continue;
            };
            if out.kept.contains(&pattern) {
                continue;
            }
            if out.kept.len() == MAX_PATTERNS {
                out.ignored.push(format!(
                    "patterns past the first {MAX_PATTERNS} (`{pattern}` and after)"
                ));
                break;
            }
            out.kept.push(pattern);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Whether repository path `path` matches any pattern.
    pub fn matches(&self, path: &str) -> bool {
        self.kept.iter().any(|p| matches(p, path))
    }
}

/// A pattern as matched: `./docs/` and `/docs` are `docs`. `..` keeps no meaning (a tree
/// path has no such component, so it never matches). `None` when nothing is left.
fn normalise(raw: &str) -> Option<String> {
    let mut p = raw.trim();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_start_matches('/').trim_end_matches('/');
    (!p.is_empty()).then(|| p.to_owned())
}

/// Git's wildmatch with `*` and `?` not crossing `/`, `**` crossing it (`src/**/*.rs`
/// matches `src/a.rs` and `src/x/y/b.rs`); a plain path matches itself, and a pattern naming
/// a folder matches everything under it (as a pathspec does).
pub fn matches(pattern: &str, path: &str) -> bool {
    let wild = |p: &str| gix::glob::wildmatch(p.into(), path.into(), Mode::NO_MATCH_SLASH_LITERAL);
    if pattern == path || wild(pattern) {
        return true;
    }
    path.len() > pattern.len() && wild(&format!("{pattern}/**"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_match_themselves_and_what_is_under_them() {
        assert!(matches("docs/guide.md", "docs/guide.md"));
        assert!(!matches("docs/guide.md", "docs/guide.md.bak"));
        assert!(!matches("docs/guide.md", "other/docs/guide.md"));
        assert!(matches("docs", "docs/guide.md"));
        assert!(matches("docs", "docs/a/b.md"));
        assert!(!matches("docs", "docs2/a.md"));
    }

    #[test]
    fn stars_stay_inside_a_folder_and_double_stars_cross_them() {
        assert!(matches("src/*.rs", "src/a.rs"));
        assert!(!matches("src/*.rs", "src/x/a.rs"));
        assert!(matches("src/**/*.rs", "src/a.rs"));
        assert!(matches("src/**/*.rs", "src/x/y/a.rs"));
        assert!(!matches("src/**/*.rs", "src/x/a.md"));
        assert!(!matches("src/**/*.rs", "tests/a.rs"));
        assert!(matches("**/*.md", "README.md"));
        assert!(matches("doc?/a.md", "docs/a.md"));
        assert!(!matches("doc?/a.md", "doc/a.md"));
    }

    #[test]
    fn dot_dot_and_leading_slashes_have_no_meaning() {
        let p = Patterns::of(["./docs/", "/README.md", "../secret", "", "docs"]);
        assert_eq!(p.kept, ["docs", "README.md", "../secret"]);
        assert!(!p.matches("secret"));
        assert!(p.matches("README.md"));
    }

    #[test]
    fn patterns_are_bounded_in_length_and_count() {
        let long = "a".repeat(MAX_PATTERN_LEN + 1);
        let many: Vec<String> = (0..MAX_PATTERNS + 5).map(|i| format!("f{i}")).collect();
        let p = Patterns::of(many.iter().map(String::as_str).chain([long.as_str()]));
        assert_eq!(p.kept.len(), MAX_PATTERNS);
        assert_eq!(p.ignored.len(), 1, "{:?}", p.ignored);
        let p = Patterns::of([long.as_str()]);
        assert!(p.is_empty() && p.ignored[0].contains("bytes"));
    }
}
