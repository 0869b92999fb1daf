//! The ElastiCache Redis replication group.

use serde_json::{Value, json};

use super::aws_docs::{
    self, EC_AT_REST_ENCRYPTION, EC_AUTH, EC_CREATE_REPLICATION_GROUP, EC_IN_TRANSIT_ENCRYPTION,
    EC_IN_TRANSIT_ENCRYPTION_ENABLE, EC_IN_TRANSIT_ENCRYPTION_PRACTICES,
    EC_MODIFY_REPLICATION_GROUP, EC_NODE_MIGRATION, EC_PARAMETER_GROUPS, EC_SCALING_CLUSTER_MODE,
    EC_SCALING_REPLICATION_GROUPS, EC_VERSION_MANAGEMENT, ELASTICACHE_REPLICA_COUNT,
    ELASTICACHE_REPLICA_COUNT_DOWN,
};
use super::desired::{Inputs, with_deps};
use super::network::cache_subnet_group_name;
use super::types::{Address, AttrSpec, Compare, Cost, Impact, Kind, KindSpec, Resource, Source};
use crate::spec::stack::{AuthToken, Redis, Topology};
use attr::*;

/// The replication group's attributes, each name written once (the rows here, the desired
/// value below and the AWS side in `aws::kinds::replication_group` name them through these).
pub mod attr {
    pub const DESCRIPTION: &str = "description";
    pub const ENGINE_VERSION: &str = "engine_version";
    pub const NODE_TYPE: &str = "node_type";
    pub const PORT: &str = "port";
    pub const NUM_CACHE_CLUSTERS: &str = "num_cache_clusters";
    pub const SHARDS: &str = "shards";
    pub const REPLICAS_PER_SHARD: &str = "replicas_per_shard";
    pub const AUTOMATIC_FAILOVER: &str = "automatic_failover";
    pub const MULTI_AZ: &str = "multi_az";
    pub const AT_REST_ENCRYPTION: &str = "at_rest_encryption";
    pub const KMS_KEY_ID: &str = "kms_key_id";
    pub const TRANSIT_ENCRYPTION: &str = "transit_encryption";
    pub const TRANSIT_ENCRYPTION_MODE: &str = "transit_encryption_mode";
    pub const AUTH_TOKEN: &str = "auth_token";
    pub const SNAPSHOT_RETENTION_DAYS: &str = "snapshot_retention_days";
    pub const SNAPSHOT_WINDOW: &str = "snapshot_window";
    pub const MAINTENANCE_WINDOW: &str = "maintenance_window";
    pub const PARAMETER_GROUP: &str = "parameter_group";
    pub const PARAMETER_APPLY_STATUS: &str = "parameter_apply_status";
    pub const SUBNET_GROUP: &str = "subnet_group";
    pub const SECURITY_GROUPS: &str = "security_groups";
    pub const TAGS: &str = "tags";
}

