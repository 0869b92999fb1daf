//! The replication group's attribute rows on AWS's side: for each row of `model::redis`, how
//! it is read from `DescribeReplicationGroups` (and the first member cluster, where the engine
//! version, window and groups live) and which field of `CreateReplicationGroup` and
//! `ModifyReplicationGroup` it sets, or which call of its own changes it.

use aws_sdk_elasticache::operation::create_replication_group::builders::CreateReplicationGroupFluentBuilder as Create;
use aws_sdk_elasticache::operation::modify_replication_group::builders::ModifyReplicationGroupFluentBuilder as Modify;
use aws_sdk_elasticache::types::AuthTokenUpdateStrategyType as Strategy;
use aws_sdk_elasticache::types::{
    AutomaticFailoverStatus, CacheCluster, MultiAzStatus, ReplicationGroup, TransitEncryptionMode,
};
use serde_json::{Value, json};

use super::super::Req;
use crate::aws::read::{Context, nz};
use crate::aws::write::cache_tag_list;
use crate::model::db_instance::IN_SYNC;
use crate::model::redis::attr::*;

/// What a row is read from: the group, its first member cluster, and the rest of the read.
pub(super) struct Seen<'a> {
    pub rg: &'a ReplicationGroup,
    pub member: Option<&'a CacheCluster>,
    pub cx: &'a Context<'a>,
}

impl Seen<'_> {
    fn cluster_mode(&self) -> bool {
        self.rg.cluster_enabled().unwrap_or(false)
    }
    fn transit(&self) -> bool {
        self.rg.transit_encryption_enabled().unwrap_or(false)
    }
    fn port(&self) -> Option<i32> {
        let first = self.rg.node_groups().first();
        self.rg
            .configuration_endpoint()
            .and_then(|e| e.port())
            .or_else(|| {
                first
                    .and_then(|g| g.primary_endpoint())
                    .and_then(|e| e.port())
            })
    }
}

