//! Running a command under the stack's lock: one apply, destroy or rollback at a time, across
//! machines. A lock left by a process that died on this machine is taken over; any other
//! holder makes the command exit 1 saying who holds it and since when.

use std::future::Future;

use anyhow::{Context, bail};

use super::common::observe_with;
use crate::apply::journal::Journal;
use crate::aws::Clients;
use crate::aws::read::ReadResult;
use crate::aws::state::{self, Lock, LockInfo};
use crate::exit::Outcome;
use crate::spec::raw::Stack;

/// What a locked command works with.
pub struct Locked {
    pub clients: Clients,
    pub read: ReadResult,
    /// The journal of an apply that did not finish, found when the lock was taken.
    pub resumed: Option<Journal>,
}

/// Takes the lock, reads the stack, runs `body`, releases the lock whatever happened.
pub async fn with_lock<F, Fut>(stack: &Stack, operation: &str, body: F) -> anyhow::Result<Outcome>
where
    F: FnOnce(Locked) -> Fut,
    Fut: Future<Output = anyhow::Result<Outcome>>,
{
    let clients = Clients::new(&stack.region).await;
    let me = LockInfo::mine(operation);
    match state::acquire(&clients, &stack.stack, &me)
        .await
        .context("taking the stack's lock")?
    {
        Lock::Acquired => {}
        Lock::Held(other) if other.is_dead_here() => {
            eprintln!(
                "Taking over the lock of a run that died: {}.",
                other.describe()
            );
            state::take_over(&clients, &stack.stack, &me).await?;
        }
        Lock::Held(other) => bail!(
            "stack {} is locked: {}. If that run is gone, clear it with `stackctl unlock FILE --force`",
            stack.stack,
            other.describe()
        ),
    }
    let result = async {
        let resumed = state::load_journal(&clients, &stack.stack).await?;
        let resumed = resumed.filter(|j| !j.state.finished());
        if let Some(j) = &resumed {
            eprintln!(
                "The last apply ({}, {}) did not finish ({:?}). Reading AWS again and converging from there.",
                j.apply_id, j.holder, j.state
            );
        }
        let mut read = observe_with(&clients, stack).await?;
        if let Some(j) = &resumed
            && wait_in_flight(&clients, j, &read).await?
        {
            read = observe_with(&clients, stack).await?;
        }
        body(Locked {
            clients: clients.clone(),
            read,
            resumed,
        })
        .await
    }
    .await;
    let released = state::release(&clients, &stack.stack).await;
    match (result, released) {
        (Ok(o), Ok(())) => Ok(o),
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => Err(anyhow::Error::new(e).context("releasing the stack's lock")),
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
        eprintln!(
            "Waiting for {} ({}), left in flight by the interrupted apply.",
            s.address, o.status
        );
        crate::aws::wait::until_settled(clients, &s.address).await?;
        waited = true;
    }
    Ok(waited)
}
