//! `cargo xtask bench`: release-binary timings on generated ledgers, each printed beside
//! the git plumbing baseline measured in the same run (ratios, since machines are noisy).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::generate;
use crate::land::land;
use crate::push::{server, validate};
use crate::targets::{column, Limit, Targets};

pub(crate) const BASELINE: &str =
    "git ls-tree -r --object-only refs/chant/specs | git cat-file --batch >/dev/null";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut sizes = vec![1_000, 10_000, 100_000];
    let mut runs = None;
    let mut only: Option<String> = None;
    let mut scale = false;
    let mut binary = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = it.next().ok_or("--sizes needs a value")?;
                sizes = list
                    .split(',')
                    .map(|s| s.parse().map_err(|_| format!("bad size {s}")))
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => {
                runs = Some(
                    it.next()
                        .and_then(|s| s.parse().ok())
                        .ok_or("--runs needs a number")?,
                )
            }
            "--binary" => binary = Some(PathBuf::from(it.next().ok_or("--binary needs a path")?)),
            "--only" => only = Some(it.next().ok_or("--only needs a section")?.clone()),
            "--scale" => match it.next().map(String::as_str) {
                Some("1m") => scale = true,
                _ => return Err("--scale takes 1m".into()),
            },
            other => return Err(format!("unknown option {other}")),
        }
    }
    // `--binary`: a build made elsewhere (one with symbols for perf, or the one before).
    let binary = match binary {
        Some(path) => path,
        None => build_release()?,
    };
    if scale {
        return crate::reads::million(&binary, runs.unwrap_or(3));
    }
    let runs = runs.unwrap_or(7);
    // One section alone, to repeat a noisy figure.
    match only.as_deref() {
        None => {}
        Some("race") => return race(&binary),
        Some("hooks") => return hooks(&binary, runs.max(15)).map(|_| ()),
        Some("import") => return import(&binary),
        Some("activity") => return activity(&binary, runs),
        Some("land") => return land(&binary, runs),
        Some("mcp") => return crate::mcp::run(&binary, runs),
        Some("site") => return crate::site::bench(&binary, runs.min(3)),
        Some("lint") => return crate::lint::run(&binary, &sizes, runs).map(drop),
        Some("sync") => return crate::sync::run(&binary, runs).map(|_| ()),
        Some("reads") => {
            let mut targets = Targets::default();
            crate::reads::run(&binary, &sizes, runs, &mut targets)?;
            targets.print();
            return Ok(());
        }
        Some("validate") => {
            server(&binary, 100_000, 1, runs)?;
            return validate(&binary, runs);
        }
        Some(other) => {
            return Err(format!(
            "--only takes reads, race, hooks, import, activity, validate, land, mcp, site, lint or sync, not {other}"
        ))
        }
    }
    let started = Instant::now();
    println!(
        "git-chant bench: median of {runs} runs, release binary {}",
        binary.display()
    );
    println!("baseline = `{BASELINE}`\n");
    let mut targets = Targets::default();
    crate::reads::run(&binary, &sizes, runs, &mut targets)?;
    race(&binary)?;
    let (floor, none, named) = hooks(&binary, runs.max(15))?;
    let hook = "commit naming no spec, hooks on (10k ledger)";
    targets.time(hook, 10_000, none, Limit::OverFloorMs(1), floor);
    let hook = "commit naming a spec, hooks on (10k ledger)";
    targets.time(hook, 10_000, named, Limit::OverFloorMs(10), floor);
    import(&binary)?;
    activity(&binary, runs)?;
    server(&binary, 10_000, 1_000, runs)?;
    let largest = sizes.iter().copied().max().unwrap_or(10_000);
    crate::push::pre_receive(&binary, largest, runs, &mut targets)?;
    validate(&binary, runs)?;
    if column(largest).is_some() {
        println!();
        let figures = crate::lint::run(&binary, &[largest], runs)?;
        crate::lint::targets(&figures, &mut targets);
    }
    let (sync, baseline) = crate::sync::run(&binary, runs)?;
    targets.time(
        "sync merging 1,000 changes per side",
        10_000,
        sync,
        Limit::Ms(1_000),
        baseline,
    );
    land(&binary, runs)?;
    crate::mcp::run(&binary, runs)?;
    targets.print();
    println!("\nwhole run: {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `activity` over 10k specs and 50k ledger commits, beside `git log --format=%s` of the
/// ledger (reading every commit's message is the floor of a feed from trailers).
fn activity(binary: &Path, runs: usize) -> Result<(), String> {
    let (specs, commits) = (10_000, 50_000);
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let repo = tmp.path().join("repo");
    eprint!("generating {specs} specs and {commits} ledger commits… ");
    let started = Instant::now();
    generate::ledger(&repo, specs)?;
    generate::history(&repo, specs, commits)?;
    eprintln!("{:.1}s", started.elapsed().as_secs_f64());
    time(&repo, binary, &["list", "--json"])?;
    let log = "git log --format=%s refs/chant/specs >/dev/null";
    let baseline = median(runs, || time_sh(&repo, log))?;
    let feed = median(runs, || time(&repo, binary, &["activity"]))?;
    let json = median(runs, || time(&repo, binary, &["activity", "--json"]))?;
    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "\nactivity, {specs} specs, {commits} ledger commits: `{log}` {}; activity {} ({:.2}x); --json {} ({:.2}x)",
        ms(baseline),
        ms(feed),
        ratio(feed),
        ms(json),
        ratio(json)
    );
    Ok(())
}

