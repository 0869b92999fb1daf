//! `stackctl apply FILE|PLANFILE`: lock the stack, read AWS, plan (or check a saved plan),
//! guard destructive changes, confirm, execute with a journal, roll back on failure.

use std::path::Path;

use anyhow::Context;

use super::common::{confirm, load_spec, make_plan, ticking};
use super::locked::{How, Locked, with_lock};
use super::saved_plan;
use crate::apply::journal::{ApplyState, Journal};
use crate::apply::stored;
use crate::apply::{Control, Event, Journaled, Report, effects, execute, undo};
use crate::aws::write::Ids;
use crate::exit::Outcome;
use crate::model::Kind;
use crate::plan::{Action, Plan};
use crate::render::{out, plan as render_plan, progress, style::Style};

/// How an apply may proceed.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub auto_approve: bool,
    /// Replacing or deleting what holds data or is protected from deletion is allowed.
    pub allow_destroy: bool,
    /// On failure, keep what was done instead of rolling it back.
    pub no_rollback: bool,
    /// Take final snapshots before deleting databases and Redis.
    pub final_snapshot: bool,
    /// How long to wait for another run's lock lease to expire (0: do not wait).
    pub lock_timeout: std::time::Duration,
    /// How much of the plan to show.
    pub detail: crate::render::plan::Detail,
}

pub async fn run(file: &Path, opts: Options) -> anyhow::Result<Outcome> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (saved, stack) = if saved_plan::is_plan(&text) {
        let (p, s) = saved_plan::read(file, &text)?;
        (Some(p), s)
    } else {
        match load_spec(file)? {
            Some(s) => (None, s),
            None => return Ok(Outcome::Invalid),
        }
    };
    let spec = &stack;
    let how = How {
        operation: "apply",
        file,
        lock_timeout: opts.lock_timeout,
    };
    with_lock(spec, how, |locked| async move {
        let plan = make_plan(spec, &locked.read)?;
        if let Some(saved) = &saved {
            saved_plan::check(saved, &plan)?;
        }
        apply_plan(&plan, &locked, opts).await
    })
    .await
}

/// Changes that replace or delete what holds data or refuses deletion.
fn destructive(plan: &Plan, locked: &Locked) -> Vec<String> {
    plan.changes
        .iter()
        .filter(|c| matches!(c.action, Action::Replace | Action::Delete))
        .filter(|c| {
            c.stateful
                || locked
                    .read
                    .observed
                    .get(&c.address)
                    .is_some_and(|o| o.resource.bool("deletion_protection"))
        })
        .map(|c| format!("{} ({})", c.address, c.impact.label()))
        .collect()
}

