//! `cargo xtask screenshots` (the board and a spec page in headless Chromium, written to
//! docs/board.png and docs/spec-page.png for the README) and `cargo xtask bench --only
//! site` (site build at 1k and 10k specs and the board's page weight, beside reading every
//! spec blob with git plumbing).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::bench::{build_release, median, ms, time, time_sh};
use crate::generate;

/// How many specs the screenshot's ledger holds: a board that fills one screen.
const SCREENSHOT_SPECS: usize = 28;

/// Builds the site of a generated ledger and photographs its board and one spec page.
pub fn screenshots() -> Result<(), String> {
    let binary = build_release()?;
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let repo = tmp.path().join("repo");
    generate::ledger(&repo, SCREENSHOT_SPECS)?;
    let out = tmp.path().join("site");
    let out_arg = out.to_str().ok_or("temporary path is not UTF-8")?;
    time(&repo, &binary, &["site", "build", "--out", out_arg])?;
    let spec = format!("specs/{}.html", generate::some_id(SCREENSHOT_SPECS));
    for (page, file) in [
        ("index.html", "board.png"),
        (spec.as_str(), "spec-page.png"),
    ] {
        let shot = docs.join(file);
        let status = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1280,900",
            ])
            .arg(format!(
                "--user-data-dir={}",
                tmp.path().join("profile").display()
            ))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}/{page}", out.display()))
            .env("DBUS_SESSION_BUS_ADDRESS", "disabled:")
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("chromium: {e} (install Debian's `chromium`)"))?;
        if !status.success() {
            return Err(format!("chromium could not photograph {page}"));
        }
        println!("wrote {}", shot.display());
    }
    Ok(())
}

/// `site build` at 1k and 10k specs beside the plumbing baseline, and the page weights.
pub fn bench(binary: &Path, runs: usize) -> Result<(), String> {
    println!(
        "site build: median of {runs} runs, release binary {}",
        binary.display()
    );
    for size in [1_000, 10_000] {
        let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
        let repo = tmp.path().join("repo");
        generate::ledger(&repo, size)?;
        let out = tmp.path().join("site");
        let out_arg = out.to_str().ok_or("temporary path is not UTF-8")?;
        // Once untimed, so the index cache exists as it would for anyone.
        time(&repo, binary, &["list", "--json"])?;
        let baseline = median(runs, || time_sh(&repo, crate::bench::BASELINE))?;
        let build = median(runs, || {
            time(&repo, binary, &["site", "build", "--out", out_arg])
        })?;
        let weight = |name: &str| std::fs::metadata(out.join(name)).map_or(0, |m| m.len());
        let total: u64 = walk(&out);
        println!(
            "{size} specs: baseline {} · site build {} ({:.1}x) · board index.html {} KB (+ site.css {} B, site.js {} B) · search.json {} KB · graph.html {} KB · whole site {} MB",
            ms(baseline),
            ms(build),
            build.as_secs_f64() / baseline.as_secs_f64(),
            weight("index.html") / 1024,
            weight("site.css"),
            weight("site.js"),
            weight("search.json") / 1024,
            weight("graph.html") / 1024,
            total / (1024 * 1024)
        );
    }
    Ok(())
}

/// Bytes of every file under `dir`.
fn walk(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => walk(&e.path()),
            _ => e.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}
