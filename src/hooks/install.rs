//! Installing the hook shims: the shell that runs `git-chant hooks run <name>`, inside
//! `# BEGIN git-chant` / `# END git-chant` markers, next to whatever the hook already does.

use std::path::{Path, PathBuf};

use crate::store::{Store, StoreError};

pub const CLIENT_HOOKS: &[&str] = &["commit-msg", "post-commit", "post-rewrite"];
pub const SERVER_HOOKS: &[&str] = &["pre-receive"];
const BEGIN: &str = "# BEGIN git-chant";
const END: &str = "# END git-chant";

/// What happened to one hook file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new hook file holding only the shim.
    Created,
    /// The shim was added to an existing hook, whose content still runs.
    Added,
    /// The shim was already there.
    Unchanged,
    /// The shim was removed (and the file, when nothing else was in it).
    Removed,
    /// There was no shim to remove.
    Absent,
}

/// Where git looks for hooks: `core.hooksPath` (absolute, or relative to the work tree
/// root; to the git dir in a bare repository), else `<git dir>/hooks`.
pub fn hooks_dir(store: &Store) -> PathBuf {
    let repo = store.repo();
    match store.config_string("core.hooksPath") {
        Some(path) => {
            let path = PathBuf::from(path);
            if path.is_absolute() {
                path
            } else {
                repo.workdir().unwrap_or_else(|| repo.git_dir()).join(path)
            }
        }
        None => repo.common_dir().join("hooks"),
    }
}

/// Hooks fed on standard input: the shim must hand the input on to the rest of the hook.
fn reads_stdin(name: &str) -> bool {
    matches!(name, "post-rewrite" | "pre-receive")
}

/// Where `commit-msg` tells `post-commit`, in the shell, that the message names no spec:
/// beside the index git hands both hooks (`GIT_INDEX_FILE`, in the git dir, per worktree),
/// as `none <pid of the git that runs the hook>`. Only the same `git commit` may trust it: a
/// word left by a commit that was aborted after commit-msg, or by a merge (which runs no
/// post-commit), names another process. Absent or stale (`--no-verify`, a cherry-pick)
/// means "not known", and post-commit asks git-chant.
const STATE: &str = r#"chant_state=${GIT_INDEX_FILE:+${GIT_INDEX_FILE%/*}/chant-hook-state}"#;

/// What a hook says and does when `git-chant` is not on its `PATH` (an IDE's, say): the
/// commit goes through, unchecked, with a warning; the server refuses, failing closed.
fn missing(name: &str) -> String {
    let what = match name {
        "commit-msg" => "the commit goes through unchecked",
        "post-commit" => "this commit is not recorded on its specs",
        "post-rewrite" => "rewritten commits are not followed",
        _ => "refusing the push: the ledger cannot be checked",
    };
    // `:` so that the hook's status is 0 when it ends here.
    let then = if name == "pre-receive" { "exit 1" } else { ":" };
    format!(
        "else\n  echo \"git chant: git-chant is not on this hook's PATH; {what} (install it, or fix PATH, then run \\`git chant reindex\\`)\" >&2\n  {then}\nfi\n"
    )
}

/// The shim's shell. A message that names no spec (`chant(` or `Chant-Spec` on no line,
/// a superset of what git-chant reads) never starts git-chant: commit-msg reads the
/// message with shell builtins and leaves `none` for post-commit, which then forks nothing.
fn body(name: &str, alone: bool) -> String {
    let run = format!("  git-chant hooks run {name} \"$@\" || exit $?\n");
    let found = "if command -v git-chant >/dev/null 2>&1; then\n";
    match name {
        "commit-msg" => format!(
            "{STATE}\nchant_named=\nwhile IFS= read -r chant_line || [ -n \"$chant_line\" ]; do\n  case $chant_line in\n    'chant('*|*[Cc][Hh][Aa][Nn][Tt]-[Ss][Pp][Ee][Cc]*) chant_named=1; break ;;\n  esac\ndone < \"$1\"\nif [ -z \"$chant_named\" ]; then\n  if [ -n \"$chant_state\" ]; then {{ echo \"none $PPID\" > \"$chant_state\"; }} 2>/dev/null || :; fi\nel{found}  if [ -n \"$chant_state\" ]; then {{ : > \"$chant_state\"; }} 2>/dev/null || :; fi\n{run}{}",
            missing(name)
        ),
        "post-commit" => format!(
            "{STATE}\nchant_plain=\n[ -n \"$chant_state\" ] && [ -f \"$chant_state\" ] && read -r chant_plain < \"$chant_state\"\nif [ \"$chant_plain\" = \"none $PPID\" ]; then\n  {{ : > \"$chant_state\"; }} 2>/dev/null || :\nel{found}{run}{}",
            missing(name)
        ),
        _ if !alone && reads_stdin(name) => format!(
            "chant_stdin=$(cat)\n{found}  printf '%s\\n' \"$chant_stdin\" | git-chant hooks run {name} \"$@\" || exit $?\n{}exec <<CHANT_EOF\n$chant_stdin\nCHANT_EOF\n",
            missing(name)
        ),
        _ => format!("{found}{run}{}", missing(name)),
    }
}

