//! AWS clients for one stack, and a recorder of every call (start and end) so that benchmarks
//! can count calls and the longest chain of calls that waited on one another.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;

/// One AWS call as the recorder saw it.
#[derive(Debug, Clone)]
pub struct CallRecord {
    pub operation: &'static str,
    pub start: Duration,
    pub end: Duration,
}

/// What an update call carried: the resource's attributes it set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRecord {
    pub operation: &'static str,
    pub address: String,
    pub attributes: Vec<String>,
}

impl std::fmt::Display for SentRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sent: {} {} {}",
            self.operation,
            self.address,
            self.attributes.join(",")
        )
    }
}

/// Records every call the `aws` module makes.
#[derive(Debug, Clone)]
pub struct Recorder {
    epoch: Instant,
    calls: Arc<Mutex<Vec<CallRecord>>>,
    sent: Arc<Mutex<Vec<SentRecord>>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            epoch: Instant::now(),
            calls: Arc::default(),
            sent: Arc::default(),
        }
    }
}

tokio::task_local! {
    /// The operations made while one step runs (`ops_of`).
    static STEP_OPS: Arc<Mutex<Vec<&'static str>>>;
}

/// Runs `work`, and returns with its output every operation it made: each call that
/// [`Recorder::track`] records while `work` is polled (not those of other steps running beside
/// it).
pub async fn ops_of<F: Future>(work: F) -> (F::Output, Vec<&'static str>) {
    let ops = Arc::new(Mutex::new(Vec::new()));
    let out = STEP_OPS.scope(ops.clone(), work).await;
    let made = ops.lock().map(|v| v.clone()).unwrap_or_default();
    (out, made)
}

impl Recorder {
    /// Records that `operation`, answered by AWS, set `attributes` of `address`.
    pub fn sent(&self, operation: &'static str, address: String, attributes: &[&str]) {
        if let Ok(mut s) = self.sent.lock() {
            s.push(SentRecord {
                operation,
                address,
                attributes: attributes.iter().map(|a| (*a).to_owned()).collect(),
            });
        }
    }

    /// What each update call carried, in the order they were answered.
    pub fn sent_records(&self) -> Vec<SentRecord> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Runs one AWS call and records when it started and ended (and, within [`ops_of`], that
    /// it was made).
    pub async fn track<T>(&self, operation: &'static str, call: impl Future<Output = T>) -> T {
        let _ = STEP_OPS.try_with(|ops| {
            if let Ok(mut v) = ops.lock() {
                v.push(operation);
            }
        });
        let start = self.epoch.elapsed();
        let out = call.await;
        let end = self.epoch.elapsed();
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(CallRecord {
                operation,
                start,
                end,
            });
        }
        out
    }

    pub fn calls(&self) -> Vec<CallRecord> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// From the first call's start to the last call's end: the time spent talking to AWS.
    pub fn span(&self) -> Duration {
        let calls = self.calls();
        let start = calls.iter().map(|c| c.start).min().unwrap_or_default();
        let end = calls.iter().map(|c| c.end).max().unwrap_or_default();
        end.saturating_sub(start)
    }

    /// One line for `STACKCTL_REPORT_CALLS`: calls, longest chain, time talking to AWS, the
    /// longest chain without the lock and journal (stackctl's own bookkeeping), and the calls
    /// spent waiting for AWS.
    pub fn summary(&self) -> String {
        let calls = self.calls();
        let work: Vec<CallRecord> = calls
            .iter()
            .filter(|c| !is_bookkeeping(c.operation))
            .cloned()
            .collect();
        format!(
            "aws calls: {}, sequential round trips: {}, aws span ms: {}, bookkeeping calls: {}, round trips without bookkeeping: {}, wait calls: {}",
            calls.len(),
            longest_chain(&calls),
            self.span().as_millis(),
            calls.len() - work.len(),
            longest_chain(&work),
            calls
                .iter()
                .filter(|c| c.operation.ends_with("(wait)"))
                .count()
        )
    }

