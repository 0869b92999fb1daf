//! `stackctl plan FILE`: what apply would do, and what it would cost.

use std::path::Path;

use anyhow::Context;

use super::common::{load_spec, make_plan, observe};
use crate::cli::ReportFormat;
use crate::exit::Outcome;
use crate::render::plan::Detail;
use crate::render::{plan as render_plan, plan_markdown, style::Style};

pub async fn run(
    file: &Path,
    format: ReportFormat,
    out: Option<&Path>,
    detailed: bool,
    detail: Detail,
) -> anyhow::Result<Outcome> {
    let Some(stack) = load_spec(file)? else {
        return Ok(Outcome::Invalid);
    };
    let (clients, read) = observe(&stack).await?;
    let plan = make_plan(&stack, &read)?;
    if let Some(path) = std::env::var_os("STACKCTL_DUMP_OBSERVED") {
        // For fixtures: the observed state this plan was made from.
        let dump = serde_json::json!({
            "network": serde_json::to_value(&read.network)?,
            "observed": serde_json::to_value(&read.observed)?,
        });
        std::fs::write(&path, serde_json::to_string_pretty(&dump)?)?;
    }
    match format {
        ReportFormat::Json => crate::outln!("{}", serde_json::to_string_pretty(&plan)?),
        ReportFormat::Markdown => crate::out!("{}", plan_markdown::markdown(&plan)),
        ReportFormat::Text => crate::out!(
            "{}",
            render_plan::render_detailed(&plan, &Style::for_stdout(), detail)
        ),
    }
    if let Some(path) = out {
        std::fs::write(path, serde_json::to_string_pretty(&plan)?)
            .with_context(|| format!("writing the plan to {}", path.display()))?;
        crate::errln!(
            "Saved the plan to {}; apply it with: stackctl apply {}",
            path.display(),
            path.display()
        );
    }
    if std::env::var_os("STACKCTL_REPORT_CALLS").is_some() {
        crate::errln!("{}", clients.recorder.summary());
    }
    Ok(if detailed && !plan.is_empty() {
        Outcome::Changes
    } else {
        Outcome::Success
    })
}
