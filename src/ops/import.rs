//! Upstream chant compatibility, inward: `import` reads a `.chant/` directory (from the
//! working tree or a commit) into the ledger byte for byte, in one commit, reading only
//! regular files of bounded size and never following a link (`export` is the way back).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gix::objs::tree::EntryKind;
use gix::ObjectId;
use serde::Serialize;

use crate::error::Error;
use crate::files::{Bound, FileError};
use crate::spec::{id, rules, Spec};
use crate::store::paths::{spec_path, CONFIG_PATH};
use crate::store::trailer::Trailer;
use crate::store::{Change, Context, Store, StoreError};

/// Where an upstream file goes in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Path inside the upstream directory, e.g. `archive/2026-01-02/x.md`.
    pub upstream: String,
    /// Path in the ledger tree.
    pub ledger: String,
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Spec,
    Archived,
    Config,
    Prompt,
    Template,
}

mod paths;

pub use paths::classify;
use paths::{descends, is_named_path, template_problem};

/// What an import found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Files found, per kind.
    pub found: BTreeMap<String, usize>,
    /// Files written (new, or changed with `--force`).
    pub written: usize,
    /// Files already in the ledger with the same bytes.
    pub skipped: usize,
    /// Files already in the ledger with other bytes (written only with `--force`).
    pub conflicts: Vec<String>,
    /// Specs that do not parse (stored anyway, byte for byte; `lint` reports them).
    pub unparsable: Vec<String>,
    /// Files that cannot be stored: their names are not valid ids.
    pub invalid: Vec<String>,
    /// Specs that break an input rule `add`, `set` and `edit` refuse, and malformed
    /// templates (`<path>: <what>`), stored anyway, byte for byte (`lint` reports them too).
    pub broken: Vec<String>,
}

/// Reads an upstream directory from the working tree: regular files only, at most `limit`
/// bytes each. A symbolic link where import would read or look inside (the directory
/// itself, a spec, a prompt, config.md, one of their folders) is refused by name, never
/// followed: a checkout could otherwise have import copy any file of yours into the ledger.
pub fn read_dir(dir: &Path, limit: Bound) -> Result<Vec<(String, Vec<u8>)>, Error> {
    fn walk(
        dir: &Path,
        prefix: &str,
        limit: Bound,
        out: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<(), Error> {
        let read_err = |source| Error::Read {
            path: dir.to_owned(),
            source,
        };
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let rel = if prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{prefix}/{name}")
            };
            let meta = std::fs::symlink_metadata(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let wanted = classify(&rel).is_some();
            let kind = meta.file_type();
            if kind.is_symlink() {
                if wanted || descends(&rel) {
                    return Err(FileError::ImportLink { path }.into());
                }
            } else if kind.is_dir() {
                if descends(&rel) {
                    walk(&path, &rel, limit, out)?;
                }
            } else if !wanted {
                // Logs and other files upstream keeps here are never read.
            } else if kind.is_file() {
                out.push((rel, crate::files::read_file(&path, limit)?));
            } else {
                return Err(FileError::NotRegular { path }.into());
            }
        }
        Ok(())
    }
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => Err(FileError::ImportLink {
            path: dir.to_owned(),
        }
        .into()),
        Ok(_) => {
            let mut out = Vec::new();
            walk(dir, "", limit, &mut out)?;
            Ok(out)
        }
        Err(source) => Err(Error::Read {
            path: dir.to_owned(),
            source,
        }),
    }
}

/// A file of a tree: its path below the tree, blob and mode.
pub(crate) struct TreeFile {
    pub path: Vec<String>,
    pub blob: ObjectId,
    pub kind: EntryKind,
}

