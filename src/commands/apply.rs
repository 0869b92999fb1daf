//! `stackctl apply FILE|PLANFILE`: plan (or load a saved plan), confirm, execute, report.

use std::path::Path;

use anyhow::{Context, bail};

use super::common::{confirm, load_spec, make_plan, observe};
use crate::apply::execute;
use crate::aws::Clients;
use crate::aws::read::ReadResult;
use crate::exit::Outcome;
use crate::plan::Plan;
use crate::render::{plan as render_plan, progress, style::Style};

fn is_plan_file(path: &Path) -> anyhow::Result<bool> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text.trim_start().starts_with('{'))
}

pub async fn run(file: &Path, auto_approve: bool) -> anyhow::Result<Outcome> {
    let (plan, clients, read) = if is_plan_file(file)? {
        let text = std::fs::read_to_string(file)?;
        let saved: Plan = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a stackctl plan file", file.display()))?;
        if saved.format_version != crate::plan::FORMAT_VERSION {
            bail!(
                "{} has plan format {}; this stackctl reads format {}",
                file.display(),
                saved.format_version,
                crate::plan::FORMAT_VERSION
            );
        }
        let Some(stack) = saved.spec.clone() else {
            bail!("{} does not record its stack spec", file.display());
        };
        let (clients, read) = observe(&stack).await?;
        let fingerprint = read.observed.fingerprint();
        if fingerprint != saved.observed_fingerprint {
            bail!(
                "the stack changed in AWS since this plan was made (fingerprint {} then, {} now): plan again",
                saved.observed_fingerprint,
                fingerprint
            );
        }
        (saved, clients, read)
    } else {
        let Some(stack) = load_spec(file)? else {
            return Ok(Outcome::Invalid);
        };
        let (clients, read) = observe(&stack).await?;
        (make_plan(&stack, &read)?, clients, read)
    };
    apply_plan(&plan, &clients, &read, auto_approve, true).await
}

/// Shows, confirms and executes a plan; shared with destroy.
pub async fn apply_plan(
    plan: &Plan,
    clients: &Clients,
    read: &ReadResult,
    auto_approve: bool,
    final_snapshot: bool,
) -> anyhow::Result<Outcome> {
    print!("{}", render_plan::render(plan, &Style::for_stdout()));
    if plan.is_empty() {
        return Ok(Outcome::Success);
    }
    if !confirm("\nApply these changes?", auto_approve)? {
        eprintln!("Apply cancelled; nothing was changed.");
        return Ok(Outcome::Invalid);
    }
    let reporter = progress::Reporter::new();
    let started = std::time::Instant::now();
    let on_event = |e: crate::apply::Event| reporter.event(&e);
    let run = execute(plan, &read.observed, clients, final_snapshot, &on_event);
    tokio::pin!(run);
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(1));
    let report = loop {
        tokio::select! {
            report = &mut run => break report,
            _ = ticker.tick() => reporter.tick(started.elapsed()),
        }
    };
    reporter.finish();
    if std::env::var_os("STACKCTL_REPORT_CALLS").is_some() {
        eprintln!(
            "{}, dependency depth: {}",
            clients.recorder.summary(),
            plan.depth()
        );
    }
    if report.succeeded() {
        eprintln!(
            "Apply complete: {} step{} in stack {}.",
            report.done.len(),
            if report.done.len() == 1 { "" } else { "s" },
            plan.stack
        );
        Ok(Outcome::Success)
    } else {
        for (id, e) in &report.failed {
            eprintln!("error: step {id} ({}) failed: {e}", plan.steps[*id].address);
        }
        eprintln!(
            "Apply failed: {} done, {} failed, {} not started. Run `stackctl plan` to see what is left.",
            report.done.len(),
            report.failed.len(),
            report.not_started.len()
        );
        Ok(Outcome::Invalid)
    }
}