/// The shim for a hook file of its own, or inside someone else's hook (runs first, stops
/// the hook if git chant refuses, and leaves standard input for the rest).
fn block(name: &str, alone: bool) -> String {
    format!("{BEGIN}\n{}{END}\n", body(name, alone))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        context: format!("writing {}", path.display()),
        source,
    }
}

/// Installs the shims for `names` into `dir`. Installing twice changes nothing.
pub fn install(dir: &Path, names: &[&str]) -> Result<Vec<(String, Action)>, StoreError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut done = Vec::new();
    for name in names {
        let path = dir.join(name);
        let existing = std::fs::read_to_string(&path).ok();
        let (text, action) = match existing {
            Some(text) if text.contains(BEGIN) => (text, Action::Unchanged),
            Some(text) if !text.trim().is_empty() => {
                // After the shebang line, so it runs even if the hook exits early.
                let cut = if text.starts_with("#!") {
                    text.find('\n').map_or(text.len(), |i| i + 1)
                } else {
                    0
                };
                let mut out = text[..cut].to_owned();
                if cut == text.len() && !out.ends_with('\n') {
                    out.push('\n');
                }
                if cut == 0 {
                    out.push_str("#!/bin/sh\n");
                }
                out.push_str(&block(name, false));
                out.push_str(&text[cut..]);
                (out, Action::Added)
            }
            _ => (format!("#!/bin/sh\n{}", block(name, true)), Action::Created),
        };
        if action != Action::Unchanged {
            std::fs::write(&path, text).map_err(io(&path))?;
        }
        make_executable(&path)?;
        done.push((name.to_string(), action));
    }
    Ok(done)
}

/// Removes the shims, leaving the rest of each hook as it was.
pub fn uninstall(dir: &Path, names: &[&str]) -> Result<Vec<(String, Action)>, StoreError> {
    let mut done = Vec::new();
    for name in names {
        let path = dir.join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            done.push((name.to_string(), Action::Absent));
            continue;
        };
        let (Some(start), Some(end)) = (text.find(BEGIN), text.find(END)) else {
            done.push((name.to_string(), Action::Absent));
            continue;
        };
        let end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        let rest = format!("{}{}", &text[..start], &text[end..]);
        let only_shebang = rest
            .lines()
            .all(|l| l.trim().is_empty() || l.starts_with("#!"));
        if only_shebang {
            std::fs::remove_file(&path).map_err(io(&path))?;
        } else {
            std::fs::write(&path, rest).map_err(io(&path))?;
        }
        done.push((name.to_string(), Action::Removed));
    }
    Ok(done)
}

/// For each hook: whether the shim is installed, and whether the file is executable.
pub fn status(dir: &Path, names: &[&str]) -> Vec<(String, bool, bool)> {
    names
        .iter()
        .map(|name| {
            let path = dir.join(name);
            let installed = std::fs::read_to_string(&path).is_ok_and(|t| t.contains(BEGIN));
            (name.to_string(), installed, is_executable(&path))
        })
        .collect()
}

/// The `git-chant` that a hook running with `PATH` would find.
pub fn find_on_path(path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|dir| dir.join("git-chant"))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mut perms = std::fs::metadata(path).map_err(io(path))?.permissions();
    perms.set_mode(perms.mode() | 0o755);
    std::fs::set_permissions(path, perms).map_err(io(path))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_keeps_existing_content_and_uninstall_restores_it() {
        let dir = tempfile::tempdir().unwrap();
        let user = "#!/bin/sh\necho user hook\nexit 0\n";
        std::fs::write(dir.path().join("post-commit"), user).unwrap();
        let first = install(dir.path(), CLIENT_HOOKS).unwrap();
        assert_eq!(first[0].1, Action::Created);
        assert_eq!(first[1].1, Action::Added);
        let once = std::fs::read_to_string(dir.path().join("post-commit")).unwrap();
        assert!(once.starts_with("#!/bin/sh\n# BEGIN git-chant\n"), "{once}");
        assert!(
            once.contains("git-chant hooks run post-commit \"$@\" || exit $?\n"),
            "{once}"
        );
        assert!(
            once.ends_with("# END git-chant\necho user hook\nexit 0\n"),
            "{once}"
        );
        let again = install(dir.path(), CLIENT_HOOKS).unwrap();
        assert!(again.iter().all(|(_, a)| *a == Action::Unchanged));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("post-commit")).unwrap(),
            once
        );

        uninstall(dir.path(), CLIENT_HOOKS).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("post-commit")).unwrap(),
            user
        );
        assert!(
            !dir.path().join("commit-msg").exists(),
            "a hook that was only ours is removed"
        );
    }
}