/// Shows, guards, confirms and executes a plan under the stack's lock; shared with destroy.
pub async fn apply_plan(plan: &Plan, locked: &Locked, opts: Options) -> anyhow::Result<Outcome> {
    out::print(&render_plan::render_detailed(
        plan,
        &Style::for_stdout(),
        opts.detail,
    ));
    if plan.is_empty() {
        if locked.resumed.is_some() {
            stored::clear(&locked.clients, &plan.stack).await?;
            crate::errln!("The interrupted apply had finished its work: nothing left to do.");
        }
        return Ok(Outcome::Success);
    }
    let guarded = destructive(plan, locked);
    if !guarded.is_empty() && !opts.allow_destroy {
        crate::errln!(
            "error: this plan replaces or deletes resources that hold data or are protected from deletion:"
        );
        for g in &guarded {
            crate::errln!("  - {g}");
        }
        crate::errln!(
            "hint: re-run with --allow-destroy if that is what you want; nothing was changed"
        );
        return Ok(Outcome::Invalid);
    }
    if !confirm("\nApply these changes?", opts.auto_approve, &locked.stop).await? {
        match locked.stop.reason() {
            Some(_) => crate::errln!("Stopped before applying: nothing was changed."),
            None => crate::errln!("Apply cancelled; nothing was changed."),
        }
        return Ok(Outcome::Invalid);
    }

    let clients = &locked.clients;
    if let Some(taken) = alarms_taken_since(plan, clients).await? {
        crate::errln!(
            "error: alarms of these names appeared in AWS since the plan was made, and PutMetricAlarm would overwrite them: {}",
            taken.join(", ")
        );
        crate::errln!("Nothing was changed; plan again.");
        return Ok(Outcome::Invalid);
    }
    // The instances the plan renames, held at their new names as the plan holds them.
    let observed =
        &crate::plan::rename::rekeyed(&plan.stack, &plan.desired, &locked.read.observed)?;
    let mut journal = Journal::new(
        plan,
        apply_id(),
        crate::lock::info::LockInfo::mine(locked.operation, crate::apply::journal::now()).who(),
    );
    if let Some(interrupted) = &locked.resumed {
        // A rollback of this apply undoes what the interrupted one did, too.
        journal.carry(interrupted);
    }
    let aws = effects::Aws { clients };
    let journaled = Journaled::new(&aws, journal, locked.resumed.is_some());
    journaled
        .record(|_| {})
        .await
        .context("writing the apply journal to AWS")?;
    let reporter = progress::Reporter::new();
    let on_event = |e: Event| reporter.event(&e);
    let ids = Ids::default();
    let run = execute(
        plan,
        observed,
        &aws,
        &ids,
        Control {
            final_snapshot: opts.final_snapshot,
            stop: &locked.stop,
        },
        &on_event,
        Some(&journaled),
    );
    let report = ticking(&reporter, run).await;
    reporter.finish();
    if std::env::var_os("STACKCTL_REPORT_CALLS").is_some() {
        for s in clients.recorder.sent_records() {
            crate::errln!("{s}");
        }
        crate::errln!(
            "{}, dependency depth: {}",
            clients.recorder.summary(),
            plan.depth()
        );
        crate::errln!("{}", clients.recorder.chain_report());
    }
    if report.succeeded() {
        journaled.set_state(ApplyState::Completed).await?;
        stored::clear(clients, &plan.stack).await?;
        crate::errln!(
            "{} complete: {} step{} in stack {}.",
            if locked.operation == "destroy" {
                "Destroy"
            } else {
                "Apply"
            },
            report.done.len(),
            if report.done.len() == 1 { "" } else { "s" },
            plan.stack
        );
        let outstanding: Vec<String> = plan
            .changes
            .iter()
            .filter(|c| c.outstanding())
            .map(|c| c.address.to_string())
            .collect();
        if !outstanding.is_empty() {
            crate::errln!(
                "Left undone, as the plan says (outstanding): {}.",
                outstanding.join(", ")
            );
        }
        return Ok(Outcome::Success);
    }
    if locked.stop.reason().is_some() {
        say_stopped(&report, locked);
        return Ok(Outcome::Invalid);
    }
    if let Err(e) = journaled.set_state(ApplyState::Failed).await {
        crate::errln!("warning: the journal in AWS could not say that the apply failed: {e}");
    }
    say_failed(&report, plan);
    if report.failed.iter().all(|(_, e)| e.is_unanswered()) {
        let file = locked.file.display();
        crate::errln!(
            "AWS stopped answering, so nothing is rolled back over it. The journal ({} and in AWS) keeps what this apply did: run `stackctl apply {file}` to resume once AWS answers, or `stackctl rollback {file}` to undo it.",
            stored::local_path(&plan.stack).display()
        );
        return Ok(Outcome::Invalid);
    }
    if opts.no_rollback {
        crate::errln!(
            "--no-rollback: keeping what was done. `stackctl apply` converges from here; `stackctl rollback` undoes it (journal: {}).",
            stored::local_path(&plan.stack).display()
        );
        return Ok(Outcome::Invalid);
    }
    crate::errln!("Rolling back what this apply did, most recent first.");
    rollback(&journaled, locked, &ids, &reporter).await?;
    reporter.finish();
    Ok(Outcome::Invalid)
}

