//! The user's files, read and written safely: every read bounded by a limit from git config
//! (`chant.maxSpecBytes`, `chant.maxNoteBytes`, the keys and defaults of the server's
//! checks), and `export` writing only regular files below its folder, never through a link.

use std::io::Read;
use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use crate::error::Error;
use crate::exit::{Exit, ExitCode};
use crate::store::Store;

/// How many bytes one read may take, and the git config key that sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub bytes: u64,
    pub key: &'static str,
}

/// The client's read limits, from git config (any level, `git -c` included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `chant.maxSpecBytes` (default 1 MiB): a spec, a prompt, config.md, a context file.
    pub spec: Bound,
    /// `chant.maxNoteBytes` (default 64 MiB): a transcript (`output --file`).
    pub note: Bound,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            spec: Bound {
                bytes: 1 << 20,
                key: "chant.maxSpecBytes",
            },
            note: Bound {
                bytes: 64 << 20,
                key: "chant.maxNoteBytes",
            },
        }
    }
}

impl Limits {
    /// The limits the repository's config sets; a value that is not a positive number
    /// keeps the default.
    pub fn from_store(store: &Store) -> Limits {
        let config = store.repo().config_snapshot();
        let set = |bound: Bound| Bound {
            bytes: config
                .integer(bound.key)
                .and_then(|n| u64::try_from(n).ok())
                .filter(|n| *n > 0)
                .unwrap_or(bound.bytes),
            key: bound.key,
        };
        let defaults = Limits::default();
        Limits {
            spec: set(defaults.spec),
            note: set(defaults.note),
        }
    }

    /// The limits of the repository around the current directory; the defaults outside one
    /// (`fmt` runs anywhere).
    pub fn here() -> Limits {
        Store::open(".").map_or_else(|_| Limits::default(), |s| Limits::from_store(&s))
    }
}

#[derive(Debug, Error, Diagnostic)]
pub enum FileError {
    #[error("{} is larger than {key}={limit} bytes: git chant stopped reading it", path.display())]
    #[diagnostic(
        code(chant::file::too_large),
        help("if the file is meant to be that large, raise the limit: `git config {key} <bytes>`")
    )]
    TooLarge {
        path: PathBuf,
        limit: u64,
        key: &'static str,
    },

    #[error("{} is a symbolic link: import never follows links", path.display())]
    #[diagnostic(
        code(chant::import::symlink),
        help("replace the link with a copy of what it points to, or move it out of the directory, then run `git chant import` again")
    )]
    ImportLink { path: PathBuf },

    #[error("{} is not a regular file or folder: import reads nothing else", path.display())]
    #[diagnostic(
        code(chant::import::not_regular),
        help("move it out of the directory, then run `git chant import` again")
    )]
    NotRegular { path: PathBuf },

    #[error("{} is a symbolic link: export never writes through links", path.display())]
    #[diagnostic(
        code(chant::export::symlink),
        help("export into a folder without links, e.g. a new one: `git chant export <new-dir>`")
    )]
    ExportLink { path: PathBuf },

    #[error("{} is in the way: export needs a folder there", path.display())]
    #[diagnostic(
        code(chant::export::in_the_way),
        help("move it away, or export into a new folder: `git chant export <new-dir>`")
    )]
    InTheWay { path: PathBuf },

    #[error("the ledger holds `{name}` under `{within}`: {why}, so export wrote nothing")]
    #[diagnostic(
        code(chant::export::unsafe_name),
        help("a push without the server's checks put it there (`git ls-tree -r refs/chant/specs` shows it); remove it at the source, and install the checks: `git chant hooks install --server`")
    )]
    Unsafe {
        name: String,
        within: String,
        why: &'static str,
    },
}

impl ExitCode for FileError {
    fn exit(&self) -> Exit {
        Exit::User
    }
}

