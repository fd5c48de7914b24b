//! Where each entry of a pushed tree may be: the ledger's layout (`FORMAT`, `config.md`,
//! `prompts/`, `templates/`, `specs/<hh>/<id>.md`, `archive/<hh>/<id>.md`) and git's notes fanout, entry
//! by entry from its name and mode alone, and why an entry does not fit.

use super::report::Rule;
use crate::spec::id;
use crate::store::paths::shard;

/// What a file of a checked tree is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Format,
    Config,
    Prompt,
    /// A spec template, `templates/<name>.md`, with its name.
    Template(String),
    Spec {
        id: String,
        archived: bool,
    },
    /// A note on the object with this 40-hex id.
    Note(String),
}

/// Where a tree sits in its layout, which decides what it may hold.
#[derive(Debug, Clone)]
pub(crate) enum Level {
    LedgerRoot,
    Prompts,
    Extensions,
    Templates,
    Shards {
        archived: bool,
    },
    Shard {
        archived: bool,
        hh: String,
    },
    /// A notes tree whose path so far spells this hex prefix.
    Notes(String),
}

pub(crate) const BLOB: u16 = 0o100644;
pub(crate) const TREE: u16 = 0o040000;

pub(crate) enum Place {
    Tree(Level),
    File(Item),
}

/// Why an entry does not fit where it is.
pub(crate) enum Misfit {
    Name,
    Mode(u16),
    NotHere,
    Id(String),
    Shard(String),
}

impl Misfit {
    pub(crate) fn rule(&self) -> Rule {
        match self {
            Misfit::Name => Rule::Name,
            Misfit::Mode(_) => Rule::Mode,
            Misfit::NotHere | Misfit::Shard(_) => Rule::Path,
            Misfit::Id(_) => Rule::Id,
        }
    }

    pub(crate) fn message(&self, path: &str, notes: bool) -> String {
        match self {
            Misfit::Name => format!("`{path}` is not a name git chant accepts (empty, `.`, `..`, a slash or a control character)"),
            Misfit::Mode(mode) => format!("{path} is {}; the ledger and notes hold only regular files (100644) and folders", describe(*mode)),
            Misfit::NotHere if notes => format!("{path} does not belong in a notes tree (only notes, in git's fanout)"),
            Misfit::NotHere => format!("{path} does not belong in the ledger"),
            Misfit::Id(why) => format!("{path}: {why}"),
            Misfit::Shard(expected) => format!("{path} is not in its shard ({expected})"),
        }
    }
}

fn describe(mode: u16) -> String {
    match mode {
        0o120000 => "a symlink (120000)".into(),
        0o160000 => "a gitlink (160000)".into(),
        0o100755 => "an executable (100755)".into(),
        TREE => "a folder".into(),
        BLOB => "a file".into(),
        other => format!("mode {other:o}"),
    }
}

/// Where an entry named `name` with `mode` goes under a tree at `level`.
pub(crate) fn place(level: &Level, name: &str, mode: u16) -> Result<Place, Misfit> {
    if name.is_empty()
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(Misfit::Name);
    }
    let want = |kind: u16, place: Place| {
        if mode == kind {
            Ok(place)
        } else if mode == TREE || mode == BLOB {
            Err(Misfit::NotHere)
        } else {
            Err(Misfit::Mode(mode))
        }
    };
    let tree = |level| want(TREE, Place::Tree(level));
    let file = |item| want(BLOB, Place::File(item));
    match level {
        Level::LedgerRoot => match name {
            "FORMAT" => file(Item::Format),
            "config.md" => file(Item::Config),
            "prompts" => tree(Level::Prompts),
            "templates" => tree(Level::Templates),
            "specs" => tree(Level::Shards { archived: false }),
            "archive" => tree(Level::Shards { archived: true }),
            _ => Err(not_here(mode)),
        },
        Level::Prompts if name == "extensions" => tree(Level::Extensions),
        Level::Prompts | Level::Extensions => match name.strip_suffix(".md") {
            Some(stem) if crate::store::paths::is_prompt_name(stem) => file(Item::Prompt),
            _ => Err(not_here(mode)),
        },
        // Flat, and the names prompts may have: a template's name forms a path.
        Level::Templates => match name.strip_suffix(".md") {
            Some(stem) if crate::store::paths::is_prompt_name(stem) => {
                file(Item::Template(stem.to_owned()))
            }
            _ => Err(not_here(mode)),
        },
        Level::Shards { archived } => {
            if is_hex(name) && name.len() == 2 {
                tree(Level::Shard {
                    archived: *archived,
                    hh: name.to_owned(),
                })
            } else {
                Err(not_here(mode))
            }
        }
        Level::Shard { archived, hh } => {
            let Some(spec) = name.strip_suffix(".md") else {
                return Err(not_here(mode));
            };
            if mode != BLOB {
                return Err(not_here(mode));
            }
            id::validate(spec).map_err(|e| Misfit::Id(e.to_string()))?;
            if shard(spec) != *hh {
                return Err(Misfit::Shard(crate::store::paths::spec_path(
                    spec, *archived,
                )));
            }
            file(Item::Spec {
                id: spec.to_owned(),
                archived: *archived,
            })
        }
        Level::Notes(prefix) => {
            let total = prefix.len() + name.len();
            if !is_hex(name) {
                Err(not_here(mode))
            } else if mode == TREE && name.len() == 2 && total < 40 {
                Ok(Place::Tree(Level::Notes(format!("{prefix}{name}"))))
            } else if total == 40 {
                file(Item::Note(format!("{prefix}{name}")))
            } else {
                Err(not_here(mode))
            }
        }
    }
}