/// PutMetricAlarm overwrites an alarm of the same name without a word: once confirmed, the
/// alarms the plan creates are looked up again (one call per 100), and any that another hand
/// created meanwhile (for instance while the prompt waited) stops the apply.
async fn alarms_taken_since(
    plan: &Plan,
    clients: &crate::aws::Clients,
) -> anyhow::Result<Option<Vec<String>>> {
    let new: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.op == crate::plan::StepOp::Create && s.address.kind == Kind::Alarm)
        .map(|s| s.address.name.clone())
        .collect();
    if new.is_empty() {
        return Ok(None);
    }
    let taken = crate::aws::read::existing_alarms(clients, new).await?;
    Ok((!taken.is_empty()).then_some(taken))
}

/// What a failed apply did, and what failed.
fn say_failed(report: &Report, plan: &Plan) {
    for id in &report.done {
        crate::errln!(
            "done: {} {}",
            op_word(plan.steps[*id].op),
            plan.steps[*id].address
        );
    }
    for (id, e) in &report.failed {
        crate::errln!("error: {} failed: {e}", plan.steps[*id].address);
    }
    crate::errln!(
        "Apply failed: {} done, {} failed, {} not started.",
        report.done.len(),
        report.failed.len(),
        report.not_started.len()
    );
}

/// Undoes a journaled apply and reports what was and was not undone.
pub async fn rollback(
    journaled: &Journaled<'_>,
    locked: &Locked,
    ids: &Ids,
    reporter: &progress::Reporter,
) -> anyhow::Result<bool> {
    journaled.set_state(ApplyState::RollingBack).await?;
    let on_event = |e: Event| reporter.event(&e);
    let report = ticking(
        reporter,
        undo(
            journaled,
            &effects::Aws {
                clients: &locked.clients,
            },
            ids,
            &on_event,
            &locked.stop,
        ),
    )
    .await;
    let complete = report
        .not_undone
        .iter()
        .all(|(_, why)| why.contains("cannot be undone"));
    crate::errln!("Rollback: {} undone.", report.undone.len());
    for (a, why) in &report.not_undone {
        crate::errln!("  not undone: {a}: {why}");
    }
    for (a, why) in &report.left_alone {
        crate::errln!("  left alone: {a}: {why}");
    }
    if complete {
        journaled.set_state(ApplyState::RolledBack).await?;
        stored::clear(&locked.clients, &journaled.snapshot().await.stack).await?;
    } else {
        journaled.set_state(ApplyState::RollbackFailed).await?;
        crate::errln!("The journal is kept: `stackctl rollback FILE` tries the rest again.");
    }
    Ok(complete)
}

/// What a stopped apply (or destroy) did and what to run next; the journal is kept.
fn say_stopped(report: &Report, locked: &Locked) {
    let why = match locked.stop.reason() {
        Some(crate::stop::Reason::LockLost) => "Stopped (the lock was lost)",
        _ => "Interrupted",
    };
    crate::errln!(
        "{why}: {} step(s) done ({} in flight when stopped, let finish), {} failed, {} not started; journal kept.",
        report.done.len(),
        report.in_flight_at_stop,
        report.failed.len(),
        report.not_started.len()
    );
    let file = locked.file.display();
    match locked.operation {
        "apply" => crate::errln!(
            "Run `stackctl apply {file}` to resume or `stackctl rollback {file}` to undo."
        ),
        op => crate::errln!("Run `stackctl {op} {file}` to finish."),
    }
}

fn op_word(op: crate::plan::StepOp) -> &'static str {
    match op {
        crate::plan::StepOp::Create => "created",
        crate::plan::StepOp::Update => "updated",
        crate::plan::StepOp::Delete => "deleted",
    }
}

/// A new apply's id: time and process, unique enough to tell applies apart in a journal.
fn apply_id() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("{t:x}-{:x}", std::process::id())
}
