//! Where things live: ref names, the ledger's tree layout and the shard of an id.

/// The ledger ref.
pub const LEDGER_REF: &str = "refs/chant/specs";
/// Status-event notes on code commits.
pub const NOTES_REF: &str = "refs/notes/chant";
/// Agent transcripts, one note per commit.
pub const OUTPUT_REF: &str = "refs/notes/chant-output";
/// The `FORMAT` file's content for the layout this code reads and writes.
pub const FORMAT: &str = "chant-ledger 1\n";
pub const FORMAT_PATH: &str = "FORMAT";
pub const CONFIG_PATH: &str = "config.md";
pub const LIVE_DIR: &str = "specs";
pub const ARCHIVE_DIR: &str = "archive";

/// The shard of an id: the first byte of the SHA-1 of its UTF-8 bytes, as two lowercase
/// hex digits. Every reader derives a spec's path from its id alone.
pub fn shard(id: &str) -> String {
    format!("{:02x}", shard_number(id))
}

/// The shard of an id as the byte `shard` writes in hex.
pub fn shard_number(id: &str) -> u8 {
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    hasher.update(id.as_bytes());
    match hasher.try_finalize() {
        Ok(digest) => digest.as_bytes()[0],
        // SHA-1 of an in-memory buffer cannot fail; a collision-detection hit still needs a
        // stable answer, so fall back to a fixed shard rather than panic.
        Err(_) => 0,
    }
}

/// A prompt's name (`prompts/<name>.md`): letters, digits, `.`, `-`, `_`, starting with a
/// letter or digit, no `..`, at most 100 bytes: nothing a path could be made of.
pub fn is_prompt_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.contains("..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && name.as_bytes()[0].is_ascii_alphanumeric()
}

/// `specs/<hh>/<id>.md` or `archive/<hh>/<id>.md`.
pub fn spec_path(id: &str, archived: bool) -> String {
    let dir = if archived { ARCHIVE_DIR } else { LIVE_DIR };
    format!("{dir}/{}/{id}.md", shard(id))
}

#[cfg(test)]
mod tests {
    #[test]
    fn shard_is_the_first_sha1_byte_of_the_id() {
        // `printf 003-root-cause | sha1sum` starts with 3cf04282…
        assert_eq!(super::shard("003-root-cause"), "3c");
        assert_eq!(
            super::spec_path("003-root-cause", false),
            "specs/3c/003-root-cause.md"
        );
        assert_eq!(
            super::spec_path("003-root-cause", true),
            "archive/3c/003-root-cause.md"
        );
    }
}