/// At most `bound` bytes from `reader`: one byte more than the limit is the most ever read,
/// so an endless source (`/dev/zero`) fails at once.
pub fn read_bounded(reader: impl Read, path: &Path, bound: Bound) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    reader
        .take(bound.bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
    if bytes.len() as u64 > bound.bytes {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
            limit: bound.bytes,
            key: bound.key,
        }
        .into());
    }
    Ok(bytes)
}

/// A file's bytes, at most `bound` of them.
pub fn read_file(path: &Path, bound: Bound) -> Result<Vec<u8>, Error> {
    let file = std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    read_bounded(file, path, bound)
}

/// Standard input, at most `bound` bytes of it.
pub fn read_stdin(bound: Bound) -> Result<Vec<u8>, Error> {
    read_bounded(std::io::stdin().lock(), Path::new("<stdin>"), bound)
}

/// Bytes that must be UTF-8 text, named `path` in the error.
pub fn text(bytes: Vec<u8>, path: &Path) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| Error::Read {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
    })
}

/// A name that is safe as one path component: not empty, `.` or `..`, and without `/`,
/// `\`, NUL or any other control character.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
}

/// Makes `root` the folder export writes into: created when missing, refused when it is a
/// link or not a folder.
pub fn prepare_root(root: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(root) {
        Ok(meta) if meta.file_type().is_symlink() => Err(FileError::ExportLink {
            path: root.to_owned(),
        }
        .into()),
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(FileError::InTheWay {
            path: root.to_owned(),
        }
        .into()),
        Err(_) => std::fs::create_dir_all(root).map_err(|source| Error::Write {
            path: root.to_owned(),
            source,
        }),
    }
}

/// Writes `bytes` to `root/<parts…>` (plain names, checked by the caller), creating the
/// folders on the way; a link or a file where a folder belongs, or a link at the file's
/// place, is refused. The file is written beside its place and renamed over it, so even a
/// link appearing meanwhile is replaced, never written through.
pub fn write_below(root: &Path, parts: &[&str], bytes: &[u8]) -> Result<(), Error> {
    let Some((file, folders)) = parts.split_last() else {
        return Ok(());
    };
    let write_err = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Write { path, source }
    };
    let mut dir = root.to_owned();
    for folder in folders {
        dir.push(folder);
        if std::fs::symlink_metadata(&dir).is_err() {
            match std::fs::create_dir(&dir) {
                // Made meanwhile by someone else: checked below like any other.
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(write_err(&dir)(e))
                }
                _ => {}
            }
        }
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(FileError::ExportLink { path: dir }.into())
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(FileError::InTheWay { path: dir }.into()),
            Err(e) => return Err(write_err(&dir)(e)),
        }
    }
    let path = dir.join(file);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(FileError::ExportLink { path }.into())
        }
        Ok(meta) if !meta.is_file() => return Err(FileError::InTheWay { path }.into()),
        _ => {}
    }
    let temp = dir.join(format!(".{file}.chant-{}", std::process::id()));
    // A leftover of a killed export (removing a link removes the link, not its target).
    let _ = std::fs::remove_file(&temp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut out| std::io::Write::write_all(&mut out, bytes))
        .and_then(|()| std::fs::rename(&temp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(write_err(&path)(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_only() {
        for bad in ["", ".", "..", "a/b", "a\\b", "x\0", "x\x1b", "\u{9b}"] {
            assert!(!plain_name(bad), "{bad:?}");
        }
        for good in ["standard.md", "..md", "a..b", "ünï.md"] {
            assert!(plain_name(good), "{good:?}");
        }
    }

    #[test]
    fn a_read_stops_one_byte_past_the_limit() {
        let bound = Bound {
            bytes: 4,
            key: "chant.maxSpecBytes",
        };
        let endless = std::io::repeat(b'x');
        let err = read_bounded(endless, Path::new("zero"), bound).unwrap_err();
        assert!(err.to_string().contains("chant.maxSpecBytes=4"), "{err}");
        assert_eq!(
            read_bounded(&b"abcd"[..], Path::new("f"), bound).unwrap(),
            b"abcd"
        );
    }
}
