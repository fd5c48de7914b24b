//! Spec templates: `add --template` fills upstream's `templates/<name>.md` (required and
//! defaulted variables, refusals that write nothing), `template list|show`, `import` and
//! `export` carry them byte for byte, and a server accepts well-formed ones only.

use crate::harness::Repo;

/// Upstream's format: `variables` with name, description, required, default; the other
/// keys become the spec's; `{{var}}` placeholders in the body.
const FEATURE: &str = "---
name: feature
description: Add a feature with tests
variables:
  - name: feature
    description: What to add
    required: true
  - name: module
    description: Where it goes
    default: core
type: task
labels:
  - feature
  - \"{{module}}\"
---
# {{title}}

Add {{feature}} to the {{module}} module.

## Acceptance Criteria

- [ ] {{feature}} works
";

/// A ledger with templates/feature.md, imported from an upstream `.chant/templates/`.
fn with_template() -> Repo {
    let repo = Repo::new();
    let dir = repo.path.join(".chant/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("feature.md"), FEATURE).unwrap();
    repo.chant(&["init"]);
    let out = repo.chant(&["import", "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["summary"]["found"]["template"], 1, "{out}");
    assert!(summary["summary"]["broken"].as_array().unwrap().is_empty());
    repo
}

#[test]
fn add_fills_required_and_defaulted_variables() {
    let repo = with_template();
    let id = repo.chant(&[
        "add",
        "Retries",
        "--id",
        "t1",
        "--template",
        "feature",
        "--var",
        "feature=retries {{module}}",
    ]);
    assert_eq!(id.trim(), "t1");
    let raw = repo.chant(&["show", "t1", "--raw"]);
    assert_eq!(
        raw,
        "---\ntype: task\nstatus: pending\nlabels:\n- feature\n- core\n---\n# Retries\n\nAdd retries {{module}} to the core module.\n\n## Acceptance Criteria\n\n- [ ] retries {{module}} works\n",
        "the default fills in, the title is {{{{title}}}}, a value is never expanded again"
    );
    // An option on the command line wins over the template's field.
    repo.chant(&[
        "add",
        "Other",
        "--id",
        "t2",
        "--template",
        "feature",
        "--var",
        "feature=x",
        "--var",
        "module=store",
        "--type",
        "code",
    ]);
    let raw = repo.chant(&["show", "t2", "--raw"]);
    assert!(
        raw.starts_with("---\ntype: code\nstatus: pending\nlabels:\n- feature\n- store\n"),
        "{raw}"
    );
}

#[test]
fn a_missing_required_or_unknown_variable_writes_nothing() {
    let repo = with_template();
    let tip = repo.git(&["rev-parse", "refs/chant/specs"]);
    let out = repo.chant_out(&["add", "Retries", "--template", "feature"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs the variable `feature`"), "{stderr}");
    assert!(stderr.contains("--var feature="), "{stderr}");
    let out = repo.chant_out(&[
        "add",
        "Retries",
        "--template",
        "feature",
        "--var",
        "feature=x",
        "--var",
        "colour=red",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no variable `colour`"), "{stderr}");
    let out = repo.chant_out(&["add", "Retries", "--template", "../config"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no template"));
    assert_eq!(
        repo.git(&["rev-parse", "refs/chant/specs"]),
        tip,
        "nothing written"
    );
    assert!(repo.list_json(&[]).is_empty());
}

#[test]
fn template_list_and_show_give_the_variables() {
    let repo = with_template();
    let list: serde_json::Value =
        serde_json::from_str(&repo.chant(&["template", "list", "--json"])).unwrap();
    assert_eq!(list[0]["name"], "feature");
    assert_eq!(list[0]["description"], "Add a feature with tests");
    assert_eq!(list[0]["variables"][0]["name"], "feature");
    assert_eq!(list[0]["variables"][0]["required"], true);
    assert_eq!(list[0]["variables"][1]["default"], "core");
    let text = repo.chant(&["template", "show", "feature"]);
    assert!(text.contains("feature (required)  What to add"), "{text}");
    assert!(
        text.contains("module [default: core]  Where it goes"),
        "{text}"
    );
    assert!(
        text.contains("Add {{feature}} to the {{module}} module."),
        "{text}"
    );
}

#[test]
fn import_and_export_carry_templates_byte_for_byte() {
    let repo = with_template();
    let out = repo.home().join("exported");
    repo.chant(&["export", out.to_str().unwrap()]);
    let back = std::fs::read(out.join("templates/feature.md")).unwrap();
    assert_eq!(back, FEATURE.as_bytes());
    // A name that is no template name is not carried.
    std::fs::write(repo.path.join(".chant/templates/.hidden.md"), FEATURE).unwrap();
    let out = repo.chant_out(&["import", "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary["summary"]["invalid"][0], "templates/.hidden.md",
        "{summary}"
    );
}

#[test]
fn a_server_accepts_a_template_and_refuses_a_malformed_one() {
    let server = Repo::bare();
    server.chant(&["hooks", "install", "--server"]);
    let client = with_template();
    client.git(&["remote", "add", "origin", server.path.to_str().unwrap()]);
    let push = |client: &Repo| {
        let out = client
            .git_cmd(&["push", "origin", "refs/chant/specs"])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stderr) = push(&client);
    assert!(ok, "a well-formed template is accepted: {stderr}");

    client.put_ledger_file("templates/bad.md", "---\nvariables: nope\n---\n# x\n");
    let (ok, stderr) = push(&client);
    assert!(
        !ok && stderr.contains("templates/bad.md") && stderr.contains("[template]"),
        "{stderr}"
    );
    let lint = client.chant_out(&["lint", "--json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&lint.stdout).unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "template" && f["id"] == "templates/bad.md"),
        "{findings:?}"
    );
    client.git(&["update-ref", "refs/chant/specs", "refs/chant/specs~1"]);

    client.put_ledger_file("templates/-bad.md", FEATURE);
    let (ok, stderr) = push(&client);
    assert!(!ok && stderr.contains("templates/-bad.md"), "{stderr}");
}