pub static REPLICATION_GROUP: KindSpec = KindSpec {
    kind: Kind::ReplicationGroup,
    name: "replication_group",
    label: "ElastiCache Redis replication group",
    stateful: true,
    loses_data: true,
    attrs: &[
        AttrSpec::online(DESCRIPTION).sources(&[Source::NotDocumented(
            "ModifyReplicationGroup changes it (ReplicationGroupDescription); AWS states no impact",
        )]),
        // Up only, a failover or an outage: see `engine_version_change`.
        AttrSpec::online(ENGINE_VERSION)
            .with(Impact::BriefOutage)
            .failover_when_multi_az()
            .compare(Compare::MinorUpgradable)
            .by_change(engine_version_change)
            .cases("an upgrade: Multi-AZ failover with Multi-AZ (writes stop for a few seconds), else brief outage (the primary serves no requests while it is upgraded); AWS closes client connections either way; applied at once; a downgrade: refused (AWS only upgrades); AWS ahead of the spec by an automatic minor upgrade: no change, a note")
            .sources(&[
                Source::doc(
                    EC_VERSION_MANAGEMENT,
                    "The cluster is available for reads during the entire upgrade and is available for writes for most of the upgrade duration, except during the failover operation which lasts a few seconds.",
                ),
                Source::doc(
                    EC_VERSION_MANAGEMENT,
                    "In these cases, the primary is unavailable to service requests during the upgrade process.",
                ),
                Source::doc(
                    EC_VERSION_MANAGEMENT,
                    "When upgrading the engine, ElastiCache for Redis will terminate existing client connections.",
                ),
                Source::doc(
                    EC_MODIFY_REPLICATION_GROUP,
                    "You can upgrade to a newer engine version (see Selecting a Cache Engine and Version), but you cannot downgrade to an earlier engine version.",
                ),
            ]),
        AttrSpec::online(NODE_TYPE)
            .with(Impact::BriefOutage)
            .failover_when_multi_az()
            .sources(&[
                Source::doc(
                    EC_SCALING_REPLICATION_GROUPS,
                    "You will notice a brief interruption (a few seconds) of reads and writes from the old nodes because the connections to the old nodes will be disconnected.",
                ),
                Source::doc(
                    EC_NODE_MIGRATION,
                    "Cluster mode disabled (single node) may see approximately 60 seconds, primarily due to DNS propagation.",
                ),
            ]),
        AttrSpec::online(PORT)
            .with(Impact::ReplaceDataLoss)
            .sources(&[Source::NotDocumented(
                "AWS documents no change of port: ModifyReplicationGroup has no Port parameter (only CreateReplicationGroup takes one)",
            )]),
        AttrSpec::online(NUM_CACHE_CLUSTERS).sources(&[
            ELASTICACHE_REPLICA_COUNT,
            ELASTICACHE_REPLICA_COUNT_DOWN,
        ]),
        // Online resharding (ModifyReplicationGroupShardConfiguration) moves slots between
        // shards; stackctl does not plan slot moves.
        AttrSpec::online(SHARDS).refused(
            "stackctl does not change the shard count of an existing cluster-mode replication group (online resharding, ModifyReplicationGroupShardConfiguration, moves hash slots while clients are connected): keep `cluster_mode.shards` at its current value and reshard with the AWS console or CLI, or give the group a new `replication_group_id` to create one with the new shard count",
        )
        .sources(&[Source::doc(
            EC_SCALING_CLUSTER_MODE,
            "When you scale using the online method, because scaling is a compute-intensive operation, there is some degradation in performance, nevertheless, your cluster continues to serve requests throughout the scaling operation.",
        )]),
        AttrSpec::online(REPLICAS_PER_SHARD).sources(&[
            ELASTICACHE_REPLICA_COUNT,
            ELASTICACHE_REPLICA_COUNT_DOWN,
        ]),
        AttrSpec::online(AUTOMATIC_FAILOVER).sources(&[Source::NotDocumented(
            "ModifyReplicationGroup changes it (AutomaticFailoverEnabled); AWS states no impact",
        )]),
        AttrSpec::online(MULTI_AZ).sources(&[Source::NotDocumented(
            "ModifyReplicationGroup changes it (MultiAZEnabled); AWS states no impact",
        )]),
        AttrSpec::online(AT_REST_ENCRYPTION)
            .with(Impact::ReplaceDataLoss)
            .sources(&[
                Source::doc(
                    EC_AT_REST_ENCRYPTION,
                    "You can enable at-rest encryption on a replication group only when creating the replication group. You cannot toggle at-rest encryption on and off by modifying a replication group.",
                ),
                Source::doc(
                    EC_CREATE_REPLICATION_GROUP,
                    "You cannot modify the value of AtRestEncryptionEnabled after the replication group is created.",
                ),
            ]),
        AttrSpec::online(KMS_KEY_ID)
            .with(Impact::ReplaceDataLoss)
            .compare(Compare::KmsKey)
            .unmanaged_when_null()
            .sources(&[Source::NotDocumented(
                "AWS documents no change of key: ModifyReplicationGroup has no KmsKeyId parameter",
            )]),
        // On in place from Redis 7, off by a replacement: see `transit_encryption_change`.
        AttrSpec::online(TRANSIT_ENCRYPTION)
            .with(Impact::ReplaceDataLoss)
            .by_change(transit_encryption_change)
            .cases("off → on, Redis 7 and later: online, in place (mode `preferred` first: no downtime, TLS endpoints added; then, unless the spec holds `preferred`, `required`, which drops every plaintext connection); off → on before Redis 7: replacement with data loss (AWS changes it in place only from Redis 7); on → off: replacement with data loss (AWS documents no way to turn it off in place)")
            .sources(&[
                Source::doc(
                    EC_IN_TRANSIT_ENCRYPTION,
                    "Modifying the in-transit encryption setting, for an existing cluster, is supported on replication groups running Redis version 7 and later.",
                ),
                Source::doc(
                    EC_MODIFY_REPLICATION_GROUP,
                    "If you are enabling in-transit encryption for an existing cluster, you must also set TransitEncryptionMode to preferred.",
                ),
                Source::doc(
                    EC_IN_TRANSIT_ENCRYPTION_PRACTICES,
                    "There will be no downtime when cluster is re-configured form TLS encryption mode ‘none’ to ‘preferred’.",
                ),
                Source::NotDocumented(
                    "AWS documents no way to turn in-transit encryption off on an existing group",
                ),
            ]),
        // `required` or `preferred` while encryption in transit is on; null (not managed) when
        // it is off. See `transit_encryption_mode_change`.
        AttrSpec::online(TRANSIT_ENCRYPTION_MODE)
            .unmanaged_when_null()
            .by_change(transit_encryption_mode_change)
            .cases("preferred → required: online for TLS clients, every plaintext connection is dropped and the non-TLS endpoints are deleted; required → preferred: refused (AWS documents the way from preferred to required only); set with encryption turned on: see `transit_encryption`")
            .sources(&[
                Source::doc(
                    EC_MODIFY_REPLICATION_GROUP,
                    "Setting TransitEncryptionMode to required is a two-step process that requires you to first set the TransitEncryptionMode to preferred, after that you can set TransitEncryptionMode to required.",
                ),
                Source::doc(
                    EC_IN_TRANSIT_ENCRYPTION_ENABLE,
                    "Setting the transit encryption mode to required will drop all unencrypted connections and will allow encrypted connections only.",
                ),
                Source::doc(
                    EC_IN_TRANSIT_ENCRYPTION_PRACTICES,
                    "Old non-TLS primary and reader endpoints will be deleted. There will be no downtime of TLS cluster endpoints.",
                ),
            ]),
        // `generated` or `none`; the token itself is never compared.
        AttrSpec::online(AUTH_TOKEN)
            .by_change(auth_token_change)
            .cases("none → generated: online, in two calls (ROTATE adds the token, SET makes it the only way in; until the second, connections without AUTH are still accepted); generated → none: refused (AWS allows it only when moving to role-based access control); applied at once")
            .sources(&[
                Source::doc(
                    EC_AUTH,
                    "After the modification is complete, the cluster supports the AUTH token specified in the auth-token parameter in addition to supporting connecting without authentication.",
                ),
                Source::doc(
                    EC_AUTH,
                    "The SET strategy updates the server to support just a single AUTH token.",
                ),
                Source::doc(
                    EC_MODIFY_REPLICATION_GROUP,
                    "DELETE - allowed only when transitioning to RBAC",
                ),
            ]),
        AttrSpec::online(SNAPSHOT_RETENTION_DAYS).sources(&[Source::doc(
            EC_MODIFY_REPLICATION_GROUP,
            "If the value of SnapshotRetentionLimit is set to zero (0), backups are turned off.",
        )]),
        AttrSpec::online(SNAPSHOT_WINDOW)
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null()
            .sources(&[Source::NotDocumented(
                "ModifyReplicationGroup changes it (SnapshotWindow); AWS states no impact",
            )]),
        AttrSpec::online(MAINTENANCE_WINDOW)
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null()
            .sources(&[Source::NotDocumented(
                "ModifyReplicationGroup changes it (PreferredMaintenanceWindow); AWS states no impact",
            )]),
        AttrSpec::online(PARAMETER_GROUP)
            .unmanaged_when_null()
            .sources(&[
                Source::doc(
                    EC_MODIFY_REPLICATION_GROUP,
                    "This change is asynchronously applied as soon as possible for parameters when the ApplyImmediately parameter is specified as true for this request.",
                ),
                Source::doc(
                    EC_PARAMETER_GROUPS,
                    "If you change a cluster's parameter group, the values for any conditionally modifiable parameter must be the same in both the current and new parameter groups.",
                ),
            ]),
        // `in-sync`, or `pending-reboot` (the first member's CacheParameterGroup status):
        // parameters AWS applies at a node reboot. Always outstanding: stackctl does not
        // reboot nodes, since each reboot loses that node's cache (`plan::reboots`).
        AttrSpec::online(PARAMETER_APPLY_STATUS)
            .with(Impact::Reboot)
            .compare(Compare::State)
            .sources(&[aws_docs::EC_CHANGE_TYPE, aws_docs::EC_REBOOT_LOSES_CACHE]),
        // Named from the stack; ModifyReplicationGroup has no subnet group parameter.
        AttrSpec::at_create(SUBNET_GROUP).sources(&[Source::NotDocumented(
            "AWS has no call to change it: ModifyReplicationGroup has no subnet group parameter (the group is named from the stack at create)",
        )]),
        AttrSpec::online(SECURITY_GROUPS)
            .compare(Compare::Unordered)
            .unmanaged_when_null()
            .sources(&[Source::NotDocumented(
                "ModifyReplicationGroup changes them (SecurityGroupIds); AWS states no impact",
            )]),
        AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
    ],
};

