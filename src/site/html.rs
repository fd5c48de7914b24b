//! The HTML every page shares: escaping untrusted text, file names from ids and labels,
//! and the page shell with its Content-Security-Policy.

/// The policy every page carries: nothing from the network, no inline script or style,
/// only the site's own `site.js` and `site.css`; no plugins, frames, forms elsewhere or
/// `<base>` rewriting.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `text` safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters (a terminal escape in a title) show as the replacement.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A file name (without `.html`) for an id or a label: lower-case letters, digits, `-`
/// and `.` stay (ids read as themselves), every other byte becomes `_xx` in hex, so two
/// names never share a file, even on a case-insensitive disk, and a name never climbs out
/// of its folder (a leading `.` is encoded too).
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (at, b) in name.bytes().enumerate() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'-' => out.push(b as char),
            b'.' if at > 0 => out.push('.'),
            _ => out.push_str(&format!("_{b:02x}")),
        }
    }
    out
}

/// A whole page: `title` (escaped here), the shared CSS and JS under `root` (`""` or
/// `"../"`), the navigation, then `body` (already HTML).
pub fn page(root: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title}</title>\n<link rel=\"stylesheet\" href=\"{root}site.css\">\n\
<script src=\"{root}site.js\" defer></script>\n</head>\n<body>\n\
<nav><a href=\"{root}index.html\">Board</a> <a href=\"{root}graph.html\">Graph</a> <a href=\"{root}activity.html\">Activity</a> <a href=\"{root}search.html\">Search</a>\
 <form action=\"{root}search.html\" method=\"get\"><input name=\"q\" type=\"search\" placeholder=\"search specs\"></form></nav>\n\
<main>\n{body}</main>\n</body>\n</html>\n",
        title = escape(title),
    )
}

/// A link to spec `id`'s page from a page at `root`, showing the id.
pub fn spec_link(root: &str, id: &str) -> String {
    format!(
        "<a class=\"id\" href=\"{root}specs/{}.html\">{}</a>",
        slug(id),
        escape(id)
    )
}

/// A link to the page of `label`.
pub fn label_link(root: &str, label: &str) -> String {
    format!(
        "<a class=\"label\" href=\"{root}labels/{}.html\">{}</a>",
        slug(label),
        escape(label)
    )
}

/// How long ago `then` was, seen from `now` (both RFC 3339): `5m`, `3h`, `2d`, `6w`.
pub fn age(then: &str, now: &str) -> Option<String> {
    let parse = crate::spec::claim::parse_time;
    let seconds = (parse(now)? - parse(then)?).whole_seconds().max(0);
    Some(match seconds {
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s if s < 14 * 86_400 => format!("{}d", s / 86_400),
        s => format!("{}w", s / (7 * 86_400)),
    })
}

#[cfg(test)]
mod tests {
    use super::{age, escape, slug};

    #[test]
    fn names_become_safe_file_names_and_text_is_escaped() {
        assert_eq!(slug("2026-01-01-001-abc"), "2026-01-01-001-abc");
        assert_eq!(slug("drv.2"), "drv.2");
        assert_eq!(slug("../x"), "_2e./x".replace('/', "_2f"));
        assert_eq!(slug("Bug_1"), "_42ug_5f1");
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(
            age("2026-01-01T00:00:00Z", "2026-01-03T01:00:00Z").as_deref(),
            Some("2d")
        );
    }
}
