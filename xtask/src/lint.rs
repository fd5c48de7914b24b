//! `cargo xtask bench --only lint [--sizes 10000,100000]`: `git chant lint` of the whole
//! ledger cold (no lint cache or kept report), warm (both, nothing changed) and after one spec
//! changed, each beside the plumbing baseline of the same run, with a verdict against
//! issue 20's targets (100k: 1.5 s cold, 100 ms after a change; 1M: 15 s, 200 ms).

use std::path::Path;
use std::time::Duration;

use crate::bench::{median, ms, time, time_any, time_sh};
use crate::generate;

const BASELINE: &str =
    "git ls-tree -r --object-only refs/chant/specs | git cat-file --batch >/dev/null";
/// The facts cache and the kept report lint keeps under `.git/chant/`
/// (src/lint/cache.rs, src/lint/report.rs).
const CACHE: &str = ".git/chant/lint-v1.bin";
const KEPT: &str = ".git/chant/lint-report-v1.bin";

/// Lint's figures at one size: the baseline, cold, and after one change.
pub struct Figures {
    pub size: usize,
    pub baseline: Duration,
    pub cold: Duration,
    pub changed: Duration,
}

pub fn run(binary: &Path, sizes: &[usize], runs: usize) -> Result<Vec<Figures>, String> {
    let mut all = Vec::new();
    println!(
        "git-chant bench, lint: median of {runs} runs, release binary {}",
        binary.display()
    );
    println!("baseline = `{BASELINE}`\n");
    println!(
        "{:>8} | {:>10} | {:>18} | {:>18} | {:>18} | verdict",
        "specs", "baseline", "cold", "warm", "after one change"
    );
    println!("{}", "-".repeat(100));
    for &size in sizes {
        let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
        let repo = tmp.path().join("repo");
        eprint!("generating {size} specs… ");
        let started = std::time::Instant::now();
        generate::ledger(&repo, size)?;
        eprintln!("{:.1}s", started.elapsed().as_secs_f64());
        let baseline = median(runs, || time_sh(&repo, BASELINE))?;
        let lint = || time_any(&repo, binary, &["lint"]);
        let cold = median(runs, || {
            let _ = std::fs::remove_file(repo.join(CACHE));
            let _ = std::fs::remove_file(repo.join(KEPT));
            lint()
        })?;
        lint()?;
        let warm = median(runs, lint)?;
        // Each run changes one spec (a different value each time, so its blob is new)
        // and times only the lint after it.
        let id = generate::some_id(size);
        let mut n = 0;
        let changed = median(runs, || {
            n += 1;
            time(&repo, binary, &["set", &id, "model", &format!("bench-{n}")])?;
            lint()
        })?;
        let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
        println!(
            "{size:>8} | {:>10} | {:>10} {:>6.2}x | {:>10} {:>6.2}x | {:>10} {:>6.2}x | {}",
            ms(baseline),
            ms(cold),
            ratio(cold),
            ms(warm),
            ratio(warm),
            ms(changed),
            ratio(changed),
            verdict(size, cold, changed)
        );
        all.push(Figures {
            size,
            baseline,
            cold,
            changed,
        });
    }
    Ok(all)
}

/// Lint's two rows of issue 20's target table.
pub fn targets(figures: &[Figures], targets: &mut crate::targets::Targets) {
    use crate::targets::Limit;
    for f in figures {
        let (all, one) = match f.size {
            1_000_000 => (15_000, 200),
            _ => (1_500, 100),
        };
        let (cold, changed) = ("lint of everything (cold)", "lint after one change");
        targets.time(cold, f.size, f.cold, Limit::Ms(all), f.baseline);
        targets.time(changed, f.size, f.changed, Limit::Ms(one), f.baseline);
    }
}

/// Issue 20's targets for lint of everything and lint after one change.
fn verdict(size: usize, cold: Duration, changed: Duration) -> String {
    let (all, one) = match size {
        100_000 => (1_500, 100),
        1_000_000 => (15_000, 200),
        _ => return "(targets are set at 100k and 1M)".into(),
    };
    let met = |d: Duration, limit: u64| {
        if d <= Duration::from_millis(limit) {
            "met"
        } else {
            "not met"
        }
    };
    format!(
        "cold <= {all} ms {}, after one change <= {one} ms {}",
        met(cold, all),
        met(changed, one)
    )
}
