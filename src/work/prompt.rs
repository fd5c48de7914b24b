//! Assembling an agent's prompt from a ledger template (`prompts/<name>.md`) and the spec,
//! with upstream chant's placeholders.

use std::path::Path;

use crate::spec::Spec;

/// What the placeholders are filled with.
pub struct Context<'a> {
    pub id: &'a str,
    pub spec: &'a Spec,
    pub project: &'a str,
    pub worktree: &'a Path,
    pub branch: &'a str,
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

/// Fills `{{spec.id}}`, `{{spec.title}}`, `{{spec.description}}`, `{{spec.target_files}}`,
/// `{{spec.context}}` (the contents of the files it lists, read from the worktree),
/// `{{project.name}}`, `{{worktree.path}}` and `{{worktree.branch}}`, and ends with the
/// commit instruction git chant depends on.
pub fn render(template: &str, ctx: &Context<'_>) -> String {
    let context: String = ctx
        .spec
        .context()
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(ctx.worktree.join(file))
                .unwrap_or_else(|e| format!("(cannot read: {e})"));
            format!("### {file}\n\n```\n{text}\n```\n")
        })
        .collect();
    let replacements = [
        ("{{spec.id}}", ctx.id.to_owned()),
        (
            "{{spec.title}}",
            ctx.spec.title().unwrap_or(ctx.id).to_owned(),
        ),
        ("{{spec.description}}", ctx.spec.body().to_owned()),
        ("{{spec.target_files}}", ctx.spec.target_files().join("\n")),
        ("{{spec.context}}", context),
        ("{{project.name}}", ctx.project.to_owned()),
        ("{{worktree.path}}", ctx.worktree.display().to_string()),
        ("{{worktree.branch}}", ctx.branch.to_owned()),
    ];
    let mut out = template_body(template).to_owned();
    for (key, value) in replacements {
        out = out.replace(key, &value);
    }
    out.push_str(&format!(
        "\n\nCommit your work in {} with messages that start `chant({}): `. Tick each acceptance criterion you meet with `git chant check {} <n>`.\n",
        ctx.worktree.display(),
        ctx.id,
        ctx.id
    ));
    out
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
        };
        let out = render("---\nname: standard\n---\n# {{spec.title}} for {{project.name}}\n{{spec.target_files}} on {{worktree.branch}}\n", &ctx);
        assert!(
            out.starts_with("# Do it for demo\nsrc/a.rs on chant/s\n"),
            "{out}"
        );
        assert!(out.contains("start `chant(s): `"));
    }

    #[test]
    fn commands_split_like_a_shell_would() {
        assert_eq!(
            split_command("sh '/path with space/agent.sh' --flag \"a b\""),
            vec!["sh", "/path with space/agent.sh", "--flag", "a b"]
        );
    }
}
