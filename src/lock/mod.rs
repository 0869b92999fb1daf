//! The stack's lock: one apply, destroy or rollback at a time, across machines. A lease the
//! holder renews; taking over an expired lease and renewing are compare-and-swaps in AWS
//! ([`crate::aws::lock`]).

pub mod info;
pub mod lease;

use std::time::{Duration, Instant};

use crate::apply::journal::now;
use crate::aws::lock::{self, SwapError};
use crate::aws::{AwsError, Clients};
use crate::stop::Stop;
use info::LockInfo;
use lease::{Held, lease_seconds, token};

/// The outcome of trying to take the lock.
pub enum Taken {
    Held(Box<Held>),
    /// Another run holds it: who, since when, until when.
    Refused(String),
}

/// Takes the stack's lock, or takes over a holder whose lease expired; waits up to `timeout`
/// for a live holder's lease to run out (or a stop).
pub async fn take(
    c: &Clients,
    stack: &str,
    operation: &str,
    timeout: Duration,
    stop: &Stop,
) -> Result<Taken, AwsError> {
    let seconds = lease_seconds();
    let me = LockInfo::mine(operation, now());
    let deadline = Instant::now() + timeout;
    let mut said = false;
    loop {
        if let Some(version) = lock::create(c, stack, &me.leased(now(), seconds), &token()).await? {
            return Ok(Taken::Held(Box::new(Held::new(
                c, stack, me, seconds, version,
            ))));
        }
        let Some(current) = lock::read(c, stack).await? else {
            continue; // released meanwhile: create it again
        };
        if current.info.expired(now()) {
            return take_over(c, stack, me, seconds, current).await;
        }
        if Instant::now() >= deadline || stop.reason().is_some() {
            return Ok(Taken::Refused(current.info.describe(now())));
        }
        if !said {
            crate::errln!(
                "Waiting up to {} s for the stack's lock: {}.",
                timeout.as_secs(),
                current.info.describe(now())
            );
            said = true;
        }
        let pause = deadline
            .saturating_duration_since(Instant::now())
            .min(Duration::from_secs(1));
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.requested() => {}
        }
    }
}

/// Replaces an expired holder's lock with ours, if nobody did first.
async fn take_over(
    c: &Clients,
    stack: &str,
    me: LockInfo,
    seconds: u64,
    current: lock::Current,
) -> Result<Taken, AwsError> {
    let mine = me.leased(now(), seconds);
    match lock::swap(c, stack, &current.version, &mine, &token()).await {
        Ok(version) => {
            crate::errln!(
                "Took over the stack's lock, whose lease had expired: {}.",
                current.info.describe(now())
            );
            Ok(Taken::Held(Box::new(Held::new(
                c, stack, me, seconds, version,
            ))))
        }
        Err(SwapError::Lost) => {
            let now_held = match lock::read(c, stack).await? {
                Some(n) => n.info.describe(now()),
                None => "released since".to_owned(),
            };
            Ok(Taken::Refused(format!(
                "another run took over the expired lock first: {now_held}"
            )))
        }
        Err(SwapError::Aws(e)) => Err(e),
    }
}
