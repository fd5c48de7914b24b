//! `git chant init --agent claude|codex|gemini|all`: the user's `.mcp.json`, `CLAUDE.md`
//! and `.claude/settings.json` keep every byte outside our entries and blocks; a second run
//! changes nothing; `--uninstall` gives back the files exactly and removes the ones it
//! created; a file that is not JSON stops it with nothing changed; each agent writes only
//! its own files, and nothing lands outside the repository.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::harness::Repo;

/// Every file and folder under `root` but `.git`, with the files' bytes.
fn tree(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            if rel == ".git" {
                continue;
            }
            if path.is_dir() {
                out.insert(format!("{rel}/"), None);
                walk(root, &path, out);
            } else {
                out.insert(rel, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn write(repo: &Repo, rel: &str, text: &str) {
    let path = repo.path.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(repo: &Repo, rel: &str) -> String {
    std::fs::read_to_string(repo.path.join(rel)).unwrap()
}

/// The files of `init --agent` lines (`created   .mcp.json   claude: …`) with that action.
fn with_action<'a>(out: &'a str, action: &str) -> Vec<&'a str> {
    out.lines()
        .filter_map(|l| l.strip_prefix(&format!("{action:<9} ")))
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

const MCP: &str = "{\n  \"mcpServers\": {\n    \"github\": {\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"@modelcontextprotocol/server-github\"\n      ],\n      \"env\": {}\n    }\n  },\n  \"zeta\": false\n}\n";
const CLAUDE_MD: &str = "# Our project\n\nRun `make test` before committing.\n";
const SETTINGS: &str = "{\n  \"permissions\": {\n    \"allow\": [\n      \"Bash(make:*)\"\n    ]\n  },\n  \"hooks\": {\n    \"PreToolUse\": [\n      {\n        \"matcher\": \"Bash\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"./check.sh\"\n          }\n        ]\n      }\n    ]\n  }\n}\n";

#[test]
fn init_agent_all_keeps_the_users_files_and_uninstall_gives_them_back() {
    let repo = Repo::new();
    write(&repo, ".mcp.json", MCP);
    write(&repo, "CLAUDE.md", CLAUDE_MD);
    write(&repo, ".claude/settings.json", SETTINGS);
    let before = tree(&repo.path);

    let out = repo.chant(&["init", "--agent", "all"]);
    assert_eq!(
        with_action(&out, "updated"),
        [".mcp.json", ".claude/settings.json", "CLAUDE.md"],
        "{out}"
    );
    assert_eq!(
        with_action(&out, "created"),
        [
            ".claude/skills/chant/SKILL.md",
            ".codex/config.toml",
            "AGENTS.md",
            ".gemini/settings.json",
            "GEMINI.md"
        ],
        "{out}"
    );

    // The markdown: the user's bytes, one blank line, our block, nothing after it.
    let claude = read(&repo, "CLAUDE.md");
    let block = claude
        .strip_prefix(&format!("{CLAUDE_MD}\n"))
        .expect(&claude);
    assert!(
        block.starts_with("<!-- git-chant:begin -->\n## Working with git chant\n"),
        "{block}"
    );
    assert!(
        block.ends_with("<!-- git-chant:end -->\n") && block.contains("git chant check <id> <n>"),
        "{block}"
    );
    // The JSON: every key of the user's as it was, in its place, and ours after them.
    let mcp: Value = serde_json::from_str(&read(&repo, ".mcp.json")).unwrap();
    let users: Value = serde_json::from_str(MCP).unwrap();
    let keys: Vec<&String> = mcp.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["mcpServers", "zeta"]);
    let servers: Vec<&String> = mcp["mcpServers"].as_object().unwrap().keys().collect();
    assert_eq!(servers, ["github", "chant"]);
    assert_eq!(mcp["mcpServers"]["github"], users["mcpServers"]["github"]);
    assert_eq!(
        mcp["mcpServers"]["chant"],
        serde_json::json!({"command": "git", "args": ["chant", "mcp"]})
    );
    let settings: Value = serde_json::from_str(&read(&repo, ".claude/settings.json")).unwrap();
    let users: Value = serde_json::from_str(SETTINGS).unwrap();
    assert_eq!(settings["permissions"], users["permissions"]);
    assert_eq!(
        settings["hooks"]["PreToolUse"],
        users["hooks"]["PreToolUse"]
    );
    assert_eq!(
        settings["hooks"]["SessionStart"],
        serde_json::json!([{"matcher": "startup|resume|clear|compact", "hooks": [{"type": "command", "command": "git chant prime"}]}])
    );
    let skill = read(&repo, ".claude/skills/chant/SKILL.md");
    assert!(
        skill.starts_with("---\nname: chant\ndescription: "),
        "{skill}"
    );
    let codex = read(&repo, ".codex/config.toml");
    assert!(
        codex.contains("[mcp_servers.chant]\ncommand = \"git\"\nargs = [\"chant\", \"mcp\"]\n"),
        "{codex}"
    );
    let gemini: Value = serde_json::from_str(&read(&repo, ".gemini/settings.json")).unwrap();
    assert_eq!(
        gemini["mcpServers"]["chant"]["args"],
        serde_json::json!(["chant", "mcp"])
    );

    // Twice: every file unchanged, byte for byte.
    let installed = tree(&repo.path);
    let again = repo.chant(&["init", "--agent", "all"]);
    assert_eq!(with_action(&again, "unchanged").len(), 8, "{again}");
    assert!(!again.contains("note:"), "{again}");
    assert_eq!(tree(&repo.path), installed);

    // Uninstall: the user's files exactly as they were, ours gone with their folders.
    let out = repo.chant(&["init", "--agent", "all", "--uninstall"]);
    assert_eq!(
        with_action(&out, "updated"),
        [".mcp.json", ".claude/settings.json", "CLAUDE.md"],
        "{out}"
    );
    assert_eq!(with_action(&out, "removed").len(), 5, "{out}");
    assert_eq!(tree(&repo.path), before);
    let twice = repo.chant(&["init", "--agent", "all", "--uninstall"]);
    assert_eq!(with_action(&twice, "unchanged").len(), 8, "{twice}");
    assert_eq!(tree(&repo.path), before);
    // The ledger init made stays: uninstall is about the agents' files only.
    assert!(repo.git(&["rev-parse", "refs/chant/specs"]).len() > 40);
}

#[test]
fn a_settings_file_that_is_not_json_stops_init_with_nothing_changed() {
    let repo = Repo::new();
    write(&repo, "CLAUDE.md", CLAUDE_MD);
    write(
        &repo,
        ".gemini/settings.json",
        "{\n  \"theme\": \"dark\",\n}\n",
    );
    let before = tree(&repo.path);
    let out = repo.chant_out(&["init", "--agent", "all"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".gemini/settings.json is not valid JSON (line 3"),
        "{stderr}"
    );
    assert!(
        stderr.contains("changed nothing") && stderr.contains("\"mcpServers\""),
        "{stderr}"
    );
    assert_eq!(tree(&repo.path), before);
    // Not even the ledger: the command stopped before doing anything.
    assert!(repo
        .git_cmd(&["rev-parse", "--verify", "-q", "refs/chant/specs"])
        .output()
        .unwrap()
        .stdout
        .is_empty());
    // An object where our entry goes is refused the same way.
    write(
        &repo,
        ".gemini/settings.json",
        "{\"mcpServers\": [\"x\"]}\n",
    );
    let out = repo.chant_out(&["init", "--agent", "gemini"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mcpServers in") && stderr.contains("is not an object"),
        "{stderr}"
    );
    assert_eq!(
        read(&repo, ".gemini/settings.json"),
        "{\"mcpServers\": [\"x\"]}\n"
    );
}

#[test]
fn each_agent_writes_only_its_own_files() {
    for (agent, files) in [
        (
            "claude",
            vec![
                ".claude/",
                ".claude/settings.json",
                ".claude/skills/",
                ".claude/skills/chant/",
                ".claude/skills/chant/SKILL.md",
                ".mcp.json",
                "CLAUDE.md",
            ],
        ),
        ("codex", vec![".codex/", ".codex/config.toml", "AGENTS.md"]),
        (
            "gemini",
            vec![".gemini/", ".gemini/settings.json", "GEMINI.md"],
        ),
    ] {
        let repo = Repo::new();
        let out = repo.chant(&["init", "--agent", agent]);
        assert!(
            out.lines().all(|l| !l.contains(": ")
                || l.contains(&format!("{agent}: "))
                || l.starts_with("note:")),
            "{out}"
        );
        let written: Vec<String> = tree(&repo.path).into_keys().collect();
        assert_eq!(written, files, "{agent}");
        repo.chant(&["init", "--agent", agent, "--uninstall"]);
        assert!(
            tree(&repo.path).is_empty(),
            "{agent}: {:?}",
            tree(&repo.path)
        );
    }
}

#[test]
fn nothing_is_written_outside_the_repository() {
    let repo = Repo::new();
    let home = tempfile::tempdir().unwrap();
    let outside: Vec<_> = std::fs::read_dir(repo.home())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for args in [
        &["init", "--agent", "all"][..],
        &["init", "--agent", "all", "--uninstall"],
        &["prime"],
    ] {
        let out = repo
            .chant_cmd(args)
            .env("HOME", home.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read_dir(home.path()).unwrap().count(),
            0,
            "{args:?} wrote into HOME"
        );
        let now: Vec<_> = std::fs::read_dir(repo.home())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(now, outside, "{args:?} wrote beside the repository");
    }
}

#[test]
fn links_are_followed_inside_the_working_tree_and_refused_out_of_it() {
    let repo = Repo::new();
    write(&repo, "AGENTS.md", CLAUDE_MD);
    std::os::unix::fs::symlink("AGENTS.md", repo.path.join("CLAUDE.md")).unwrap();
    let out = repo.chant(&["init", "--agent", "all"]);
    assert!(
        out.contains("updated   CLAUDE.md") && out.contains("unchanged AGENTS.md"),
        "{out}"
    );
    assert!(std::fs::symlink_metadata(repo.path.join("CLAUDE.md"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        read(&repo, "AGENTS.md")
            .matches("<!-- git-chant:begin -->")
            .count(),
        1
    );
    repo.chant(&["init", "--agent", "all", "--uninstall"]);
    assert_eq!(read(&repo, "AGENTS.md"), CLAUDE_MD);
    assert!(std::fs::symlink_metadata(repo.path.join("CLAUDE.md"))
        .unwrap()
        .file_type()
        .is_symlink());

    let elsewhere = repo.home().join("elsewhere.json");
    std::fs::write(&elsewhere, "{}\n").unwrap();
    std::os::unix::fs::symlink(&elsewhere, repo.path.join(".mcp.json")).unwrap();
    let out = repo.chant_out(&["init", "--agent", "claude"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".mcp.json leads outside the working tree"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "{}\n");
}
