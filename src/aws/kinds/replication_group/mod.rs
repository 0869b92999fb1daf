//! The AWS side of the Redis replication group: described with its first member cluster and
//! observed row by row, created from every row, modified with the rows a step changes (replica
//! counts by a call of their own first), deleted, and waited for.

mod rows;

use std::collections::BTreeMap;

use aws_sdk_elasticache::types::{CacheCluster, ReplicationGroup};
use futures::future::try_join_all;
use serde_json::{Value, json};

use super::AwsKind;
use super::Req;
use super::calls::Planned;
use super::secret::secret_value;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{Context, observed, with_endpoint};
use crate::aws::watch::{Until, Watched};
use crate::aws::write::{Sensitive, StepContext, cache_tags};
use crate::model::redis::attr::{
    AUTH_TOKEN, ENGINE_VERSION, NODE_TYPE, NUM_CACHE_CLUSTERS, REPLICAS_PER_SHARD, SECURITY_GROUPS,
    TAGS, TRANSIT_ENCRYPTION, TRANSIT_ENCRYPTION_MODE,
};
use crate::model::secret::auth_token_secret_name;
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{Call, ObservedResource, Step, StepOp};
use crate::spec::stack::Redis;
use rows::{OnModify, Seen, row_of};

/// The Redis replication groups.
pub(crate) struct ReplicationGroups;

impl AwsKind for ReplicationGroups {
    type Answer = ReplicationGroup;

    /// One call a group (AWS takes one id a call), all at once.
    async fn describe(c: &Clients, ids: Vec<String>) -> Result<Vec<ReplicationGroup>, AwsError> {
        let calls = ids.into_iter().map(|id| async move {
            let r = c
                .call(
                    "elasticache:DescribeReplicationGroups",
                    c.elasticache
                        .describe_replication_groups()
                        .replication_group_id(&id)
                        .send(),
                )
                .await;
            Ok::<_, AwsError>(found(r)?.and_then(|r| r.replication_groups().first().cloned()))
        });
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let token = token(cx, r).await?;
        let q = Req::of(cx, r, SECURITY_GROUPS, token)?;
        let mut b = c.elasticache.create_replication_group();
        for set in spec_of(a.kind)
            .attrs
            .iter()
            .filter_map(|s| row_of(s.name))
            .map(|row| row.create)
        {
            b = set(b, &q);
        }
        let b = b.replication_group_id(&a.name);
        let out = c.call("elasticache:CreateReplicationGroup", b.send()).await;
        cx.created(a, out, |o| o.replication_group()?.arn()).await?;
        crate::aws::wait::available(cx, a, Watched::ReplicationGroup).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let changed = || step.attributes.iter().filter_map(|n| row_of(n));
        if changed().any(|row| matches!(row.modify, OnModify::Replicas)) {
            replica_count(cx, r, step).await?;
        }
        // Before the other fields: AUTH needs encryption in transit on.
        if changed().any(|row| matches!(row.modify, OnModify::Transit)) {
            transit(cx, r, step).await?;
        }
        let token = if step.attributes.iter().any(|x| x == AUTH_TOKEN) {
            token(cx, r).await?
        } else {
            None
        };
        let q = Req::of(cx, r, SECURITY_GROUPS, token)?;
        let mut b = c
            .elasticache
            .modify_replication_group()
            .replication_group_id(&a.name)
            .apply_immediately(true);
        let mut carried: Vec<&str> = Vec::new();
        for row in changed() {
            if let OnModify::Field(set) = row.modify {
                b = set(b, &q);
                carried.push(row.attr);
            }
        }
        if !carried.is_empty() {
            c.call("elasticache:ModifyReplicationGroup", b.send())
                .await?;
            cx.sent("elasticache:ModifyReplicationGroup", &carried);
            crate::aws::wait::available(cx, a, Watched::ReplicationGroup).await?;
        }
        if carried.contains(&AUTH_TOKEN) && q.secret.is_some() {
            let b = c
                .elasticache
                .modify_replication_group()
                .replication_group_id(&a.name)
                .apply_immediately(true);
            let b = rows::enforce_auth(b, &q);
            c.call(AUTH_SET, b.send()).await?;
            cx.sent(AUTH_SET, &[AUTH_TOKEN]);
            crate::aws::wait::available(cx, a, Watched::ReplicationGroup).await?;
        }
        if step.attributes.iter().any(|x| x == TAGS) {
            cache_tags(cx, &cx.arn(a)?).await?;
        }
        Ok(())
    }

