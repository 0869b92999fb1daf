//! stackctl: provision one AWS database stack declaratively.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use stackctl::cli::{Cli, Command};
use stackctl::exit::Outcome;
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
        command => run_async(command),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// The stack of the thread that drives the commands calling AWS. An apply polls every running
/// step's future (one per resource kind and operation, each holding the SDK's call futures)
/// from this thread; in a debug build those frames outgrew the 8 MiB main thread and aborted
/// with a stack overflow (a lost CreateDBInstance response, tests/emulator_races.rs).
const ASYNC_STACK_BYTES: usize = 64 << 20;

fn run_async(command: Command) -> anyhow::Result<Outcome> {
    let runner = std::thread::Builder::new()
        .name("stackctl".into())
        .stack_size(ASYNC_STACK_BYTES)
        .spawn(move || run_on_runtime(command))?;
    match runner.join() {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn run_on_runtime(command: Command) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match command {
            Command::Plan {
                file,
                json,
                out,
                detailed_exitcode,
            } => commands::plan::run(&file, json, out.as_deref(), detailed_exitcode).await,
            Command::Apply {
                file,
                auto_approve,
                allow_destroy,
                no_rollback,
                lock_timeout,
            } => {
                let opts = commands::apply::Options {
                    auto_approve,
                    allow_destroy,
                    no_rollback,
                    final_snapshot: true,
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
