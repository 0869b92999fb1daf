//! Waiting for AWS: the SDK's waiters where AWS has them (DB instances, replication groups), and
//! a poller for the rest (the proxy has none). A wait is a condition plus a time limit chosen by
//! the caller; the poller backs off from a quick first look to a steady interval.

use std::future::Future;
use std::time::{Duration, Instant};

use super::client::Clients;
use super::error::{AwsError, found};
use crate::model::{Address, Kind};

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

/// Polls until a DB instance, replica, replication group or proxy is `available` or gone.
pub async fn until_settled(c: &Clients, a: &Address) -> Result<(), AwsError> {
    let settled = |s: Option<&str>| s.is_none_or(|s| s == "available");
    match a.kind {
        Kind::DbInstance | Kind::DbReplica => {
            poll(&a.to_string(), limits::DB_INSTANCE, || async {
                let r = c
                    .call(
                        "rds:DescribeDBInstances",
                        c.rds
                            .describe_db_instances()
                            .db_instance_identifier(&a.name)
                            .send(),
                    )
                    .await;
                let status = found(r)?.and_then(|o| {
                    o.db_instances()
                        .first()
                        .and_then(|i| i.db_instance_status().map(str::to_owned))
                });
                Ok(settled(status.as_deref()).then_some(()))
            })
            .await
        }
        Kind::ReplicationGroup => {
            poll(&a.to_string(), limits::REPLICATION_GROUP, || async {
                let r = c
                    .call(
                        "elasticache:DescribeReplicationGroups",
                        c.elasticache
                            .describe_replication_groups()
                            .replication_group_id(&a.name)
                            .send(),
                    )
                    .await;
                let status = found(r)?.and_then(|o| {
                    o.replication_groups()
                        .first()
                        .and_then(|g| g.status().map(str::to_owned))
                });
                Ok(settled(status.as_deref()).then_some(()))
            })
            .await
        }
        Kind::Proxy => {
            poll(&a.to_string(), limits::PROXY, || async {
                let r = c
                    .call(
                        "rds:DescribeDBProxies",
                        c.rds.describe_db_proxies().db_proxy_name(&a.name).send(),
                    )
                    .await;
                let status = found(r)?.and_then(|o| {
                    o.db_proxies()
                        .first()
                        .and_then(|p| p.status().map(|s| s.as_str().to_owned()))
                });
                Ok(settled(status.as_deref()).then_some(()))
            })
            .await
        }
        _ => Ok(()),
    }
}
