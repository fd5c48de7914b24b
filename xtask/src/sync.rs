//! `cargo xtask bench --only sync` and the sync figure of a full run: `git chant sync` in
//! a clone of a 10k-spec ledger merging 1,000 changed specs from each side (and 50 that
//! both sides changed, in different parts, which the spec merge resolves), beside a `git
//! fetch` of the same refs.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::bench::{median, ms, time, time_sh};
use crate::generate::{self, git};

const SPECS: usize = 10_000;
const CHANGED: usize = 1_000;
const BOTH: usize = 50;

/// A fresh copy of clone `b` at `run` (the sync writes into it).
fn copy(b: &Path, run: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(run);
    let status = Command::new("cp")
        .args(["-a"])
        .arg(b)
        .arg(run)
        .status()
        .map_err(|e| e.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| "cp -a failed".into())
}

/// The sync figure and its baseline; checks that the merge kept both sides.
pub(crate) fn run(binary: &Path, runs: usize) -> Result<(Duration, Duration), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (a, b, server) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("server.git"),
    );
    eprint!("generating the sync scenario ({SPECS} specs, {CHANGED} changes per side)… ");
    let started = Instant::now();
    generate::ledger(&a, SPECS)?;
    git(tmp.path(), &["init", "-q", "--bare", "server.git"])?;
    let url = server.to_str().ok_or("path")?;
    git(&a, &["remote", "add", "origin", url])?;
    git(&a, &["push", "-q", "origin", "refs/chant/specs"])?;
    generate::ledger(&b, 0)?;
    git(&b, &["remote", "add", "origin", url])?;
    git(
        &b,
        &[
            "fetch",
            "-q",
            "origin",
            "+refs/chant/specs:refs/chant/specs",
        ],
    )?;
    // A changes bodies of specs [0, 1000) and of the shared [2000, 2050); B changes bodies
    // of [1000, 2000) and a frontmatter field of the shared ones.
    let shared = 2 * CHANGED..2 * CHANGED + BOTH;
    let mine = |n: usize| n < CHANGED || shared.contains(&n);
    generate::rewrite(&a, SPECS, mine, |t| t + "\nEdited in clone A.\n")?;
    git(&a, &["push", "-q", "origin", "refs/chant/specs"])?;
    let theirs = |n: usize| (CHANGED..2 * CHANGED).contains(&n) || shared.contains(&n);
    generate::rewrite(&b, SPECS, theirs, |t| {
        if t.contains("\nlabels:\n- bench\n") {
            t.replacen("\nlabels:\n- bench\n", "\nlabels:\n- bench\n- synced\n", 1)
        } else {
            t + "\nEdited in clone B.\n"
        }
    })?;
    let a_tip = git(&a, &["rev-parse", "refs/chant/specs"])?;
    eprintln!("{:.1}s", started.elapsed().as_secs_f64());
    let copy_at = tmp.path().join("run");
    let fresh = || -> Result<(), String> {
        git(&server, &["update-ref", "refs/chant/specs", &a_tip])?;
        copy(&b, &copy_at)
    };
    let baseline = median(runs, || {
        fresh()?;
        time_sh(
            &copy_at,
            "git fetch -q origin '+refs/chant/*:refs/remotes/origin/chant/*'",
        )
    })?;
    let sync = median(runs, || {
        fresh()?;
        let d = time(&copy_at, binary, &["sync"])?;
        check(&copy_at, &a_tip)?;
        Ok(d)
    })?;
    if std::env::var_os("XTASK_BENCH_KEEP").is_some() {
        // To profile by hand: `cp -a b run`, reset the server to A's tip, sync in `run`.
        let kept = tmp.keep();
        eprintln!("kept {} (A's tip {a_tip})", kept.display());
    }
    println!(
        "\nsync, {SPECS}-spec ledger, {CHANGED} changed specs per side and {BOTH} changed on both (median of {runs}): `git chant sync` {} beside `git fetch` of the same refs {} ({:.2}x); target <= 1 s: {}",
        ms(sync),
        ms(baseline),
        sync.as_secs_f64() / baseline.as_secs_f64(),
        if sync <= Duration::from_secs(1) { "met" } else { "NOT met" }
    );
    Ok((sync, baseline))
}

/// The synced ledger is a merge of A's tip, pushed, and a spec both sides changed holds
/// both changes.
fn check(run: &Path, a_tip: &str) -> Result<(), String> {
    let parents = git(run, &["rev-list", "--parents", "-n1", "refs/chant/specs"])?;
    if !parents.contains(a_tip) || parents.split(' ').count() != 3 {
        return Err(format!("sync did not merge A's ledger: {parents}"));
    }
    let pushed = git(run, &["ls-remote", "origin", "refs/chant/specs"])?;
    if !pushed.starts_with(&git(run, &["rev-parse", "refs/chant/specs"])?) {
        return Err("sync did not push the merge".into());
    }
    let id = generate::id_of(2 * CHANGED);
    let text = git(
        run,
        &[
            "cat-file",
            "-p",
            &format!("refs/chant/specs:{}", generate::path_of(&id)),
        ],
    )?;
    if !(text.contains("Edited in clone A.") && text.contains("- synced")) {
        return Err(format!("spec {id} lost a side in the merge:\n{text}"));
    }
    Ok(())
}
