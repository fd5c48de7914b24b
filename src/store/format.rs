//! Which repositories git chant can work in, decided from the repository's own config
//! before anything is read or written: reftable refs, SHA-256 objects and any other
//! extension git chant cannot honour are refused with a diagnostic saying how to tell.
//!
//! gix opens a reftable repository and then writes `refs/chant/specs` as a loose file git
//! never reads (`git gc --prune=now` then deletes the ledger's objects); it cannot open a
//! SHA-256 one at all. So the check also runs when gix fails, on the git dir found here.

use std::path::{Path, PathBuf};

use super::StoreError;

/// Extensions that change nothing git chant reads or writes (names as git lowercases them).
const HARMLESS: &[&str] = &["worktreeconfig", "preciousobjects", "noop", "noop-v1"];

/// Refuses the repository whose common git dir is `common_dir` if git chant cannot work
/// in it. A config that is missing or does not parse is left for gix to report.
pub(crate) fn check(common_dir: &Path) -> Result<(), StoreError> {
    let path = common_dir.join("config");
    let Ok(config) = gix::config::File::from_path_no_includes(path, gix::config::Source::Local)
    else {
        return Ok(());
    };
    let version = config
        .integer("core.repositoryFormatVersion")
        .ok()
        .flatten()
        .unwrap_or(0);
    if version > 1 {
        return Err(StoreError::FormatVersion { version });
    }
    let mut extensions: Vec<(String, String)> = Vec::new();
    for section in config.sections_by_name("extensions").into_iter().flatten() {
        if section.header().subsection_name().is_some() {
            continue;
        }
        for name in section.value_names() {
            let value = section
                .value(&name)
                .map(|v| v.to_string())
                .unwrap_or_default();
            extensions.push((name.to_ascii_lowercase(), value));
        }
    }
    // git refuses these two in a version 0 repository too, so they are checked in both.
    for (name, value) in &extensions {
        match name.as_str() {
            "objectformat" if !value.eq_ignore_ascii_case("sha1") => {
                return Err(StoreError::ObjectFormat {
                    format: value.clone(),
                })
            }
            "refstorage" if !value.eq_ignore_ascii_case("files") => {
                return Err(StoreError::RefFormat {
                    format: value.clone(),
                })
            }
            _ => {}
        }
    }
    // Version 0 repositories ignore other extensions, as git does.
    if version == 1 {
        let known = |n: &str| HARMLESS.contains(&n) || n == "objectformat" || n == "refstorage";
        if let Some((name, value)) = extensions.iter().find(|(n, _)| !known(n)) {
            return Err(StoreError::Extension {
                name: name.clone(),
                value: value.clone(),
            });
        }
    }
    Ok(())
}

/// The git dir git would use for `start` (`GIT_DIR`, else the nearest `.git` folder or
/// file, else a bare repository), found without gix, for repositories gix cannot open.
pub(crate) fn find_git_dir(start: &Path) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GIT_DIR") {
        return Some(PathBuf::from(dir));
    }
    let start = std::path::absolute(start).ok()?;
    for dir in start.ancestors() {
        let dot = dir.join(".git");
        if dot.is_dir() {
            return Some(dot);
        }
        if dot.is_file() {
            // A linked worktree or a submodule: `gitdir: <path>`.
            let text = std::fs::read_to_string(&dot).ok()?;
            let target = text.strip_prefix("gitdir:")?.trim();
            return Some(dir.join(target));
        }
        let bare = dir.join("HEAD").is_file() && dir.join("objects").is_dir();
        if bare && dir.join("config").is_file() {
            return Some(dir.to_owned());
        }
    }
    None
}

/// The common dir of a git dir: the one its `commondir` file names (linked worktrees).
pub(crate) fn common_dir(git_dir: &Path) -> PathBuf {
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => git_dir.join(text.trim()),
        Err(_) => git_dir.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<(), StoreError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config"), text).unwrap();
        check(dir.path())
    }

    #[test]
    fn formats_and_extensions() {
        let v1 = "[core]\n\trepositoryformatversion = 1\n";
        assert!(config("[core]\n\trepositoryformatversion = 0\n").is_ok());
        assert!(config(&format!(
            "{v1}[extensions]\n\tobjectFormat = sha1\n\trefStorage = files\n\tworktreeConfig = true\n\tpreciousObjects = true\n"
        ))
        .is_ok());
        assert!(matches!(
            config(&format!("{v1}[extensions]\n\trefStorage = reftable\n")),
            Err(StoreError::RefFormat { format }) if format == "reftable"
        ));
        assert!(matches!(
            config(&format!("{v1}[extensions]\n\tobjectformat = sha256\n")),
            Err(StoreError::ObjectFormat { format }) if format == "sha256"
        ));
        assert!(matches!(
            config(&format!("{v1}[extensions]\n\tfuture = yes\n")),
            Err(StoreError::Extension { name, .. }) if name == "future"
        ));
        // Version 0 ignores unknown extensions, as git does.
        assert!(config("[extensions]\n\tfuture = yes\n").is_ok());
        assert!(matches!(
            config("[core]\n\trepositoryformatversion = 2\n"),
            Err(StoreError::FormatVersion { version: 2 })
        ));
    }
}
