//! Writing the repository's own git config (`init` sets the notes settings), with git's
//! lock protocol: write `config.lock` exclusively, then rename it over `config`.

use std::io::Write;

use super::paths::{NOTES_REF, OUTPUT_REF};
use super::{Store, StoreError};

fn io(context: &str) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        context: context.to_owned(),
        source,
    }
}

impl Store {
    /// Sets `notes.displayRef=refs/notes/chant` (so `git log` shows status events) and
    /// `notes.rewriteRef` for both notes refs (so amend and rebase carry notes), adding
    /// only the values that are missing. Returns whether the config changed.
    ///
    /// The rewrite refs are written as one-match globs (`refs/notes/chan[t]`): git warns
    /// "notes ref … is invalid" on every amend and rebase while a plain `rewriteRef` names
    /// a ref that does not exist yet (`refs/notes/chant-output` until the first
    /// transcript), and says nothing for a glob that matches nothing. The plain values
    /// earlier versions wrote are replaced.
    pub fn ensure_notes_config(&self) -> Result<bool, StoreError> {
        let wanted = notes_wanted();
        let wanted: Vec<(&str, &str)> = wanted.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.ensure_config_values("notes", None, &wanted, NOTES_RETIRED)
    }

    /// What `ensure_notes_config` would change, as `notes.<key>=<value>` to add or
    /// `notes.<key>=<value> (to remove)`; empty when the notes config is as it sets it.
    pub fn notes_config_changes(&self) -> Vec<String> {
        let config = self.repo.config_snapshot();
        let has = |key: &str, value: &str| {
            config
                .strings(format!("notes.{key}").as_str())
                .unwrap_or_default()
                .iter()
                .any(|v| v == value.as_bytes())
        };
        let missing = notes_wanted()
            .into_iter()
            .filter(|(k, v)| !has(k, v))
            .map(|(k, v)| format!("notes.{k}={v}"));
        let retired = NOTES_RETIRED
            .iter()
            .filter(|(k, v)| has(k, v))
            .map(|(k, v)| format!("notes.{k}={v} (to remove)"));
        missing.chain(retired).collect()
    }

    /// Sets `receive.fsckObjects=true` on a server: git then refuses malformed objects
    /// (`..` names, duplicate entries) itself. Defence in depth: the validator checks the
    /// same and more without relying on it.
    pub fn ensure_server_config(&self) -> Result<bool, StoreError> {
        self.ensure_config_values("receive", None, &[("fsckObjects", "true")], &[])
    }

    /// Refuses a remote name this repository does not configure (`remote.<name>.url`),
    /// listing the ones it does.
    pub fn check_remote(&self, remote: &str) -> Result<(), StoreError> {
        if self
            .config_string(&format!("remote.{remote}.url"))
            .is_some()
        {
            return Ok(());
        }
        let known = self
            .repo
            .remote_names()
            .into_iter()
            .map(|name| name.to_string())
            .filter(|name| self.config_string(&format!("remote.{name}.url")).is_some())
            .collect();
        Err(StoreError::UnknownRemote {
            remote: remote.to_owned(),
            known,
        })
    }

    /// Adds `remote.<name>.fetch` refspecs that bring the remote's ledger and notes into
    /// remote-tracking refs, so a plain `git fetch` keeps them current and never overwrites
    /// local notes.
    pub fn ensure_remote_fetch(&self, remote: &str) -> Result<bool, StoreError> {
        let specs = super::git_cli::fetch_refspecs(remote);
        self.ensure_config_values(
            "remote",
            Some(remote),
            &[("fetch", &specs[0]), ("fetch", &specs[1])],
            &[],
        )
    }

    /// Adds each `key = value` to `[section "subsection"]` of the repository's config unless
    /// that exact value is already there, and removes the `retired` values. Returns whether
    /// the file changed.
    fn ensure_config_values(
        &self,
        section: &str,
        subsection: Option<&str>,
        wanted: &[(&str, &str)],
        retired: &[(&str, &str)],
    ) -> Result<bool, StoreError> {
        let path = self.repo.common_dir().join("config");
        let mut file =
            gix::config::File::from_path_no_includes(path.clone(), gix::config::Source::Local)
                .map_err(|e| StoreError::Corrupt {
                    what: format!("{} does not parse: {e}", path.display()),
                })?;
        let prefix = match subsection {
            Some(sub) => format!("{section}.{sub}"),
            None => section.to_owned(),
        };
        let missing: Vec<_> = wanted
            .iter()
            .filter(|(key, value)| {
                let present = file
                    .strings(format!("{prefix}.{key}").as_str())
                    .unwrap_or_default();
                !present.iter().any(|v| v == value.as_bytes())
            })
            .collect();
        let mut removed = false;
        for (key, value) in retired {
            let Ok(mut values) = file.raw_values_mut(format!("{prefix}.{key}").as_str()) else {
                continue;
            };
            let present = values.get().unwrap_or_default();
            for at in (0..present.len()).rev() {
                if present[at] == value.as_bytes() {
                    values.delete(at);
                    removed = true;
                }
            }
        }
        if missing.is_empty() && !removed {
            return Ok(false);
        }
        if !missing.is_empty() {
            let mut entries = file
                .section_mut_or_create_new(section, subsection.map(Into::into))
                .map_err(|e| StoreError::Corrupt {
                    what: format!("cannot add [{prefix}] to the git config: {e}"),
                })?;
            for (key, value) in missing {
                entries
                    .push(*key, Some((*value).into()))
                    .map_err(|e| StoreError::Corrupt {
                        what: format!("cannot set {prefix}.{key}: {e}"),
                    })?;
            }
        }
        let mut bytes = Vec::new();
        file.write_to(&mut bytes)
            .map_err(io("rendering the git config"))?;
        if !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        let lock = path.with_extension("lock");
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock)
            .map_err(io("locking the git config (is another git running?)"))?;
        let written = out.write_all(&bytes).and_then(|_| out.sync_all());
        if let Err(e) = written.and_then(|_| std::fs::rename(&lock, &path)) {
            let _ = std::fs::remove_file(&lock);
            return Err(io("writing the git config")(e));
        }
        Ok(true)
    }
}

/// A glob matching exactly `name` (its last character as a one-character class).
fn rewrite_glob(name: &str) -> String {
    match name.char_indices().last() {
        Some((at, c)) => format!("{}[{c}]", &name[..at]),
        None => String::new(),
    }
}

/// The notes settings `init` makes (see `ensure_notes_config`).
fn notes_wanted() -> [(&'static str, String); 3] {
    [
        ("displayRef", NOTES_REF.to_owned()),
        ("rewriteRef", rewrite_glob(NOTES_REF)),
        ("rewriteRef", rewrite_glob(OUTPUT_REF)),
    ]
}

/// The plain rewrite refs earlier versions wrote, which make git warn.
const NOTES_RETIRED: &[(&str, &str)] = &[("rewriteRef", NOTES_REF), ("rewriteRef", OUTPUT_REF)];
