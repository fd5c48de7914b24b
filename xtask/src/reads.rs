//! The everyday commands on generated ledgers of each size, beside the plumbing baseline
//! of the same run: the tables of `cargo xtask bench` (and of `--scale 1m`, the 1M column
//! alone) and, at 100k and 1M specs, issue 20's verdicts for show, add, a lifecycle write,
//! the limited reads, `list --json`, cold `list`, search and the peak memory of `list`.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::bench::{median, ms, time, time_any, time_sh, BASELINE};
use crate::generate;
use crate::rss::{mb, peak_rss};
use crate::targets::{column, Limit, Targets, LIST_JSON_RATIO};

/// What a fresh clone lacks: every cache git chant keeps under `.git/chant/` (the index,
/// the ids, search and lint caches, by prefix so a renamed format is still removed).
pub(crate) fn drop_caches(repo: &Path) {
    let Ok(entries) = std::fs::read_dir(repo.join(".git/chant")) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if ["index-", "ids-", "search-", "lint-"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// One size's figures, kept for the tables printed after every size ran.
struct Figures {
    size: usize,
    baseline: Duration,
    cold: Duration,
    warm: Duration,
    show: Duration,
    add: Duration,
    write: Duration,
    read: Vec<(String, Duration)>,
    per_spec_us: f64,
    json_bytes: usize,
    rss: [(&'static str, Option<u64>); 3],
}

pub(crate) fn run(
    binary: &Path,
    sizes: &[usize],
    runs: usize,
    targets: &mut Targets,
) -> Result<(), String> {
    let mut all = Vec::new();
    for &size in sizes {
        let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
        let repo = tmp.path().join("repo");
        eprint!("generating {size} specs… ");
        let started = Instant::now();
        generate::ledger(&repo, size)?;
        eprintln!("{:.1}s", started.elapsed().as_secs_f64());
        let f = measure(binary, &repo, size, runs)?;
        judge(&f, targets);
        all.push(f);
    }
    print(&all);
    Ok(())
}

fn measure(binary: &Path, repo: &Path, size: usize, runs: usize) -> Result<Figures, String> {
    let chant = |args: &[&str]| time(repo, binary, args);
    // At 1M the baseline and a cold list take a minute or two each: one run of those.
    let slow = if size >= 1_000_000 { 1 } else { runs };
    let baseline = median(slow, || time_sh(repo, BASELINE))?;
    let cold_rss = {
        drop_caches(repo);
        peak_rss(repo, binary, &["list"])?
    };
    let cold = median(slow, || {
        drop_caches(repo);
        chant(&["list", "--json"])
    })?;
    chant(&["list", "--json"])?;
    let warm = median(runs, || chant(&["list", "--json"]))?;
    // `list --json` beyond its output: the same bytes written by `cat` are the cost of the
    // output itself (a process start, reading and writing them), taken off per spec.
    let json = repo.join("../list.json");
    let out = std::process::Command::new(binary)
        .current_dir(repo)
        .args(["list", "--json"])
        .output()
        .map_err(|e| e.to_string())?;
    std::fs::write(&json, &out.stdout).map_err(|e| e.to_string())?;
    let cat = median(runs, || time_sh(repo, "cat ../list.json >/dev/null"))?;
    let per_spec_us = warm.saturating_sub(cat).as_secs_f64() * 1e6 / size.max(1) as f64;
    let show = median(runs, || chant(&["show", &generate::some_id(size)]))?;
    let mut read = Vec::new();
    for args in [
        &["list", "--limit", "50"][..],
        &["ready", "--limit", "20"],
        &["ready", "--json"],
        &["status"],
        &["search", "module 7"],
        &["lint"],
    ] {
        time_any(repo, binary, args)?;
        read.push((
            args.join(" "),
            median(runs, || time_any(repo, binary, args))?,
        ));
    }
    let rss = [
        ("list", peak_rss(repo, binary, &["list"])?),
        ("list --json", peak_rss(repo, binary, &["list", "--json"])?),
        ("cold list", cold_rss),
    ];
    let add = median(runs, || chant(&["add", "bench add"]))?;
    // The lifecycle write: `cancel` of a pending spec, put back by an untimed `reopen`.
    chant(&["add", "bench lifecycle", "--id", "bench-life"])?;
    let write = median(runs, || {
        let d = chant(&["cancel", "bench-life"])?;
        chant(&["reopen", "bench-life"])?;
        Ok(d)
    })?;
    Ok(Figures {
        size,
        baseline,
        cold,
        warm,
        show,
        add,
        write,
        read,
        per_spec_us,
        json_bytes: out.stdout.len(),
        rss,
    })
}

fn judge(f: &Figures, targets: &mut Targets) {
    let Some(col) = column(f.size) else {
        return;
    };
    let (size, base) = (f.size, f.baseline);
    targets.time("show", size, f.show, Limit::Ms(col.show), base);
    targets.time("add", size, f.add, Limit::Ms(col.add), base);
    targets.time(
        "lifecycle write (cancel of a pending spec)",
        size,
        f.write,
        Limit::Ms(col.write),
        base,
    );
    for (name, d) in &f.read {
        if ["list --limit 50", "ready --limit 20", "status"].contains(&name.as_str()) {
            targets.time(name, size, *d, Limit::Ms(col.everyday), base);
        }
        if name == "search module 7" {
            targets.time(
                "search \"module 7\" (warm)",
                size,
                *d,
                Limit::Ms(col.search),
                base,
            );
        }
    }
    if size >= 1_000_000 {
        // Beyond output: the `cat` of the same bytes taken off (see `measure`).
        let beyond = Duration::from_secs_f64(f.per_spec_us * size as f64 / 1e6);
        targets.time(
            "list --json of everything, beyond output",
            size,
            beyond,
            Limit::MicrosPerSpec(2.0),
            base,
        );
    } else {
        targets.time(
            "list --json of everything (warm)",
            size,
            f.warm,
            Limit::Ratio(LIST_JSON_RATIO),
            base,
        );
    }
    targets.time(
        "cold list --json (caches removed)",
        size,
        f.cold,
        Limit::Ratio(1.0),
        base,
    );
    targets.memory("peak memory of list (warm)", size, f.rss[0].1, col.list_mb);
}

fn print(all: &[Figures]) {
    let ratio = |d: Duration, base: Duration| d.as_secs_f64() / base.as_secs_f64();
    println!(
        "{:>7} | {:>9} | {:>16} | {:>16} | {:>8} | {:>8} | {:>8}",
        "specs", "baseline", "list cold", "list warm", "show", "add", "cancel"
    );
    println!("{}", "-".repeat(91));
    for f in all {
        println!(
            "{:>7} | {:>9} | {:>8} {:>6.2}x | {:>8} {:>6.3}x | {:>8} | {:>8} | {:>8}",
            f.size,
            ms(f.baseline),
            ms(f.cold),
            ratio(f.cold, f.baseline),
            ms(f.warm),
            ratio(f.warm, f.baseline),
            ms(f.show),
            ms(f.add),
            ms(f.write)
        );
    }
    println!("list cold/warm are `list --json`; cold with every cache under .git/chant/ removed (index-*, ids-*, search-*, lint-*), as after a fresh clone; cancel is one lifecycle write (`cancel` of a pending spec, reopened untimed between runs)");
    println!("\nread commands (warm caches), time and ratio to the baseline:");
    for f in all {
        let cells: Vec<String> = f
            .read
            .iter()
            .map(|(name, d)| format!("{name} {} {:.2}x", ms(*d), ratio(*d, f.baseline)))
            .collect();
        println!("{:>7} | {}", f.size, cells.join(" | "));
    }
    println!("\nlist --json beyond its output ((warm - `cat` of the same bytes) / specs), and peak RSS (wait4 rusage of the child):");
    for f in all {
        let rss: Vec<String> = f
            .rss
            .iter()
            .map(|(name, b)| format!("{name} {}", mb(*b)))
            .collect();
        println!(
            "{:>7} | {:.2} µs/spec, {:.1} MB of JSON | {}",
            f.size,
            f.per_spec_us,
            f.json_bytes as f64 / 1e6,
            rss.join(" | ")
        );
    }
}

/// `--scale 1m`: the 1M column of issue 20's targets alone, on a cached 1M ledger.
pub(crate) fn million(binary: &Path, runs: usize) -> Result<(), String> {
    const SIZE: usize = 1_000_000;
    let started = Instant::now();
    println!(
        "git-chant bench --scale 1m: median of {runs} runs, release binary {}",
        binary.display()
    );
    println!("baseline = `{BASELINE}`\n");
    let mut targets = Targets::default();
    run(binary, &[SIZE], runs, &mut targets)?;
    crate::push::pre_receive(binary, SIZE, runs, &mut targets)?;
    println!();
    let figures = crate::lint::run(binary, &[SIZE], runs)?;
    crate::lint::targets(&figures, &mut targets);
    targets.print();
    println!("\nwhole run: {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
