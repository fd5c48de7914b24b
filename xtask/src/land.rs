//! `cargo xtask bench --only land` and the landing figures of a full run: `git chant
//! merge` of a spec's branch in a 10,000-file repository, with the target checked out
//! and not, beside `git merge` of the same branch in a checkout of the target.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::bench::{median, ms, time};
use crate::generate::{self, git};

/// Files on main: `src/d<0-9>/m<0-9>/f<0-99>.rs`, three levels of folders.
const FILES: usize = 10_000;

/// A source file of about 1 KB, different for every path and version.
fn file(path: &str, version: usize) -> String {
    let mut text = format!("//! {path}, version {version}\n\n");
    for line in 0..24 {
        text.push_str(&format!(
            "pub fn step_{line}(x: u64) -> u64 {{ x.wrapping_mul({}) ^ {line} }}\n",
            path.len() * 7 + line + version
        ));
    }
    text
}

fn path_of(n: usize) -> String {
    format!("src/d{}/m{}/f{}.rs", n / 1000, n / 100 % 10, n % 100)
}

/// The files numbered `ns` at `version`.
fn files(
    ns: impl Iterator<Item = usize>,
    version: usize,
) -> impl Iterator<Item = (String, String)> {
    ns.map(move |n| {
        let path = path_of(n);
        let text = file(&path, version);
        (path, text)
    })
}

fn timed_git(repo: &Path, args: &[&str]) -> Result<Duration, String> {
    let started = Instant::now();
    git(repo, args)?;
    Ok(started.elapsed())
}

/// The repository: main with `FILES` files and a second commit, spec `s1` completed on a
/// branch from main's first commit changing 5 files (landing it is a merge commit), spec
/// `f1` completed on a branch from main's tip changing 5 others (a fast-forward). Both
/// branches recorded with main as their target, as `work` does. Returns main's tip.
fn setup(repo: &Path, binary: &Path) -> Result<String, String> {
    git(
        repo.parent().ok_or("no parent")?,
        &["init", "-q", "-b", "main", repo.to_str().ok_or("path")?],
    )?;
    for (k, v) in [("user.name", "Bench"), ("user.email", "bench@example.com")] {
        git(repo, &["config", k, v])?;
    }
    let main = "refs/heads/main";
    generate::fast_import(repo, main, "base", false, files(0..FILES, 0))?;
    git(repo, &["branch", "chant/s1", "main"])?;
    generate::fast_import(repo, main, "main moves on", true, files(9_990..9_995, 1))?;
    git(repo, &["branch", "chant/f1", "main"])?;
    // Spread over the tree, away from what main changed.
    let spread = |k: usize| (0..5).map(move |i| i * 1_999 + k);
    generate::fast_import(
        repo,
        "refs/heads/chant/s1",
        "s1 work",
        true,
        files(spread(3), 2),
    )?;
    generate::fast_import(
        repo,
        "refs/heads/chant/f1",
        "f1 work",
        true,
        files(spread(5), 2),
    )?;
    git(repo, &["reset", "-q", "--hard", "main"])?;
    let chant = |args: &[&str]| time(repo, binary, args).map(|_| ());
    chant(&["init"])?;
    for id in ["s1", "f1"] {
        chant(&["add", &format!("land {id}"), "--id", id])?;
        chant(&["start", id])?;
        chant(&["check", id, "1"])?;
        chant(&["done", id])?;
        git(repo, &["config", &format!("branch.chant/{id}.remote"), "."])?;
        git(repo, &["config", &format!("branch.chant/{id}.merge"), main])?;
    }
    git(repo, &["rev-parse", "main"])
}

/// Puts main back at `tip` (in the checkout too when it is checked out) and forgets that
/// `id` landed (`--keep` marks it), so the next landing is a real one.
fn reset(repo: &Path, tip: &str, id: &str, checked_out: bool) -> Result<(), String> {
    if checked_out {
        git(repo, &["reset", "-q", "--hard", tip])?;
    } else {
        git(repo, &["update-ref", "refs/heads/main", tip])?;
    }
    let key = format!("branch.chant/{id}.chantLanded");
    // Exit 5: the key is not set (the baseline never sets it).
    let _ = git(repo, &["config", "--unset", &key]);
    Ok(())
}

