//! `site build` and `site serve`, checked in a real headless Chromium (Debian's `chromium`,
//! installed by `.ci/run`): the rendered DOM, after the site's script ran, not the HTML
//! source. A missing browser fails these tests unless CHANT_NO_BROWSER=1 says to skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixtures;
use crate::harness::{assert_success, Repo};

/// The browser, or `None` (said loudly) when CHANT_NO_BROWSER=1 allows skipping.
pub fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() && std::env::var("CHANT_NO_BROWSER").as_deref() == Ok("1") {
        eprintln!("!!! SKIPPED: no chromium and CHANT_NO_BROWSER=1; the site's browser tests did not run !!!");
        return None;
    }
    Some(found.expect(
        "no chromium: install Debian's `chromium` (.ci/run does) or set CHANT_NO_BROWSER=1 to skip",
    ))
}

/// A headless Chromium run on `url` with `extra` flags; its stdout.
pub fn browse(browser: &Path, url: &str, extra: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", home.path().display()))
        .args(extra)
        .arg(url)
        .env("HOME", home.path())
        // Without a session bus it would wait for one for half a minute.
        .env("DBUS_SESSION_BUS_ADDRESS", "disabled:")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The DOM of `url` after its scripts ran.
pub fn dom(browser: &Path, url: &str) -> String {
    browse(browser, url, &["--dump-dom"])
}

/// `file://` URL of `page` in the site at `dir`, with `query`.
fn url(dir: &Path, page: &str, query: &str) -> String {
    format!("file://{}/{page}{query}", dir.display())
}

/// The cards (`<article class="card"`) in each board column of a DOM, by state.
fn columns(dom: &str) -> Vec<(String, usize, usize)> {
    dom.split("<section class=\"column\" data-state=\"")
        .skip(1)
        .map(|part| {
            let part = &part[..part.find("</section>").unwrap()];
            let state = part[..part.find('"').unwrap()].to_owned();
            let count = part.split("<span class=\"count\">").nth(1).unwrap();
            let count: usize = count[..count.find('<').unwrap()].parse().unwrap();
            (
                state,
                count,
                part.matches("<article class=\"card\"").count(),
            )
        })
        .collect()
}

/// Each column's count and cards equal what `list --json` has in that state.
fn assert_board_matches_list(repo: &Repo, dom: &str) {
    let listed = repo.list_json(&[]);
    let cols = columns(dom);
    assert_eq!(cols.len(), 7, "{dom}");
    for (state, count, cards) in cols {
        let want = listed
            .iter()
            .filter(|s| {
                let pending = s["status"] == "pending";
                let shown = match (pending, s["ready"].as_bool().unwrap()) {
                    (true, true) => "ready",
                    (true, false) => "blocked",
                    _ => s["status"].as_str().unwrap(),
                };
                shown == state
            })
            .count();
        assert_eq!((count, cards), (want, want), "column {state}");
    }
}

fn agent() -> String {
    format!("sh {}", fixtures().join("agents/fake-agent.sh").display())
}

/// The README's six-phase tour run to the end, then specs in every other state, one with
/// numbered criteria and two hostile ones.
fn tour() -> Repo {
    let repo = Repo::new();
    std::fs::write(repo.path.join("README"), "mine\n").unwrap();
    repo.git(&["add", "README"]);
    repo.git(&["commit", "-q", "-m", "initial"]);
    repo.chant(&["init"]);
    repo.chant(&["hooks", "install"]);
    for n in 1..=6 {
        let (id, title) = (format!("phase{n}"), format!("Phase {n}"));
        let mut args = vec!["add", title.as_str(), "--id", id.as_str()];
        let prev = format!("phase{}", n - 1);
        if n > 1 {
            args.extend(["--depends-on", prev.as_str()]);
        }
        repo.chant(&args);
    }
    let out = repo
        .chant_cmd(&["work", "--chain", "--merge", "--agent", &agent()])
        .output()
        .unwrap();
    assert_success(&out);
    repo.add_spec(
        "crit",
        "Numbered criteria",
        "The walrus sings at dawn.\n\n## Acceptance Criteria\n\n- [x] first thing\n- [ ] second thing\n- [ ] third thing\n",
    );
    repo.chant(&[
        "add",
        "Waits for crit",
        "--id",
        "after",
        "--depends-on",
        "crit",
    ]);
    for (id, then) in [
        ("wip", None),
        ("halt", Some("pause")),
        ("broke", Some("fail")),
    ] {
        repo.chant(&["add", id, "--id", id, "--label", "ops"]);
        repo.chant(&["start", id]);
        if let Some(then) = then {
            repo.chant(&[then, id]);
        }
    }
    repo.add_spec(
        "evil",
        "<script>document.title='pwned'</script>",
        "<img src=x onerror=\"document.body.insertAdjacentHTML('beforeend','<b id=pwned-img></b>')\">\n",
    );
    repo.add_spec(
        "jslink",
        "A javascript link",
        "[click me](javascript:document.body.append(Object.assign(document.createElement('b'),{id:'pwned-link'})))\n[or me](JavaScript:document.title='pwned')\n\n<script>document.title='pwned'</script>\n",
    );
    repo
}

fn build(repo: &Repo) -> PathBuf {
    let out = repo.home().join("site");
    repo.chant(&["site", "build", "--out", out.to_str().unwrap()]);
    out
}

#[test]
fn the_tour_site_shows_the_board_criteria_transcripts_and_search_in_a_browser() {
    let Some(browser) = chromium() else { return };
    let repo = tour();
    let site = build(&repo);
    let board = dom(&browser, &url(&site, "index.html", ""));
    assert_board_matches_list(&repo, &board);
    assert!(
        board.contains(">Phase 6</a>") && board.contains(">1/3</span>"),
        "{board}"
    );

    // Screenshots of the board and a spec page render (a PNG of the window's size).
    for (page, file) in [("index.html", "board.png"), ("specs/crit.html", "spec.png")] {
        let shot = repo.home().join(file);
        let flag = format!("--screenshot={}", shot.display());
        browse(
            &browser,
            &url(&site, page, ""),
            &[&flag, "--window-size=1280,900"],
        );
        let png = std::fs::read(&shot).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{page}");
        // IHDR: width and height, big-endian, at bytes 16..24.
        assert_eq!(&png[16..24], &[0, 0, 5, 0, 0, 0, 3, 132], "{page}");
    }

    let crit = dom(&browser, &url(&site, "specs/crit.html", ""));
    for (n, text) in [(1, "first thing"), (2, "second thing"), (3, "third thing")] {
        assert!(
            crit.contains(&format!("<li value=\"{n}\" data-number=\"{n}\"><label><input type=\"checkbox\" disabled=\"\"{}> {text}</label></li>", if n == 1 { " checked=\"\"" } else { "" })),
            "criterion {n}:\n{crit}"
        );
        assert_eq!(crit.matches(text).count(), 1, "shown once:\n{crit}");
    }
    assert!(
        crit.contains("../specs/after.html"),
        "dependent linked:\n{crit}"
    );

    // The agent's output, kept as a transcript note, shows on the page.
    let phase = dom(&browser, &url(&site, "specs/phase3.html", ""));
    let session = phase
        .split("<pre class=\"session\">")
        .nth(1)
        .expect("a transcript");
    assert!(session.contains("fake agent: working on phase3"), "{phase}");

    let found = dom(&browser, &url(&site, "search.html", "?q=walrus"));
    assert!(
        found.contains("<li class=\"hit\"><a href=\"specs/crit.html\">Numbered criteria</a>"),
        "{found}"
    );
    assert!(found.contains(">1 found<"), "{found}");

    // The graph: one box per live spec, one arrow per dependency, boxes linked.
    let live = repo.list_json(&[]);
    let deps: usize = live
        .iter()
        .map(|s| s["depends_on"].as_array().unwrap().len())
        .sum();
    let graph = dom(&browser, &url(&site, "graph.html", ""));
    assert_eq!(
        graph.matches("<g class=\"node\"").count(),
        live.len(),
        "{graph}"
    );
    assert_eq!(
        graph.matches("<path class=\"edge\"").count(),
        deps,
        "{graph}"
    );
    assert!(graph.contains("href=\"specs/phase2.html\""), "{graph}");

    // The activity page lists what happened, newest first.
    let activity = dom(&browser, &url(&site, "activity.html", ""));
    for event in ["created", "started", "completed", "failed", "paused"] {
        assert!(
            activity.contains(&format!("data-event=\"{event}\"")),
            "{event}: {activity}"
        );
    }
}

#[test]
fn a_hostile_title_or_link_runs_nothing_and_shows_as_text() {
    let Some(browser) = chromium() else { return };
    let repo = tour();
    // A transcript is as untrusted as the spec: one that carries markup of its own.
    let worked = repo.git(&["log", "-1", "--format=%H", "--grep=chant(phase2)", "main"]);
    repo.git(&[
        "notes",
        "--ref",
        "refs/notes/chant-output",
        "append",
        "-m",
        "<script>document.title='pwned'</script><b class=pwned-t>x</b>",
        worked.trim(),
    ]);
    let site = build(&repo);
    for page in [
        "index.html",
        "specs/phase2.html",
        "specs/evil.html",
        "specs/jslink.html",
        "search.html?q=pwned",
        "graph.html",
        "activity.html",
    ] {
        let (page, query) = page.split_once('?').map_or((page, ""), |(p, q)| (p, q));
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        let shown = dom(&browser, &url(&site, page, &query));
        let title = shown.split("<title>").nth(1).unwrap();
        assert!(!title.starts_with("pwned"), "{page}: {shown}");
        assert!(!shown.contains("id=\"pwned"), "{page}: {shown}");
        assert!(!shown.contains("<script>document"), "{page}: {shown}");
        assert!(
            !shown.to_lowercase().contains("href=\"javascript:"),
            "{page}: {shown}"
        );
    }
    let evil = dom(&browser, &url(&site, "specs/evil.html", ""));
    assert!(
        evil.contains("<h1>&lt;script&gt;document.title='pwned'&lt;/script&gt;</h1>"),
        "{evil}"
    );
    assert!(evil.contains("&lt;img src=x onerror="), "{evil}");
    let worked = dom(&browser, &url(&site, "specs/phase2.html", ""));
    assert!(
        worked
            .contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;b class=pwned-t&gt;")
            && !worked.contains("<b class=\"pwned-t\">"),
        "the transcript's markup shows as text:\n{worked}"
    );
    let link = dom(&browser, &url(&site, "specs/jslink.html", ""));
    assert!(link.contains("<p>click me\nor me</p>"), "{link}");
}

#[test]
fn a_thousand_spec_site_has_every_card_in_its_column() {
    let Some(browser) = chromium() else { return };
    let repo = Repo::new();
    let specs = repo.path.join(".chant/specs");
    std::fs::create_dir_all(&specs).unwrap();
    let statuses = [
        "pending",
        "pending",
        "in_progress",
        "completed",
        "failed",
        "paused",
    ];
    for n in 0..1000 {
        let status = statuses[n % statuses.len()];
        // Every seventh spec waits for one that is not done.
        let deps = if n % 7 == 3 {
            format!("depends_on:\n- 2026-01-01-{:03x}-gen\n", n - 3)
        } else {
            String::new()
        };
        let text = format!("---\ntype: code\nstatus: {status}\nlabels:\n- l{}\n{deps}---\n# Spec {n}\n\nword{n} and some text.\n\n## Acceptance Criteria\n\n- [ ] one\n", n % 5);
        std::fs::write(specs.join(format!("2026-01-01-{n:03x}-gen.md")), text).unwrap();
    }
    repo.chant(&["init"]);
    repo.chant(&["import"]);
    let started = std::time::Instant::now();
    let site = build(&repo);
    assert!(
        started.elapsed().as_secs() < 20,
        "site build took {:?}",
        started.elapsed()
    );
    let board = dom(&browser, &url(&site, "index.html", ""));
    assert_board_matches_list(&repo, &board);
    let found = dom(&browser, &url(&site, "search.html", "?q=word777"));
    assert!(
        found.contains(">1 found<") && found.contains("specs/2026-01-01-309-gen.html"),
        "{found}"
    );
}

/// One HTTP/1.1 request to `addr`; the status code and the body.
fn http(addr: &str, method: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let code = answer.split(' ').nth(1).unwrap().parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_owned();
    (code, body)
}

/// Kills the server when the test ends, pass or fail.
struct Server(std::process::Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn site_serve_answers_on_localhost_follows_the_ledger_and_refuses_writes() {
    use std::io::BufRead;
    let Some(browser) = chromium() else { return };
    let repo = Repo::new();
    repo.commit("initial");
    repo.chant(&["init"]);
    repo.add_spec("one", "Serve me", "Nothing to tick.\n");
    repo.chant(&["start", "one"]);
    let out = repo.home().join("served");
    let mut child = repo
        .chant_cmd(&[
            "site",
            "serve",
            "--port",
            "0",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .strip_prefix("serving http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");

    let state_of_one = |board: &str| {
        columns(board)
            .into_iter()
            .find(|(_, count, _)| *count == 1)
            .map(|(state, _, _)| state)
    };
    let (code, board) = http(&addr, "GET", "/");
    assert_eq!(code, 200, "{board}");
    assert_eq!(
        state_of_one(&board).as_deref(),
        Some("in_progress"),
        "{board}"
    );
    // A real browser over HTTP runs the page the same way.
    let shown = dom(&browser, &format!("http://{addr}/index.html"));
    assert_board_matches_list(&repo, &shown);

    repo.chant(&["done", "one"]);
    let started = std::time::Instant::now();
    loop {
        let (_, board) = http(&addr, "GET", "/index.html");
        if state_of_one(&board).as_deref() == Some("completed") {
            break;
        }
        assert!(
            started.elapsed().as_secs_f64() < 2.0,
            "still not completed:\n{board}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let before = std::fs::read(out.join("index.html")).unwrap();
    for method in ["POST", "PUT", "DELETE"] {
        assert_eq!(http(&addr, method, "/index.html").0, 405, "{method}");
    }
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), before);
    assert_eq!(http(&addr, "GET", "/../../etc/passwd").0, 404);
    assert_eq!(http(&addr, "HEAD", "/specs/one.html"), (200, String::new()));
    drop(server);
}
