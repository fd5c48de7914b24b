//! Assembling an agent's prompt from a ledger template (`prompts/<name>.md`) and the spec,
//! with upstream chant's placeholders. Template and spec come from the ledger, so the paths
//! a spec names are read only inside the worktree, reads are bounded, and placeholders are
//! filled in one pass: text a placeholder brings in is never expanded again.

use std::io::Read;
use std::path::Path;

use crate::files::Bound;
use crate::spec::Spec;

/// What the placeholders are filled with.
pub struct Context<'a> {
    pub id: &'a str,
    pub spec: &'a Spec,
    pub project: &'a str,
    pub worktree: &'a Path,
    pub branch: &'a str,
    /// The most read from one context file (`chant.maxSpecBytes`).
    pub limit: Bound,
}

/// The template without its frontmatter (prompt files carry `name:` and such).
fn template_body(template: &str) -> &str {
    match Spec::parse("prompt", template.as_bytes()) {
        Ok(_) => {
            let mut lines = template.split_inclusive('\n');
            let mut offset = lines.next().map_or(0, str::len);
            for line in lines {
                offset += line.len();
                if line.trim_end_matches(['\n', '\r']) == "---" {
                    return &template[offset..];
                }
            }
            template
        }
        Err(_) => template,
    }
}

/// Why a path a spec names is neither read nor offered to the agent; `None` for a
/// repository-relative path that stays inside the worktree, symbolic links followed.
pub fn outside_reason(worktree: &Path, rel: &str) -> Option<&'static str> {
    if rel.is_empty() || rel.contains('\0') {
        return Some("not a path");
    }
    if rel.starts_with('~') {
        return Some("a home-directory path");
    }
    let b = rel.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    if rel.starts_with(['/', '\\']) || Path::new(rel).is_absolute() || drive {
        return Some("an absolute path");
    }
    if rel.split(['/', '\\']).any(|part| part == "..") {
        return Some("outside the worktree");
    }
    let Ok(root) = worktree.canonicalize() else {
        return None;
    };
    // The nearest part of the path that exists decides: a file not written yet is fine
    // inside the worktree; a link that leads out (or nowhere) is not.
    let full = worktree.join(rel);
    for candidate in full.ancestors() {
        if std::fs::symlink_metadata(candidate).is_err() {
            continue;
        }
        return match candidate.canonicalize() {
            Ok(real) if real.starts_with(&root) => None,
            _ => Some("outside the worktree (through a symbolic link)"),
        };
    }
    None
}

/// One context file for `{{spec.context}}`: its text (at most `limit` bytes), or why not.
fn context_file(ctx: &Context<'_>, file: &str) -> String {
    if let Some(why) = outside_reason(ctx.worktree, file) {
        return format!("(skipped context path `{file}`: {why})\n");
    }
    let path = ctx.worktree.join(file);
    let read = || -> std::io::Result<(Vec<u8>, bool)> {
        // Only a regular file: a FIFO or a device would block or never end.
        if !std::fs::metadata(&path)?.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)?
            .take(ctx.limit.bytes.saturating_add(1))
            .read_to_end(&mut bytes)?;
        let cut = bytes.len() as u64 > ctx.limit.bytes;
        bytes.truncate(usize::try_from(ctx.limit.bytes).unwrap_or(usize::MAX));
        Ok((bytes, cut))
    };
    let text = match read() {
        Ok((bytes, false)) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok((bytes, true)) => format!(
            "{}\n(truncated at {} bytes, {})",
            String::from_utf8_lossy(&bytes),
            ctx.limit.bytes,
            ctx.limit.key
        ),
        Err(e) => format!("(cannot read: {e})"),
    };
    format!("### {file}\n\n```\n{text}\n```\n")
}

/// `{{spec.target_files}}`: one path a line, those leading outside the worktree replaced by
/// a line saying so.
fn target_files(ctx: &Context<'_>) -> String {
    let lines: Vec<String> = ctx
        .spec
        .target_files()
        .iter()
        .map(|file| match outside_reason(ctx.worktree, file) {
            Some(why) => format!("(skipped target path `{file}`: {why})"),
            None => (*file).to_owned(),
        })
        .collect();
    lines.join("\n")
}