/// Every non-tree entry below `tree`, descending only into folders `descend` accepts (the
/// path so far, `/`-joined). Names are kept as stored; callers check them.
pub(crate) fn tree_files(
    repo: &gix::Repository,
    tree: ObjectId,
    descend: &dyn Fn(&str) -> bool,
) -> Result<Vec<TreeFile>, Error> {
    fn walk(
        repo: &gix::Repository,
        tree: ObjectId,
        path: &mut Vec<String>,
        descend: &dyn Fn(&str) -> bool,
        out: &mut Vec<TreeFile>,
    ) -> Result<(), Error> {
        let object = repo
            .find_tree(tree)
            .context(|| format!("reading tree {tree}"))?;
        let decoded = object
            .decode()
            .context(|| format!("decoding tree {tree}"))?;
        for entry in &decoded.entries {
            path.push(entry.filename.to_string());
            if entry.mode.is_tree() {
                if descend(&path.join("/")) {
                    walk(repo, entry.oid.to_owned(), path, descend, out)?;
                }
            } else {
                out.push(TreeFile {
                    path: path.clone(),
                    blob: entry.oid.to_owned(),
                    kind: entry.mode.kind(),
                });
            }
            path.pop();
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(repo, tree, &mut Vec::new(), descend, &mut out)?;
    Ok(out)
}

/// Reads an upstream directory from a commit: `<rev>:<dir>`. As from the working tree,
/// only regular files, at most `limit` bytes each (sized before they are read), and a
/// symbolic link or submodule where import reads is refused by name.
pub fn read_rev(
    store: &Store,
    rev: &str,
    dir: &str,
    limit: Bound,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let repo = store.repo();
    let commit = repo
        .rev_parse_single(rev)
        .context(|| format!("resolving {rev}"))?;
    let tree = repo
        .find_commit(commit)
        .context(|| format!("{rev} is not a commit"))?
        .tree()
        .context(|| format!("reading the tree of {rev}"))?;
    let dir = dir.trim_matches('/');
    let entry = tree
        .lookup_entry_by_path(dir)
        .context(|| format!("looking up {dir} in {rev}"))?
        .ok_or_else(|| StoreError::Corrupt {
            what: format!("{rev} has no {dir}"),
        })?;
    let mut out = Vec::new();
    for file in tree_files(repo, entry.object_id(), &descends)? {
        let rel = file.path.join("/");
        if classify(&rel).is_none() {
            continue;
        }
        let path = PathBuf::from(format!("{rev}:{dir}/{rel}"));
        match file.kind {
            EntryKind::Blob | EntryKind::BlobExecutable => {}
            EntryKind::Link => return Err(FileError::ImportLink { path }.into()),
            _ => return Err(FileError::NotRegular { path }.into()),
        }
        let size = repo
            .find_header(file.blob)
            .context(|| format!("reading {rel}"))?
            .size();
        if size > limit.bytes {
            return Err(FileError::TooLarge {
                path,
                limit: limit.bytes,
                key: limit.key,
            }
            .into());
        }
        let bytes = repo
            .find_blob(file.blob)
            .context(|| format!("reading {rel}"))?
            .data
            .clone();
        out.push((rel, bytes));
    }
    Ok(out)
}

/// Plans where every upstream file goes; invalid ids are reported, not planned.
pub fn plan(files: Vec<(String, Vec<u8>)>, summary: &mut ImportSummary) -> Vec<Source> {
    let mut sources = Vec::new();
    for (rel, bytes) in files {
        let Some((kind, name)) = classify(&rel) else {
            continue;
        };
        let ledger = match kind {
            // Only the prompt places the ledger has (the server refuses any other).
            Kind::Prompt | Kind::Template if !is_named_path(&name) => {
                summary.invalid.push(rel);
                continue;
            }
            Kind::Template => {
                summary.broken.extend(template_problem(&name, &bytes));
                name
            }
            Kind::Spec | Kind::Archived => {
                if id::validate(&name).is_err() {
                    summary.invalid.push(rel);
                    continue;
                }
                match Spec::parse(&name, &bytes) {
                    Err(_) => summary.unparsable.push(rel.clone()),
                    Ok(spec) => summary.broken.extend(
                        rules::check(&spec, false)
                            .into_iter()
                            .map(|v| format!("{rel}: {}", v.message)),
                    ),
                }
                spec_path(&name, kind == Kind::Archived)
            }
            _ => name,
        };
        let label = format!("{kind:?}").to_lowercase();
        *summary.found.entry(label).or_default() += 1;
        sources.push(Source {
            upstream: rel,
            ledger,
            kind,
            bytes,
        });
    }
    sources
}

/// The files of a new ledger that an import may replace without `--force`.
fn is_default(path: &str, bytes: &[u8]) -> bool {
    (path == CONFIG_PATH && bytes == super::DEFAULT_CONFIG.as_bytes())
        || (path == "prompts/standard.md" && bytes == super::DEFAULT_PROMPT.as_bytes())
}

/// Imports the planned files in one ledger commit. Identical files are skipped; different
/// ones are conflicts unless `force`. Nothing is written with `dry_run`, or when there are
/// conflicts or invalid ids without `force`.
pub fn import(
    store: &Store,
    sources: &[Source],
    base: ImportSummary,
    force: bool,
    dry_run: bool,
) -> Result<ImportSummary, Error> {
    store.update(|snapshot| {
        if snapshot.commit.is_none() {
            return Err(Error::from(StoreError::NoLedger));
        }
        let mut summary = base.clone();
        let mut writes = Vec::new();
        for source in sources {
            // An id present in the other folder counts as the same spec.
            let twin = match source.kind {
                Kind::Spec | Kind::Archived => {
                    let id = source
                        .ledger
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches(".md");
                    Some(spec_path(id, source.kind == Kind::Spec))
                }
                _ => None,
            };
            let current = snapshot.file(&source.ledger)?;
            let twin_exists = match &twin {
                Some(path) => snapshot.file(path)?.is_some(),
                None => false,
            };
            match current {
                Some(bytes) if bytes == source.bytes && !twin_exists => summary.skipped += 1,
                Some(bytes) if !force && !is_default(&source.ledger, &bytes) => {
                    summary.conflicts.push(source.upstream.clone())
                }
                None if twin_exists && !force => summary.conflicts.push(source.upstream.clone()),
                _ => {
                    if let Some(path) = twin.filter(|_| twin_exists) {
                        writes.push((path, None));
                    }
                    writes.push((source.ledger.clone(), Some(source.bytes.clone())));
                    summary.written += 1;
                }
            }
        }
        let blocked = !force && (!summary.conflicts.is_empty() || !summary.invalid.is_empty());
        if dry_run || blocked {
            return Ok((Change::default(), summary));
        }
        let mut change = Change::new(format!("import {} files", summary.written));
        change.trailer(Trailer::Op, "import").write_files(writes);
        Ok((change, summary))
    })
}
