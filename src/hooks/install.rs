//! Installing the hook shims: one line that runs `git-chant hook <name>`, inside
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

/// The shim for a hook file of its own (`exec`) or inside someone else's hook (runs first,
/// stops the hook if git chant refuses, and leaves standard input for the rest).
fn block(name: &str, alone: bool) -> String {
    let body = if alone {
        format!("exec git-chant hook {name} \"$@\"\n")
    } else if reads_stdin(name) {
        format!(
            "chant_stdin=$(cat)\nprintf '%s\\n' \"$chant_stdin\" | git-chant hook {name} \"$@\" || exit $?\nexec <<CHANT_EOF\n$chant_stdin\nCHANT_EOF\n"
        )
    } else {
        format!("git-chant hook {name} \"$@\" || exit $?\n")
    };
    format!("{BEGIN}\n{body}{END}\n")
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
        assert!(once.starts_with("#!/bin/sh\n# BEGIN git-chant\ngit-chant hook post-commit \"$@\" || exit $?\n# END git-chant\necho user hook\n"), "{once}");
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
