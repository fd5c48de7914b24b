//! Upstream chant compatibility, outward: `export` writes the ledger in upstream's
//! `.chant/` layout, byte for byte, as regular files below its folder only. The ledger's
//! names came from whoever could push, so every one is checked before anything is written,
//! and no symbolic link in the folder is ever written through.

use std::collections::BTreeMap;
use std::path::Path;

use gix::objs::tree::EntryKind;
use gix::ObjectId;

use super::import::tree_files;
use crate::error::Error;
use crate::files::{self, FileError};
use crate::store::paths::CONFIG_PATH;
use crate::store::Store;

/// Where export puts an archived spec: upstream's dated folder (the id's `YYYY-MM-DD`
/// prefix) when the id has one, else directly in `archive/`.
pub fn archive_path(id: &str) -> String {
    let dated = id.len() > 10
        && id.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if dated {
        format!("archive/{}/{id}.md", &id[..10])
    } else {
        format!("archive/{id}.md")
    }
}

/// One file to write: its path below the export folder, its blob, its kind for the counts.
struct Planned {
    parts: Vec<String>,
    blob: ObjectId,
    kind: &'static str,
}

/// Refuses a ledger entry export must not write: `parts[last]` under `parts[..last]`.
fn refuse(parts: &[String], why: &'static str) -> Error {
    let (name, within) = parts
        .split_last()
        .map_or((String::new(), String::new()), |(n, w)| {
            (n.clone(), w.join("/"))
        });
    FileError::Unsafe { name, within, why }.into()
}

/// Checks every name of `parts` after the first `trusted` (export's own folder names).
fn check_names(parts: &[String], trusted: usize) -> Result<(), Error> {
    for end in trusted..parts.len() {
        if !files::plain_name(&parts[end]) {
            return Err(refuse(&parts[..=end], "not a plain file name"));
        }
    }
    Ok(())
}

/// Writes the ledger in upstream's layout under `dir`, byte for byte. Returns the number of
/// files per kind. Every name is checked first: one that is not plain (`..`, a `/`, a
/// control character), or a link or submodule among the prompts or templates, fails the export before
/// any file is written.
pub fn export(store: &Store, dir: &Path) -> Result<BTreeMap<String, usize>, Error> {
    let snapshot = store.snapshot()?;
    let mut planned = Vec::new();
    for entry in snapshot.entries()? {
        let (path, kind) = if entry.archived {
            (archive_path(&entry.id), "archived")
        } else {
            (format!("specs/{}.md", entry.id), "spec")
        };
        let parts: Vec<String> = path.split('/').map(str::to_owned).collect();
        // The id is the only name from the ledger: the last part (its date folder is
        // derived from digits).
        check_names(&parts, parts.len() - 1)?;
        if entry.id.contains('/') {
            return Err(refuse(&parts, "not a plain file name"));
        }
        planned.push(Planned {
            parts,
            blob: entry.blob,
            kind,
        });
    }
    // Prompts and templates, byte for byte, the folders as upstream names them.
    for (folder, kind) in [("prompts", "prompt"), (super::template::DIR, "template")] {
        let Some(tree) = snapshot.tree_at(folder)? else {
            continue;
        };
        for file in tree_files(store.repo(), tree, &|_| true)? {
            let mut parts = vec![folder.to_owned()];
            parts.extend(file.path);
            check_names(&parts, 1)?;
            match file.kind {
                EntryKind::Blob | EntryKind::BlobExecutable => {}
                EntryKind::Link => {
                    return Err(refuse(&parts, "a symbolic link, which export never writes"))
                }
                _ => return Err(refuse(&parts, "a submodule, which export never writes")),
            }
            planned.push(Planned {
                parts,
                blob: file.blob,
                kind,
            });
        }
    }
    let config = snapshot.file(CONFIG_PATH)?;

    files::prepare_root(dir)?;
    let mut counts = BTreeMap::new();
    for file in planned {
        let parts: Vec<&str> = file.parts.iter().map(String::as_str).collect();
        files::write_below(dir, &parts, &snapshot.blob(file.blob)?)?;
        *counts.entry(file.kind.to_owned()).or_default() += 1;
    }
    if let Some(bytes) = config {
        files::write_below(dir, &["config.md"], &bytes)?;
        *counts.entry("config".to_owned()).or_default() += 1;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    #[test]
    fn archived_specs_go_to_their_dated_folder() {
        assert_eq!(
            super::archive_path("2026-01-02-001-abc"),
            "archive/2026-01-02/2026-01-02-001-abc.md"
        );
        assert_eq!(super::archive_path("old-cleanup"), "archive/old-cleanup.md");
    }
}
