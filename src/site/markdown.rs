//! Spec markdown as HTML a browser can show safely: CommonMark through `pulldown-cmark`,
//! with every piece of raw HTML turned into escaped text, links kept only for safe schemes
//! and images shown as links (so a page never loads anything from the network).

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// The schemes a link may use; anything else with a scheme (`javascript:`, `data:`,
/// `vbscript:`, `file:`) is dropped and its text kept.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// `text` (spec markdown, untrusted) as an HTML fragment.
pub fn to_html(text: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    // Whether each open link was kept, so its end tag is dropped with it.
    let mut links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, options).filter_map(|event| match event {
        // Raw HTML is shown as the text it is.
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            // A link kept only when its address is safe; an image becomes a link to it
            // with its text, so nothing is loaded.
            let keep = is_safe(&dest_url);
            links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => links
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        other => Some(other),
    });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Whether a link target is relative or uses a safe scheme. Browsers ignore tabs, newlines
/// and leading blanks or control characters in a URL, so they are ignored here too
/// (`java\tscript:` is `javascript:`).
pub fn is_safe(url: &CowStr<'_>) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(at) if cleaned[at..].starts_with(':') => {
            let scheme = cleaned[..at].to_ascii_lowercase();
            SAFE_SCHEMES.contains(&scheme.as_str())
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn raw_html_is_text_and_unsafe_links_lose_their_target() {
        let html = to_html("# <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](JaVa\tScript:x) [c](data:text/html,x) [d](https://e.org/) [e](specs/x.html) ![i](javascript:y)\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("<a href=\"https://e.org/\">d</a>"), "{html}");
        assert!(html.contains("<a href=\"specs/x.html\">e</a>"), "{html}");
        assert!(
            html.contains("<p>a [b]"),
            "unsafe link kept as text: {html}"
        );
    }
}
