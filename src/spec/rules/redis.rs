//! The ElastiCache Redis replication group: its nodes (cluster mode or not), failover and
//! Multi-AZ, the AUTH token and encryption, snapshots and windows, the parameter group.

use super::Rules;
use super::shapes::is_class;
use super::stack::is_production;
use super::windows::Windows;
use crate::spec::raw::{AuthToken, Redis, TransitEncryptionMode};

impl Rules<'_> {
    pub(super) fn redis(&mut self, r: &Redis) {
        self.identifier(
            "redis.replication_group_id",
            &r.replication_group_id,
            40,
            "replication group id",
        );
        self.engine_version("redis.engine_version", &r.engine_version, "`7.1`");
        if !is_class(&r.node_type, "cache.") {
            self.error(
                "redis.node_type",
                format!("`{}` is not a cache node type", r.node_type),
            )
            .allowed("`cache.<family>.<size>`, e.g. `cache.r6g.large`");
        }
        let nodes = self.redis_nodes(r);
        if r.automatic_failover && nodes.is_some_and(|n| n < 2) {
            self.error(
                "redis.automatic_failover",
                "automatic failover needs a replica to fail over to",
            )
            .allowed("`num_cache_clusters: 2` or more with `automatic_failover: true`")
            .hint("add a replica (`num_cache_clusters: 2`) or set `automatic_failover: false`");
        }
        if r.multi_az && !r.automatic_failover {
            self.error("redis.multi_az", "Multi-AZ needs automatic failover")
                .allowed("`multi_az: true` only with `automatic_failover: true`")
                .hint("set `automatic_failover: true` (and 2 or more nodes)");
        }
        if r.auth_token == AuthToken::Generated && !r.transit_encryption {
            let at = self.written(&["redis.auth_token", "redis.transit_encryption"]);
            self.error(at, "an AUTH token needs in-transit encryption")
                .allowed("`auth_token: none` when `transit_encryption: false`")
                .hint("set `transit_encryption: true` (the default) to keep the token off the wire in clear text");
        }
        if r.transit_encryption_mode == TransitEncryptionMode::Preferred && !r.transit_encryption {
            let at = self.written(&["redis.transit_encryption_mode", "redis.transit_encryption"]);
            self.error(at, "a transit encryption mode needs in-transit encryption")
                .allowed(
                    "`transit_encryption_mode: preferred` only with `transit_encryption: true`",
                )
                .hint("set `transit_encryption: true`, or remove `transit_encryption_mode`");
        }
        self.kms_key_needs_encryption(
            "redis.kms_key_id",
            r.kms_key_id.is_some(),
            r.at_rest_encryption,
            "at-rest encryption is off",
            "set `at_rest_encryption: true` (the default) or remove `kms_key_id`",
        );
        self.retention_days(
            "redis.snapshot_retention_days",
            r.snapshot_retention_days,
            "ElastiCache",
        );
        self.windows(&Windows {
            daily: ("redis.snapshot_window", r.snapshot_window.as_ref()),
            weekly: ("redis.maintenance_window", r.maintenance_window.as_ref()),
            min_minutes: 60,
            daily_kind: "snapshot",
            overlap_hint: "move one of them".to_owned(),
        });
        self.cache_parameter_group(r);
        self.security_group_refs("redis.security_groups", &r.security_groups);
    }

    /// `num_cache_clusters` or `cluster_mode`; the number of nodes of a group without cluster
    /// mode, when it is valid.
    fn redis_nodes(&mut self, r: &Redis) -> Option<u32> {
        match (&r.num_cache_clusters, &r.cluster_mode) {
            (Some(_), Some(_)) => {
                self.error("redis.cluster_mode", "give `num_cache_clusters` (cluster mode disabled) or `cluster_mode` (enabled), not both")
                    .hint("`num_cache_clusters: 3` is one primary and two replicas");
                None
            }
            (Some(n), None) => {
                if !(1..=6).contains(n) {
                    self.error(
                        "redis.num_cache_clusters",
                        format!("{n} is outside the allowed number of nodes"),
                    )
                    .allowed("1 to 6 (a primary and up to 5 replicas)")
                    .hint("for more, use `cluster_mode` with shards");
                    None
                } else {
                    Some(*n)
                }
            }
            (None, Some(cm)) => {
                if !(1..=500).contains(&cm.shards) {
                    self.error(
                        "redis.cluster_mode.shards",
                        format!("{} shards is outside the allowed range", cm.shards),
                    )
                    .allowed("1 to 500");
                }
                if cm.replicas_per_shard > 5 {
                    self.error(
                        "redis.cluster_mode.replicas_per_shard",
                        format!(
                            "{} replicas per shard is more than allowed",
                            cm.replicas_per_shard
                        ),
                    )
                    .allowed("0 to 5");
                }
                if !r.automatic_failover {
                    self.error(
                        "redis.automatic_failover",
                        "cluster mode needs automatic failover",
                    )
                    .allowed("`automatic_failover: true` with `cluster_mode`");
                }
                None
            }
            (None, None) => Some(1),
        }
    }

    /// The parameter group's family follows the Redis version (`redis7`, `redis6.x`, `redis5.0`).
    fn cache_parameter_group(&mut self, r: &Redis) {
        let Some(pg) = &r.parameter_group else {
            return;
        };
        if !self.existing_group("redis.parameter_group", pg) {
            return;
        }
        let expected = cache_family(&r.engine_version);
        if pg.family != expected {
            self.error(
                "redis.parameter_group.family",
                format!(
                    "family `{}` does not match Redis {}",
                    pg.family, r.engine_version
                ),
            )
            .allowed(format!("`{expected}`"));
        }
    }

    /// A production group without Multi-AZ.
    pub(super) fn redis_warnings(&mut self, r: &Redis) {
        if is_production(self.stack) && !r.multi_az {
            self.warning("redis", "a production Redis group without Multi-AZ: a zone outage loses the cache")
                .hint("set `num_cache_clusters: 2` or more, `automatic_failover: true` and `multi_az: true`");
        }
    }
}

/// The cache parameter group family of a Redis version: `redis7` from 7 on, `redis6.x` for 6,
/// `redis<major>.<minor>` before (`redis5.0`). A group of the stack's must be of it, and so
/// must an existing one (`aws::read::existing`, from AWS's CacheParameterGroupFamily).
pub fn cache_family(engine_version: &str) -> String {
    let parts: Vec<&str> = engine_version.split('.').collect();
    let major: u32 = parts.first().and_then(|m| m.parse().ok()).unwrap_or(0);
    match major {
        m if m >= 7 => format!("redis{m}"),
        6 => "redis6.x".to_owned(),
        _ => format!(
            "redis{}",
            parts.iter().take(2).copied().collect::<Vec<_>>().join(".")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::cache_family;

    #[test]
    fn the_cache_family_follows_the_redis_version() {
        for (version, family) in [
            ("7.1", "redis7"),
            ("7.0", "redis7"),
            ("6.2", "redis6.x"),
            ("5.0.6", "redis5.0"),
        ] {
            assert_eq!(cache_family(version), family, "{version}");
        }
    }
}
