//! Waiting for AWS, batched: every wait in flight on one kind of resource is served by the same
//! describe call (one `DescribeDBInstances` for all the instances being created or modified,
//! filtered by their ids), made at most once per [`MIN_GAP`] whoever asks. Each wait looks
//! again after an interval that grows with the time it has waited (5 % of it, from 1 s up to
//! `STACKCTL_POLL_MAX_SECONDS`, 15 s by default), so a wait ends at most 5 % (or 1 s) after
//! AWS's transition does, and a wait of many minutes costs one call per 15 s per service, well
//! inside RDS's budget of 12 calls a second per account and region.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::client::Clients;
use super::error::AwsError;

/// What is waited for, one board per kind of describe call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watched {
    DbInstance,
    ReplicationGroup,
    Proxy,
    ProxyEndpoint,
    DbCluster,
}

/// What one look saw of a resource that AWS still has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub status: String,
    pub arn: Option<String>,
    /// A DB instance's master user secret (RDS-managed password).
    pub secret_arn: Option<String>,
}

/// What a wait ends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    Available,
    Gone,
    /// Available, or gone: whatever it was doing is over.
    Settled,
}

/// How long a resource waited for may be missing from AWS's answers before that means it is
/// gone.
const NOT_LISTED_YET: Duration = Duration::from_secs(30);

/// Two waits this close together share one look.
pub const MIN_GAP: Duration = Duration::from_millis(900);

#[derive(Default)]
struct Board {
    /// Ids being waited for, with how many waits want each.
    wanted: BTreeMap<String, usize>,
    /// The last look at each id: when, and what it saw (`None`: AWS no longer has it).
    seen: BTreeMap<String, (Instant, Option<Seen>)>,
}

/// The boards of one command's waits; its clones share them, so every step of an apply does.
#[derive(Default, Clone)]
pub struct Watch {
    boards: Arc<[Mutex<Board>; 5]>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watch")
    }
}

impl Watch {
    fn board(&self, w: Watched) -> &Mutex<Board> {
        &self.boards[w as usize]
    }

    /// Waits until `id` is available (or gone), within `limit`; what was last seen of it.
    pub async fn until(
        &self,
        c: &Clients,
        what: Watched,
        id: &str,
        until: Until,
        limit: Duration,
    ) -> Result<Option<Seen>, AwsError> {
        *self
            .board(what)
            .lock()
            .await
            .wanted
            .entry(id.to_owned())
            .or_default() += 1;
        let outcome = self.wait(c, what, id, until, limit).await;
        let mut b = self.board(what).lock().await;
        if let Some(n) = b.wanted.get_mut(id) {
            *n -= 1;
            if *n == 0 {
                b.wanted.remove(id);
            }
        }
        outcome
    }

    async fn wait(
        &self,
        c: &Clients,
        what: Watched,
        id: &str,
        until: Until,
        limit: Duration,
    ) -> Result<Option<Seen>, AwsError> {
        let start = Instant::now();
        loop {
            let seen = self.look(c, what, id, start).await?;
            match (&seen, until) {
                (None, Until::Gone | Until::Settled) => return Ok(None),
                (Some(s), Until::Available | Until::Settled) if s.status == "available" => {
                    return Ok(seen);
                }
                // Right after a create, AWS may not list the resource yet (its reads are
                // eventually consistent): not found is "not yet" for a while.
                (None, Until::Available) if start.elapsed() >= NOT_LISTED_YET => {
                    return Err(AwsError::other(
                        "wait",
                        format!("{id} was deleted while stackctl waited for it"),
                    ));
                }
                (Some(s), _) if failed(&s.status) => {
                    return Err(AwsError::other(
                        "wait",
                        format!("{id} is {}: AWS cannot finish the change", s.status),
                    ));
                }
                _ => {}
            }
            let delay = interval(start.elapsed());
            if start.elapsed() + delay > limit {
                return Err(AwsError::other(
                    "wait",
                    format!("{id} did not become ready within {} s", limit.as_secs()),
                ));
            }
            tokio::time::sleep(delay).await;
        }
    }

    /// What AWS says of `id` now: from a look less than [`MIN_GAP`] old made since the wait
    /// began (an earlier wait's look, such as the delete before a replacement's create, never
    /// counts), or from a new look at every id wanted on this board.
    async fn look(
        &self,
        c: &Clients,
        what: Watched,
        id: &str,
        since: Instant,
    ) -> Result<Option<Seen>, AwsError> {
        let mut b = self.board(what).lock().await;
        if let Some((at, seen)) = b.seen.get(id)
            && *at >= since
            && at.elapsed() < MIN_GAP
        {
            return Ok(seen.clone());
        }
        let ids: Vec<String> = b.wanted.keys().cloned().collect();
        let now = Instant::now();
        let mut found = describe(c, what, &ids).await?;
        for i in ids {
            let seen = found.remove(&i);
            b.seen.insert(i, (now, seen));
        }
        Ok(b.seen.get(id).and_then(|(_, s)| s.clone()))
    }
}

/// States from which AWS will not reach `available` by itself.
fn failed(status: &str) -> bool {
    status == "failed"
        || status == "create-failed"
        || status == "inaccessible-encryption-credentials"
        || status.starts_with("incompatible-")
}

/// The pause before the next look: 5 % of the time waited so far, from 1 s (or the maximum, if
/// smaller) up to the maximum.
pub fn interval(waited: Duration) -> Duration {
    let max = max_interval();
    (waited / 20).clamp(Duration::from_secs(1).min(max), max)
}

/// The longest pause between looks: `STACKCTL_POLL_MAX_SECONDS` (default 15).
fn max_interval() -> Duration {
    std::env::var("STACKCTL_POLL_MAX_SECONDS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(15))
}

/// One look at every id: by its name when there is one, else one call for all (filtered by id
/// for DB instances; the others have no filter, so every page of the region's).
async fn describe(
    c: &Clients,
    what: Watched,
    ids: &[String],
) -> Result<BTreeMap<String, Seen>, AwsError> {
    let one = (ids.len() == 1).then(|| ids[0].clone());
    match what {
        Watched::DbInstance => super::watch_calls::instances(c, ids).await,
        Watched::ReplicationGroup => super::watch_calls::replication_groups(c, one).await,
        Watched::Proxy => super::watch_calls::proxies(c, one).await,
        Watched::ProxyEndpoint => super::watch_calls::proxy_endpoints(c, one).await,
        Watched::DbCluster => super::watch_calls::clusters(c, ids).await,
    }
    .map(|mut all| {
        all.retain(|k, _| ids.contains(k));
        all
    })
}

pub(super) fn seen_status(status: Option<&str>, arn: Option<&str>) -> Seen {
    Seen {
        status: status.unwrap_or_default().to_owned(),
        arn: arn.map(str::to_owned),
        secret_arn: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_is_five_percent_of_the_wait_between_one_second_and_the_maximum() {
        assert_eq!(interval(Duration::ZERO), Duration::from_secs(1));
        assert_eq!(interval(Duration::from_secs(40)), Duration::from_secs(2));
        assert_eq!(interval(Duration::from_secs(200)), Duration::from_secs(10));
        assert_eq!(interval(Duration::from_secs(3600)), Duration::from_secs(15));
    }
}