    /// The calls of a longest chain without the lock and journal, first to last.
    pub fn chain_report(&self) -> String {
        let work: Vec<CallRecord> = self
            .calls()
            .into_iter()
            .filter(|c| !is_bookkeeping(c.operation))
            .collect();
        format!("longest chain: {}", chain_of(&work).join(" -> "))
    }

    /// The longest chain of calls in which each started after the previous one ended: the
    /// sequential round trips, whatever the latency.
    pub fn sequential_round_trips(&self) -> usize {
        longest_chain(&self.calls())
    }
}

/// Calls for the lock and the journal, not for the stack's resources.
fn is_bookkeeping(operation: &str) -> bool {
    ["(journal)", "(lock)", "(state)"]
        .iter()
        .any(|m| operation.contains(m))
}

/// The longest chain of non-overlapping calls, each starting after the previous one ended.
pub fn longest_chain(calls: &[CallRecord]) -> usize {
    chain_of(calls).len()
}

/// The operations of a longest chain, first to last (`STACKCTL_REPORT_CALLS` prints them).
pub fn chain_of(calls: &[CallRecord]) -> Vec<&'static str> {
    let mut sorted: Vec<&CallRecord> = calls.iter().collect();
    sorted.sort_by_key(|c| c.end);
    let mut best: Vec<(usize, Option<usize>)> = vec![(0, None); sorted.len()];
    for i in 0..sorted.len() {
        let before = (0..i)
            .filter(|&j| sorted[j].end <= sorted[i].start)
            .max_by_key(|&j| best[j].0);
        best[i] = (before.map_or(0, |j| best[j].0) + 1, before);
    }
    let mut at = (0..sorted.len()).max_by_key(|&i| best[i].0);
    let mut ops = Vec::new();
    while let Some(i) = at {
        ops.push(sorted[i].operation);
        at = best[i].1;
    }
    ops.reverse();
    ops
}

/// The service clients for one region, from the standard AWS configuration chain
/// (credentials, `AWS_ENDPOINT_URL`, profiles). Throttling and transient errors are retried by
/// the SDK's adaptive retry policy.
#[derive(Debug, Clone)]
pub struct Clients {
    pub rds: aws_sdk_rds::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub recorder: Recorder,
    /// Every wait of the command, batched.
    pub watch: super::watch::Watch,
}

impl Clients {
    /// Makes one AWS call: recorded, and its error reduced to an [`AwsError`] naming `op`.
    pub async fn call<T, E>(
        &self,
        op: &'static str,
        call: impl Future<Output = Result<T, aws_sdk_rds::error::SdkError<E>>>,
    ) -> Result<T, super::AwsError>
    where
        E: aws_sdk_rds::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        use super::error::SdkResultExt;
        self.recorder.track(op, call).await.aws(op)
    }

    pub async fn new(region: &str) -> Self {
        super::timeouts::set_region(region);
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(aws_config::Region::new(region.to_owned()))
            .retry_config(RetryConfig::standard().with_max_attempts(10))
            .timeout_config(super::timeouts::Limits::from_env().config())
            .load()
            .await;
        Clients {
            rds: aws_sdk_rds::Client::new(&config),
            ec2: aws_sdk_ec2::Client::new(&config),
            elasticache: aws_sdk_elasticache::Client::new(&config),
            secrets: aws_sdk_secretsmanager::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            tagging: aws_sdk_resourcegroupstagging::Client::new(&config),
            recorder: Recorder::default(),
            watch: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(start: u64, end: u64) -> CallRecord {
        CallRecord {
            operation: "x",
            start: Duration::from_millis(start),
            end: Duration::from_millis(end),
        }
    }

    #[test]
    fn concurrent_calls_are_one_round_trip() {
        assert_eq!(longest_chain(&[call(0, 50), call(1, 52), call(2, 49)]), 1);
    }

    #[test]
    fn a_call_after_another_is_a_second_round_trip() {
        assert_eq!(longest_chain(&[call(0, 50), call(1, 52), call(53, 100)]), 2);
        assert_eq!(longest_chain(&[]), 0);
    }
}
