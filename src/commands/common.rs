//! What the AWS-facing commands share: load a valid spec, read AWS, plan.

use std::path::Path;

use anyhow::{Context, bail};

use crate::aws::Clients;
use crate::aws::kinds::calls;
use crate::aws::read::{ReadResult, read};
use crate::model::desired;
use crate::plan::{Plan, plan};
use crate::spec::{self, StackSpec};
use crate::stop::Stop;

/// A valid stack spec with the text it was read from, which a plan records.
pub struct Spec {
    pub parsed: StackSpec,
    pub source: String,
}

impl std::ops::Deref for Spec {
    type Target = StackSpec;
    fn deref(&self) -> &StackSpec {
        &self.parsed
    }
}

/// The spec, when valid. Prints its diagnostics (warnings too) to stderr; `None` when invalid.
pub fn load_spec(file: &Path) -> anyhow::Result<Option<Spec>> {
    let loaded = spec::load_file(file)?;
    crate::err!("{}", loaded.render());
    if loaded.has_errors() {
        crate::errln!(
            "{}: not valid; nothing in AWS was touched (run `stackctl validate {}`)",
            loaded.file,
            loaded.file
        );
        return Ok(None);
    }
    Ok(loaded.stack.map(|parsed| Spec {
        parsed,
        source: loaded.source,
    }))
}

/// Reads the stack's live state.
pub async fn observe(stack: &StackSpec) -> anyhow::Result<(Clients, ReadResult)> {
    let clients = Clients::new(&stack.region).await;
    let result = observe_with(&clients, stack).await?;
    Ok((clients, result))
}

/// Reads the stack's live state with existing clients.
pub async fn observe_with(clients: &Clients, stack: &StackSpec) -> anyhow::Result<ReadResult> {
    read(clients, stack)
        .await
        .with_context(|| format!("reading stack {} from AWS", stack.name))
}

/// Plans the spec against what was read, with the calls of each step.
pub fn make_plan(spec: &Spec, read: &ReadResult) -> anyhow::Result<Plan> {
    if !read.refused.is_empty() {
        anyhow::bail!("{}", read.refused.join("\n"));
    }
    let stack = &spec.parsed;
    let wanted = desired(stack, &read.network);
    let mut p = plan(&stack.name, &stack.region, &wanted, &read.observed)?;
    p.spec = Some(spec.source.clone());
    calls::annotate(&mut p);
    Ok(p)
}

/// Plans the deletion of everything the stack owns.
pub fn destroy_plan(spec: &Spec, read: &ReadResult) -> anyhow::Result<Plan> {
    let stack = &spec.parsed;
    let mut p = plan(&stack.name, &stack.region, &[], &read.observed)?;
    p.spec = Some(spec.source.clone());
    calls::annotate(&mut p);
    Ok(p)
}

/// Drives `work` while the reporter's status line (or heartbeat, off a terminal) ticks every
/// second: apply, destroy and rollback show alike that a long wait is alive.
pub async fn ticking<T>(
    reporter: &crate::render::progress::Reporter,
    work: impl std::future::Future<Output = T>,
) -> T {
    let started = std::time::Instant::now();
    tokio::pin!(work);
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tokio::select! {
            out = &mut work => return out,
            _ = ticker.tick() => reporter.tick(started.elapsed()),
        }
    }
}

/// Asks on the terminal, or requires `--auto-approve` without one. False unless the answer
/// is `yes`, and false at once when a stop (a signal) comes first.
pub async fn confirm(question: &str, auto_approve: bool, stop: &Stop) -> anyhow::Result<bool> {
    use std::io::{IsTerminal, Write};
    if stop.reason().is_some() {
        return Ok(false);
    }
    if auto_approve {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to confirm on: pass --auto-approve to apply without asking");
    }
    crate::err!("{question} Only 'yes' will be accepted: ");
    let _ = std::io::stderr().flush();
    // A thread of its own rather than spawn_blocking: a read abandoned on a signal must not
    // hold the runtime's shutdown.
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut answer = String::new();
        let _ = tx.send(std::io::stdin().read_line(&mut answer).map(|_| answer));
    });
    tokio::select! {
        answer = rx => Ok(answer.context("reading the answer")??.trim() == "yes"),
        _ = stop.requested() => {
            crate::errln!();
            Ok(false)
        }
    }
}