    fn calls(p: &Planned<'_>) -> Vec<Call> {
        if p.step.op != StepOp::Update {
            return p.one(
                "elasticache:CreateReplicationGroup",
                "elasticache:DeleteReplicationGroup",
            );
        }
        let changed = || p.step.attributes.iter().filter_map(|n| row_of(n));
        let mut out = Vec::new();
        if changed().any(|row| matches!(row.modify, OnModify::Replicas)) {
            let up = count(p.wanted(REPLICAS_PER_SHARD), p.wanted(NUM_CACHE_CLUSTERS))
                > count(p.old(REPLICAS_PER_SHARD), p.old(NUM_CACHE_CLUSTERS));
            let carried = p.among(&[NUM_CACHE_CLUSTERS, REPLICAS_PER_SHARD]);
            out.extend(p.carrying(replica_op(up), carried));
        }
        if changed().any(|row| matches!(row.modify, OnModify::Transit)) {
            let on = p.old(TRANSIT_ENCRYPTION).as_bool().unwrap_or(false);
            let stages = rows::transit_stages(
                on,
                p.old(TRANSIT_ENCRYPTION_MODE).as_str(),
                p.wanted(TRANSIT_ENCRYPTION_MODE).as_str(),
            );
            for (i, stage) in stages.into_iter().enumerate() {
                let carried = p.among(stage_carries(i, on));
                out.extend(p.carrying(stage_op(stage), carried));
            }
        }
        let fields: Vec<String> = changed()
            .filter(|row| matches!(row.modify, OnModify::Field(_)))
            .map(|row| row.attr.to_owned())
            .collect();
        let set = fields.iter().any(|f| f == AUTH_TOKEN)
            && p.wanted(AUTH_TOKEN).as_str() == Some("generated");
        out.extend(p.carrying("elasticache:ModifyReplicationGroup", fields));
        if set {
            out.push(Call::new(AUTH_SET, &[AUTH_TOKEN]));
        }
        out.extend(p.tagging());
        out
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let r = c
            .call(
                "elasticache:DeleteReplicationGroup",
                c.elasticache
                    .delete_replication_group()
                    .replication_group_id(&a.name)
                    .set_final_snapshot_identifier(
                        cx.final_snapshot
                            .then(|| format!("{}-final-{stamp}", a.name)),
                    )
                    .send(),
            )
            .await;
        if found(r)?.is_none() {
            return Ok(());
        }
        c.watch
            .until(
                c,
                Watched::ReplicationGroup,
                &a.name,
                Until::Gone,
                cx.wait_limit()?,
            )
            .await?;
        Ok(())
    }
}

/// The generated AUTH token, from its secret, when the group has one.
async fn token(cx: &StepContext<'_>, r: &Resource) -> Result<Option<Sensitive>, AwsError> {
    if r.str(AUTH_TOKEN) != Some("generated") {
        return Ok(None);
    }
    let name = auth_token_secret_name(cx.stack, &r.address.name);
    Ok(Some(secret_value(cx, &name, "token").await?))
}

/// The second call of AUTH turned on: `AuthTokenUpdateStrategy=SET` after `ROTATE`.
const AUTH_SET: &str = "elasticache:ModifyReplicationGroup(SET)";

/// The replica count a group has or wants: per shard in cluster mode, else its clusters less
/// the primary.
fn replicas(r: &Resource) -> i64 {
    count(r.get(REPLICAS_PER_SHARD), r.get(NUM_CACHE_CLUSTERS))
}

/// The replica count of these values of `replicas_per_shard` and `num_cache_clusters`.
fn count(per_shard: &Value, clusters: &Value) -> i64 {
    match per_shard.as_i64() {
        Some(n) => n,
        None => clusters.as_i64().unwrap_or(1) - 1,
    }
}

fn replica_op(up: bool) -> &'static str {
    if up {
        "elasticache:IncreaseReplicaCount"
    } else {
        "elasticache:DecreaseReplicaCount"
    }
}

/// The call of one stage of encryption in transit.
fn stage_op(stage: &str) -> &'static str {
    if stage == "preferred" {
        "elasticache:ModifyReplicationGroup(TransitEncryptionMode=preferred)"
    } else {
        "elasticache:ModifyReplicationGroup(TransitEncryptionMode=required)"
    }
}

/// What the `i`th stage carries: the first turns encryption on, where it was off.
fn stage_carries(i: usize, on: bool) -> &'static [&'static str] {
    if i == 0 && !on {
        &[TRANSIT_ENCRYPTION, TRANSIT_ENCRYPTION_MODE]
    } else {
        &[TRANSIT_ENCRYPTION_MODE]
    }
}

