//! `stackctl output FILE`: what applications need to connect to the stack, read from AWS.

use std::path::Path;

use super::common::{load_spec, observe};
use crate::cli::OutputFormat;
use crate::exit::Outcome;
use crate::render::outputs;

pub async fn run(file: &Path, format: OutputFormat) -> anyhow::Result<Outcome> {
    let Some(stack) = load_spec(file)? else {
        return Ok(Outcome::Invalid);
    };
    let (_, read) = observe(&stack).await?;
    let found = match outputs::outputs(&stack, &read.observed) {
        Ok(found) => found,
        Err(why) => {
            crate::errln!("error: {why}");
            return Ok(Outcome::Invalid);
        }
    };
    match format {
        OutputFormat::Text => crate::out!("{}", outputs::text(&found)),
        OutputFormat::Env => crate::out!("{}", outputs::env(&found)),
        OutputFormat::Json => {
            crate::outln!("{}", serde_json::to_string_pretty(&outputs::json(&found))?)
        }
    }
    Ok(Outcome::Success)
}
