//! Command-line arguments (clap types only).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Provision one AWS database stack (RDS, RDS Proxy, ElastiCache Redis, CloudWatch alarms)
/// declaratively from a YAML file.
#[derive(Debug, Parser)]
#[command(name = "stackctl", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a stack file without calling AWS: every problem at once, with line and column.
    Validate {
        /// The stack file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Show what apply would change in AWS, and what each change costs.
    Plan {
        /// The stack file.
        file: PathBuf,
        /// Print the plan as JSON (format documented in the README); the same as `--format json`.
        #[arg(long)]
        json: bool,
        /// `text` for people, `json` for tools, `markdown` for a pull-request comment.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Save the plan for `stackctl apply PLANFILE`.
        #[arg(long, value_name = "PLANFILE")]
        out: Option<PathBuf>,
        /// Exit 0 when there are no changes, 2 when there are, 1 on error.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Show every attribute, each default with its reason (the text view).
        #[arg(long)]
        verbose: bool,
    },
    /// Make AWS match the stack file (or execute a saved plan).
    Apply {
        /// The stack file, or a plan saved with `plan --out`.
        file: PathBuf,
        /// Apply without asking (required without a terminal).
        #[arg(long)]
        auto_approve: bool,
        /// Allow replacing or deleting resources that hold data or are protected from deletion.
        #[arg(long)]
        allow_destroy: bool,
        /// On failure, keep what was done instead of rolling it back.
        #[arg(long)]
        no_rollback: bool,
        /// Wait up to this many seconds for another run's lock lease to expire.
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        lock_timeout: u64,
        /// Show every attribute of the plan, each default with its reason.
        #[arg(long)]
        verbose: bool,
    },
    /// Undo an apply that failed with --no-rollback or was interrupted, from its journal.
    Rollback {
        /// The stack file.
        file: PathBuf,
        /// Undo without asking (required without a terminal).
        #[arg(long)]
        auto_approve: bool,
        /// Wait up to this many seconds for another run's lock lease to expire.
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        lock_timeout: u64,
    },
    /// Clear the lock of a run that is gone.
    Unlock {
        /// The stack file.
        file: PathBuf,
        /// Confirm that the run holding the lock is gone.
        #[arg(long)]
        force: bool,
    },
    /// Compare AWS with the stack file without changing anything: exit 0 when they match, 2 on
    /// drift, 1 on error.
    Drift {
        /// The stack file.
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Print what applications need to connect (hosts, ports, the ARNs of the secrets with the
    /// credentials, never their values), read from AWS.
    Output {
        /// The stack file.
        file: PathBuf,
        /// `text`, `json`, or `env` (`NAME='value'` lines for a CI step to source).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Delete everything the stack owns, dependents first.
    Destroy {
        /// The stack file.
        file: PathBuf,
        /// Delete without asking (required without a terminal).
        #[arg(long)]
        auto_approve: bool,
        /// Allow deleting resources that hold data or are protected from deletion.
        #[arg(long)]
        allow_destroy: bool,
        /// Do not take final snapshots of the database and Redis before deleting them.
        #[arg(long)]
        skip_final_snapshot: bool,
        /// Wait up to this many seconds for another run's lock lease to expire.
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        lock_timeout: u64,
    },
    /// Print the JSON Schema of the stack file format.
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Env,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
}