/// Importing 10k upstream spec files, beside committing the same files with git.
fn import(binary: &Path) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut timed = Vec::new();
    for name in ["git", "chant"] {
        let repo = tmp.path().join(name);
        generate::ledger(&repo, 0)?;
        generate::upstream_files(&repo, 10_000)?;
        let started = Instant::now();
        let ok = if name == "git" {
            Command::new("sh")
                .current_dir(&repo)
                .args(["-c", "git add -A && git commit -q -m import"])
                .status()
        } else {
            Command::new(binary)
                .current_dir(&repo)
                .args(["import"])
                .stdout(Stdio::null())
                .status()
        }
        .map_err(|e| e.to_string())?;
        if !ok.success() {
            return Err(format!("{name} import failed"));
        }
        timed.push(started.elapsed());
    }
    println!(
        "\nimport of 10k upstream spec files: git chant import {}, git add -A && git commit {}",
        ms(timed[1]),
        ms(timed[0])
    );
    Ok(())
}

/// PATH with the release binary's directory first, as after `cargo install`.
pub(crate) fn path_with(binary: &Path) -> Result<std::ffi::OsString, String> {
    let dir = binary.parent().ok_or("no binary dir")?.to_owned();
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .map_err(|e| e.to_string())
}

/// The time hooks add to `git commit`: a repository without hooks beside one with them,
/// for a commit that names no spec and one that does.
/// Returns the commit times with two no-op hooks (the floor) and with git chant's hooks,
/// naming no spec and naming one.
fn hooks(binary: &Path, runs: usize) -> Result<(Duration, Duration, Duration), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = path_with(binary)?;
    let plain = tmp.path().join("plain");
    let hooked = tmp.path().join("hooked");
    generate::ledger(&plain, 10)?;
    generate::ledger(&hooked, 10_000)?;
    let chant = |args: &[&str]| time(&hooked, binary, args);
    chant(&["hooks", "install"])?;
    let id = generate::some_id(10_000);
    let commit = |repo: &Path, message: &str| -> Result<Duration, String> {
        let started = Instant::now();
        let out = Command::new("git")
            .current_dir(repo)
            .env("PATH", &path)
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(started.elapsed())
    };
    // The floor of any hook: git starting the same two hooks as `sh` shims that exec a
    // program doing nothing.
    let noop = tmp.path().join("noop");
    generate::ledger(&noop, 10)?;
    for name in ["commit-msg", "post-commit"] {
        let hook = noop.join(".git/hooks").join(name);
        std::fs::create_dir_all(hook.parent().ok_or("no hooks dir")?).map_err(|e| e.to_string())?;
        std::fs::write(&hook, "#!/bin/sh\nexec true\n").map_err(|e| e.to_string())?;
        let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        std::fs::set_permissions(&hook, executable).map_err(|e| e.to_string())?;
    }
    let base = median(runs, || commit(&plain, "an ordinary commit"))?;
    let floor = median(runs, || commit(&noop, "an ordinary commit"))?;
    let none = median(runs, || commit(&hooked, "an ordinary commit"))?;
    let named = median(runs, || commit(&hooked, &format!("chant({id}): a step")))?;
    let added = |d: Duration| ms(d.saturating_sub(base));
    println!(
        "\ngit commit (10k-spec ledger): without hooks {}; two no-op hooks {} (+{}); with git chant's hooks, naming no spec {} (+{}), naming a spec {} (+{})",
        ms(base), ms(floor), added(floor), ms(none), added(none), ms(named), added(named)
    );
    let verdict = |d: Duration, slack_ms: u64| {
        if d <= floor + Duration::from_millis(slack_ms) {
            "met"
        } else {
            "not met"
        }
    };
    println!(
        "targets: naming no spec at most the floor + 1 ms ({}), naming one at most the floor + 10 ms ({})",
        verdict(none, 1),
        verdict(named, 10)
    );
    Ok((floor, none, named))
}

