//! Edits kept in `.git/chant/edit/` when `edit` could not save them (a conflict, a broken
//! rule, a failed editor): the text as typed, `<id>-XXXXXX.md`, beside the spec's bytes it
//! was made from, `<id>-XXXXXX.md.base`, so `edit --resume` can reopen it and merge it with
//! whatever changed since, as if the first session had never ended.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Length of the random part tempfile puts in a name (its default).
const RANDOM_LEN: usize = 6;

/// A kept edit of one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub path: PathBuf,
    /// What the user typed.
    pub text: String,
    /// The spec's bytes when the editor first opened.
    pub base: String,
}

fn base_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".base");
    PathBuf::from(name)
}

/// Records `base` beside the kept edit at `path` (the caller has kept the file itself).
pub fn record_base(path: &Path, base: &str) -> Result<(), Error> {
    let at = base_path(path);
    std::fs::write(&at, base).map_err(|source| Error::Write { path: at, source })
}

/// Is `name` a kept edit of spec `id` (`<id>-XXXXXX.md`, not another id's that starts the
/// same way)?
fn is_kept_name(name: &str, id: &str) -> bool {
    name.strip_prefix(id)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_suffix(".md"))
        .is_some_and(|r| r.len() == RANDOM_LEN && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The newest kept edit of `id` in `dir`, and how many older ones there are; `None` when
/// there is none.
pub fn latest(dir: &Path, id: &str) -> Result<Option<(Kept, usize)>, Error> {
    let read_err = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Read { path, source }
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read_err(dir)(e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(read_err(dir))?;
        let name = entry.file_name();
        if !is_kept_name(&name.to_string_lossy(), id) {
            continue;
        }
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .map_err(read_err(&entry.path()))?;
        found.push((modified, entry.path()));
    }
    found.sort();
    let older = found.len().saturating_sub(1);
    let Some((_, path)) = found.pop() else {
        return Ok(None);
    };
    let read = |p: &Path| std::fs::read_to_string(p).map_err(read_err(p));
    let text = read(&path)?;
    let base = read(&base_path(&path)).map_err(|_| Error::KeptWithoutBase {
        id: id.to_owned(),
        path: path.clone(),
    })?;
    Ok(Some((Kept { path, text, base }, older)))
}

/// Removes a kept edit once it is saved.
pub fn discard(path: &Path) {
    // Leftovers cost nothing but a file; a failure here must not fail a saved edit.
    let _ = std::fs::remove_file(base_path(path));
    let _ = std::fs::remove_file(path);
}

#[cfg(test)]
mod tests {
    #[test]
    fn kept_names_belong_to_one_id() {
        assert!(super::is_kept_name("a-Xy12zQ.md", "a"));
        assert!(!super::is_kept_name("a-b-Xy12zQ.md", "a"));
        assert!(super::is_kept_name("a-b-Xy12zQ.md", "a-b"));
        assert!(!super::is_kept_name("a-Xy12zQ.md.base", "a"));
    }
}
