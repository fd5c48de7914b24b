//! `site serve`: the site over HTTP on 127.0.0.1 only, read-only (GET and HEAD; any other
//! method is 405), rebuilt before answering whenever a ref under `refs/chant/` or
//! `refs/notes/` has moved since the last build. One request at a time on plain
//! `std::net` — a local viewer needs no HTTP crate and no async runtime.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::error::Error;
use crate::store::Store;

/// The refs whose tips decide whether the site is stale: the ledger and every notes ref.
const WATCHED: &[&str] = &["refs/chant/", "refs/notes/"];

/// A request line and headers larger than this are refused (nothing here needs more).
const MAX_REQUEST: u64 = 16 * 1024;

/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Binds 127.0.0.1:`port` (0: any free port); the listener and its address.
pub fn bind(port: u16) -> Result<(TcpListener, std::net::SocketAddr), Error> {
    let io = |source| Error::Write {
        path: PathBuf::from(format!("127.0.0.1:{port}")),
        source,
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(io)?;
    let addr = listener.local_addr().map_err(io)?;
    Ok((listener, addr))
}

/// The tips of the watched refs, `name id` per line, sorted.
fn tips(store: &Store) -> Result<String, Error> {
    let mut all = Vec::new();
    let corrupt = |e: &dyn std::fmt::Display| crate::store::StoreError::Corrupt {
        what: format!("listing the refs the site shows: {e}"),
    };
    let refs = store.repo().references().map_err(|e| corrupt(&e))?;
    for prefix in WATCHED {
        let found = refs.prefixed(*prefix).map_err(|e| corrupt(&e))?;
        for r in found.flatten() {
            let tip = r.try_id().map(|id| id.to_string()).unwrap_or_default();
            all.push(format!("{} {tip}", r.name().as_bstr()));
        }
    }
    all.sort();
    Ok(all.join("\n"))
}

/// Serves `out` on `listener` until the process is stopped, rebuilding it from the
/// repository `open` opens whenever the watched refs moved. `on_build` hears of each build.
pub fn serve(
    listener: TcpListener,
    out: &Path,
    open: impl Fn() -> Result<Store, Error>,
    mut on_build: impl FnMut(&super::Report),
) -> Result<(), Error> {
    let mut built: Option<String> = None;
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let Some((method, target)) = request(&stream) else {
            let _ = respond(&mut stream, 400, "text/plain", b"bad request\n", false);
            continue;
        };
        if method != "GET" && method != "HEAD" {
            let _ = respond(
                &mut stream,
                405,
                "text/plain",
                b"read-only: GET and HEAD only\n",
                false,
            );
            continue;
        }
        // Per request, so a page always shows the ledger as it is now.
        let store = open()?;
        let now = tips(&store)?;
        if built.as_deref() != Some(now.as_str()) {
            on_build(&super::build(&store, out)?);
            built = Some(now);
        }
        let head = method == "HEAD";
        let _ = match file_for(out, &target) {
            Some(path) => match std::fs::read(&path) {
                Ok(bytes) => respond(&mut stream, 200, content_type(&path), &bytes, head),
                Err(_) => respond(&mut stream, 404, "text/plain", b"not found\n", head),
            },
            None => respond(&mut stream, 404, "text/plain", b"not found\n", head),
        };
    }
    Ok(())
}

/// The method and path of the request on `stream` (headers read and ignored).
fn request(stream: &TcpStream) -> Option<(String, String)> {
    let mut reader = BufReader::new(stream.take(MAX_REQUEST));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
    }
    Some((method, target))
}

/// The file under `out` a request target names: the query dropped, `%xx` decoded, `/` the
/// board; `None` for anything that would leave `out` (`..`, absolute or odd components).
fn file_for(out: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let decoded = percent_decode(path)?;
    let rel = decoded.trim_start_matches('/');
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_owned()
    };
    let rel = Path::new(&rel);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let path = out.join(rel);
    path.is_file().then_some(path)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = std::str::from_utf8(bytes.get(at + 1..at + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// Writes one response and closes the connection; the page's CSP is sent as a header too.
fn respond(
    stream: &mut TcpStream,
    code: u16,
    kind: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match code {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let allow = if code == 405 {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{allow}\
Content-Security-Policy: {}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len(),
        super::html::CSP
    )?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::file_for;

    #[test]
    fn a_request_never_leaves_the_site_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("specs")).unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        std::fs::write(dir.path().join("specs/a.html"), "x").unwrap();
        assert_eq!(
            file_for(dir.path(), "/?q=1"),
            Some(dir.path().join("index.html"))
        );
        assert_eq!(
            file_for(dir.path(), "/specs/a.html"),
            Some(dir.path().join("specs/a.html"))
        );
        for bad in [
            "/../x",
            "/specs/../../etc/passwd",
            "/%2e%2e/x",
            "/nope.html",
        ] {
            assert_eq!(file_for(dir.path(), bad), None, "{bad}");
        }
    }
}
