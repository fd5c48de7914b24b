//! Realistic ledgers for the bench: specs in the seed spec's format with a mix of types,
//! statuses, dependencies and bodies around 2 KB, written in one `git fast-import` run.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use git_chant::store::paths::{spec_path, FORMAT};

const TYPES: &[&str] = &[
    "code",
    "code",
    "code",
    "task",
    "research",
    "documentation",
    "driver",
];
const STATUSES: &[&str] = &[
    "pending",
    "pending",
    "in_progress",
    "completed",
    "completed",
    "completed",
    "failed",
    "cancelled",
];

/// A small deterministic generator (xorshift), so every run builds the same ledgers.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn spec_id(n: usize) -> String {
    format!(
        "2026-{:02}-{:02}-{:03}-b{:02}",
        1 + n / 28 % 12,
        1 + n % 28,
        n / 336,
        n % 100
    )
}

fn spec_text(n: usize, rng: &mut Rng) -> String {
    let kind = TYPES[rng.below(TYPES.len())];
    let status = STATUSES[rng.below(STATUSES.len())];
    let mut text = format!("---\ntype: {kind}\nstatus: {status}\n");
    if n > 0 && rng.below(3) > 0 {
        text.push_str(&format!("depends_on:\n- {}\n", spec_id(rng.below(n))));
    }
    text.push_str("labels:\n- bench\n");
    text.push_str(&format!(
        "target_files:\n- src/module_{}.rs\n",
        rng.below(400)
    ));
    if status == "completed" {
        text.push_str("commits:\n- 311326f\ncompleted_at: 2026-02-02T14:27:53Z\nmodel: sonnet\n");
    }
    text.push_str(&format!(
        "---\n# Spec {n}: fix the race in module {}\n\n## Context\n\n",
        rng.below(400)
    ));
    // Bodies vary from about 0.5 KB to 4 KB, median near 2 KB.
    let paragraphs = 2 + rng.below(14);
    for p in 0..paragraphs {
        text.push_str(&format!("Paragraph {p} describes the investigation: the store reads the whole file, changes it in memory and writes it back, so two workers racing lose an update. See `src/storage/store.py:{}`.\n\n", rng.below(500)));
    }
    text.push_str("## Acceptance Criteria\n\n");
    let ticked = status == "completed";
    for c in 0..(1 + rng.below(5)) {
        text.push_str(&format!(
            "- [{}] Criterion {c} holds\n",
            if ticked { "x" } else { " " }
        ));
    }
    text
}

/// Every generated spec as `(path, text)`, the same on every run.
fn specs(count: usize) -> impl Iterator<Item = (String, String)> {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    (0..count).map(move |n| (spec_path(&spec_id(n), false), spec_text(n, &mut rng)))
}

/// Creates a repository at `dir` whose `refs/chant/specs` holds `count` specs. From
/// [`CACHED_FROM`] specs up the ledger is generated once into a cache under the target
/// directory and `dir` borrows its objects (git alternates), so a repeated run does not
/// pay generation again.
pub fn ledger(dir: &Path, count: usize) -> Result<(), String> {
    if count < CACHED_FROM {
        return generated(dir, count);
    }
    let cache = cache_dir(count);
    let tip_file = cache.join("bench-ledger-tip");
    if !tip_file.exists() {
        let _ = std::fs::remove_dir_all(&cache);
        eprint!("(once, into {}) ", cache.display());
        generated(&cache, count)?;
        let tip = git(&cache, &["rev-parse", "refs/chant/specs"])?;
        // Written last: a cache without it is half-built and built again.
        std::fs::write(&tip_file, tip).map_err(|e| e.to_string())?;
    }
    let tip = std::fs::read_to_string(&tip_file).map_err(|e| e.to_string())?;
    init(dir)?;
    borrow_objects(&dir.join(".git"), &cache.join(".git/objects"))?;
    git(dir, &["update-ref", "refs/chant/specs", tip.trim()]).map(|_| ())
}

/// Ledgers this big are cached between runs.
pub const CACHED_FROM: usize = 100_000;

