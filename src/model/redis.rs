//! The ElastiCache Redis replication group.

use super::types::{AttrSpec, Compare, Impact, Kind, KindSpec};

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