/// IncreaseReplicaCount or DecreaseReplicaCount: `NewReplicaCount` applies to every shard.
async fn replica_count(cx: &StepContext<'_>, r: &Resource, step: &Step) -> Result<(), AwsError> {
    let a = &r.address;
    let c = cx.clients;
    let want = replicas(r);
    let have = cx.observed.map(|o| replicas(&o.resource)).unwrap_or(want);
    let count = i32::try_from(want).unwrap_or(0);
    let op = replica_op(want > have);
    if want > have {
        let call = c
            .elasticache
            .increase_replica_count()
            .replication_group_id(&a.name)
            .new_replica_count(count)
            .apply_immediately(true);
        c.call(op, call.send()).await?;
    } else {
        let call = c
            .elasticache
            .decrease_replica_count()
            .replication_group_id(&a.name)
            .new_replica_count(count)
            .apply_immediately(true);
        c.call(op, call.send()).await?;
    }
    cx.sent_among(op, Some(step), &[NUM_CACHE_CLUSTERS, REPLICAS_PER_SHARD]);
    crate::aws::wait::available(cx, a, Watched::ReplicationGroup).await
}

/// Encryption in transit, stage by stage (`rows::transit_stages`), each call waited for.
async fn transit(cx: &StepContext<'_>, r: &Resource, step: &Step) -> Result<(), AwsError> {
    let a = &r.address;
    let c = cx.clients;
    let (on, mode) = cx
        .observed
        .map(|o| {
            let on = o.resource.bool(TRANSIT_ENCRYPTION);
            (
                on,
                o.resource.str(TRANSIT_ENCRYPTION_MODE).map(str::to_owned),
            )
        })
        .unwrap_or_default();
    let want = r.str(TRANSIT_ENCRYPTION_MODE);
    for (i, stage) in rows::transit_stages(on, mode.as_deref(), want)
        .into_iter()
        .enumerate()
    {
        let b = c
            .elasticache
            .modify_replication_group()
            .replication_group_id(&a.name)
            .apply_immediately(true);
        let op = stage_op(stage);
        c.call(op, rows::transit_stage(b, stage).send()).await?;
        cx.sent_among(op, Some(step), stage_carries(i, on));
        crate::aws::wait::available(cx, a, Watched::ReplicationGroup).await?;
    }
    Ok(())
}

/// The member cluster a replication group of the spec lists first, named as AWS names it:
/// `<group>-001` with cluster mode disabled, `<group>-0001-001` with it enabled; described with
/// the group so that the read is one round trip.
pub(in crate::aws) fn first_member_name(redis: &Redis) -> String {
    let id = &redis.replication_group_id;
    if redis.cluster_mode().is_some() {
        format!("{id}-0001-001")
    } else {
        format!("{id}-001")
    }
}

pub(in crate::aws) async fn describe_cache_cluster(
    c: &Clients,
    id: Option<String>,
) -> Result<Option<CacheCluster>, AwsError> {
    let Some(id) = id else { return Ok(None) };
    let r = c
        .call(
            "elasticache:DescribeCacheClusters",
            c.elasticache
                .describe_cache_clusters()
                .cache_cluster_id(&id)
                .send(),
        )
        .await;
    Ok(found(r)?.and_then(|r| r.cache_clusters().first().cloned()))
}

/// The group with every row of its table, from its answer and its first member's.
pub(in crate::aws) fn observe(
    cx: &Context,
    rg: &ReplicationGroup,
    member: Option<&CacheCluster>,
) -> ObservedResource {
    let arn = rg.arn();
    let seen = Seen { rg, member, cx };
    let id = rg.replication_group_id().unwrap_or_default();
    let mut resource = Resource::new(Kind::ReplicationGroup, id);
    for spec in spec_of(Kind::ReplicationGroup).attrs {
        if let Some(row) = row_of(spec.name) {
            resource = resource.set(spec.name, (row.read)(&seen));
        }
    }
    let mut o = observed(resource, cx.owned_arn(arn), rg.status().unwrap_or_default());
    o.pending = held(member);
    if let Some(a) = arn {
        o.ids.insert("arn".into(), a.to_owned());
    }
    // Cluster mode: one configuration endpoint; else the primary's and the readers'.
    let first = rg.node_groups().first();
    let (primary, reader) = match rg.configuration_endpoint() {
        Some(e) => (Some(e), None),
        None => (
            first.and_then(|g| g.primary_endpoint()),
            first.and_then(|g| g.reader_endpoint()),
        ),
    };
    if let Some(r) = reader.and_then(|e| e.address()) {
        o.ids.insert("reader_endpoint".into(), r.to_owned());
    }
    with_endpoint(
        primary.and_then(|e| e.address()),
        primary.and_then(|e| e.port()),
        o,
    )
}

#[cfg(test)]
mod tests;

/// What AWS holds for the maintenance window on the group's nodes (the first member's
/// `PendingModifiedValues`), in the model's form: a change made with ApplyImmediately=false,
/// by stackctl or anyone else.
fn held(member: Option<&CacheCluster>) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Some(p) = member.and_then(|m| m.pending_modified_values()) else {
        return out;
    };
    if let Some(v) = p.engine_version() {
        out.insert(ENGINE_VERSION.to_owned(), json!(v));
    }
    if let Some(t) = p.cache_node_type() {
        out.insert(NODE_TYPE.to_owned(), json!(t));
    }
    out
}
