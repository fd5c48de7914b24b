//! Unified diffs of spec text, as `fmt --check` and `diff` print them.

use similar::TextDiff;

/// A unified diff from `old` to `new` with three lines of context; empty when equal.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn diff_names_both_sides_and_shows_the_change() {
        let diff = super::unified_diff("a\nb\n", "a\nc\n", "x.md", "x.md (canonical)");
        assert!(
            diff.starts_with("--- x.md\n+++ x.md (canonical)\n"),
            "{diff}"
        );
        assert!(diff.contains("-b\n+c\n"), "{diff}");
        assert_eq!(super::unified_diff("a\n", "a\n", "x", "y"), "");
    }
}
