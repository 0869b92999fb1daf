//! What each kind is waited for with; how long, the plan says (`plan::waits`, each step's
//! `wait`). The waiting itself, batched across every wait in flight, is [`super::watch`].

use std::time::Duration;

use super::client::Clients;
use super::error::AwsError;
use super::watch::{Until, Watched};
use super::write::StepContext;
use crate::model::{Address, Kind};

/// Waits, within `limit`, until a DB instance, replica, cluster, replication group or proxy
/// is `available` or gone.
pub async fn until_settled(c: &Clients, a: &Address, limit: Duration) -> Result<(), AwsError> {
    let Some((what, _)) = watched(a.kind) else {
        return Ok(());
    };
    c.watch
        .until(c, what, &a.name, Until::Settled, limit)
        .await
        .map(|_| ())
}

/// How a kind is waited for, and for how long at most (`plan::waits`, the plan's table);
/// `None` for kinds AWS makes at once.
pub fn watched(kind: Kind) -> Option<(Watched, Duration)> {
    let what = match kind {
        Kind::DbInstance | Kind::DbReplica | Kind::DbClusterInstance => Watched::DbInstance,
        Kind::DbCluster => Watched::DbCluster,
        Kind::ReplicationGroup => Watched::ReplicationGroup,
        Kind::Proxy => Watched::Proxy,
        Kind::ProxyEndpoint => Watched::ProxyEndpoint,
        _ => return None,
    };
    Some((what, crate::plan::waits::limit(kind)?))
}

/// Waits, within the step's limit, until `a` is available; records the ARN AWS reports for it
/// and, for an instance or cluster whose master password RDS manages, its secret's ARN.
pub(crate) async fn available(
    cx: &StepContext<'_>,
    a: &Address,
    what: Watched,
) -> Result<(), AwsError> {
    let c = cx.clients;
    let seen = c
        .watch
        .until(c, what, &a.name, Until::Available, cx.wait_limit()?)
        .await?
        .unwrap_or_default();
    if let Some(arn) = &seen.arn {
        cx.ids.set(a, "arn", arn);
    }
    if let Some(arn) = &seen.secret_arn {
        cx.ids.set(a, "master_user_secret_arn", arn);
    }
    Ok(())
}
