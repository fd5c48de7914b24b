//! The repository as git chant sees it: opened the way git opens it (`GIT_DIR`, `git -c`,
//! bare or not, pre-receive quarantine), with the ledger, its index and its writes below.

mod cas;
mod change;
pub mod codec;
pub(crate) mod commit;
pub mod diff;
mod error;
mod format;
pub mod git_cli;
mod git_config;
pub mod history;
mod identity;
pub mod ids;
pub mod index;
pub mod ledger;
pub mod locks;
pub mod pager;
pub mod paths;
pub mod range;
mod read;
pub mod runs;
pub mod trailer;
mod whoami;

pub use change::Change;
pub(crate) use commit::ref_edit as cas_ref_edit;
pub(crate) use error::Context;
pub use error::StoreError;

use std::path::{Path, PathBuf};

/// An open repository.
pub struct Store {
    pub(crate) repo: gix::Repository,
    /// Set in server hooks: objects come from git's quarantine and refs are never written.
    read_only: bool,
    /// Keeps the scratch alternates directory of a quarantine open alive.
    _scratch: Option<tempfile::TempDir>,
}

impl Store {
    /// Opens the repository containing `dir` the way git would: honouring `GIT_DIR`,
    /// `GIT_WORK_TREE` and `git -c` overrides (`GIT_CONFIG_PARAMETERS`). A repository whose
    /// format git chant cannot honour (reftable, SHA-256, other extensions) is refused.
    pub fn open(dir: impl AsRef<Path>) -> Result<Store, StoreError> {
        let dir = dir.as_ref();
        let mut repo = match gix::discover_with_environment_overrides(dir) {
            Ok(repo) => {
                format::check(repo.common_dir())?;
                repo
            }
            Err(e) => {
                // gix cannot open some formats at all: say which, rather than "not a repo".
                if let Some(git_dir) = format::find_git_dir(dir) {
                    format::check(&format::common_dir(&git_dir))?;
                }
                return Err(StoreError::NotARepo {
                    path: dir.display().to_string(),
                    source: e,
                });
            }
        };
        apply_config_parameters(&mut repo)?;
        set_delta_cache(&mut repo);
        // A bare repository defaults to `core.logAllRefUpdates=false`, and gix then writes
        // no reflog at all, even for an edit that asks to create one; git's `update-ref
        // --create-reflog` still writes it. The ledger's reflog is its recovery path.
        if repo.refs.write_reflog == gix::refs::store::WriteReflog::Disable {
            repo.refs.write_reflog = gix::refs::store::WriteReflog::Normal;
        }
        Ok(Store {
            repo,
            read_only: false,
            _scratch: None,
        })
    }

