//! Everyday correctness (issue 13): what a new user tripped over, each through the real
//! commands — upstream specs with bare scalars in string lists, the index against a
//! rebuild, rewrites that repeat events, stale locks and `doctor`.

use crate::harness::Repo;

const NUMERIC_SHAS: &str = "---\ntype: code\nstatus: completed\ncommits:\n- 3614866\n- 0123456\n- abc1234\nlabels:\n- true\n- 2026\n---\n# Upstream wrote this\n\n## Acceptance Criteria\n\n- [x] done\n";

#[test]
fn bare_scalars_in_string_lists_read_as_their_text_and_keep_their_bytes() {
    let repo = Repo::new();
    std::fs::create_dir_all(repo.path.join(".chant/specs")).unwrap();
    std::fs::write(
        repo.path.join(".chant/specs/2026-01-02-001-abc.md"),
        NUMERIC_SHAS,
    )
    .unwrap();
    repo.chant(&["init"]);
    repo.chant(&["import"]);
    let shown: serde_json::Value =
        serde_json::from_str(&repo.chant(&["show", "abc", "--json"])).unwrap();
    assert_eq!(
        shown["frontmatter"]["commits"],
        serde_json::json!(["3614866", "0123456", "abc1234"]),
        "the short SHAs as written, leading zero kept"
    );
    assert_eq!(
        shown["frontmatter"]["labels"],
        serde_json::json!(["true", "2026"])
    );
    assert_eq!(repo.list_json(&[]).len(), 1);
    repo.chant(&["lint"]);
    let path = git_chant::store::paths::spec_path("2026-01-02-001-abc", false);
    let stored = repo.git(&["cat-file", "blob", &format!("refs/chant/specs:{path}")]);
    assert_eq!(stored, NUMERIC_SHAS, "stored byte for byte");
    // A mapping where a string belongs is still refused, naming the field.
    let bad = NUMERIC_SHAS.replace("- abc1234", "- {sha: abc1234}");
    let out = crate::harness::with_stdin(repo.chant_cmd(&["fmt", "--check", "-"]), bad.as_bytes());
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("commits"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
