//! A block of ours between marker lines in someone else's text file (`CLAUDE.md`,
//! `AGENTS.md`, `GEMINI.md`, `.codex/config.toml`): added at the end after one blank line,
//! replaced in place, removed with that blank line, every byte outside it kept.

/// The marker lines of one kind of file.
#[derive(Debug, Clone, Copy)]
pub struct Markers {
    pub begin: &'static str,
    pub end: &'static str,
}

/// What is wrong with a file's markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadMarkers {
    /// A begin line without an end line after it, or an end line before any begin line.
    Unclosed,
    /// More than one block.
    Twice,
}

/// Where our block is in `text`: the byte range from the start of the begin line to the
/// end of the end line (its newline included when it has one).
fn find(text: &str, markers: Markers) -> Result<Option<(usize, usize)>, BadMarkers> {
    let mut begin = None;
    let mut found = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == markers.begin {
            if found.is_some() {
                return Err(BadMarkers::Twice);
            }
            if begin.is_some() {
                return Err(BadMarkers::Unclosed);
            }
            begin = Some(at);
        } else if bare == markers.end {
            match begin.take() {
                Some(start) => found = Some((start, at + line.len())),
                None => return Err(BadMarkers::Unclosed),
            }
        }
        at += line.len();
    }
    if begin.is_some() {
        return Err(BadMarkers::Unclosed);
    }
    Ok(found)
}

/// `text` with `block` in it: in place of ours, else appended after one blank line (and
/// the newline a last line without one lacks). `None` is a file that does not exist.
pub fn install(text: Option<&str>, block: &str, markers: Markers) -> Result<String, BadMarkers> {
    let Some(text) = text else {
        return Ok(block.to_owned());
    };
    if let Some((start, end)) = find(text, markers)? {
        return Ok(format!("{}{block}{}", &text[..start], &text[end..]));
    }
    let gap = if text.is_empty() {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Ok(format!("{text}{gap}{block}"))
}

/// `text` without our block and the blank line before it: the bytes it had before
/// [`install`] (a last line that had no newline keeps the one added). `None` when nothing
/// is left, so the file can go.
pub fn uninstall(text: &str, markers: Markers) -> Result<Option<String>, BadMarkers> {
    let Some((start, end)) = find(text, markers)? else {
        return Ok(Some(text.to_owned()));
    };
    let mut before = &text[..start];
    if before.ends_with("\n\n") {
        before = &before[..before.len() - 1];
    }
    let rest = format!("{before}{}", &text[end..]);
    Ok((!rest.is_empty()).then_some(rest))
}

/// Whether `text`, outside our block, defines an MCP server named `server` in TOML (a
/// `[mcp_servers.<server>]` table or one below it, a dotted key) or holds `mcp_servers` as
/// an inline table, which a table of ours after it could not extend: either would make
/// the file invalid once our block is added.
pub fn toml_conflict(text: &str, markers: Markers, server: &str) -> Option<String> {
    let outside = match find(text, markers) {
        Ok(Some((start, end))) => format!("{}{}", &text[..start], &text[end..]),
        _ => text.to_owned(),
    };
    let names = [
        server.to_owned(),
        format!("\"{server}\""),
        format!("'{server}'"),
    ];
    for line in outside.lines() {
        let line: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let defines = names.iter().any(|name| {
            let key = format!("mcp_servers.{name}");
            line.starts_with(&format!("[{key}]"))
                || line.starts_with(&format!("[{key}."))
                || line.starts_with(&format!("{key}="))
                || line.starts_with(&format!("{key}."))
        });
        if defines || line.starts_with("mcp_servers=") {
            return Some(line);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Markers = Markers {
        begin: "<!-- b -->",
        end: "<!-- e -->",
    };
    const BLOCK: &str = "<!-- b -->\nours\n<!-- e -->\n";

    #[test]
    fn a_block_added_and_removed_gives_back_the_bytes() {
        for original in ["# Mine\n\ntext\n", "\n", "x\n\n\n", "a\r\nb\r\n"] {
            let with = install(Some(original), BLOCK, M).unwrap();
            assert!(
                with.starts_with(original) && with.ends_with(BLOCK),
                "{with:?}"
            );
            assert_eq!(install(Some(&with), BLOCK, M).unwrap(), with);
            assert_eq!(uninstall(&with, M).unwrap().as_deref(), Some(original));
        }
        assert_eq!(install(None, BLOCK, M).unwrap(), BLOCK);
        assert_eq!(uninstall(BLOCK, M).unwrap(), None);
        // The one byte that cannot come back: the newline a last line lacked.
        let with = install(Some("no newline"), BLOCK, M).unwrap();
        assert_eq!(with, format!("no newline\n\n{BLOCK}"));
        assert_eq!(
            uninstall(&with, M).unwrap().as_deref(),
            Some("no newline\n")
        );
    }

    #[test]
    fn a_block_is_replaced_in_place_and_text_around_it_stays() {
        let text = "top\n\n<!-- b -->\nold\n<!-- e -->\nbelow\n";
        assert_eq!(
            install(Some(text), BLOCK, M).unwrap(),
            "top\n\n<!-- b -->\nours\n<!-- e -->\nbelow\n"
        );
        assert_eq!(uninstall(text, M).unwrap().as_deref(), Some("top\nbelow\n"));
        assert_eq!(uninstall("mine\n", M).unwrap().as_deref(), Some("mine\n"));
    }

    #[test]
    fn broken_markers_are_refused() {
        assert_eq!(
            install(Some("<!-- b -->\nx\n"), BLOCK, M),
            Err(BadMarkers::Unclosed)
        );
        assert_eq!(uninstall("<!-- e -->\n", M), Err(BadMarkers::Unclosed));
        assert_eq!(
            uninstall(&format!("{BLOCK}{BLOCK}"), M),
            Err(BadMarkers::Twice)
        );
    }

    #[test]
    fn a_chant_server_of_the_users_is_a_conflict() {
        let m = Markers {
            begin: "# b",
            end: "# e",
        };
        for clash in [
            "[mcp_servers.chant]\ncommand = \"x\"\n",
            "[mcp_servers.\"chant\".env]\nA = \"1\"\n",
            "mcp_servers.chant.command = \"x\"\n",
            "mcp_servers = { other = { command = \"y\" } }\n",
        ] {
            assert!(toml_conflict(clash, m, "chant").is_some(), "{clash}");
        }
        for fine in [
            "[mcp_servers.chanticleer]\n",
            "[mcp_servers.other]\ncommand = \"chant\"\n",
            "# b\n[mcp_servers.chant]\n# e\n",
        ] {
            assert_eq!(toml_conflict(fine, m, "chant"), None, "{fine}");
        }
    }
}
