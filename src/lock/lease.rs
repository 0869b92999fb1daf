//! Holding a stack's lock: take it (or take over an expired lease), renew the lease in the
//! background while the command runs, release it only while it is still ours.

use std::sync::Arc;
use std::time::Duration;

use super::info::LockInfo;
use crate::apply::journal::now;
use crate::aws::Clients;
use crate::aws::lock::{self, SwapError};
use crate::stop::{Reason, Stop};

/// The lease length: `STACKCTL_LOCK_LEASE_SECONDS` (default 120 s, at least 1 s).
pub fn lease_seconds() -> u64 {
    std::env::var("STACKCTL_LOCK_LEASE_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(120)
        .max(1)
}

/// A fresh ClientRequestToken (a version id): UUID-shaped, from the process's random hash
/// keys, the clock, the process id and a counter.
pub fn token() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let count = COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.write_u64(count);
        h.write_usize(i);
        *w = h.finish();
    }
    let [a, b] = words;
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// The lock, held by this process at a version id only it knows.
pub struct Held {
    clients: Clients,
    stack: String,
    me: LockInfo,
    seconds: u64,
    /// The version id of our content, as long as AWSCURRENT is on it.
    version: tokio::sync::Mutex<Option<String>>,
}

impl Held {
    pub fn new(
        clients: &Clients,
        stack: &str,
        me: LockInfo,
        seconds: u64,
        version: String,
    ) -> Self {
        Held {
            clients: clients.clone(),
            stack: stack.to_owned(),
            me,
            seconds,
            version: tokio::sync::Mutex::new(Some(version)),
        }
    }

    /// Extends the lease if the lock is still at our version. `Lost` when it is not.
    pub async fn renew(&self) -> Result<(), SwapError> {
        let mut v = self.version.lock().await;
        let Some(expected) = v.clone() else {
            return Err(SwapError::Lost);
        };
        let next = token();
        let body = self.me.leased(now(), self.seconds);
        match lock::swap(&self.clients, &self.stack, &expected, &body, &next).await {
            Ok(version) => {
                *v = Some(version);
                Ok(())
            }
            Err(SwapError::Lost) => {
                *v = None;
                Err(SwapError::Lost)
            }
            Err(e) => Err(e),
        }
    }

    /// Renews every third of the lease until told to stop; on finding the lock taken, says
    /// so and requests a stop.
    pub fn keep_renewing(self: &Arc<Self>, stop: &Stop) -> Renewer {
        let held = Arc::clone(self);
        let stop = stop.clone();
        let every = Duration::from_millis(self.seconds * 1000 / 3);
        let (done, mut quit) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = &mut quit => return,
                }
                match held.renew().await {
                    Ok(()) => {}
                    Err(SwapError::Lost) => {
                        held.say_lost().await;
                        stop.request(Reason::LockLost);
                        return;
                    }
                    Err(SwapError::Aws(e)) => {
                        crate::errln!("warning: renewing the stack's lock: {e} (trying again)");
                    }
                }
            }
        });
        Renewer { done, task }
    }

    async fn say_lost(&self) {
        let now_held = match lock::read(&self.clients, &self.stack).await {
            Ok(Some(c)) => c.info.describe(now()),
            Ok(None) => "nobody holds it now".to_owned(),
            Err(e) => format!("it cannot be read: {e}"),
        };
        crate::errln!(
            "error: the stack's lock is no longer ours ({now_held}): starting no new step."
        );
    }

    /// Deletes the lock if it is still ours: renews it first (a compare-and-swap that also
    /// leaves a full lease, so nobody can take it over before the delete). Never deletes
    /// another run's lock. True when released.
    pub async fn release(&self) -> Result<bool, crate::aws::AwsError> {
        match self.renew().await {
            Ok(()) => {}
            Err(SwapError::Lost) => return Ok(false),
            Err(SwapError::Aws(e)) => return Err(e),
        }
        let mut v = self.version.lock().await;
        lock::delete(&self.clients, &self.stack).await?;
        *v = None;
        Ok(true)
    }
}

/// The background renewal of a lease.
pub struct Renewer {
    done: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Renewer {
    /// Stops renewing, after a renewal in flight has finished (so the version we know is the
    /// one in AWS).
    pub async fn finish(self) {
        let _ = self.done.send(());
        let _ = self.task.await;
    }
}