/// An engine version goes up only: "You can upgrade to a newer engine version [...], but you
/// cannot downgrade to an earlier engine version. If you want to use an earlier engine version,
/// you must delete the existing replication group and create it anew with the earlier engine
/// version" (ModifyReplicationGroup EngineVersion). A spec behind an automatic minor upgrade is
/// not refused.
///
/// An upgrade is a brief outage, a failover with Multi-AZ (the row's `failover_when_multi_az`).
/// ElastiCache User Guide, "Version management": "The cluster is available for reads during the
/// entire upgrade and is available for writes for most of the upgrade duration, except during
/// the failover operation which lasts a few seconds"; "For single Redis clusters and clusters
/// with Multi-AZ disabled [...] the primary is unavailable to service requests during the
/// upgrade process"; and "When upgrading the engine, ElastiCache for Redis will terminate
/// existing client connections". stackctl applies it immediately.
fn engine_version_change(old: &Value, new: &Value, desired: &Resource) -> Result<Cost, String> {
    if let Some((have, want)) = super::version::downgrade(old, new, desired) {
        return Err(format!(
            "ElastiCache upgrades an engine but \"you cannot downgrade to an earlier engine version\" (ModifyReplicationGroup EngineVersion): set `redis.engine_version` to \"{have}\", the version AWS runs, or give the group a new `redis.replication_group_id` to create one at {want} (the cached data does not move with it)"
        ));
    }
    let upgrade = Cost::new(Impact::BriefOutage, false);
    Ok(if desired.bool(MULTI_AZ) {
        upgrade.noting("writes stop for a failover of a few seconds; AWS closes client connections")
    } else {
        upgrade.noting(
            "the primary serves no requests while it is upgraded; AWS closes client connections",
        )
    })
}