/// Bumped when the generator's output changes; the cache key also hashes the first specs,
/// the config and the format, so an edit here that forgets the bump still misses.
const GENERATOR: u32 = 1;

fn cache_dir(count: usize) -> std::path::PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (GENERATOR, FORMAT, git_chant::ops::DEFAULT_CONFIG).hash(&mut h);
    specs(64).for_each(|spec| spec.hash(&mut h));
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
    };
    target.join(format!("bench-ledgers/{count}-{:016x}", h.finish()))
}

/// Makes the repository whose git dir is `git_dir` read objects from `objects` too.
fn borrow_objects(git_dir: &Path, objects: &Path) -> Result<(), String> {
    let info = git_dir.join("objects/info");
    std::fs::create_dir_all(&info).map_err(|e| e.to_string())?;
    let objects = objects.canonicalize().map_err(|e| e.to_string())?;
    std::fs::write(info.join("alternates"), format!("{}\n", objects.display()))
        .map_err(|e| e.to_string())
}

/// A bare repository at `server` holding `client`'s ledger: borrowing the same cached
/// objects when the client does (a push of a 1M ledger is minutes), else pushed.
pub fn seed_bare(client: &Path, server: &Path) -> Result<(), String> {
    run(Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(server))?;
    let alternates = client.join(".git/objects/info/alternates");
    match std::fs::read_to_string(&alternates) {
        Ok(objects) => {
            borrow_objects(server, Path::new(objects.trim()))?;
            let tip = git(client, &["rev-parse", "refs/chant/specs"])?;
            git(server, &["update-ref", "refs/chant/specs", &tip]).map(|_| ())
        }
        Err(_) => {
            let target = server.to_str().ok_or("path")?;
            git(client, &["push", "-q", target, "refs/chant/specs"]).map(|_| ())
        }
    }
}

fn init(dir: &Path) -> Result<(), String> {
    run(Command::new("git").args(["init", "-q"]).arg(dir))?;
    for (k, v) in [("user.name", "Bench"), ("user.email", "bench@example.com")] {
        run(Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["config", k, v]))?;
    }
    Ok(())
}

/// The repository with its ledger written by one fast-import run (streamed: one spec's
/// text in memory at a time).
fn generated(dir: &Path, count: usize) -> Result<(), String> {
    init(dir)?;
    let fixed = [
        ("FORMAT".to_owned(), FORMAT.to_owned()),
        (
            "config.md".to_owned(),
            git_chant::ops::DEFAULT_CONFIG.to_owned(),
        ),
    ];
    fast_import(
        dir,
        LEDGER,
        "chant: init",
        false,
        fixed.into_iter().chain(specs(count)),
    )
}

