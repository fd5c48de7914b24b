//! The integration tests: one binary, one module per area. Commands run as real processes
//! of the built `git-chant` binary.

mod activity;
mod agent_setup;
mod agents;
mod approval;
mod approval_checks;
mod approval_e2e;
mod approval_server;
mod claim;
mod cli;
mod clone;
mod concurrency;
mod dag_svg;
mod drift;
mod edit;
mod everyday;
mod export_formats;
mod fmt;
mod harness;
mod hooks;
mod import;
mod index_file;
mod input;
mod land;
mod land_chain;
mod land_review;
mod land_share;
mod ledger;
mod ledger_merge_props;
mod lifecycle;
mod lint_cache;
mod lint_kept;
mod list_json;
mod mcp;
mod mcp_client;
mod merge_props;
mod messages;
mod pipes;
mod prime;
mod refusals;
mod search_cache;
mod server;
mod session;
mod show;
mod site;
mod spec_props;
mod split;
mod sync;
mod templates;
mod trust_client;
mod trust_server;
mod validator_props;
mod verify;
mod work;

use std::path::PathBuf;

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Sorted files of one fixtures folder.
pub fn fixture_files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The modules `file` declares (`mod name;`, `pub mod name;`, …), as written.
fn declared_modules(file: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let rest = line
                .strip_prefix("pub(super) ")
                .or(line.strip_prefix("pub "));
            let name = rest
                .unwrap_or(line)
                .strip_prefix("mod ")?
                .strip_suffix(';')?;
            Some(name.trim().to_owned())
        })
        .collect()
}

/// The modules the files in `dir` make: `x.rs` and a folder `x/` holding Rust files are
/// module `x` (a folder of other files, like `snapshots/`, is none).
fn module_files(dir: &std::path::Path) -> Vec<String> {
    fn holds_rust(d: &std::path::Path) -> bool {
        std::fs::read_dir(d).unwrap().any(|e| {
            let p = e.unwrap().path();
            p.extension().is_some_and(|x| x == "rs") || (p.is_dir() && holds_rust(&p))
        })
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            if p.is_dir() {
                holds_rust(p)
            } else {
                p.extension().is_some_and(|x| x == "rs")
            }
        })
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| n != "main" && n != "mod")
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A test file that no `mod` line names is never compiled, so its tests never run and no
/// one notices: every file and folder of Rust files under tests/it/ must be a module, of
/// `main.rs` at the top and of `x.rs` (or `x/mod.rs`) inside folder `x/`.
#[test]
fn every_file_under_tests_it_is_a_module() {
    fn check(dir: &std::path::Path, parent: &std::path::Path) {
        let declared = declared_modules(parent);
        let files = module_files(dir);
        let strays: Vec<&String> = files.iter().filter(|f| !declared.contains(f)).collect();
        assert!(
            strays.is_empty(),
            "{strays:?} in {} are not modules: add `mod` lines to {}",
            dir.display(),
            parent.display()
        );
        for name in declared {
            let folder = dir.join(&name);
            if folder.is_dir() {
                let inner = folder.join("mod.rs");
                let parent = if inner.exists() {
                    inner
                } else {
                    dir.join(format!("{name}.rs"))
                };
                check(&folder, &parent);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    check(&root, &root.join("main.rs"));
}
