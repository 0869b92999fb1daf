//! stackctl: provision one AWS database stack declaratively.

use std::process::ExitCode;

use clap::Parser;

use stackctl::cli::{Cli, Command};
use stackctl::{commands, exit};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate {
            file,
            format,
            deny_warnings,
        } => commands::validate::run(&file, format, deny_warnings),
        Command::Schema => commands::schema::run(),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}
