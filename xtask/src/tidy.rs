//! `cargo xtask tidy`: the code-shape rules `.ci/run` enforces, each printed with what it
//! found — rustdoc builds without warnings, no `print!`-family macro outside the `Ui`, no
//! status or trailer-key literal outside the module that owns it, no source file over 400
//! lines, no cycle among the top-level modules' `crate::` references. Fast: a text scan of `src/` and `xtask/src/`, and one `cargo doc`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The longest a source file may be.
const MAX_LINES: usize = 400;

/// Where output may be written: the command line's `Ui`.
const OUTPUT_OWNER: &str = "src/cli/ui.rs";

/// The stored statuses as literals, and the module that owns them.
const STATUS_LITERALS: &[&str] = &[
    "\"pending\"",
    "\"in_progress\"",
    "\"paused\"",
    "\"completed\"",
    "\"failed\"",
    "\"needs_attention\"",
    "\"cancelled\"",
];
const STATUS_OWNERS: &[&str] = &["src/lifecycle/", "src/spec/fields.rs"];

/// Ledger commit trailer keys, and the module that owns them.
const TRAILER_LITERALS: &[&str] = &[
    "\"Chant-Spec\"",
    "\"Chant-Op\"",
    "\"Chant-Commit\"",
    "\"Chant-Forced\"",
    "\"Chant-Conflict\"",
    "\"Chant-Status\"",
];
const TRAILER_OWNERS: &[&str] = &["src/store/trailer.rs"];

/// One rule's findings.
struct Rule {
    name: &'static str,
    found: Vec<String>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("no workspace root")?
        .to_owned();
    let mut files = Vec::new();
    for dir in ["src", "xtask/src"] {
        collect(&root.join(dir), &mut files)?;
    }
    files.sort();
    let mut rules = vec![
        Rule {
            name: "files over 400 lines",
            found: Vec::new(),
        },
        Rule {
            name: "print!/println!/eprint!/eprintln! outside src/cli/ui.rs",
            found: Vec::new(),
        },
        Rule {
            name: "status literals outside src/lifecycle/",
            found: Vec::new(),
        },
        Rule {
            name: "trailer-key literals outside src/store/trailer.rs",
            found: Vec::new(),
        },
        Rule {
            name: "import cycles between top-level modules",
            found: Vec::new(),
        },
    ];
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{rel}: {e}"))?;
        let lines = text.lines().count();
        if lines > MAX_LINES {
            rules[0].found.push(format!("{rel}: {lines} lines"));
        }
        // Tests (a file's `#[cfg(test)] mod tests` below the code) and xtask may print and
        // spell literals as they like.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        if rel.starts_with("src/") && !rel.ends_with("/tests.rs") {
            scan(
                &rel,
                code,
                &mut rules[1],
                &["print!(", "println!(", "eprint!(", "eprintln!("],
                &[OUTPUT_OWNER, "src/main.rs"],
            );
            scan(&rel, code, &mut rules[2], STATUS_LITERALS, STATUS_OWNERS);
            scan(&rel, code, &mut rules[3], TRAILER_LITERALS, TRAILER_OWNERS);
        }
    }
    rules[4].found = cycles(&root, &files)?;
    let mut failed = 0;
    for rule in &rules {
        println!("{}: {}", rule.name, rule.found.len());
        for found in &rule.found {
            println!("  {found}");
        }
        failed += rule.found.len();
    }
    if !args.iter().any(|a| a == "--no-doc") {
        let doc = Command::new(env!("CARGO"))
            .current_dir(&root)
            .args(["doc", "--no-deps", "--lib", "-p", "git-chant", "--quiet"])
            .env("RUSTDOCFLAGS", "-D warnings")
            .status()
            .map_err(|e| format!("running cargo doc: {e}"))?;
        println!(
            "rustdoc warnings: {}",
            if doc.success() {
                "none"
            } else {
                "some (above)"
            }
        );
        if !doc.success() {
            failed += 1;
        }
    }
    if failed > 0 && !args.iter().any(|a| a == "--report") {
        return Err(format!("{failed} findings"));
    }
    Ok(())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Records every line of `code` holding one of `needles`, unless `rel` is an owner.
fn scan(rel: &str, code: &str, rule: &mut Rule, needles: &[&str], owners: &[&str]) {
    if owners.iter().any(|o| rel.starts_with(o)) {
        return;
    }
    // `// tidy: <why>` on the line, or in the comment just above it, marks an exception
    // (a flag's name, an approval state, a label).
    let mut allowed = false;
    for (n, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            // A `// tidy:` comment covers the first code line after it.
            allowed |= trimmed.starts_with("// tidy:");
            continue;
        }
        if std::mem::take(&mut allowed) || line.contains("// tidy:") {
            continue;
        }
        if needles.iter().any(|needle| line.contains(needle)) {
            rule.found.push(format!("{rel}:{}: {}", n + 1, trimmed));
        }
    }
}

/// Modules every other one may use and that carry every module's types: `error` wraps each
/// module's error, `exit` and `diag` render them. Left out of the cycle search.
const SHARED: &[&str] = &["error", "exit", "diag", "lib", "main"];

/// Each cycle among the top-level modules of `src/` (`crate::<module>` references outside
/// tests), as `a -> b -> a`.
fn cycles(root: &Path, files: &[PathBuf]) -> Result<Vec<String>, String> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in files {
        let Ok(rel) = path.strip_prefix(root.join("src")) else {
            continue;
        };
        let rel = rel.display().to_string();
        let top = rel
            .split('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_owned();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{rel}: {e}"))?;
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let entry = uses.entry(top.clone()).or_default();
        for piece in code.split("crate::").skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name != top && !SHARED.contains(&name.as_str()) && !name.is_empty() {
                entry.insert(name);
            }
        }
    }
    uses.retain(|m, _| !SHARED.contains(&m.as_str()));
    // Depth-first search for back edges; each cycle reported once, by its smallest module.
    let mut found = BTreeSet::new();
    for start in uses.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in uses.get(&at).into_iter().flatten() {
                if next == start && path.iter().all(|m| m >= start) {
                    found.insert(format!("{} -> {start}", path.join(" -> ")));
                } else if next > start && seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    Ok(found.into_iter().collect())
}