/// 8 processes x 50 concurrent adds on a fresh 1k ledger: lost must be 0.
fn race(binary: &Path) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let repo = tmp.path().join("repo");
    generate::ledger(&repo, 1_000)?;
    let (workers, each) = (8, 50);
    let started = Instant::now();
    let failures: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let repo = &repo;
                scope.spawn(move || {
                    (0..each)
                        .filter(|n| time(repo, binary, &["add", &format!("race {w} {n}")]).is_err())
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(each)).sum()
    });
    let elapsed = started.elapsed();
    let out = Command::new(binary)
        .current_dir(&repo)
        .args(["list", "--json"])
        .output()
        .map_err(|e| e.to_string())?;
    let listed = String::from_utf8_lossy(&out.stdout)
        .matches("\"race ")
        .count();
    let expected = workers * each - failures;
    println!(
        "\nconcurrent add: {workers} processes x {each}: {listed} landed, {failures} failed, lost = {}, {:.0} adds/s",
        expected.saturating_sub(listed),
        listed as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

pub(crate) fn build_release() -> Result<PathBuf, String> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--quiet", "-p", "git-chant"])
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("cargo build --release failed".into());
    }
    // Where cargo just built it: `CARGO_TARGET_DIR` when set, else the workspace's target/.
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
    };
    Ok(target.join("release/git-chant"))
}

pub(crate) fn time(repo: &Path, binary: &Path, args: &[&str]) -> Result<Duration, String> {
    let started = Instant::now();
    let out = Command::new(binary)
        .current_dir(repo)
        .args(args)
        .stdout(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    if !out.status.success() {
        return Err(format!(
            "git-chant {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(elapsed)
}

/// Like `time`, but a non-zero exit is a result, not a failure (lint exits 1 on findings).
pub(crate) fn time_any(repo: &Path, binary: &Path, args: &[&str]) -> Result<Duration, String> {
    let started = Instant::now();
    Command::new(binary)
        .current_dir(repo)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    Ok(started.elapsed())
}

pub(crate) fn time_sh(repo: &Path, script: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let status = Command::new("sh")
        .current_dir(repo)
        .args(["-c", script])
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("`{script}` failed"));
    }
    Ok(started.elapsed())
}

pub(crate) fn median(
    runs: usize,
    mut f: impl FnMut() -> Result<Duration, String>,
) -> Result<Duration, String> {
    let mut times = (0..runs.max(1))
        .map(|_| f())
        .collect::<Result<Vec<_>, _>>()?;
    times.sort();
    Ok(times[times.len() / 2])
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
