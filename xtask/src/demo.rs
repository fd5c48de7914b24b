//! `cargo xtask demo`: the tour. Builds git chant, creates a scratch repository under
//! `target/demo`, and walks the six-phase bug workflow, printing every command and its
//! output. Exits non-zero if any step does not do what the tour says.

use std::path::{Path, PathBuf};
use std::process::Command;

const PHASES: &[(&str, &str)] = &[
    ("001-comprehension", "Phase 1: Comprehension"),
    ("002-reproduction", "Phase 2: Reproduction"),
    ("003-root-cause", "Phase 3: Root Cause Analysis"),
    ("004-impact-map", "Phase 4: Impact Map"),
    ("005-fix", "Phase 5: Fix"),
    ("006-upstream-pr", "Phase 6: Upstream PR"),
];

pub fn run() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "-p", "git-chant"])
        .current_dir(&root)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("cargo build failed".into());
    }
    let binary = root.join("target/debug/git-chant");
    let repo = root.join("target/demo");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).map_err(|e| e.to_string())?;
    // The hooks call `git-chant` from PATH, as after `cargo install`.
    let path = std::env::join_paths(std::iter::once(root.join("target/debug")).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .map_err(|e| e.to_string())?;
    let tour = Tour {
        repo: repo.clone(),
        binary,
        path,
    };

    tour.git(&["init", "-q", "-b", "main"])?;
    tour.git(&["config", "user.name", "Demo User"])?;
    tour.git(&["config", "user.email", "demo@example.com"])?;
    std::fs::write(repo.join("store.py"), "def set(key, value): ...\n")
        .map_err(|e| e.to_string())?;
    tour.git(&["add", "store.py"])?;
    tour.git(&["commit", "-q", "-m", "initial"])?;

    println!("# A scratch repository at {}\n", repo.display());
    tour.chant(&["init"], true)?;
    for (n, (id, title)) in PHASES.iter().enumerate() {
        let body = root.join(format!("target/demo-{id}.md"));
        std::fs::write(&body, format!("# {title}\n\nIssue #42: concurrent writes lose data.\n\n## Acceptance Criteria\n\n- [ ] Findings written down\n- [ ] Reviewed\n"))
            .map_err(|e| e.to_string())?;
        let body = body.display().to_string();
        let mut args = vec![
            "add",
            title,
            "--id",
            id,
            "--type",
            if n < 4 { "research" } else { "code" },
            "--body-file",
            &body,
        ];
        if n > 0 {
            args.extend(["--depends-on", PHASES[n - 1].0]);
        }
        tour.chant(&args, true)?;
    }
    tour.chant(&["ready"], true)?;
    println!("# Phase 2 depends on phase 1, so it cannot start yet:");
    tour.chant(&["start", "002-reproduction"], false)?;
    tour.chant(&["start", "001-comprehension"], true)?;
    println!("# Completing needs every acceptance criterion ticked:");
    tour.chant(&["done", "001-comprehension"], false)?;
    tour.chant(&["check", "001-comprehension", "1", "2"], true)?;
    tour.chant(&["done", "001-comprehension"], true)?;
    tour.chant(&["status"], true)?;
    tour.chant(&["dag"], true)?;
    println!("# An agent works the remaining phases, each in its own worktree; its commits");
    println!("# advance the specs through the hooks (a scripted, deterministic fake agent):");
    tour.chant(&["hooks", "install"], true)?;
    let agent = format!(
        "sh {}",
        root.join("fixtures/agents/fake-agent.sh").display()
    );
    tour.chant(&["work", "--chain", "--agent", &agent], true)?;
    tour.chant(&["list"], true)?;
    tour.chant(&["show", "003"], true)?;
    tour.chant(&["log", "003"], true)?;
    println!("# Each phase's branch started from the one before; land them all on main,");
    println!("# dependencies first, bringing this (clean) checkout along:");
    tour.chant(&["worktrees"], true)?;
    tour.chant(&["merge", "--all-completed"], true)?;
    tour.show(&["log", "--notes=chant", "-2", "main"])?;
    println!("# The ledger is plain git; the checkout stayed on main, with nothing uncommitted:");
    tour.show(&["log", "--format=%h %s", "-4", "refs/chant/specs"])?;
    tour.show(&["status", "--short", "--branch"])?;
    println!(
        "# done: explore with `cd {} && {} --help`",
        repo.display(),
        tour.binary.display()
    );
    Ok(())
}

struct Tour {
    repo: PathBuf,
    binary: PathBuf,
    path: std::ffi::OsString,
}

impl Tour {
    fn git(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.repo)
            .env("PATH", &self.path)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn show(&self, args: &[&str]) -> Result<(), String> {
        let shown: Vec<String> = args.iter().map(|a| quote(a)).collect();
        println!("$ git {}", shown.join(" "));
        print!("{}", self.git(args)?);
        println!();
        Ok(())
    }

    /// Runs `git chant <args>`; `succeed` says whether the tour expects it to succeed.
    fn chant(&self, args: &[&str], succeed: bool) -> Result<(), String> {
        let shown: Vec<String> = args.iter().map(|a| quote(a)).collect();
        println!("$ git chant {}", shown.join(" "));
        let out = Command::new(&self.binary)
            .args(args)
            .current_dir(&self.repo)
            .env("PATH", &self.path)
            .output()
            .map_err(|e| e.to_string())?;
        print!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        println!();
        if out.status.success() != succeed {
            return Err(format!(
                "git chant {args:?} exited {:?}, the tour expected {}",
                out.status.code(),
                if succeed { "success" } else { "a refusal" }
            ));
        }
        Ok(())
    }
}

/// Quotes an argument the way a shell user would type it.
fn quote(arg: &str) -> String {
    if arg.contains([' ', '%']) {
        format!("'{arg}'")
    } else {
        arg.to_owned()
    }
}
