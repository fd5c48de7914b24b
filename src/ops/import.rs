//! Upstream chant compatibility: `import` reads a `.chant/` directory (from the working
//! tree or a commit) into the ledger byte for byte, in one commit; `export` writes the
//! upstream layout back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::spec::{id, Spec};
use crate::store::paths::{spec_path, CONFIG_PATH};
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
}

/// What an import found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
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
}

/// Classifies a path of an upstream `.chant/` directory; `None` for files it ignores.
pub fn classify(rel: &str) -> Option<(Kind, String)> {
    let parts: Vec<&str> = rel.split('/').collect();
    let stem = |file: &str| file.strip_suffix(".md").map(str::to_owned);
    match parts.as_slice() {
        ["config.md"] => Some((Kind::Config, CONFIG_PATH.to_owned())),
        ["prompts", rest @ ..] if rel.ends_with(".md") && !rest.is_empty() => {
            Some((Kind::Prompt, rel.to_owned()))
        }
        ["specs", file] => stem(file).map(|id| (Kind::Spec, id)),
        ["archive", file] | ["archive", _, file] => stem(file).map(|id| (Kind::Archived, id)),
        _ => None,
    }
}

/// Reads an upstream directory from the working tree.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Error> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), Error> {
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
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(&path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                out.push((rel, bytes));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Reads an upstream directory from a commit: `<rev>:<dir>`.
pub fn read_rev(store: &Store, rev: &str, dir: &str) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let repo = store.repo();
    let commit = repo
        .rev_parse_single(rev)
        .context(|| format!("resolving {rev}"))?;
    let tree = repo
        .find_commit(commit)
        .context(|| format!("{rev} is not a commit"))?
        .tree()
        .context(|| format!("reading the tree of {rev}"))?;
    let entry = tree
        .lookup_entry_by_path(dir.trim_matches('/'))
        .context(|| format!("looking up {dir} in {rev}"))?
        .ok_or_else(|| StoreError::Corrupt {
            what: format!("{rev} has no {dir}"),
        })?;
    let mut out = Vec::new();
    let changes = crate::store::diff::diff_trees(repo, None, Some(entry.object_id()))?;
    for change in changes {
        if let Some(blob) = change.new {
            let bytes = repo
                .find_blob(blob)
                .context(|| format!("reading {}", change.path))?
                .data
                .clone();
            out.push((change.path, bytes));
        }
    }
    Ok(out)
}

/// Plans where every upstream file goes; invalid ids are reported, not planned.
pub fn plan(files: Vec<(String, Vec<u8>)>, summary: &mut Summary) -> Vec<Source> {
    let mut sources = Vec::new();
    for (rel, bytes) in files {
        let Some((kind, name)) = classify(&rel) else {
            continue;
        };
        let ledger = match kind {
            Kind::Spec | Kind::Archived => {
                if id::validate(&name).is_err() {
                    summary.invalid.push(rel);
                    continue;
                }
                if Spec::parse(&name, &bytes).is_err() {
                    summary.unparsable.push(rel.clone());
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
    base: Summary,
    force: bool,
    dry_run: bool,
) -> Result<Summary, Error> {
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
        let change = Change {
            subject: format!("import {} files", summary.written),
            trailers: vec![("Chant-Op".into(), "import".into())],
            writes,
            ..Change::default()
        };
        Ok((change, summary))
    })
}

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

/// Writes the ledger in upstream's layout under `dir`, byte for byte. Returns the number of
/// files per kind.
pub fn export(store: &Store, dir: &Path) -> Result<BTreeMap<String, usize>, Error> {
    let snapshot = store.snapshot()?;
    let mut counts = BTreeMap::new();
    let mut put = |rel: String, bytes: &[u8], kind: &str| -> Result<(), Error> {
        let path = dir.join(&rel);
        let write_err = |source| Error::Write {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_err)?;
        }
        std::fs::write(&path, bytes).map_err(write_err)?;
        *counts.entry(kind.to_owned()).or_default() += 1;
        Ok(())
    };
    for entry in snapshot.entries()? {
        let bytes = snapshot.blob(entry.blob)?;
        if entry.archived {
            put(archive_path(&entry.id), &bytes, "archived")?;
        } else {
            put(format!("specs/{}.md", entry.id), &bytes, "spec")?;
        }
    }
    if let Some(bytes) = snapshot.file(CONFIG_PATH)? {
        put("config.md".into(), &bytes, "config")?;
    }
    if let Some(prompts) = snapshot.tree_at("prompts")? {
        for change in crate::store::diff::diff_trees(store.repo(), None, Some(prompts))? {
            if let Some(blob) = change.new {
                put(
                    format!("prompts/{}", change.path),
                    &snapshot.blob(blob)?,
                    "prompt",
                )?;
            }
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_paths_map_to_the_ledger() {
        assert_eq!(classify("specs/a.md"), Some((Kind::Spec, "a".into())));
        assert_eq!(
            classify("archive/2026-01-02/a.md"),
            Some((Kind::Archived, "a".into()))
        );
        assert_eq!(classify("archive/a.md"), Some((Kind::Archived, "a".into())));
        assert_eq!(
            classify("prompts/extensions/x.md"),
            Some((Kind::Prompt, "prompts/extensions/x.md".into()))
        );
        assert_eq!(
            classify("config.md"),
            Some((Kind::Config, "config.md".into()))
        );
        assert_eq!(classify("logs/run.log"), None);
        assert_eq!(
            archive_path("2026-01-02-001-abc"),
            "archive/2026-01-02/2026-01-02-001-abc.md"
        );
        assert_eq!(archive_path("old-cleanup"), "archive/old-cleanup.md");
    }
}