/// Writes `count` specs as upstream chant keeps them: `<dir>/.chant/specs/<id>.md`.
pub fn upstream_files(dir: &Path, count: usize) -> Result<(), String> {
    let specs_dir = dir.join(".chant/specs");
    std::fs::create_dir_all(&specs_dir).map_err(|e| e.to_string())?;
    for (n, (_, text)) in specs(count).enumerate() {
        std::fs::write(specs_dir.join(format!("{}.md", spec_id(n))), text)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Adds a ledger commit that edits the body of the first `changed` of `count` specs.
pub fn edit(dir: &Path, count: usize, changed: usize) -> Result<(), String> {
    let edited = specs(count)
        .take(changed)
        .map(|(path, text)| (path, text + "\nEdited by the bench.\n"));
    fast_import(dir, LEDGER, "chant: bench edit", true, edited)
}

/// One commit on top of the ledger adding `count` specs `chain-<n>`, each depending on the
/// one before; with `wide` > 0, one more spec `wide` whose `depends_on` has that many
/// entries (`w<n>`, which do not exist: the validator reports them in one problem).
pub fn chain(dir: &Path, count: usize, wide: usize) -> Result<(), String> {
    let spec = |n: usize| {
        let deps = if n == 0 {
            String::new()
        } else {
            format!("depends_on:\n- chain-{}\n", n - 1)
        };
        let text = format!("---\ntype: code\nstatus: pending\n{deps}---\n# Chain {n}\n");
        (spec_path(&format!("chain-{n}"), false), text)
    };
    let wide_spec = (wide > 0).then(|| {
        let deps: String = (0..wide).map(|n| format!("- w{n}\n")).collect();
        let text = format!("---\ntype: code\nstatus: pending\ndepends_on:\n{deps}---\n# Wide\n");
        (spec_path("wide", false), text)
    });
    fast_import(
        dir,
        LEDGER,
        "chant: bench chain",
        true,
        (0..count).map(spec).chain(wide_spec),
    )
}

/// `commits` ledger commits on top of the ledger of `count` specs, as the lifecycle writes
/// them (`Chant-Spec` and `Chant-Op` trailers: add, start, tick, complete in turn), each
/// dated a minute after the one before. They change no file: `activity` reads trailers
/// only, and fast-import then writes 50k commits in seconds.
pub fn history(dir: &Path, count: usize, commits: usize) -> Result<(), String> {
    const OPS: [&str; 4] = [
        "add",
        "status pending -> in_progress",
        "check 1",
        "status in_progress -> completed",
    ];
    let mut stream = String::new();
    for n in 0..commits {
        let id = spec_id((n / OPS.len()) % count.max(1));
        let op = OPS[n % OPS.len()];
        let message = format!("chant: {op} {id}\n\nChant-Spec: {id}\nChant-Op: {op}\n");
        stream.push_str(&format!(
            "commit {LEDGER}\ncommitter Bench <bench@example.com> {} +0000\ndata {}\n{message}\n",
            1_770_000_000 + 60 * (n as u64 + 1),
            message.len()
        ));
        if n == 0 {
            stream.push_str(&format!("from {LEDGER}^0\n"));
        }
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    stdin
        .write_all(stream.as_bytes())
        .map_err(|e| e.to_string())?;
    drop(stdin);
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("git fast-import failed".into());
    }
    Ok(())
}

const LEDGER: &str = "refs/chant/specs";

/// One commit on `refname` (on top of it when `on_top`) writing `files`.
pub(crate) fn fast_import(
    dir: &Path,
    refname: &str,
    message: &str,
    on_top: bool,
    files: impl Iterator<Item = (String, String)>,
) -> Result<(), String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdin = std::io::BufWriter::new(child.stdin.take().ok_or("no stdin")?);
    let mut header = format!(
        "commit {refname}\ncommitter Bench <bench@example.com> 1770000000 +0000\ndata {}\n{message}\n",
        message.len() + 1
    );
    if on_top {
        header.push_str(&format!("from {refname}^0\n"));
    }
    let mut write = |s: &[u8]| stdin.write_all(s).map_err(|e| e.to_string());
    write(header.as_bytes())?;
    for (path, text) in files {
        write(format!("M 100644 inline {path}\ndata {}\n", text.len()).as_bytes())?;
        write(text.as_bytes())?;
        write(b"\n")?;
    }
    stdin.flush().map_err(|e| e.to_string())?;
    drop(stdin);
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("git fast-import failed".into());
    }
    Ok(())
}

/// A ledger commit on top that rewrites, with `change`, the text of every spec `n` of
/// `count` for which `pick(n)` holds.
pub fn rewrite(
    dir: &Path,
    count: usize,
    pick: impl Fn(usize) -> bool,
    change: impl Fn(String) -> String,
) -> Result<(), String> {
    let edited = specs(count)
        .enumerate()
        .filter(|(n, _)| pick(*n))
        .map(|(_, (path, text))| (path, change(text)));
    fast_import(dir, LEDGER, "chant: bench rewrite", true, edited)
}

/// The id of the `n`th generated spec, and where a spec lives in the ledger tree.
pub fn id_of(n: usize) -> String {
    spec_id(n)
}

pub fn path_of(id: &str) -> String {
    spec_path(id, false)
}

/// An id the generator used, for `show`.
pub fn some_id(count: usize) -> String {
    spec_id(count / 2)
}

/// Runs git in `dir` (stdin closed) and gives its trimmed output, or its error.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
