//! Reading the markdown body: the title and the acceptance-criteria checkboxes, with code
//! fences skipped so a transcript quoting markdown never counts.

/// One checkbox under the acceptance-criteria heading.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Criterion {
    /// 1-based number, as `git chant check <id> <n>` takes it.
    pub number: usize,
    pub checked: bool,
    /// The text after the checkbox.
    pub text: String,
    /// Byte offset of the character between the brackets, for ticking in place.
    #[serde(skip)]
    mark: usize,
}

/// A line of the body with its byte offset and whether it lies inside a code fence (the
/// fence lines themselves count as inside).
struct Line<'a> {
    offset: usize,
    text: &'a str,
    fenced: bool,
}

/// Lines of a markdown text, tracking CommonMark code fences: a fence of N backticks or
/// tildes closes only at a line of at least N of the same character and nothing else.
fn lines(body: &str) -> impl Iterator<Item = Line<'_>> {
    let mut open: Option<(char, usize)> = None;
    let mut offset = 0;
    body.split_inclusive('\n').map(move |raw| {
        let at = offset;
        offset += raw.len();
        let text = raw.trim_end_matches(['\n', '\r']);
        let fence = fence_of(text);
        let fenced = match (open, fence) {
            (None, Some((ch, len, _))) => {
                open = Some((ch, len));
                true
            }
            (Some((ch, len)), Some((c, l, info))) if c == ch && l >= len && info.is_empty() => {
                open = None;
                true
            }
            (Some(_), _) => true,
            (None, None) => false,
        };
        Line {
            offset: at,
            text,
            fenced,
        }
    })
}

/// `(char, run length, info string)` when the line is a fence: up to three spaces, then
/// three or more backticks or tildes.
fn fence_of(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(ch).len();
    (len >= 3).then(|| (ch, len, rest[len..].trim()))
}

/// The first `# ` heading outside code fences, without the `# `.
pub fn title(body: &str) -> Option<&str> {
    lines(body)
        .filter(|l| !l.fenced)
        .find_map(|l| l.text.strip_prefix("# "))
        .map(str::trim)
}

fn is_criteria_heading(line: &str) -> bool {
    line.strip_prefix("## ")
        .is_some_and(|rest| rest.trim().eq_ignore_ascii_case("acceptance criteria"))
}

/// The checkboxes (`- [ ]`, `- [x]`, `- [X]`) under the last `## Acceptance Criteria`
/// heading (any case) outside code fences, up to the next `## ` heading.
pub fn criteria(body: &str) -> Vec<Criterion> {
    let mut found: Vec<Criterion> = Vec::new();
    let mut inside = false;
    for line in lines(body).filter(|l| !l.fenced) {
        if line.text.starts_with("## ") {
            inside = is_criteria_heading(line.text);
            if inside {
                // A later heading wins: forget the boxes of an earlier one.
                found.clear();
            }
            continue;
        }
        if !inside {
            continue;
        }
        let trimmed = line.text.trim_start();
        let lead = line.text.len() - trimmed.len();
        let Some(rest) = trimmed.strip_prefix("- [") else {
            continue;
        };
        let mut chars = rest.chars();
        let (Some(mark), Some(']')) = (chars.next(), chars.next()) else {
            continue;
        };
        let checked = match mark {
            ' ' => false,
            'x' | 'X' => true,
            _ => continue,
        };
        let after = chars.as_str();
        if !(after.is_empty() || after.starts_with(' ')) {
            continue;
        }
        found.push(Criterion {
            number: found.len() + 1,
            checked,
            text: after.trim().to_owned(),
            mark: line.offset + lead + 3,
        });
    }
    found
}

/// The byte range of the section [`criteria`] reads: the last `## Acceptance Criteria`
/// heading outside code fences, up to the next `## ` heading or the end.
pub fn criteria_section(body: &str) -> Option<std::ops::Range<usize>> {
    let (mut found, mut open) = (None, None);
    for line in lines(body).filter(|l| !l.fenced && l.text.starts_with("## ")) {
        if let Some(start) = open.take() {
            found = Some(start..line.offset);
        }
        if is_criteria_heading(line.text) {
            open = Some(line.offset);
        }
    }
    open.map(|start| start..body.len()).or(found)
}

/// `text` without the lines holding `criteria`' checkboxes (what else the section says).
pub fn without_criteria(body: &str, range: std::ops::Range<usize>) -> String {
    let marks: Vec<usize> = criteria(body).iter().map(|c| c.mark).collect();
    lines(&body[range.clone()])
        .skip(1)
        .filter(|l| {
            let (start, end) = (
                range.start + l.offset,
                range.start + l.offset + l.text.len(),
            );
            !marks.iter().any(|m| (start..end).contains(m))
        })
        .map(|l| format!("{}\n", l.text))
        .collect()
}

/// `(checked, total)` criteria counts.
pub fn criteria_counts(body: &str) -> (usize, usize) {
    let all = criteria(body);
    (all.iter().filter(|c| c.checked).count(), all.len())
}

