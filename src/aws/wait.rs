//! Waiting for AWS: the SDK's waiters where AWS has them (DB instances, replication groups), and
//! a poller for the rest (the proxy has none). A wait is a condition plus a time limit chosen by
//! the caller; the poller backs off from a quick first look to a steady interval.

use std::future::Future;
use std::time::{Duration, Instant};

use super::error::AwsError;

/// How long each kind may take before stackctl gives up waiting.
pub mod limits {
    use std::time::Duration;
    pub const DB_INSTANCE: Duration = Duration::from_secs(90 * 60);
    pub const REPLICATION_GROUP: Duration = Duration::from_secs(60 * 60);
    pub const PROXY: Duration = Duration::from_secs(30 * 60);
}

/// The poller's longest interval: `STACKCTL_POLL_MAX_SECONDS` (default 15).
fn max_interval() -> Duration {
    std::env::var("STACKCTL_POLL_MAX_SECONDS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(15))
}

/// Polls `check` until it returns `Some`, backing off from 100 ms up to the maximum interval.
pub async fn poll<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, AwsError>>,
{
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    let cap = max_interval();
    loop {
        if let Some(v) = check().await? {
            return Ok(v);
        }
        if start.elapsed() + delay > limit {
            return Err(AwsError::other(
                "wait",
                format!("{what} did not become ready within {} s", limit.as_secs()),
            ));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(cap);
    }
}
