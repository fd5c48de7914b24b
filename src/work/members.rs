//! Reading a split answer in upstream chant's format: a `## Member N: <title>` section per
//! member, numbered 1, 2, … in order, each holding its description and acceptance
//! criteria (`### ` headings, which become the member's `## ` ones), an optional
//! `**Affected Files:**` list (its `target_files`) and a `**Dependencies:** Member 1,
//! Member 3` line (or `None`): the members it needs first, by number.
//!
//! The answer is the agent's and so untrusted: numbers, titles and paths are checked, a
//! reference to a member the answer does not have or a dependency cycle is refused, and
//! the answer is bounded ([`MAX_MEMBERS`]).

use std::collections::BTreeSet;

use crate::spec::rules;

/// The most members one split writes.
pub const MAX_MEMBERS: usize = 50;

/// One member, as the answer proposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub title: String,
    /// The member's body under its `# <title>` line.
    pub description: String,
    pub target_files: Vec<String>,
    /// The members it depends on, by number (1-based), each once, in order.
    pub depends_on: Vec<usize>,
}

/// The members `answer` proposes, or why it cannot be taken.
pub fn parse(answer: &str) -> Result<Vec<Member>, String> {
    let mut members: Vec<Member> = Vec::new();
    // The dependency text of each member, read once every member is known.
    let mut deps_text: Vec<Option<String>> = Vec::new();
    let mut in_files = false;
    for line in answer.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix("## Member ") {
            let (number, title) = rest
                .split_once(':')
                .ok_or(format!("`{}` is not `## Member N: <title>`", shown(line)))?;
            let expected = members.len() + 1;
            if number.trim().parse::<usize>().ok() != Some(expected) {
                return Err(format!(
                    "members must be numbered 1, 2, … in order: found `Member {}` where Member {expected} belongs",
                    shown(number.trim())
                ));
            }
            if expected > MAX_MEMBERS {
                return Err(format!("more than {MAX_MEMBERS} members"));
            }
            let title = rules::title(title)
                .map_err(|v| format!("member {expected}'s title: {}", v.message))?;
            members.push(Member {
                title: title.to_owned(),
                description: String::new(),
                target_files: Vec::new(),
                depends_on: Vec::new(),
            });
            deps_text.push(None);
            in_files = false;
            continue;
        }
        let number = members.len();
        let Some(member) = members.last_mut() else {
            continue; // a preamble before the first member
        };
        let bare = line.trim().trim_matches('*').trim();
        if let Some(rest) = bare.strip_prefix("Dependencies:") {
            let rest = rest.trim_start_matches('*');
            deps_text[number - 1] = Some(rest.trim().to_owned());
            in_files = false;
            continue;
        }
        if bare == "Affected Files:" || bare.starts_with("Affected Files:") {
            in_files = true;
            continue;
        }
        if in_files {
            if let Some(item) = line.trim_start().strip_prefix("- ") {
                let path = file_path(item);
                rules::list_item("target_files", &path)
                    .map_err(|v| format!("member {number}: {}", v.message))?;
                member.target_files.push(path);
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            in_files = false;
        }
        member.description.push_str(&demoted(line));
        member.description.push('\n');
    }
    if members.is_empty() {
        return Err("the answer has no `## Member 1: <title>` section".into());
    }
    let count = members.len();
    for (at, text) in deps_text.iter().enumerate() {
        let Some(text) = text else { continue };
        let mut seen = BTreeSet::new();
        for n in numbers(text) {
            if n == 0 || n > count {
                return Err(format!(
                    "member {} depends on member {n}, which the answer does not have (it has {count})",
                    at + 1
                ));
            }
            if seen.insert(n) {
                members[at].depends_on.push(n);
            }
        }
    }
    if let Some(cycle) = cycle(&members) {
        let path: Vec<String> = cycle.iter().map(|n| format!("member {n}")).collect();
        return Err(format!("dependency cycle: {}", path.join(" -> ")));
    }
    for member in &mut members {
        member.description = member.description.trim().to_owned();
    }
    Ok(members)
}