/// Replaces each placeholder of `template` with its value, scanning the template once:
/// a value is copied as is, so a `{{…}}` inside a spec's text stays literal.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let at = &rest[start..];
        match values.iter().find(|(key, _)| at.starts_with(key)) {
            Some((key, value)) => {
                out.push_str(value);
                rest = &at[key.len()..];
            }
            None => {
                out.push_str("{{");
                rest = &at[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The templates a ledger need not carry (`builtin.rs`); a ledger's own
/// `prompts/<name>.md` comes first.
pub fn built_in(name: &str) -> Option<&'static str> {
    super::builtin::template(name)
}

/// Fills `{{spec.id}}`, `{{spec.title}}`, `{{spec.description}}`, `{{spec.target_files}}`,
/// `{{spec.conflicting_files}}`, `{{spec.context}}` (the contents of the files it lists, read from the worktree),
/// `{{project.name}}`, `{{worktree.path}}` and `{{worktree.branch}}`, and ends with the
/// commit instruction git chant depends on.
pub fn render(template: &str, ctx: &Context<'_>) -> String {
    let mut out = fill_spec(template, ctx);
    // Each thing once: a template that already says how to commit or tick is not told
    // again.
    if !out.contains(&format!("chant({}): ", ctx.id)) {
        out.push_str(&format!(
            "\n\nCommit your work in {} with messages that start `chant({}): `.",
            ctx.worktree.display(),
            ctx.id
        ));
    }
    if !out.contains("git chant check") {
        out.push_str(&format!(
            "\n\nTick each acceptance criterion you meet with `git chant check {} <n>`.",
            ctx.id
        ));
    }
    out.push('\n');
    out
}

/// The template with its placeholders filled and nothing added: the prompt of a
/// question that makes no commit (`verify`, `split`), and the start of [`render`]'s.
/// `{{spec.criteria}}` is the acceptance criteria, numbered as `check` numbers them.
pub fn fill_spec(template: &str, ctx: &Context<'_>) -> String {
    let context: String = ctx
        .spec
        .context()
        .iter()
        .map(|file| context_file(ctx, file))
        .collect();
    let values = [
        ("{{spec.id}}", ctx.id.to_owned()),
        (
            "{{spec.title}}",
            ctx.spec.title().unwrap_or(ctx.id).to_owned(),
        ),
        ("{{spec.description}}", description(ctx.spec.body())),
        ("{{spec.target_files}}", target_files(ctx)),
        ("{{spec.context}}", context),
        ("{{project.name}}", ctx.project.to_owned()),
        ("{{worktree.path}}", ctx.worktree.display().to_string()),
        ("{{worktree.branch}}", ctx.branch.to_owned()),
        (
            "{{spec.conflicting_files}}",
            ctx.spec.list("conflicting_files").join("\n"),
        ),
        ("{{spec.criteria}}", numbered_criteria(ctx.spec)),
    ];
    fill(template_body(template), &values)
}

/// `1. text` a line, one per acceptance criterion.
fn numbered_criteria(spec: &Spec) -> String {
    let lines: Vec<String> = spec
        .criteria()
        .iter()
        .map(|c| format!("{}. {}", c.number, c.text))
        .collect();
    lines.join("\n")
}

/// The body without its `# Title` line (the prompt has the title already).
fn description(body: &str) -> String {
    let trimmed = body.trim_start_matches('\n');
    match trimmed.split_once('\n') {
        Some((first, rest)) if first.starts_with("# ") => rest.trim_start_matches('\n').to_owned(),
        None if trimmed.starts_with("# ") => String::new(),
        _ => body.to_owned(),
    }
}

/// Splits a command line into words (`'…'` and `"…"` quote, `\\` escapes), so the agent is
/// spawned as an argument vector and no spec text ever passes through a shell.
pub fn split_command(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    w.push(q);
                }
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    word.get_or_insert_with(String::new).push(next);
                }
            }
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_the_instruction_added() {
        let spec = Spec::parse(
            "s",
            b"---\nstatus: pending\ntarget_files:\n- src/a.rs\n---\n# Do it\n\nBody.\n",
        )
        .unwrap();
        let ctx = Context {
            id: "s",
            spec: &spec,
            project: "demo",
            worktree: Path::new("/wt"),
            branch: "chant/s",
            limit: crate::files::Limits::default().spec,
        };
        let out = render("---\nname: standard\n---\n# {{spec.title}} for {{project.name}}\n{{spec.target_files}} on {{worktree.branch}}\n", &ctx);
        assert!(
            out.starts_with("# Do it for demo\nsrc/a.rs on chant/s\n"),
            "{out}"
        );
        assert!(out.contains("start `chant(s): `"));
        assert!(out.contains("`git chant check s <n>`"));
    }

    #[test]
    fn the_prompt_says_each_thing_once() {
        let spec = Spec::parse("s", b"---\nstatus: pending\n---\n# Do it\n\nBody.\n").unwrap();
        let ctx = Context {
            id: "s",
            spec: &spec,
            project: "demo",
            worktree: Path::new("/wt"),
            branch: "chant/s",
            limit: crate::files::Limits::default().spec,
        };
        let out = render(crate::ops::DEFAULT_PROMPT, &ctx);
        assert_eq!(out.matches("Do it").count(), 1, "{out}");
        assert_eq!(out.matches("chant(s): ").count(), 1, "{out}");
        assert_eq!(out.matches("/wt").count(), 1, "{out}");
        assert!(out.contains("Body."), "{out}");
    }

    #[test]
    fn placeholders_are_filled_in_one_pass() {
        let values = [
            ("{{spec.id}}", "s".to_owned()),
            (
                "{{spec.description}}",
                "body naming {{spec.context}} and {{spec.id}}".to_owned(),
            ),
            ("{{spec.context}}", "SECRET".to_owned()),
        ];
        assert_eq!(
            fill("{{spec.id}}: {{spec.description}} {{unknown}} {{", &values),
            "s: body naming {{spec.context}} and {{spec.id}} {{unknown}} {{"
        );
    }

    #[test]
    fn paths_outside_the_worktree_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let wt = dir.path();
        std::fs::write(wt.join("in.txt"), "x").unwrap();
        std::os::unix::fs::symlink("/etc", wt.join("link-out")).unwrap();
        std::os::unix::fs::symlink("in.txt", wt.join("link-in")).unwrap();
        for ok in ["in.txt", "link-in", "src/new.rs", "a..b"] {
            assert_eq!(outside_reason(wt, ok), None, "{ok}");
        }
        for (bad, why) in [
            ("/etc/hostname", "an absolute path"),
            ("~/.secret", "a home-directory path"),
            ("../../etc/hostname", "outside the worktree"),
            ("src/../../x", "outside the worktree"),
            (
                "link-out/hostname",
                "outside the worktree (through a symbolic link)",
            ),
            ("", "not a path"),
        ] {
            assert_eq!(outside_reason(wt, bad), Some(why), "{bad}");
        }
    }

    #[test]
    fn commands_split_like_a_shell_would() {
        assert_eq!(
            split_command("sh '/path with space/agent.sh' --flag \"a b\""),
            vec!["sh", "/path with space/agent.sh", "--flag", "a b"]
        );
    }
}
