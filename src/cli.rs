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
    /// Print the JSON Schema of the stack file format.
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}
