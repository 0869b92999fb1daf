//! Running a command under the stack's lock: one apply, destroy or rollback at a time, across
//! machines. The lock has a lease that is renewed while the command runs; a holder whose lease
//! expired is taken over, any other makes the command exit 1 saying who holds it and until
//! when. On SIGINT or SIGTERM the command starts nothing new, releases the lock and exits
//! 130 or 143.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};

use super::common::observe_with;
use crate::apply::journal::Journal;
use crate::aws::read::ReadResult;
use crate::aws::{AwsError, Clients};
use crate::exit::Outcome;
use crate::lock::{Taken, take};
use crate::spec::StackSpec;
use crate::stop::{Reason, Stop};

/// What a locked command works with.
pub struct Locked {
    pub clients: Clients,
    pub read: ReadResult,
    /// The journal of an apply that did not finish, found when the lock was taken.
    pub resumed: Option<Journal>,
    /// Set on SIGINT, SIGTERM or when the lock is lost: start nothing new.
    pub stop: Stop,
    /// `apply`, `destroy` or `rollback`, and the file it was given, for hints.
    pub operation: &'static str,
    pub file: PathBuf,
}

/// Which command takes the lock, and how long it waits for another's lease to expire.
pub struct How<'a> {
    pub operation: &'static str,
    pub file: &'a Path,
    pub lock_timeout: Duration,
}

/// Takes the lock, reads the stack, runs `body`, releases the lock whatever happened (if it
/// is still ours).
pub async fn with_lock<F, Fut>(stack: &StackSpec, how: How<'_>, body: F) -> anyhow::Result<Outcome>
where
    F: FnOnce(Locked) -> Fut,
    Fut: Future<Output = anyhow::Result<Outcome>>,
{
    let stop = Stop::on_signals();
    let clients = Clients::new(&stack.region).await;
    let taken = take(
        &clients,
        &stack.name,
        how.operation,
        how.lock_timeout,
        &stop,
    )
    .await
    .context("taking the stack's lock")?;
    let held = match taken {
        Taken::Held(h) => Arc::new(*h),
        Taken::Refused(_) if stop.reason().is_some_and(Reason::is_signal) => {
            crate::errln!("Interrupted while waiting for the stack's lock: nothing was done.");
            return Ok(Outcome::Interrupted(
                stop.reason().unwrap_or(Reason::Interrupt),
            ));
        }
        Taken::Refused(who) => bail!(
            "stack {} is locked: {who}\nhint: wait for its lease to expire (`--lock-timeout SECONDS` waits for it), or, if that run is gone, clear it with `stackctl unlock FILE --force`",
            stack.name
        ),
    };
    let renewer = held.keep_renewing(&stop);
    let result = match stop.reason() {
        Some(_) => Ok(Outcome::Invalid),
        None => run(&clients, stack, &how, stop.clone(), body).await,
    };
    renewer.finish().await;
    let released = held.release().await;
    finish(result, released, stop.reason())
}

/// Reads the journal and the stack (waiting for what an interrupted apply left in flight),
/// then runs `body`.
async fn run<F, Fut>(
    clients: &Clients,
    stack: &StackSpec,
    how: &How<'_>,
    stop: Stop,
    body: F,
) -> anyhow::Result<Outcome>
where
    F: FnOnce(Locked) -> Fut,
    Fut: Future<Output = anyhow::Result<Outcome>>,
{
    let resumed = crate::apply::stored::load(clients, &stack.name).await?;
    let resumed = resumed.filter(|j| !j.state.finished());
    if let Some(j) = &resumed {
        crate::errln!(
            "The last apply ({}, {}) did not finish ({:?}). Reading AWS again and converging from there.",
            j.apply_id,
            j.holder,
            j.state
        );
    }
    let mut read = observe_with(clients, stack).await?;
    if let Some(j) = &resumed
        && wait_in_flight(clients, j, &read).await?
    {
        read = observe_with(clients, stack).await?;
    }
    body(Locked {
        clients: clients.clone(),
        read,
        resumed,
        stop,
        operation: how.operation,
        file: how.file.to_owned(),
    })
    .await
}

/// The command's outcome once the lock is released: a signal's exit code, or an error when
/// the lock was lost or could not be released.
fn finish(
    result: anyhow::Result<Outcome>,
    released: Result<bool, AwsError>,
    reason: Option<Reason>,
) -> anyhow::Result<Outcome> {
    if let Ok(false) = released {
        crate::errln!("The stack's lock is no longer ours: it was left as it is.");
    }
    let outcome = result?;
    match reason {
        Some(Reason::LockLost) => Err(anyhow!(
            "another run took the stack's lock: stopped (see above); the journal is kept"
        )),
        Some(r) => {
            released.context("releasing the stack's lock")?;
            crate::errln!("The stack's lock was released.");
            Ok(Outcome::Interrupted(r))
        }
        None => {
            released.context("releasing the stack's lock")?;
            Ok(outcome)
        }
    }
}

/// Waits for what an interrupted apply left in flight: resources it had started on that AWS
/// still reports as creating, modifying or deleting. True when it waited (read AWS again).
async fn wait_in_flight(
    clients: &Clients,
    journal: &Journal,
    read: &ReadResult,
) -> anyhow::Result<bool> {
    use crate::apply::journal::StepState;
    let mut waited = false;
    for s in journal
        .steps
        .iter()
        .filter(|s| s.state == StepState::Started)
    {
        let Some(o) = read.observed.get(&s.address) else {
            continue;
        };
        if matches!(o.status.as_str(), "available" | "") {
            continue;
        }
        crate::errln!(
            "Waiting for {} ({}), left in flight by the interrupted apply.",
            s.address,
            o.status
        );
        let Some((_, limit)) = crate::aws::wait::watched(s.address.kind) else {
            continue;
        };
        crate::aws::wait::until_settled(clients, &s.address, limit).await?;
        waited = true;
    }
    Ok(waited)
}