/// The Redis engine versions on which AWS changes in-transit encryption of an existing group:
/// "Modifying the in-transit encryption setting, for an existing cluster, is supported on
/// replication groups running Redis version 7 and later" (ElastiCache User Guide, In-transit
/// encryption).
fn transit_modifiable(desired: &Resource) -> bool {
    desired
        .str(ENGINE_VERSION)
        .and_then(|v| super::version::parts(v).first().copied())
        .is_some_and(|major| major >= 7)
}

const DROPS_PLAINTEXT: &str = "`required` drops every plaintext connection and deletes the non-TLS endpoints: clients must connect with TLS to the new endpoints first (hold `transit_encryption_mode: preferred` while they move)";

/// Encryption in transit turned on in place from Redis 7: "If you are enabling in-transit
/// encryption for an existing cluster, you must also set TransitEncryptionMode to preferred"
/// (ModifyReplicationGroup TransitEncryptionEnabled), and "There will be no downtime when
/// cluster is re-configured form TLS encryption mode 'none' to 'preferred'" (ElastiCache User
/// Guide, Best practices when enabling in-transit encryption); `required` is a second call (see
/// `transit_encryption_mode_change`). Before Redis 7 AWS has no in-place path, and AWS documents
/// none for turning it off: the group is created anew.
fn transit_encryption_change(old: &Value, new: &Value, desired: &Resource) -> Result<Cost, String> {
    let replaced = Cost::new(Impact::ReplaceDataLoss, false);
    match (old.as_bool(), new.as_bool()) {
        (Some(false), Some(true)) if !transit_modifiable(desired) => Ok(replaced.noting(
            "AWS changes in-transit encryption of an existing group only from Redis 7: the group is created anew with it (upgrade `engine_version` to 7 or later first to keep the data)",
        )),
        (Some(false), Some(true)) if desired.str(TRANSIT_ENCRYPTION_MODE) == Some("preferred") => {
            Ok(Cost::new(Impact::Online, false).noting(
                "in place, mode `preferred`: TLS endpoints are added beside the plaintext ones, no downtime",
            ))
        }
        (Some(false), Some(true)) => Ok(Cost::new(Impact::Online, false).noting(
            "in place, in two calls: mode `preferred` (TLS endpoints added beside the plaintext ones, no downtime), then `required`, which drops every plaintext connection and deletes the non-TLS endpoints: clients must connect with TLS first (hold `transit_encryption_mode: preferred` while they move)",
        )),
        (Some(true), Some(false)) => Ok(replaced.noting(
            "AWS documents no way to turn in-transit encryption off on an existing group: it is created anew without it",
        )),
        _ => Ok(Cost::new(Impact::Online, false)),
    }
}

