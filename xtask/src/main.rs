//! Project automation: `cargo xtask demo` (the tour on a scratch repository) and
//! `cargo xtask bench` (the release binary against git plumbing on generated ledgers;
//! figures are printed, never asserted) and `cargo xtask tidy` (the code-shape rules).

mod bench;
mod demo;
mod generate;
mod land;
mod lint;
mod mcp;
mod push;
mod reads;
mod rss;
mod site;
mod sync;
mod targets;
mod tidy;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        Some("demo") => demo::run(),
        Some("screenshots") => site::screenshots(),
        Some("tidy") => tidy::run(&args[1..]),
        Some("generate") if args.len() == 3 => match args[2].parse() {
            Ok(count) => generate::ledger(std::path::Path::new(&args[1]), count),
            Err(_) => Err(format!("not a count: {}", args[2])),
        },
        _ => {
            eprintln!("usage: cargo xtask demo                              the tour on a scratch repository\n       cargo xtask bench [--sizes 1000,10000,100000] [--runs N] [--binary PATH] [--only reads|race|hooks|import|activity|validate|land|mcp|site|lint|sync]\n       cargo xtask bench --scale 1m [--runs N]  the 1M column of issue 20's targets\n       cargo xtask screenshots                docs/board.png and docs/spec-page.png (headless chromium)\n       cargo xtask generate <dir> <count>   a repository with a generated ledger\n       cargo xtask tidy [--report] [--no-doc]  the code-shape rules CI enforces");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("xtask: {e}");
        std::process::exit(1);
    }
}
