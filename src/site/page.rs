//! `specs/<id>.html`: one spec's page — its rendered body, numbered criteria, frontmatter,
//! dependencies and dependents, a driver's members, status events, commits, approval, and
//! each agent transcript rendered as the session it records.

use super::html::{self, escape, label_link, spec_link};
use super::{markdown, Entry, Site};

/// Pages live one folder down, so shared files and other pages are under `../`.
const ROOT: &str = "../";

/// The page of `entry`.
pub fn page(site: &Site<'_>, entry: &Entry<'_>) -> String {
    let s = entry.summary;
    let archived = if s.archived { " (archived)" } else { "" };
    let mut body = format!(
        "<header class=\"spec\"><p class=\"meta\">{} <span class=\"state\" data-state=\"{state}\">{state}</span>{archived} \
<span class=\"type\">{}</span> <span class=\"criteria\">{}/{}</span> {}</p></header>\n",
        spec_link(ROOT, &s.id),
        escape(&s.kind),
        s.checked,
        s.total,
        s.labels.iter().map(|l| label_link(ROOT, l)).collect::<String>(),
        state = escape(entry.state),
    );
    match &entry.spec {
        Ok(spec) => {
            body.push_str("<article class=\"body\">\n");
            body.push_str(&rendered_body(spec));
            body.push_str("</article>\n");
            body.push_str(&links(site, entry));
            body.push_str(&events(entry));
            body.push_str(&list_section(
                "Commits",
                "commits",
                spec.commits()
                    .iter()
                    .map(|c| format!("<code>{}</code>", escape(c))),
            ));
            if let Some(approval) = spec.approval() {
                body.push_str(&yaml_section("Approval", "approval", approval));
            }
            body.push_str(&transcripts(entry));
            body.push_str(&yaml_section(
                "Frontmatter",
                "frontmatter",
                &spec.frontmatter().to_mapping(),
            ));
        }
        Err(why) => body.push_str(&format!(
            "<h1>{}</h1>\n<p class=\"error\">This spec does not parse: {}</p>\n",
            escape(&s.title),
            escape(why)
        )),
    }
    html::page(ROOT, &format!("{} · {}", s.id, s.title), &body)
}

/// The body, its acceptance-criteria section shown in place as the numbered list `git
/// chant check` takes (with whatever else that section says after it).
fn rendered_body(spec: &crate::spec::Spec) -> String {
    let text = spec.body();
    match crate::spec::criteria_section(text) {
        Some(range) => format!(
            "{}{}{}{}",
            markdown::to_html(&text[..range.start]),
            criteria(spec),
            markdown::to_html(&crate::spec::without_criteria(text, range.clone())),
            markdown::to_html(&text[range.end..]),
        ),
        None => markdown::to_html(text),
    }
}

/// The acceptance criteria as checkboxes, numbered as `git chant check` takes them.
fn criteria(spec: &crate::spec::Spec) -> String {
    let all = spec.criteria();
    if all.is_empty() {
        return String::new();
    }
    let items: String = all
        .iter()
        .map(|c| {
            format!(
                "<li value=\"{n}\" data-number=\"{n}\"><label><input type=\"checkbox\" disabled{}> {}</label></li>\n",
                if c.checked { " checked" } else { "" },
                escape(&c.text),
                n = c.number,
            )
        })
        .collect();
    format!("<section class=\"criteria\"><h2>Acceptance Criteria</h2>\n<ol class=\"criteria\">\n{items}</ol></section>\n")
}

/// Dependencies (with their states), dependents and a driver's members, each linked.
fn links(site: &Site<'_>, entry: &Entry<'_>) -> String {
    let with_state = |id: &str| {
        let state = site.get(id).map_or("missing", |e| e.state);
        format!(
            "{} <span class=\"state\" data-state=\"{state}\">{state}</span>",
            spec_link(ROOT, id),
            state = escape(state)
        )
    };
    let mut out = list_section(
        "Depends on",
        "depends-on",
        entry.summary.depends_on.iter().map(|d| with_state(d)),
    );
    out.push_str(&list_section(
        "Dependents",
        "dependents",
        entry.dependents.iter().map(|d| with_state(d)),
    ));
    out.push_str(&list_section(
        "Members",
        "members",
        entry.members.iter().map(|m| with_state(m)),
    ));
    out
}

/// The status events noted on the spec's commits: when, what, and who (its attributes).
fn events(entry: &Entry<'_>) -> String {
    list_section(
        "Events",
        "events",
        entry.events.iter().map(|(commit, e)| {
            let attrs: String = e
                .attrs
                .iter()
                .map(|(k, v)| format!(" <span class=\"attr\">{}={}</span>", escape(k), escape(v)))
                .collect();
            format!(
                "<time datetime=\"{at}\">{at}</time> <span class=\"event\">{}</span>{attrs} on <code>{}</code>",
                escape(&e.event),
                escape(commit.get(..12).unwrap_or(commit)),
                at = escape(&e.at),
            )
        }),
    )
}

/// Each transcript: its header, then its text as a session (an agent's JSON stream
/// rendered as `show` renders it), escaped.
fn transcripts(entry: &Entry<'_>) -> String {
    if entry.transcripts.is_empty() {
        return String::new();
    }
    let mut out = String::from("<section class=\"transcripts\"><h2>Transcripts</h2>\n");
    for t in &entry.transcripts {
        let (header, _) = t.split();
        out.push_str(&format!(
            "<details class=\"transcript\" open><summary>on <code>{}</code></summary>\n<pre class=\"header\">{}</pre>\n<pre class=\"session\">{}</pre></details>\n",
            escape(t.commit.get(..12).unwrap_or(&t.commit)),
            escape(header),
            escape(&t.readable()),
        ));
    }
    out.push_str("</section>\n");
    out
}

/// A titled list, or nothing when `items` is empty.
fn list_section(title: &str, class: &str, items: impl Iterator<Item = String>) -> String {
    let items: String = items.map(|i| format!("<li>{i}</li>\n")).collect();
    if items.is_empty() {
        return String::new();
    }
    format!("<section class=\"{class}\"><h2>{title}</h2>\n<ul>\n{items}</ul></section>\n")
}

/// A YAML mapping shown as text.
fn yaml_section(title: &str, class: &str, value: &serde_yaml::Mapping) -> String {
    let text = serde_yaml::to_string(value).unwrap_or_default();
    format!(
        "<section class=\"{class}\"><h2>{title}</h2>\n<pre>{}</pre></section>\n",
        escape(&text)
    )
}