/// `preferred` → `required` is the second of AWS's two steps ("Setting TransitEncryptionMode to
/// required is a two-step process that requires you to first set the TransitEncryptionMode to
/// preferred, after that you can set TransitEncryptionMode to required", ModifyReplicationGroup),
/// and "will drop all unencrypted connections" (ElastiCache User Guide, Enabling in-transit
/// encryption). AWS documents no way back from `required`. A mode set with encryption turned
/// on costs what `transit_encryption_change` says.
fn transit_encryption_mode_change(old: &Value, new: &Value, _: &Resource) -> Result<Cost, String> {
    match (old.as_str(), new.as_str()) {
        (Some("preferred"), Some("required")) => {
            Ok(Cost::new(Impact::Online, false).noting(DROPS_PLAINTEXT))
        }
        (Some("required"), Some("preferred")) => Err(
            "ElastiCache documents the way from `preferred` to `required` only (\"Setting TransitEncryptionMode to required is a two-step process\", ModifyReplicationGroup), not back: keep `redis.transit_encryption_mode: required`, or give the group a new `redis.replication_group_id` to create one in `preferred` (the cached data does not move with it)".to_owned(),
        ),
        _ => Ok(Cost::new(Impact::Online, false)),
    }
}

/// AUTH on an existing group (ElastiCache User Guide, "Authenticating with the Redis AUTH
/// command"): turned on in two calls, since after ROTATE "the cluster supports the AUTH token
/// specified in the auth-token parameter in addition to supporting connecting without
/// authentication", and SET "updates the server to support just a single AUTH token". Turned
/// off, AWS refuses it but for a move to role-based access control: AuthTokenUpdateStrategy
/// DELETE is "allowed only when transitioning to RBAC" (ModifyReplicationGroup), which stackctl
/// does not manage. A group that is replaced anyway (encryption in transit turned off) is
/// created without AUTH.
fn auth_token_change(old: &Value, new: &Value, _: &Resource) -> Result<Cost, String> {
    match (old.as_str(), new.as_str()) {
        (Some("generated"), Some("none")) => Err(
            "ElastiCache turns AUTH off only when the group moves to role-based access control (AuthTokenUpdateStrategy DELETE is \"allowed only when transitioning to RBAC\"), which stackctl does not manage: keep `redis.auth_token: generated`, or give the group a new `redis.replication_group_id` to create one without AUTH (the cached data does not move with it)".to_owned(),
        ),
        (Some("none"), Some("generated")) => Ok(Cost::new(Impact::Online, false).noting(
            "the token is added (ROTATE), then made the only way in (SET): until the second call, connections without AUTH are still accepted",
        )),
        _ => Ok(Cost::new(Impact::Online, false)),
    }
}

