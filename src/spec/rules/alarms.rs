//! CloudWatch alarms: their names, the resource of this stack each watches, a metric of that
//! resource's namespace, the statistic, period and evaluation, the actions; and the warning for
//! a replica that no ReplicaLag alarm watches.

use std::collections::BTreeMap;

use super::Rules;
use super::shapes::join_code;
use crate::spec::raw::Alarm;
use crate::spec::structure::did_you_mean;

/// Metrics each kind of resource publishes, by CloudWatch namespace and dimension.
pub const RDS_INSTANCE_METRICS: &[&str] = &[
    "BinLogDiskUsage",
    "ConnectionAttempts",
    "BurstBalance",
    "CPUCreditBalance",
    "CPUCreditUsage",
    "CPUUtilization",
    "CheckpointLag",
    "DBLoad",
    "DBLoadCPU",
    "DBLoadNonCPU",
    "DatabaseConnections",
    "DiskQueueDepth",
    "EBSByteBalance%",
    "EBSIOBalance%",
    "FreeStorageSpace",
    "FreeableMemory",
    "MaximumUsedTransactionIDs",
    "NetworkReceiveThroughput",
    "NetworkTransmitThroughput",
    "OldestReplicationSlotLag",
    "ReadIOPS",
    "ReadLatency",
    "ReadThroughput",
    "ReplicaLag",
    "ReplicationSlotDiskUsage",
    "SwapUsage",
    "TransactionLogsDiskUsage",
    "TransactionLogsGeneration",
    "WriteIOPS",
    "WriteLatency",
    "WriteThroughput",
];

/// Metrics only Aurora publishes (AWS/RDS, by DBClusterIdentifier or DBInstanceIdentifier):
/// Aurora User Guide, "Amazon CloudWatch metrics for Amazon Aurora" (cluster-level and
/// instance-level metrics) and "Important Amazon CloudWatch metrics for Aurora Serverless v2".
pub const AURORA_METRICS: &[&str] = &[
    "ACUUtilization",
    "AuroraReplicaLag",
    "AuroraReplicaLagMaximum",
    "AuroraReplicaLagMinimum",
    "AuroraVolumeBytesLeftTotal",
    "BufferCacheHitRatio",
    "CommitLatency",
    "CommitThroughput",
    "Deadlocks",
    "ServerlessDatabaseCapacity",
    "VolumeBytesUsed",
    "VolumeReadIOPs",
    "VolumeWriteIOPs",
];

pub const RDS_PROXY_METRICS: &[&str] = &[
    "AvailabilityPercentage",
    "ClientConnections",
    "ClientConnectionsClosed",
    "ClientConnectionsNoTLS",
    "ClientConnectionsReceived",
    "ClientConnectionsSetupFailedAuth",
    "ClientConnectionsSetupSucceeded",
    "ClientConnectionsTLS",
    "DatabaseConnectionRequests",
    "DatabaseConnectionRequestsWithTLS",
    "DatabaseConnections",
    "DatabaseConnectionsBorrowLatency",
    "DatabaseConnectionsCurrentlyBorrowed",
    "DatabaseConnectionsCurrentlyInTransaction",
    "DatabaseConnectionsCurrentlySessionPinned",
    "DatabaseConnectionsSetupFailed",
    "DatabaseConnectionsSetupSucceeded",
    "DatabaseConnectionsWithTLS",
    "MaxDatabaseConnectionsAllowed",
    "QueryDatabaseResponseLatency",
    "QueryRequests",
    "QueryRequestsNoTLS",
    "QueryRequestsTLS",
    "QueryResponseLatency",
];

pub const REDIS_METRICS: &[&str] = &[
    "ActiveDefragHits",
    "BytesUsedForCache",
    "CPUCreditBalance",
    "CPUCreditUsage",
    "CPUUtilization",
    "CacheHitRate",
    "CacheHits",
    "CacheMisses",
    "CurrConnections",
    "CurrItems",
    "DatabaseMemoryUsagePercentage",
    "EngineCPUUtilization",
    "Evictions",
    "FreeableMemory",
    "GetTypeCmds",
    "IsMaster",
    "KeyBasedCmds",
    "MemoryFragmentationRatio",
    "NetworkBytesIn",
    "NetworkBytesOut",
    "NetworkPacketsIn",
    "NetworkPacketsOut",
    "NewConnections",
    "Reclaimed",
    "ReplicationBytes",
    "ReplicationLag",
    "SetTypeCmds",
    "StringBasedCmds",
    "SwapUsage",
];