/// One figure: `f` timed after a reset, checked to have moved main.
fn landing(
    repo: &Path,
    tip: &str,
    id: &str,
    checked_out: bool,
    runs: usize,
    f: impl Fn() -> Result<Duration, String>,
) -> Result<Duration, String> {
    let d = median(runs, || {
        reset(repo, tip, id, checked_out)?;
        let d = f()?;
        if git(repo, &["rev-parse", "main"])? == tip {
            return Err(format!("landing {id} did not move main"));
        }
        Ok(d)
    })?;
    if checked_out && !git(repo, &["status", "--porcelain"])?.is_empty() {
        return Err(format!("landing {id} left the checkout dirty"));
    }
    reset(repo, tip, id, checked_out)?;
    Ok(d)
}

/// Landing in a 10,000-file repository: `git chant merge <id> --keep` (main checked out
/// or not, a merge commit or a fast-forward) beside `git merge --no-edit chant/<id>` in a
/// clean checkout of main, and the plumbing git would run without a checkout.
pub(crate) fn land(binary: &Path, runs: usize) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let repo = tmp.path().join("repo");
    eprint!("generating a {FILES}-file repository… ");
    let started = Instant::now();
    let tip = setup(&repo, binary)?;
    eprintln!("{:.1}s", started.elapsed().as_secs_f64());
    println!(
        "\nlanding in a {FILES}-file repository (median of {runs} runs): `git chant merge <id> --keep` \
         beside `git merge --no-edit chant/<id>` in a clean checkout of main"
    );
    println!(
        "{:<14} | {:>12} | {:>16} | {:>16} | {:>10} | {:>16}",
        "case", "git merge", "checked out", "not checked out", "plumbing", "vs plumbing"
    );
    println!("{}", "-".repeat(99));
    for (id, case) in [("s1", "merge commit"), ("f1", "fast-forward")] {
        let branch = format!("chant/{id}");
        let chant = || time(&repo, binary, &["merge", id, "--keep"]);
        git(&repo, &["checkout", "-q", "main"])?;
        let baseline = landing(&repo, &tip, id, true, runs, || {
            timed_git(&repo, &["merge", "-q", "--no-edit", &branch])
        })?;
        let checked_out = landing(&repo, &tip, id, true, runs, chant)?;
        // The main worktree on another branch at the same commit: nobody has main.
        git(&repo, &["checkout", "-q", "-B", "elsewhere", "main"])?;
        let not_checked_out = landing(&repo, &tip, id, false, runs, chant)?;
        // What git itself runs to land without a checkout.
        let plumbing = landing(&repo, &tip, id, false, runs, || {
            let started = Instant::now();
            let new = if id == "f1" {
                git(&repo, &["rev-parse", &branch])?
            } else {
                let tree = git(&repo, &["merge-tree", "--write-tree", "main", &branch])?;
                let parents = ["-p", "main", "-p", &branch];
                git(
                    &repo,
                    &[&["commit-tree", "-m", "merge"][..], &parents, &[&tree]].concat(),
                )?
            };
            git(&repo, &["update-ref", "refs/heads/main", &new, &tip])?;
            Ok(started.elapsed())
        })?;
        let ratio = |d: Duration, base: Duration| d.as_secs_f64() / base.as_secs_f64();
        println!(
            "{case:<14} | {:>12} | {:>8} {:>6.2}x | {:>8} {:>6.2}x | {:>10} | {:>15.2}x",
            ms(baseline),
            ms(checked_out),
            ratio(checked_out, baseline),
            ms(not_checked_out),
            ratio(not_checked_out, baseline),
            ms(plumbing),
            ratio(not_checked_out, plumbing),
        );
    }
    // Where the checked-out case's time goes: the two git commands it runs in the checkout.
    git(&repo, &["checkout", "-q", "main"])?;
    let status = median(runs, || {
        timed_git(
            &repo,
            &[
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=all",
                "--ignored=traditional",
                "--no-renames",
            ],
        )
    })?;
    let ff = landing(&repo, &tip, "f1", true, runs, || {
        timed_git(
            &repo,
            &["merge", "--ff-only", "--quiet", "--no-stat", "chant/f1"],
        )
    })?;
    println!(
        "in the checkout: the dirty check (`git status -z --untracked-files=all --ignored`) {}, `git merge --ff-only` {}",
        ms(status),
        ms(ff)
    );
    println!("ratios to `git merge`; plumbing: `git merge-tree --write-tree`, `commit-tree`, `update-ref` (no checkout), and \"vs plumbing\" is not checked out over it");
    Ok(())
}