/// How a row reaches AWS when the group exists.
#[derive(Clone, Copy)]
pub(super) enum OnModify {
    /// Fields of `ModifyReplicationGroup`.
    Field(fn(Modify, &Req<'_>) -> Modify),
    /// `IncreaseReplicaCount` or `DecreaseReplicaCount` (`NewReplicaCount`, every shard).
    Replicas,
    /// In-transit encryption turned on in AWS's stages, one `ModifyReplicationGroup` each:
    /// mode `preferred`, then `required` (`transit_stages`).
    Transit,
    /// `AddTagsToResource` and `RemoveTagsFromResource`.
    Tags,
    /// `RebootCacheCluster` of each node, which stackctl leaves to the user: each reboot loses
    /// that node's cache, so the plan keeps it outstanding and no step carries it.
    ByTheUser,
    /// No call changes it: the model plans a replacement, refuses it, or sets it at create.
    Never,
}

/// One attribute row on AWS's side.
#[derive(Clone, Copy)]
pub(super) struct Row {
    pub attr: &'static str,
    pub read: fn(&Seen<'_>) -> Value,
    pub create: fn(Create, &Req<'_>) -> Create,
    pub modify: OnModify,
}

const fn row(
    attr: &'static str,
    read: fn(&Seen<'_>) -> Value,
    create: fn(Create, &Req<'_>) -> Create,
) -> Row {
    Row {
        attr,
        read,
        create,
        modify: OnModify::Never,
    }
}

impl Row {
    const fn modify(mut self, f: fn(Modify, &Req<'_>) -> Modify) -> Self {
        self.modify = OnModify::Field(f);
        self
    }
    const fn by(mut self, how: OnModify) -> Self {
        self.modify = how;
        self
    }
}

/// Every row of the replication group's table.
pub(super) static ROWS: &[Row] = &[
    row(
        DESCRIPTION,
        |s| json!(s.rg.description().unwrap_or_default()),
        |b, q| b.replication_group_description(q.s(DESCRIPTION)),
    )
    .modify(|b, q| b.replication_group_description(q.s(DESCRIPTION))),
    row(
        ENGINE_VERSION,
        |s| json!(s.member.and_then(|m| m.engine_version())),
        |b, q| b.engine("redis").engine_version(q.s(ENGINE_VERSION)),
    )
    .modify(|b, q| b.engine_version(q.s(ENGINE_VERSION))),
    row(
        NODE_TYPE,
        |s| json!(s.rg.cache_node_type().unwrap_or_default()),
        |b, q| b.cache_node_type(q.s(NODE_TYPE)),
    )
    .modify(|b, q| b.cache_node_type(q.s(NODE_TYPE))),
    row(PORT, |s| json!(s.port()), |b, q| b.set_port(q.i(PORT))),
    row(
        NUM_CACHE_CLUSTERS,
        |s| {
            let n = s.rg.member_clusters().len();
            if s.cluster_mode() {
                Value::Null
            } else {
                json!(n)
            }
        },
        |b, q| b.set_num_cache_clusters(q.i(NUM_CACHE_CLUSTERS)),
    )
    .by(OnModify::Replicas),
    row(
        SHARDS,
        |s| json!(s.cluster_mode().then(|| s.rg.node_groups().len())),
        |b, q| b.set_num_node_groups(q.i(SHARDS)),
    ),
    row(
        REPLICAS_PER_SHARD,
        |s| {
            let first = s.rg.node_groups().first();
            let n = first.map(|g| g.node_group_members().len().saturating_sub(1));
            json!(s.cluster_mode().then(|| n.unwrap_or(0)))
        },
        |b, q| b.set_replicas_per_node_group(q.i(REPLICAS_PER_SHARD)),
    )
    .by(OnModify::Replicas),
    row(
        AUTOMATIC_FAILOVER,
        |s| {
            json!(matches!(
                s.rg.automatic_failover(),
                Some(AutomaticFailoverStatus::Enabled | AutomaticFailoverStatus::Enabling)
            ))
        },
        |b, q| b.automatic_failover_enabled(q.b(AUTOMATIC_FAILOVER)),
    )
    .modify(|b, q| b.automatic_failover_enabled(q.b(AUTOMATIC_FAILOVER))),
    row(
        MULTI_AZ,
        |s| json!(matches!(s.rg.multi_az(), Some(MultiAzStatus::Enabled))),
        |b, q| b.multi_az_enabled(q.b(MULTI_AZ)),
    )
    .modify(|b, q| b.multi_az_enabled(q.b(MULTI_AZ))),
    row(
        AT_REST_ENCRYPTION,
        |s| json!(s.rg.at_rest_encryption_enabled().unwrap_or(false)),
        |b, q| b.at_rest_encryption_enabled(q.b(AT_REST_ENCRYPTION)),
    ),
    row(
        KMS_KEY_ID,
        |s| json!(nz(s.rg.kms_key_id())),
        |b, q| b.set_kms_key_id(q.opt(KMS_KEY_ID)),
    ),
    row(
        TRANSIT_ENCRYPTION,
        |s| json!(s.transit()),
        |b, q| b.transit_encryption_enabled(q.b(TRANSIT_ENCRYPTION)),
    )
    .by(OnModify::Transit),
    // AWS reports the mode of a group with encryption in transit; one that has none is
    // `required`, the mode such a group is created in.
    row(
        TRANSIT_ENCRYPTION_MODE,
        |s| {
            let mode =
                s.rg.transit_encryption_mode()
                    .map(|m| m.as_str().to_owned());
            json!(
                s.transit()
                    .then(|| mode.unwrap_or_else(|| "required".into()))
            )
        },
        |b, q| b.set_transit_encryption_mode(q.opt(TRANSIT_ENCRYPTION_MODE).map(|m| mode(&m))),
    )
    .by(OnModify::Transit),
    // `generated` (the token is the secret's, read right before the call) or `none`. Turned
    // on: ROTATE adds the token beside no AUTH at all, and a second call (`enforce_auth`) SETs
    // it as the only way in. Turned off: the planner refuses it (AWS allows DELETE only for a
    // move to RBAC).
    row(
        AUTH_TOKEN,
        |s| {
            let on = s.rg.auth_token_enabled().unwrap_or(false);
            json!(if on { "generated" } else { "none" })
        },
        |b, q| b.set_auth_token(q.secret()),
    )
    .modify(|b, q| {
        b.set_auth_token(q.secret())
            .auth_token_update_strategy(Strategy::Rotate)
    }),
    row(
        SNAPSHOT_RETENTION_DAYS,
        |s| json!(s.rg.snapshot_retention_limit().unwrap_or(0)),
        |b, q| b.set_snapshot_retention_limit(q.i(SNAPSHOT_RETENTION_DAYS)),
    )
    .modify(|b, q| b.set_snapshot_retention_limit(q.i(SNAPSHOT_RETENTION_DAYS))),
    row(
        SNAPSHOT_WINDOW,
        |s| json!(nz(s.rg.snapshot_window())),
        |b, q| b.set_snapshot_window(q.opt(SNAPSHOT_WINDOW)),
    )
    .modify(|b, q| b.set_snapshot_window(q.opt(SNAPSHOT_WINDOW))),
    row(
        MAINTENANCE_WINDOW,
        |s| {
            let w = s.member.and_then(|m| m.preferred_maintenance_window());
            json!(w.map(str::to_lowercase))
        },
        |b, q| b.set_preferred_maintenance_window(q.opt(MAINTENANCE_WINDOW)),
    )
    .modify(|b, q| b.set_preferred_maintenance_window(q.opt(MAINTENANCE_WINDOW))),
    row(
        PARAMETER_GROUP,
        |s| {
            let g = s.member.and_then(|m| m.cache_parameter_group());
            json!(g.and_then(|g| g.cache_parameter_group_name()))
        },
        |b, q| b.set_cache_parameter_group_name(q.opt(PARAMETER_GROUP)),
    )
    .modify(|b, q| b.set_cache_parameter_group_name(q.opt(PARAMETER_GROUP))),
    // The first member's: its nodes wait for a reboot when AWS says `pending-reboot`.
    row(
        PARAMETER_APPLY_STATUS,
        |s| {
            let g = s.member.and_then(|m| m.cache_parameter_group());
            let status = g.and_then(|g| g.parameter_apply_status());
            json!(if status == Some("pending-reboot") {
                "pending-reboot"
            } else {
                IN_SYNC
            })
        },
        |b, _| b,
    )
    .by(OnModify::ByTheUser),
    row(
        SUBNET_GROUP,
        |s| json!(s.member.and_then(|m| m.cache_subnet_group_name())),
        |b, q| b.set_cache_subnet_group_name(q.opt(SUBNET_GROUP)),
    ),
    row(
        SECURITY_GROUPS,
        |s| {
            let groups = s.member.map(|m| m.security_groups()).unwrap_or_default();
            let ids = groups.iter().filter_map(|g| g.security_group_id());
            s.cx.sg_list(ids.map(str::to_owned).collect())
        },
        |b, q| b.set_security_group_ids(q.sg_ids.clone()),
    )
    .modify(|b, q| b.set_security_group_ids(q.sg_ids.clone())),
    row(
        TAGS,
        |s| s.cx.arn_tags(s.rg.arn()),
        |b, q| b.set_tags(Some(cache_tag_list(&q.create_tags))),
    )
    .by(OnModify::Tags),
];

/// The second call that turns AUTH on: SET makes the token, added by ROTATE, the only way in.
pub(super) fn enforce_auth(b: Modify, q: &Req<'_>) -> Modify {
    b.set_auth_token(q.secret())
        .auth_token_update_strategy(Strategy::Set)
}

fn mode(m: &str) -> TransitEncryptionMode {
    TransitEncryptionMode::from(m)
}

/// The calls that take a group from its in-transit encryption (`on`, in `mode`) to the mode the
/// spec wants, each a `ModifyReplicationGroup` with encryption on: `preferred` first when it is
/// off ("If you are enabling in-transit encryption for an existing cluster, you must also set
/// TransitEncryptionMode to preferred"), then `required` ("a two-step process that requires you
/// to first set the TransitEncryptionMode to preferred", ModifyReplicationGroup). Turning it
/// off, or back from `required`, is never sent: the planner replaces the group or refuses it.
pub(super) fn transit_stages(
    on: bool,
    mode: Option<&str>,
    want: Option<&str>,
) -> Vec<&'static str> {
    let mut stages = Vec::new();
    let Some(want) = want else { return stages };
    if !on {
        stages.push("preferred");
    }
    if want == "required" && (!on || mode == Some("preferred")) {
        stages.push("required");
    }
    stages
}

/// One stage of `transit_stages`.
pub(super) fn transit_stage(b: Modify, stage: &str) -> Modify {
    b.transit_encryption_enabled(true)
        .transit_encryption_mode(mode(stage))
}

/// The row of an attribute.
pub(super) fn row_of(attr: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.attr == attr)
}
