//! stackctl: provision one AWS database stack declaratively.

#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use stackctl::cli::{Cli, Command, ReportFormat};
use stackctl::exit::Outcome;
use stackctl::{commands, exit, render};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    let result = match cli.command {
        Command::Validate {
            file,
            format,
            deny_warnings,
        } => commands::validate::run(&file, format, deny_warnings),
        Command::Schema => commands::schema::run(),
        command => run_async(command),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            stackctl::errln!("error: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// A command line clap could not parse is an error like any other: exit 1, not clap's 2, which
/// the README gives to "changes present" and "drift". `--help` and `--version` print to stdout
/// and exit 0. A closed stdout or stderr is ignored.
fn usage(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    if e.use_stderr() {
        ExitCode::from(exit::ERROR)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs an AWS command on a thread with a large stack: an apply's futures nest deeply (a
/// step inside the executor inside the lock), and debug builds keep them on the stack.
fn run_async(command: Command) -> anyhow::Result<Outcome> {
    std::thread::Builder::new()
        .name("stackctl".into())
        .stack_size(STACK)
        .spawn(move || run_on_runtime(command))?
        .join()
        .map_err(|_| anyhow::anyhow!("stackctl's worker thread ended abnormally"))?
}

const STACK: usize = 64 << 20;

fn run_on_runtime(command: Command) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(STACK)
        .build()?;
    runtime.block_on(async move {
        match command {
            Command::Plan {
                file,
                json,
                format,
                out,
                detailed_exitcode,
                verbose,
            } => {
                let format = if json { ReportFormat::Json } else { format };
                let detail = render::plan::Detail::of(verbose);
                commands::plan::run(&file, format, out.as_deref(), detailed_exitcode, detail).await
            }
            Command::Apply {
                file,
                auto_approve,
                allow_destroy,
                no_rollback,
                lock_timeout,
                verbose,
            } => {
                let opts = commands::apply::Options {
                    auto_approve,
                    allow_destroy,
                    no_rollback,
                    final_snapshot: true,
                    detail: render::plan::Detail::of(verbose),
                    lock_timeout: Duration::from_secs(lock_timeout),
                };
                commands::apply::run(&file, opts).await
            }
            Command::Rollback {
                file,
                auto_approve,
                lock_timeout,
            } => {
                commands::rollback::run(&file, auto_approve, Duration::from_secs(lock_timeout))
                    .await
            }
            Command::Unlock { file, force } => commands::unlock::run(&file, force).await,
            Command::Drift { file, format } => commands::drift::run(&file, format).await,
            Command::Output { file, format } => commands::output::run(&file, format).await,
            Command::Destroy {
                file,
                auto_approve,
                allow_destroy,
                skip_final_snapshot,
                lock_timeout,
            } => {
                let opts = commands::apply::Options {
                    auto_approve,
                    allow_destroy,
                    no_rollback: true,
                    final_snapshot: !skip_final_snapshot,
                    detail: render::plan::Detail::Compact,
                    lock_timeout: Duration::from_secs(lock_timeout),
                };
                commands::destroy::run(&file, opts).await
            }
            other @ (Command::Validate { .. } | Command::Schema) => {
                anyhow::bail!("{other:?} does not call AWS and runs without a runtime")
            }
        }
    })
}