    /// Opens the repository for a server hook: reads the pushed objects still in git's
    /// quarantine (`GIT_OBJECT_DIRECTORY`, `GIT_ALTERNATE_OBJECT_DIRECTORIES`) and refuses
    /// every ref write.
    pub fn open_for_hook(dir: impl AsRef<Path>) -> Result<Store, StoreError> {
        let mut store = Store::open(dir)?;
        store.read_only = true;
        let Some(quarantine) = std::env::var_os("GIT_OBJECT_DIRECTORY") else {
            return Ok(store);
        };
        // gix ignores the quarantine variables. Point a scratch object directory *outside*
        // the repository at the quarantine, then the alternates, then the real objects.
        let io = |context: &str| {
            let context = context.to_owned();
            move |source| StoreError::Io { context, source }
        };
        let scratch = tempfile::tempdir().map_err(io("creating a scratch object directory"))?;
        let mut dirs = vec![PathBuf::from(quarantine)];
        if let Some(alternates) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
            dirs.extend(std::env::split_paths(&alternates));
        }
        dirs.push(store.repo.common_dir().join("objects"));
        let absolute: Vec<String> = dirs
            .iter()
            .map(|d| std::path::absolute(d).unwrap_or_else(|_| d.clone()))
            .map(|d| d.display().to_string())
            .collect();
        let info = scratch.path().join("info");
        std::fs::create_dir_all(&info).map_err(io("creating the scratch alternates"))?;
        std::fs::write(info.join("alternates"), absolute.join("\n") + "\n")
            .map_err(io("writing the scratch alternates"))?;
        let kind = store.repo.object_hash();
        let odb = gix::odb::at(scratch.path(), kind).map_err(io("opening the quarantine"))?;
        store.repo.objects = gix::odb::memory::Proxy::new(odb, kind);
        store._scratch = Some(scratch);
        Ok(store)
    }

    /// The underlying gix repository.
    pub fn repo(&self) -> &gix::Repository {
        &self.repo
    }

    /// `.git/chant/`, where git chant keeps its caches.
    pub fn cache_dir(&self) -> PathBuf {
        let dir = self.repo.common_dir().join("chant");
        // Absolute, because agents run in other directories (their worktrees).
        std::path::absolute(&dir).unwrap_or(dir)
    }

    /// Where `work` runs the agent on spec `id`: `.git/chant/worktrees/<id>`.
    pub fn agent_worktree(&self, id: &str) -> PathBuf {
        self.cache_dir().join("worktrees").join(id)
    }

    /// The agent worktrees there are: `(spec id, path)`, sorted.
    pub fn agent_worktrees(&self) -> Vec<(String, PathBuf)> {
        let Ok(entries) = std::fs::read_dir(self.cache_dir().join("worktrees")) else {
            return Vec::new();
        };
        let mut found: Vec<(String, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect();
        found.sort();
        found
    }

    pub(crate) fn ensure_writable(&self) -> Result<(), StoreError> {
        if self.read_only {
            Err(StoreError::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// The object a revision names (`HEAD~2`, a short id, `origin/chant/specs`, …).
    pub fn resolve_rev(&self, rev: &str) -> Result<gix::ObjectId, StoreError> {
        self.repo
            .rev_parse_single(rev)
            .map(|id| id.detach())
            .context(|| format!("resolving `{rev}`"))
    }

    /// The commit a spec's `commits:` entry names here: a hex id of 7 to 64 digits that
    /// one commit of this repository starts with. The entry comes from the ledger, so
    /// anyone who could push wrote it: a revision expression (`HEAD`, `main~3`,
    /// `:/message`, `@{-1}`) would make this machine act on whatever its own refs or
    /// history say, so nothing but a hex id is resolved.
    pub fn listed_commit(&self, listed: &str) -> Option<gix::ObjectId> {
        if !(7..=64).contains(&listed.len()) || !listed.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let id = match gix::ObjectId::from_hex(listed.as_bytes()) {
            Ok(full) => full,
            Err(_) => {
                let prefix = gix::hash::Prefix::from_hex(listed).ok()?;
                self.repo.objects.lookup_prefix(prefix, None).ok()??.ok()?
            }
        };
        let header = self.repo.find_header(id).ok()?;
        (header.kind() == gix::object::Kind::Commit).then_some(id)
    }

    /// A git config string (after `git -c` overrides), e.g. `chant.agent`.
    /// A boolean git config value as git reads one (`true`, `yes`, `on`, `1`); `false`
    /// when unset or unreadable.
    pub fn config_bool(&self, key: &str) -> bool {
        self.repo.config_snapshot().boolean(key).unwrap_or(false)
    }

    /// Every value of a multi-valued git config key (`git config --add`), in order.
    pub fn config_strings(&self, key: &str) -> Vec<String> {
        self.repo
            .config_snapshot()
            .strings(key)
            .unwrap_or_default()
            .iter()
            .map(|v| v.to_string())
            .collect()
    }

    pub fn config_string(&self, key: &str) -> Option<String> {
        self.repo
            .config_snapshot()
            .string(key)
            .map(|v| v.to_string())
    }
}

/// A delta-base cache like git's (`core.deltaBaseCacheLimit`, 96 MiB). gix sets none
/// without its `max-performance` feature, and reading every spec of a packed ledger then
/// inflates each delta chain from its base again: ten times slower than `git cat-file`.
pub(crate) fn set_delta_cache(repo: &mut gix::Repository) {
    const BYTES: usize = 96 * 1024 * 1024;
    repo.objects
        .set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(BYTES)));
}

/// Applies `git -c key=value` overrides, which git passes to subcommands in
/// `GIT_CONFIG_PARAMETERS` and gix ignores.
fn apply_config_parameters(repo: &mut gix::Repository) -> Result<(), StoreError> {
    let Ok(raw) = std::env::var("GIT_CONFIG_PARAMETERS") else {
        return Ok(());
    };
    let values = parse_config_parameters(&raw);
    if values.is_empty() {
        return Ok(());
    }
    let mut config = repo.config_snapshot_mut();
    config
        .append_config(values.iter().map(String::as_str), gix::config::Source::Cli)
        .context(|| "applying `git -c` overrides".to_owned())?;
    config
        .commit()
        .context(|| "applying `git -c` overrides".to_owned())?;
    Ok(())
}

/// Parses git's `GIT_CONFIG_PARAMETERS`: shell-single-quoted words, each `'key=value'` or
/// `'key'='value'` (a quote inside is written `'\''`).
fn parse_config_parameters(raw: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let word = current.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' => {
                if let Some(escaped) = chars.next() {
                    current.get_or_insert_with(String::new).push(escaped);
                }
            }
            ' ' | '\t' | '\n' => values.extend(current.take()),
            other => current.get_or_insert_with(String::new).push(other),
        }
    }
    values.extend(current);
    values
}

#[cfg(test)]
mod tests {
    #[test]
    fn config_parameters_in_both_git_styles() {
        let parsed = super::parse_config_parameters(
            r#"'user.name'='A B' 'core.x=1' 'user.email'='it'\''s@x'"#,
        );
        assert_eq!(
            parsed,
            vec!["user.name=A B", "core.x=1", "user.email=it's@x"]
        );
    }
}