/// A path from an `Affected Files` item: backquotes and a trailing `(note)` removed.
fn file_path(item: &str) -> String {
    let item = match item.find(" (") {
        Some(at) => &item[..at],
        None => item,
    };
    item.trim().trim_matches('`').trim().to_owned()
}

/// A description line at the member's own level: `### X` becomes `## X`, and a `# ` line
/// (which would take the title's place) becomes `## `.
fn demoted(line: &str) -> String {
    if let Some(rest) = line.strip_prefix("### ") {
        format!("## {rest}")
    } else if let Some(rest) = line.strip_prefix("# ") {
        format!("## {rest}")
    } else {
        line.to_owned()
    }
}

/// The whole numbers in `text` (`Member 1, Member 3` → 1, 3); none for `None`.
fn numbers(text: &str) -> Vec<usize> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap_or(usize::MAX))
        .collect()
}

/// A dependency cycle among `members`, as member numbers closing on the first, if any:
/// a depth-first search colouring each member once.
fn cycle(members: &[Member]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; members.len()];
    for start in 0..members.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // The path, each member with the next of its dependencies to follow.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::OnPath;
        while let Some((node, next)) = path.last_mut() {
            let node = *node;
            let Some(&dep) = members[node].depends_on.get(*next) else {
                marks[node] = Mark::Done;
                path.pop();
                continue;
            };
            *next += 1;
            let dep = dep - 1;
            match marks[dep] {
                Mark::OnPath => {
                    let from = path.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                    let mut found: Vec<usize> = path[from..].iter().map(|(n, _)| n + 1).collect();
                    found.push(dep + 1);
                    return Some(found);
                }
                Mark::New => {
                    marks[dep] = Mark::OnPath;
                    path.push((dep, 0));
                }
                Mark::Done => {}
            }
        }
    }
    None
}

/// `text` for a message: escaped, at most 60 characters.
fn shown(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    crate::escape::escape(&cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "Here is the plan.\n\n## Member 1: Add the parser\n\nParse it.\n\n### Acceptance Criteria\n\n- [ ] It parses\n\n**Affected Files:**\n- src/parse.rs (new)\n- `src/lib.rs`\n\n**Dependencies:** None\n\n## Member 2: Use it\n\nCall it.\n\n### Acceptance Criteria\n\n- [ ] It is called\n\n**Dependencies:** Member 1\n";

    #[test]
    fn upstreams_format_gives_members_files_and_dependencies() {
        let members = parse(ANSWER).unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].title, "Add the parser");
        assert_eq!(members[0].target_files, vec!["src/parse.rs", "src/lib.rs"]);
        assert_eq!(members[0].depends_on, Vec::<usize>::new());
        assert!(members[0]
            .description
            .contains("## Acceptance Criteria\n\n- [ ] It parses"));
        assert!(!members[0].description.contains("Dependencies"));
        assert_eq!(members[1].depends_on, vec![1]);
    }

    #[test]
    fn cycles_unknown_members_and_empty_answers_are_refused() {
        let cyclic = ANSWER.replace("**Dependencies:** None", "**Dependencies:** Member 2");
        assert_eq!(
            parse(&cyclic).unwrap_err(),
            "dependency cycle: member 1 -> member 2 -> member 1"
        );
        let selfish = ANSWER.replace("**Dependencies:** Member 1", "**Dependencies:** Member 2");
        assert!(parse(&selfish).unwrap_err().contains("cycle"));
        let unknown = ANSWER.replace("**Dependencies:** Member 1", "**Dependencies:** Member 4");
        assert!(parse(&unknown)
            .unwrap_err()
            .contains("depends on member 4, which the answer does not have"));
        assert!(parse("I would not split this.").is_err());
        let skipped = ANSWER.replace("## Member 2:", "## Member 3:");
        assert!(parse(&skipped).unwrap_err().contains("in order"));
    }
}
