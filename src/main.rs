//! The `git-chant` binary: parse the command line, run the command, map the outcome to an
//! exit code from `git_chant::exit`.

use clap::Parser;
use git_chant::{cli, diag, exit::ExitCode};

fn main() {
    let args = cli::Cli::parse();
    let code = match cli::run(args) {
        Ok(exit) => exit,
        Err(error) => {
            eprint!("{}", diag::render(&error, diag::Style::for_stderr()));
            error.exit()
        }
    };
    std::process::exit(code.code());
}
