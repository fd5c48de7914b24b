//! `cargo xtask bench --only validate` and the push figures of a full run: what the
//! server's pre-receive hook adds to a push, and `validate` on adversarial ledgers.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::bench::{median, ms, path_with, time_any, time_sh};
use crate::generate;
use crate::targets::{column, Limit, Targets};

/// `git chant validate` of pushes the old validator was cubic on: a 2,000-spec dependency
/// chain, and the same plus one spec whose `depends_on` has 85,000 entries. Beside the
/// baseline of listing the same new objects with git.
pub(crate) fn validate(binary: &Path, runs: usize) -> Result<(), String> {
    for (count, wide) in [(2_000, 0), (2_000, 85_000)] {
        let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
        let repo = tmp.path().join("repo");
        generate::ledger(&repo, 0)?;
        let old = rev_parse(&repo, "refs/chant/specs")?;
        generate::chain(&repo, count, wide)?;
        let baseline = median(runs, || {
            time_sh(
                &repo,
                &format!("git rev-list --objects {old}..refs/chant/specs | git cat-file --batch-check >/dev/null"),
            )
        })?;
        let checked = median(runs, || {
            time_any(
                &repo,
                binary,
                &["validate", &old, "refs/chant/specs", "refs/chant/specs"],
            )
        })?;
        let what = if wide > 0 {
            format!("a {count}-spec chain and a {wide}-entry depends_on")
        } else {
            format!("a {count}-spec dependency chain")
        };
        println!(
            "validate {what}: {} (baseline {}, {:.2}x)",
            ms(checked),
            ms(baseline),
            checked.as_secs_f64() / baseline.as_secs_f64()
        );
    }
    println!("target: well under a second for each (the cubic check took 74 s on the chain)");
    Ok(())
}

fn rev_parse(repo: &Path, rev: &str) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(repo)
        .args(["rev-parse", rev])
        .output()
        .map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The time the pre-receive hook adds to a push of the ledger that changes `changed` of
/// `size` specs: the same push to a bare repository with the hook and to one without.
/// Returns the two push times (without, with the hook).
pub(crate) fn server(
    binary: &Path,
    size: usize,
    changed: usize,
    runs: usize,
) -> Result<(Duration, Duration), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let client = tmp.path().join("client");
    generate::ledger(&client, size)?;
    let path = path_with(binary)?;
    let git = |dir: &Path, args: &[&str]| -> Result<(), String> {
        let out = Command::new("git")
            .current_dir(dir)
            .env("PATH", &path)
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let mut servers = Vec::new();
    for name in ["plain.git", "hooked.git"] {
        let server = tmp.path().join(name);
        generate::seed_bare(&client, &server)?;
        servers.push(server);
    }
    let status = Command::new(binary)
        .current_dir(&servers[1])
        .args(["hooks", "install", "--server"])
        .output()
        .map_err(|e| e.to_string())?;
    if !status.status.success() {
        return Err("hooks install --server failed".into());
    }
    let old = String::from_utf8_lossy(
        &Command::new("git")
            .current_dir(&client)
            .args(["rev-parse", "refs/chant/specs"])
            .output()
            .map_err(|e| e.to_string())?
            .stdout,
    )
    .trim()
    .to_owned();
    generate::edit(&client, size, changed)?;
    let mut timed = Vec::new();
    for server in &servers {
        let target = server.to_str().ok_or("path")?.to_owned();
        let push = || {
            git(server, &["update-ref", "refs/chant/specs", &old])?;
            let started = Instant::now();
            git(&client, &["push", "-q", &target, "refs/chant/specs"])?;
            Ok(started.elapsed())
        };
        // One untimed push first: the first one reads the packs from disk (5 s against
        // 0.85 s at 1M), which would land on whichever server goes first.
        push()?;
        timed.push(median(runs, push)?);
    }
    println!(
        "push changing {changed} of {size} specs: without the hook {}, with it {} (+{})",
        ms(timed[0]),
        ms(timed[1]),
        ms(timed[1].saturating_sub(timed[0]))
    );
    Ok((timed[0], timed[1]))
}

/// A push changing one spec of `size`, with the pre-receive hook and without.
pub(crate) fn pre_receive(
    binary: &Path,
    size: usize,
    runs: usize,
    targets: &mut Targets,
) -> Result<(), String> {
    let (without, with) = server(binary, size, 1, runs)?;
    if let Some(col) = column(size) {
        let figure = "pre-receive, one changed spec (push with the hook; floor: without it)";
        targets.time(
            figure,
            size,
            with,
            Limit::OverFloorMs(col.pre_receive),
            without,
        );
    }
    Ok(())
}
