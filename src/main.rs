//! The `git-chant` binary: parse the command line, run the command, map the outcome to an
//! exit code from `git_chant::exit`.

use clap::Parser;
use git_chant::{cli, error, exit, exit::ExitCode};

fn main() {
    let args = cli::Cli::parse();
    let ctx = cli::Ctx::default();
    let code = match cli::run(&ctx, args).and_then(|exit| ctx.ui.flush().map(|()| exit)) {
        Ok(exit) => exit,
        Err(error::Error::ClosedPipe) => exit::Exit::Ok,
        Err(error) => {
            ctx.ui.diagnostic(&error);
            error.exit()
        }
    };
    std::process::exit(code.code());
}