/// The replication group, after its subnet group, security groups, parameter group and
/// generated AUTH token secret.
pub(super) fn desired_replication_group(
    cx: &Inputs<'_>,
    r: &Redis,
    parameter_group: Option<&str>,
    token_secret: Option<&str>,
) -> Resource {
    let subnet_group = cache_subnet_group_name(cx.name());
    let (num, shards, replicas) = match &r.topology {
        Topology::Sharded(cm) => (Value::Null, json!(cm.shards), json!(cm.replicas_per_shard)),
        Topology::Nodes(n) => (json!(n), Value::Null, Value::Null),
    };
    let mut rg = Resource::new(Kind::ReplicationGroup, &r.replication_group_id)
        .set(
            DESCRIPTION,
            r.description
                .clone()
                .unwrap_or_else(|| format!("Redis of stack {}, managed by stackctl", cx.name())),
        )
        .set(ENGINE_VERSION, r.engine_version.clone())
        .set(NODE_TYPE, r.node_type.clone())
        .set(PORT, r.port)
        .set(NUM_CACHE_CLUSTERS, num)
        .set(SHARDS, shards)
        .set(REPLICAS_PER_SHARD, replicas)
        .set(AUTOMATIC_FAILOVER, r.automatic_failover)
        .set(MULTI_AZ, r.multi_az)
        .set(AT_REST_ENCRYPTION, r.at_rest_encryption)
        .set(KMS_KEY_ID, json!(r.kms_key_id))
        .set(TRANSIT_ENCRYPTION, r.transit_encryption)
        .set(
            TRANSIT_ENCRYPTION_MODE,
            json!(
                r.transit_encryption
                    .then(|| r.transit_encryption_mode.as_str())
            ),
        )
        .set(
            AUTH_TOKEN,
            match r.auth_token {
                AuthToken::Generated => "generated",
                AuthToken::None => "none",
            },
        )
        .set(SNAPSHOT_RETENTION_DAYS, r.snapshot_retention_days)
        .set(SNAPSHOT_WINDOW, json!(r.snapshot_window))
        .set(
            MAINTENANCE_WINDOW,
            json!(r.maintenance_window.as_ref().map(|w| w.to_lowercase())),
        )
        .set(PARAMETER_GROUP, json!(parameter_group))
        .set(PARAMETER_APPLY_STATUS, crate::model::db_instance::IN_SYNC)
        .set(SUBNET_GROUP, subnet_group.clone())
        .set(SECURITY_GROUPS, cx.sg_list(&r.security_groups))
        .set(TAGS, cx.tags.clone())
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