/// What kind of resource an alarm's `resource` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Primary,
    Replica,
    /// The Aurora cluster (`database.identifier` with an `aurora-*` engine).
    Cluster,
    /// One of the Aurora cluster's `instances`.
    ClusterInstance,
    Proxy,
    Redis,
}

impl Rules<'_> {
    pub(super) fn alarms(&mut self) {
        let s = self.stack;
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        let mut resources: Vec<&str> = vec![s.database.identifier.as_str()];
        resources.extend(s.database.replicas.iter().map(|r| r.identifier.as_str()));
        resources.extend(s.database.instances.iter().map(|r| r.identifier.as_str()));
        resources.extend(s.proxy.iter().map(|p| p.name.as_str()));
        resources.extend(s.redis.iter().map(|r| r.replication_group_id.as_str()));
        for (i, a) in s.alarms.iter().enumerate() {
            let base = format!("alarms[{i}]");
            if a.name.is_empty()
                || a.name.chars().count() > 255
                || a.name.chars().any(char::is_control)
            {
                self.error(
                    &format!("{base}.name"),
                    "an alarm name must be 1 to 255 printable characters",
                )
                .allowed("1 to 255 characters");
            }
            if let Some(first) = names.insert(&a.name, i) {
                self.error(
                    &format!("{base}.name"),
                    format!("alarm name `{}` is already used by alarms[{first}]", a.name),
                )
                .allowed("a unique alarm name");
            }
            match self.alarm_target(&a.resource) {
                Some(target) => self.alarm_metric(&base, a, target),
                None => {
                    let near = did_you_mean(&a.resource, resources.iter().copied());
                    let d = self
                        .error(
                            &format!("{base}.resource"),
                            format!("no resource `{}` in this stack", a.resource),
                        )
                        .allowed(format!("one of {}", join_code(&resources)));
                    match near {
                        Some(n) => d.hint(format!("did you mean `{n}`?")),
                        None => d.hint("an alarm names the database, a replica, the proxy or the Redis group by its identifier in this file"),
                    };
                }
            }
            self.alarm_statistic(&base, &a.statistic);
            self.alarm_periods(&base, a);
            if !a.threshold.is_finite() {
                self.error(
                    &format!("{base}.threshold"),
                    "the threshold must be a finite number",
                )
                .allowed("a number");
            }
            for (field, list) in [("actions", &a.actions), ("ok_actions", &a.ok_actions)] {
                for (j, arn) in list.iter().enumerate() {
                    if !arn.starts_with("arn:") {
                        self.error(
                            &format!("{base}.{field}[{j}]"),
                            format!("`{arn}` is not an ARN"),
                        )
                        .allowed(
                            "an SNS topic ARN, e.g. `arn:aws:sns:eu-west-1:123456789012:db-alerts`",
                        );
                    }
                }
            }
        }
    }

    fn alarm_target(&self, name: &str) -> Option<Target> {
        let s = self.stack;
        let aurora = s.database.engine.is_aurora();
        if name == s.database.identifier {
            Some(if aurora {
                Target::Cluster
            } else {
                Target::Primary
            })
        } else if aurora && s.database.instances.iter().any(|r| r.identifier == name) {
            Some(Target::ClusterInstance)
        } else if s.database.replicas.iter().any(|r| r.identifier == name) {
            Some(Target::Replica)
        } else if s.proxy.as_ref().is_some_and(|p| p.name == name) {
            Some(Target::Proxy)
        } else if s
            .redis
            .as_ref()
            .is_some_and(|r| r.replication_group_id == name)
        {
            Some(Target::Redis)
        } else {
            None
        }
    }

    /// A metric of an RDS instance, a proxy or a Redis group.
    fn plain_alarm_metric(&mut self, base: &str, a: &Alarm, target: Target) {
        let (namespace, metrics) = match target {
            Target::Primary | Target::Replica | Target::Cluster | Target::ClusterInstance => {
                ("AWS/RDS (DB instance)", RDS_INSTANCE_METRICS)
            }
            Target::Proxy => ("AWS/RDS (proxy)", RDS_PROXY_METRICS),
            Target::Redis => ("AWS/ElastiCache", REDIS_METRICS),
        };
        if !metrics.contains(&a.metric.as_str()) {
            let near = did_you_mean(&a.metric, metrics.iter().copied());
            self.error(
                &format!("{base}.metric"),
                format!("`{}` is not a metric of {namespace}", a.metric),
            )
            .allowed(format!("one of {}", join_code(metrics)))
            .did_you_mean(near);
        } else if a.metric == "ReplicaLag" && target == Target::Primary {
            self.error(
                &format!("{base}.metric"),
                "ReplicaLag is reported by read replicas, not by the primary",
            )
            .allowed("a replica's identifier as `resource`")
            .hint("put one ReplicaLag alarm on each replica");
        }
    }

    /// A metric of an Aurora cluster or one of its instances: what an RDS instance publishes
    /// and Aurora's own; Aurora readers report AuroraReplicaLag, not ReplicaLag.
    fn aurora_alarm_metric(&mut self, base: &str, a: &Alarm, target: Target) {
        let metric = a.metric.as_str();
        if metric == "ReplicaLag" {
            self.error(
                &format!("{base}.metric"),
                "ReplicaLag is reported by RDS read replicas; Aurora readers report AuroraReplicaLag",
            )
            .allowed("`AuroraReplicaLag`")
            .hint(if target == Target::Cluster {
                "on the cluster it is the lag of its readers"
            } else {
                "put it on a reader of `instances`"
            });
        } else if !RDS_INSTANCE_METRICS.contains(&metric) && !AURORA_METRICS.contains(&metric) {
            let all = RDS_INSTANCE_METRICS.iter().chain(AURORA_METRICS).copied();
            let near = did_you_mean(metric, all);
            self.error(
                &format!("{base}.metric"),
                format!("`{metric}` is not a metric of AWS/RDS (Aurora)"),
            )
            .allowed(format!(
                "one of {}, or a DB instance metric",
                join_code(AURORA_METRICS)
            ))
            .did_you_mean(near);
        }
    }

    /// The metric and node of an alarm on a resource of this stack.
    fn alarm_metric(&mut self, base: &str, a: &Alarm, target: Target) {
        let s = self.stack;
        if matches!(target, Target::Cluster | Target::ClusterInstance) {
            self.aurora_alarm_metric(base, a, target);
        } else if matches!(target, Target::Primary | Target::Replica)
            && AURORA_METRICS.contains(&a.metric.as_str())
        {
            self.error(
                &format!("{base}.metric"),
                format!(
                    "`{}` is a metric of Aurora, not of an RDS instance (engine `{}`)",
                    a.metric,
                    s.database.engine.as_str()
                ),
            )
            .allowed(format!("one of {}", join_code(RDS_INSTANCE_METRICS)))
            .hint("Aurora clusters and their instances publish it: with `engine: aurora-postgresql` or `aurora-mysql`, put the alarm on the cluster or one of its `instances`");
        } else {
            self.plain_alarm_metric(base, a, target);
        }
        match (target, a.node) {
            (Target::Redis, Some(n)) => {
                let total =
                    s.redis
                        .as_ref()
                        .and_then(|r| match (&r.num_cache_clusters, &r.cluster_mode) {
                            (None, Some(cm)) => Some(cm.shards * (cm.replicas_per_shard + 1)),
                            (Some(n), None) => Some(*n),
                            (None, None) => Some(1),
                            (Some(_), Some(_)) => None,
                        });
                // A node count that is itself wrong is reported there, not again here.
                if let Some(t) = total.filter(|t| *t >= 1)
                    && (n == 0 || n > t)
                {
                    self.error(&format!("{base}.node"), format!("node {n} does not exist"))
                        .allowed(format!("1 to {t}"));
                }
            }
            (_, None) => {}
            (_, Some(_)) => {
                self.error(
                    &format!("{base}.node"),
                    "`node` applies only to Redis alarms",
                )
                .hint("remove `node`");
            }
        }
    }

    /// A CloudWatch statistic or a percentile.
    fn alarm_statistic(&mut self, base: &str, stat: &str) {
        let basic = ["Average", "Sum", "Minimum", "Maximum", "SampleCount"];
        let percentile = stat.strip_prefix('p').is_some_and(|p| {
            p.parse::<f64>().is_ok_and(|v| (0.0..=100.0).contains(&v))
                && p.chars().all(|c| c.is_ascii_digit() || c == '.')
        });
        if !basic.contains(&stat) && !percentile {
            let near = did_you_mean(stat, basic.iter().copied());
            self.error(&format!("{base}.statistic"), format!("`{stat}` is not a statistic"))
                .allowed("`Average`, `Sum`, `Minimum`, `Maximum`, `SampleCount`, or a percentile like `p99` or `p99.9`")
                .did_you_mean(near);
        }
    }

    /// The period, and how many periods the alarm evaluates and needs to alarm.
    fn alarm_periods(&mut self, base: &str, a: &Alarm) {
        let p = a.period_seconds;
        if !(p == 10 || p == 20 || p == 30 || (p > 0 && p % 60 == 0)) {
            self.error(
                &format!("{base}.period_seconds"),
                format!("{p} seconds is not an alarm period"),
            )
            .allowed("10, 20, 30, or a multiple of 60")
            .hint("RDS and ElastiCache publish one datapoint a minute: use 60");
        } else if p < 60 {
            self.warning(&format!("{base}.period_seconds"), format!("RDS and ElastiCache publish one datapoint a minute; a {p}-second period will often see no data"))
                .hint("use 60 or more");
        }
        // CloudWatch looks back at most a day, or seven days for periods of an hour or more.
        let limit: u64 = if p >= 3600 { 7 * 86400 } else { 86400 };
        if a.evaluation_periods == 0 {
            self.error(
                &format!("{base}.evaluation_periods"),
                "an alarm evaluates at least one period",
            )
            .allowed("1 or more");
        } else if p > 0 && u64::from(p) * u64::from(a.evaluation_periods) > limit {
            let span = if p >= 3600 { "seven days" } else { "a day" };
            self.error(
                &format!("{base}.evaluation_periods"),
                format!(
                    "{} periods of {p} s look back more than {span}",
                    a.evaluation_periods
                ),
            )
            .allowed(format!("at most {} periods of {p} s", limit / u64::from(p)))
            .hint("periods of an hour or more may look back seven days; shorter ones one day");
        }
        if let Some(d) = a.datapoints_to_alarm
            && (d == 0 || d > a.evaluation_periods)
        {
            self.error(
                &format!("{base}.datapoints_to_alarm"),
                format!(
                    "{d} datapoints out of {} evaluation periods",
                    a.evaluation_periods
                ),
            )
            .allowed(format!("1 to {}", a.evaluation_periods.max(1)));
        }
    }

    /// A replica without a ReplicaLag alarm can serve stale data unnoticed.
    pub(super) fn replica_lag_warnings(&mut self) {
        let s = self.stack;
        if s.database.engine.is_aurora() {
            return; // `replicas` is refused on Aurora
        }
        for (i, rep) in s.database.replicas.iter().enumerate() {
            let has_lag_alarm = s
                .alarms
                .iter()
                .any(|a| a.resource == rep.identifier && a.metric == "ReplicaLag");
            if !has_lag_alarm {
                self.warning(
                    &format!("database.replicas[{i}]"),
                    format!(
                        "replica `{}` has no ReplicaLag alarm: it can serve stale data unnoticed",
                        rep.identifier
                    ),
                )
                .hint(format!(
                    "add an alarm with `resource: {}`, `metric: ReplicaLag`, e.g. above 60 seconds",
                    rep.identifier
                ));
            }
        }
    }
}
