//! What each kind is waited for with, and how long it may take; the waiting itself, batched
//! across every wait in flight, is [`super::watch`].

use std::time::Duration;

use super::client::Clients;
use super::error::AwsError;
use super::watch::{Until, Watched};
use crate::model::{Address, Kind};

/// How long each kind may take before stackctl gives up waiting.
pub mod limits {
    use std::time::Duration;
    pub const DB_INSTANCE: Duration = Duration::from_secs(90 * 60);
    pub const REPLICATION_GROUP: Duration = Duration::from_secs(60 * 60);
    pub const PROXY: Duration = Duration::from_secs(30 * 60);
}

/// Waits until a DB instance, replica, replication group or proxy is `available` or gone.
pub async fn until_settled(c: &Clients, a: &Address) -> Result<(), AwsError> {
    let Some((what, limit)) = watched(a.kind) else {
        return Ok(());
    };
    c.watch
        .until(c, what, &a.name, Until::Settled, limit)
        .await
        .map(|_| ())
}

/// How a kind is waited for, and for how long; `None` for kinds AWS makes at once.
pub fn watched(kind: Kind) -> Option<(Watched, Duration)> {
    match kind {
        Kind::DbInstance | Kind::DbReplica | Kind::DbClusterInstance => {
            Some((Watched::DbInstance, limits::DB_INSTANCE))
        }
        Kind::DbCluster => Some((Watched::DbCluster, limits::DB_INSTANCE)),
        Kind::ReplicationGroup => Some((Watched::ReplicationGroup, limits::REPLICATION_GROUP)),
        Kind::Proxy => Some((Watched::Proxy, limits::PROXY)),
        Kind::ProxyEndpoint => Some((Watched::ProxyEndpoint, limits::PROXY)),
        _ => None,
    }
}
