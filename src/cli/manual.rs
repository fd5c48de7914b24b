//! `git chant install-man-pages` and `git chant completions`: the man pages (one per
//! command, so `git chant --help`, which git turns into `man git-chant`, finds one) and
//! shell completions, both generated from the clap definitions so they never drift.

use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory, ValueEnum};

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;

/// Install the man pages (`git-chant.1`, `git-chant-list.1`, …) where man finds them.
///
/// Writes one man page per command into DIR/man1 (created if need be), then says whether
/// `man` searches DIR and, if not, how to make it. git runs `man git-chant` for
/// `git chant --help`, and `man git-chant-<command>` for `git help chant-<command>`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant install-man-pages                       into ~/.local/share/man/man1\n  git chant install-man-pages ~/.cargo/share/man    found by man when ~/.cargo/bin is on PATH\n  sudo git chant install-man-pages /usr/local/share/man"
)]
pub struct InstallManPagesArgs {
    /// The man directory (pages go in DIR/man1); default: $XDG_DATA_HOME/man, else
    /// ~/.local/share/man.
    dir: Option<PathBuf>,
}

/// Print a shell completion script for `git chant` and `git-chant`.
///
/// For bash the script also defines `_git_chant`, which git's own bash completion calls for
/// `git chant <TAB>`; zsh's git completion calls the `_git-chant` the zsh script defines.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant completions bash > ~/.local/share/bash-completion/completions/git-chant\n  git chant completions zsh > ~/.zfunc/_git-chant     (with fpath+=~/.zfunc before compinit)\n  git chant completions fish > ~/.config/fish/completions/git-chant.fish"
)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

pub fn install_man_pages(ctx: &Ctx, args: InstallManPagesArgs) -> Result<Exit, Error> {
    let Some(dir) = args.dir.or_else(default_man_dir) else {
        // Without HOME there is no default: the same as a missing argument (exit 2).
        super::Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "HOME is not set, so there is no default: name the directory, e.g. `git chant install-man-pages /usr/local/share/man`",
            )
            .exit()
    };
    let pages = dir.join("man1");
    let written = write_pages(&pages).map_err(|source| Error::Write {
        path: pages.clone(),
        source,
    })?;
    ctx.ui.line(&format!(
        "wrote {} man pages to {}",
        written.len(),
        pages.display()
    ))?;
    if !on_manpath(&dir) {
        ctx.ui.line(&format!(
            "man does not search {0} yet; add it, keeping the default places (the trailing colon):\n  export MANPATH=\"{0}:$MANPATH\"\nor in bash/zsh startup files: export MANPATH=\"{0}:\"",
            dir.display()
        ))?;
    }
    Ok(Exit::Ok)
}

pub fn completions(ctx: &Ctx, args: CompletionsArgs) -> Result<Exit, Error> {
    let mut cmd = super::Cli::command();
    let script = match args.shell {
        Shell::Bash => bash(&mut cmd),
        Shell::Zsh => generated(clap_complete::Shell::Zsh, &mut cmd, "git-chant"),
        Shell::Fish => generated(clap_complete::Shell::Fish, &mut cmd, "git-chant"),
    };
    ctx.ui.raw(script.as_bytes())?;
    Ok(Exit::Ok)
}

fn generated(shell: clap_complete::Shell, cmd: &mut clap::Command, bin: &str) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, cmd, bin, &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// The bash script: generated for a one-word name (clap_complete's bash script names a
/// hyphenated command's subcommand cases and their handlers differently, so none of them
/// would complete), registered for `git-chant`, plus the hook git's completion calls.
fn bash(cmd: &mut clap::Command) -> String {
    let script = generated(clap_complete::Shell::Bash, cmd, "gitchant");
    let script = script.replace("-o default gitchant\n", "-o default git-chant\n");
    script + BASH_GIT_BRIDGE
}

/// git's bash completion completes `git chant …` by calling `_git_chant`: hand it to the
/// generated `_gitchant` with the words after `chant` (git's `__git_cmd_idx` is where the
/// command word is, after options such as `-C dir`).
const BASH_GIT_BRIDGE: &str = r#"
# `git chant <TAB>` through git's own bash completion.
_git_chant() {
    local idx=${__git_cmd_idx:-1}
    local -a words=(git-chant "${COMP_WORDS[@]:$((idx + 1))}")
    local cword=$((COMP_CWORD - idx))
    local -a COMP_WORDS=("${words[@]}")
    local COMP_CWORD=$cword
    _gitchant git-chant "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}
"#;

/// Renders every visible command's page into `dir`; returns the files written.
fn write_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut cmd = super::Cli::command().disable_help_subcommand(true);
    // Building names the subcommands `git-chant-<name>` (the page names) and `git chant
    // <name>` (the synopsis).
    cmd.build();
    let mut written = Vec::new();
    let mut todo = vec![cmd];
    while let Some(cmd) = todo.pop() {
        todo.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        let man = clap_mangen::Man::new(cmd.clone())
            .source(concat!("git-chant ", env!("CARGO_PKG_VERSION")))
            .manual("git chant manual");
        let path = dir.join(man.get_filename());
        std::fs::write(&path, page(&man, &cmd)?)?;
        written.push(path);
    }
    written.sort();
    Ok(written)
}

/// One page: clap_mangen's sections, with the `after_help` examples as an EXAMPLES
/// section kept line for line (clap_mangen would reflow them into one paragraph).
fn page(man: &clap_mangen::Man, cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out)?;
    }
    if let Some(after) = cmd.get_after_help() {
        let text = after.to_string();
        let text = text.strip_prefix("Examples:\n").unwrap_or(&text);
        out.extend_from_slice(b".SH EXAMPLES\n.nf\n");
        for line in text.lines() {
            out.extend_from_slice(roff_line(line).as_bytes());
            out.push(b'\n');
        }
        out.extend_from_slice(b".fi\n");
    }
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    Ok(out)
}

/// A line of literal text in roff: backslashes and minus signs escaped (so `--json` stays
/// two ASCII hyphens), a leading `.` or `'` kept from reading as a request.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// `$XDG_DATA_HOME/man`, else `~/.local/share/man`: the per-user place man-db searches
/// when `~/.local/bin` is on PATH.
fn default_man_dir() -> Option<PathBuf> {
    let set = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    set("XDG_DATA_HOME")
        .map(|data| data.join("man"))
        .or_else(|| set("HOME").map(|home| home.join(".local/share/man")))
}

/// Whether `man` searches `dir`: in `manpath`'s answer (man-db), else in `$MANPATH`.
fn on_manpath(dir: &Path) -> bool {
    let listed = std::process::Command::new("manpath")
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .or_else(|| std::env::var("MANPATH").ok())
        .unwrap_or_default();
    let want = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    listed.split(':').filter(|p| !p.is_empty()).any(|p| {
        let p = Path::new(p);
        p.canonicalize().unwrap_or_else(|_| p.to_owned()) == want
    })
}