/// The body with criterion `number` (1-based) ticked or cleared; `None` if there is no such
/// criterion. Only the one character between the brackets changes.
pub fn set_checked(body: &str, number: usize, checked: bool) -> Option<String> {
    let criterion = criteria(body).into_iter().find(|c| c.number == number)?;
    let mark = if checked { "x" } else { " " };
    if criterion.checked == checked {
        return Some(body.to_owned());
    }
    let mut out = String::with_capacity(body.len());
    out.push_str(&body[..criterion.mark]);
    out.push_str(mark);
    out.push_str(&body[criterion.mark + 1..]);
    Some(out)
}

/// Whether the body has a `## <section>` heading (any case) outside code fences.
pub fn has_section(body: &str, section: &str) -> bool {
    lines(body).any(|l| {
        !l.fenced
            && l.text
                .strip_prefix("## ")
                .is_some_and(|rest| rest.trim().eq_ignore_ascii_case(section.trim()))
    })
}

/// The body with `text` added at the end of its section `## <section>` (the last such
/// heading outside code fences, any case): after the section's last non-blank line, so
/// a checkbox added to a list stays in the list. A body without the section gets it at
/// its end.
pub fn append_to_section(body: &str, section: &str, text: &str) -> String {
    let mut text = text.trim_end_matches('\n').to_owned();
    text.push('\n');
    let all: Vec<Line<'_>> = lines(body).collect();
    let is_heading =
        |l: &Line<'_>| !l.fenced && (l.text.starts_with("# ") || l.text.starts_with("## "));
    let found = all.iter().rposition(|l| {
        !l.fenced
            && l.text
                .strip_prefix("## ")
                .is_some_and(|rest| rest.trim().eq_ignore_ascii_case(section.trim()))
    });
    let Some(at) = found else {
        let mut out = body.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("\n## {}\n\n{text}", section.trim()));
        return out;
    };
    let end = all[at + 1..]
        .iter()
        .position(is_heading)
        .map_or(all.len(), |n| at + 1 + n);
    let line_end = |l: &Line<'_>| {
        let rest = &body[l.offset..];
        l.offset + rest.find('\n').map_or(rest.len(), |n| n + 1)
    };
    let last = all[at + 1..end]
        .iter()
        .rposition(|l| !l.text.trim().is_empty());
    let (insert, lead) = match last {
        Some(n) => (line_end(&all[at + 1 + n]), ""),
        None => (line_end(&all[at]), "\n"),
    };
    let mut out = String::with_capacity(body.len() + text.len() + 2);
    out.push_str(&body[..insert]);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(lead);
    out.push_str(&text);
    out.push_str(&body[insert..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "# Title here\n\n## Acceptance Criteria\n\n- [x] one\n- [ ] two\n  - [X] nested\n\n## Agent Output\n\n````\n## Acceptance Criteria\n- [ ] quoted in a transcript\n```\ninner\n```\n````\n";

    #[test]
    fn criteria_skip_fenced_headings_and_stop_at_next_heading() {
        let all = criteria(BODY);
        let texts: Vec<_> = all
            .iter()
            .map(|c| (c.number, c.checked, c.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            vec![(1, true, "one"), (2, false, "two"), (3, true, "nested")]
        );
        assert_eq!(title(BODY), Some("Title here"));
    }

    #[test]
    fn lower_case_heading_counts_and_the_last_heading_wins() {
        let body = "## Acceptance criteria\n- [ ] old\n## acceptance criteria\n- [x] new\n";
        let all = criteria(body);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].text, "new");
    }

    #[test]
    fn ticking_changes_one_character() {
        let ticked = set_checked(BODY, 2, true).unwrap();
        assert_eq!(ticked, BODY.replace("- [ ] two", "- [x] two"));
        let cleared = set_checked(&ticked, 1, false).unwrap();
        assert_eq!(criteria_counts(&cleared), (2, 3));
        assert!(set_checked(BODY, 4, true).is_none());
    }

    #[test]
    fn title_ignores_comments_in_code() {
        assert_eq!(title("```sh\n# not a title\n```\n# Real\n"), Some("Real"));
        assert_eq!(title("no heading\n"), None);
    }

    #[test]
    fn appending_goes_after_the_sections_last_line_or_makes_the_section() {
        let body = "# T\n\n## Acceptance Criteria\n\n- [ ] one\n\n## Notes\n";
        assert_eq!(
            append_to_section(body, "acceptance criteria", "- [ ] two"),
            "# T\n\n## Acceptance Criteria\n\n- [ ] one\n- [ ] two\n\n## Notes\n"
        );
        assert_eq!(
            append_to_section(body, "Notes", "seen\n"),
            "# T\n\n## Acceptance Criteria\n\n- [ ] one\n\n## Notes\n\nseen\n"
        );
        assert_eq!(
            append_to_section("# T\n```\n## Log\n```", "Log", "x"),
            "# T\n```\n## Log\n```\n\n## Log\n\nx\n"
        );
    }
}