/// An odd mode is named as such even where the name is wrong too.
fn not_here(mode: u16) -> Misfit {
    if mode == TREE || mode == BLOB {
        Misfit::NotHere
    } else {
        Misfit::Mode(mode)
    }
}

/// Lowercase hex, as git writes object ids.
fn is_hex(name: &str) -> bool {
    name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// git's tree order: names compared as bytes, a folder as if it ended in `/`.
pub(crate) fn order_key(name: &str, mode: u16) -> Vec<u8> {
    let mut key = name.as_bytes().to_vec();
    if mode == TREE {
        key.push(b'/');
    }
    key
}

pub(crate) fn spec_of(level: &Level, name: &str) -> Option<String> {
    match level {
        Level::Shard { .. } => name.strip_suffix(".md").map(str::to_owned),
        _ => None,
    }
}

pub(crate) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_fit_the_layout_or_say_why() {
        let root = Level::LedgerRoot;
        assert!(matches!(
            place(&root, "FORMAT", BLOB),
            Ok(Place::File(Item::Format))
        ));
        assert!(matches!(
            place(&root, "FORMAT", 0o120000),
            Err(Misfit::Mode(_))
        ));
        assert!(matches!(
            place(&root, "config.md", 0o160000),
            Err(Misfit::Mode(_))
        ));
        assert!(matches!(place(&root, "..", TREE), Err(Misfit::Name)));
        assert!(matches!(
            place(&root, "notes.txt", BLOB),
            Err(Misfit::NotHere)
        ));
        let prompts = Level::Prompts;
        assert!(matches!(
            place(&prompts, "standard.md", TREE),
            Err(Misfit::NotHere)
        ));
        assert!(matches!(
            place(&prompts, "x/../../evil.md", BLOB),
            Err(Misfit::Name)
        ));
        assert!(matches!(
            place(&prompts, "..md", BLOB),
            Err(Misfit::NotHere)
        ));
        assert!(matches!(
            place(&prompts, "standard.md", 0o100755),
            Err(Misfit::Mode(_))
        ));
        let templates = Level::Templates;
        assert!(matches!(
            place(&root, "templates", TREE),
            Ok(Place::Tree(Level::Templates))
        ));
        assert!(matches!(
            place(&templates, "feature.md", BLOB),
            Ok(Place::File(Item::Template(_)))
        ));
        assert!(matches!(
            place(&templates, "extensions", TREE),
            Err(Misfit::NotHere)
        ));
        assert!(matches!(
            place(&templates, ".hidden.md", BLOB),
            Err(Misfit::NotHere)
        ));
        let hh = shard("003-root-cause");
        let in_shard = Level::Shard {
            archived: false,
            hh,
        };
        assert!(matches!(
            place(&in_shard, "003-root-cause.md", BLOB),
            Ok(Place::File(_))
        ));
        assert!(matches!(
            place(&in_shard, "003-root-cause.md", TREE),
            Err(Misfit::NotHere)
        ));
        let notes = Level::Notes("ab".into());
        assert!(matches!(
            place(&notes, &"c".repeat(38), BLOB),
            Ok(Place::File(_))
        ));
        assert!(matches!(place(&notes, "cd", TREE), Ok(Place::Tree(_))));
        assert!(matches!(place(&notes, "junk", BLOB), Err(Misfit::NotHere)));
    }

    #[test]
    fn git_order_puts_folders_after_their_dotted_twins() {
        assert!(order_key("a.md", BLOB) < order_key("a", TREE));
        assert!(order_key("a", BLOB) < order_key("a.md", BLOB));
    }
}
