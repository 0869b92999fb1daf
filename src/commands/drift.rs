//! `stackctl drift FILE`: compare live AWS with the spec, change nothing. Exit 0 when they
//! match, 2 on drift, 1 on error.

use std::path::Path;

use super::common::{load_spec, make_plan, observe};
use crate::cli::ReportFormat;
use crate::exit::Outcome;
use crate::render::drift;

pub async fn run(file: &Path, format: ReportFormat) -> anyhow::Result<Outcome> {
    let Some(stack) = load_spec(file)? else {
        return Ok(Outcome::Invalid);
    };
    let (_, read) = observe(&stack).await?;
    let plan = make_plan(&stack, &read)?;
    match format {
        ReportFormat::Text => crate::out!("{}", drift::text(&plan)),
        ReportFormat::Markdown => crate::out!("{}", drift::markdown(&plan)),
        ReportFormat::Json => {
            crate::outln!("{}", serde_json::to_string_pretty(&drift::json(&plan))?)
        }
    }
    Ok(if plan.is_empty() {
        Outcome::Success
    } else {
        Outcome::Changes
    })
}
