//! Where an agent's file really is, and reading, writing and removing it there: only inside
//! the working tree, so a link (`CLAUDE.md -> AGENTS.md` is common) is followed when it
//! stays inside and refused when it leads out, and nothing is ever written through one.

use std::path::{Component, Path, PathBuf};

use super::SetupError;
use crate::error::Error;
use crate::files::Bound;

/// One agent file: its path as the agent names it, and the file that path reaches.
#[derive(Debug, Clone)]
pub struct Place {
    /// Relative to the working tree, with `/` (`.claude/settings.json`).
    pub shown: String,
    /// The file itself, links resolved: inside the working tree.
    pub real: PathBuf,
    /// Reached through a link: never removed (the link would be left dangling).
    pub linked: bool,
}

/// Where `rel` in the working tree `root` (canonical) leads.
pub fn locate(root: &Path, rel: &str) -> Result<Place, Error> {
    let named = root.join(rel);
    // The deepest part of the path that exists, resolved; the rest is still to create.
    let mut existing = named.clone();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
        let Some(name) = existing.file_name().map(ToOwned::to_owned) else {
            break;
        };
        rest.push(name);
        existing.pop();
    }
    let resolved = std::fs::canonicalize(&existing).map_err(|_| SetupError::Outside {
        path: named.clone(),
        target: existing.clone(),
    })?;
    let mut real = resolved;
    for name in rest.iter().rev() {
        real.push(name);
    }
    let inside = real.starts_with(root)
        && real
            .strip_prefix(root)
            .is_ok_and(|r| r.components().all(|c| matches!(c, Component::Normal(_))));
    if !inside {
        return Err(SetupError::Outside {
            path: named,
            target: real,
        }
        .into());
    }
    if let Ok(meta) = std::fs::metadata(&real) {
        if !meta.is_file() {
            return Err(SetupError::NotFile { path: named }.into());
        }
    }
    Ok(Place {
        shown: rel.to_owned(),
        linked: real != named,
        real,
    })
}

/// The file's text, `None` when it does not exist.
pub fn read(place: &Place, bound: Bound) -> Result<Option<String>, Error> {
    if std::fs::symlink_metadata(&place.real).is_err() {
        return Ok(None);
    }
    let bytes = crate::files::read_file(&place.real, bound)?;
    crate::files::text(bytes, &place.real).map(Some)
}

/// Writes `text` beside the file and renames it over it (keeping its permissions), so a
/// reader never sees half a file; the folders on the way are created.
pub fn write(place: &Place, text: &str) -> Result<(), Error> {
    let err = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Write { path, source }
    };
    let dir = place.real.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    let name = place
        .real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.chant-{}", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut out| std::io::Write::write_all(&mut out, text.as_bytes()))
        .and_then(|()| match std::fs::metadata(&place.real) {
            Ok(meta) => std::fs::set_permissions(&temp, meta.permissions()),
            Err(_) => Ok(()),
        })
        .and_then(|()| std::fs::rename(&temp, &place.real));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(err(&place.real)(e));
    }
    Ok(())
}

/// Removes the file, then the folders on its way that it leaves empty, up to `root`.
pub fn remove(place: &Place, root: &Path) -> Result<(), Error> {
    std::fs::remove_file(&place.real).map_err(|source| Error::Write {
        path: place.real.clone(),
        source,
    })?;
    let mut dir = place.real.parent();
    while let Some(d) = dir {
        // `remove_dir` refuses a folder that holds anything: only empty ones go.
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}
