//! The ElastiCache Redis replication group.

use serde_json::{Value, json};

use super::desired::{Inputs, with_deps};
use super::network::cache_subnet_group_name;
use super::types::{Address, AttrSpec, Compare, Impact, Kind, KindSpec, Resource};
use crate::spec::raw::{AuthToken, Redis};

pub static REPLICATION_GROUP: KindSpec = KindSpec {
    kind: Kind::ReplicationGroup,
    name: "replication_group",
    label: "ElastiCache Redis replication group",
    stateful: true,
    loses_data: true,
    attrs: &[
        AttrSpec::online("description"),
        AttrSpec::online("engine_version").compare(Compare::MinorUpgradable),
        AttrSpec::online("node_type")
            .with(Impact::BriefOutage)
            .failover_when_multi_az(),
        AttrSpec::online("port").with(Impact::ReplaceDataLoss),
        AttrSpec::online("num_cache_clusters"),
        // Online resharding (ModifyReplicationGroupShardConfiguration) moves slots between
        // shards; stackctl does not plan slot moves.
        AttrSpec::online("shards").refused(
            "stackctl does not change the shard count of an existing cluster-mode replication group (online resharding, ModifyReplicationGroupShardConfiguration, moves hash slots while clients are connected): keep `cluster_mode.shards` at its current value and reshard with the AWS console or CLI, or give the group a new `replication_group_id` to create one with the new shard count",
        ),
        AttrSpec::online("replicas_per_shard"),
        AttrSpec::online("automatic_failover"),
        AttrSpec::online("multi_az"),
        AttrSpec::online("at_rest_encryption").with(Impact::ReplaceDataLoss),
        AttrSpec::online("kms_key_id")
            .with(Impact::ReplaceDataLoss)
            .compare(Compare::KmsKey)
            .unmanaged_when_null(),
        AttrSpec::online("transit_encryption").with(Impact::ReplaceDataLoss),
        // `generated` or `none`; the token itself is never compared.
        AttrSpec::online("auth_token"),
        AttrSpec::online("snapshot_retention_days"),
        AttrSpec::online("snapshot_window")
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null(),
        AttrSpec::online("maintenance_window")
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null(),
        AttrSpec::online("parameter_group").unmanaged_when_null(),
        // Named from the stack; ModifyReplicationGroup has no subnet group parameter.
        AttrSpec::at_create("subnet_group"),
        AttrSpec::online("security_groups")
            .compare(Compare::Unordered)
            .unmanaged_when_null(),
        AttrSpec::online("tags"),
    ],
};

/// The replication group, after its subnet group, security groups, parameter group and
/// generated AUTH token secret.
pub(super) fn desired_replication_group(
    cx: &Inputs<'_>,
    r: &Redis,
    parameter_group: Option<&str>,
    token_secret: Option<&str>,
) -> Resource {
    let subnet_group = cache_subnet_group_name(cx.name());
    let (num, shards, replicas) = match &r.cluster_mode {
        Some(cm) => (Value::Null, json!(cm.shards), json!(cm.replicas_per_shard)),
        None => (
            json!(r.num_cache_clusters.unwrap_or(1)),
            Value::Null,
            Value::Null,
        ),
    };
    let mut rg = Resource::new(Kind::ReplicationGroup, &r.replication_group_id)
        .set(
            "description",
            r.description
                .clone()
                .unwrap_or_else(|| format!("Redis of stack {}, managed by stackctl", cx.name())),
        )
        .set("engine_version", r.engine_version.clone())
        .set("node_type", r.node_type.clone())
        .set("port", r.port)
        .set("num_cache_clusters", num)
        .set("shards", shards)
        .set("replicas_per_shard", replicas)
        .set("automatic_failover", r.automatic_failover)
        .set("multi_az", r.multi_az)
        .set("at_rest_encryption", r.at_rest_encryption)
        .set("kms_key_id", json!(r.kms_key_id))
        .set("transit_encryption", r.transit_encryption)
        .set(
            "auth_token",
            match r.auth_token {
                AuthToken::Generated => "generated",
                AuthToken::None => "none",
            },
        )
        .set("snapshot_retention_days", r.snapshot_retention_days)
        .set("snapshot_window", json!(r.snapshot_window))
        .set(
            "maintenance_window",
            json!(r.maintenance_window.as_ref().map(|w| w.to_lowercase())),
        )
        .set("parameter_group", json!(parameter_group))
        .set("subnet_group", subnet_group.clone())
        .set("security_groups", cx.sg_list(&r.security_groups))
        .set("tags", cx.tags.clone())
        .after(Address::new(Kind::CacheSubnetGroup, subnet_group));
    rg = with_deps(rg, cx.sg_deps(&r.security_groups));
    if let Some(pg) = parameter_group {
        rg = rg.after(Address::new(Kind::CacheParameterGroup, pg));
    }
    if let Some(sec) = token_secret {
        rg = rg.after(Address::new(Kind::Secret, sec));
    }
    rg
}
