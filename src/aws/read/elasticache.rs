//! ElastiCache: the Redis replication group with one member cluster (where its engine version,
//! window and groups live), and the cache subnet and parameter groups.

use std::collections::BTreeMap;

use aws_sdk_elasticache::types::{
    AutomaticFailoverStatus, CacheCluster, CacheParameterGroup, CacheSubnetGroup, MultiAzStatus,
    ReplicationGroup,
};
use serde_json::{Value, json};

use super::{Context, nz, observed, sorted, user_parameters, with_arn};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;
use crate::spec::raw::Redis;

pub(super) async fn describe_replication_group(
    c: &Clients,
    id: Option<String>,
) -> Result<Option<ReplicationGroup>, AwsError> {
    let Some(id) = id else { return Ok(None) };
    let r = c
        .call(
            "elasticache:DescribeReplicationGroups",
            c.elasticache
                .describe_replication_groups()
                .replication_group_id(&id)
                .send(),
        )
        .await;
    Ok(found(r)?.and_then(|r| r.replication_groups().first().cloned()))
}

/// The member cluster a replication group of the spec lists first, named as AWS names it:
/// `<group>-001` with cluster mode disabled, `<group>-0001-001` with it enabled; described with
/// the group so that the read is one round trip.
pub(super) fn first_member_name(redis: &Redis) -> String {
    let id = &redis.replication_group_id;
    if redis.cluster_mode.is_some() {
        format!("{id}-0001-001")
    } else {
        format!("{id}-001")
    }
}

pub(super) async fn describe_cache_cluster(
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

pub(super) async fn describe_cache_subnet_group(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<CacheSubnetGroup>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let r = c
        .call(
            "elasticache:DescribeCacheSubnetGroups",
            c.elasticache
                .describe_cache_subnet_groups()
                .cache_subnet_group_name(&name)
                .send(),
        )
        .await;
    Ok(found(r)?.and_then(|r| r.cache_subnet_groups().first().cloned()))
}

pub(super) type CacheParams = (CacheParameterGroup, BTreeMap<String, String>);

pub(super) async fn describe_cache_parameter_group(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<CacheParams>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let group = async {
        let r = c
            .call(
                "elasticache:DescribeCacheParameterGroups",
                c.elasticache
                    .describe_cache_parameter_groups()
                    .cache_parameter_group_name(&name)
                    .send(),
            )
            .await;
        Ok::<_, AwsError>(found(r)?.and_then(|r| r.cache_parameter_groups().first().cloned()))
    };
    let name = &name;
    let params = user_parameters(|marker| async move {
        let r = c
            .call(
                "elasticache:DescribeCacheParameters",
                c.elasticache
                    .describe_cache_parameters()
                    .cache_parameter_group_name(name)
                    .source("user")
                    .set_marker(marker)
                    .send(),
            )
            .await;
        Ok(found(r)?.map(|r| {
            let pairs = r
                .parameters()
                .iter()
                .filter_map(|p| {
                    Some((
                        p.parameter_name()?.to_owned(),
                        p.parameter_value()?.to_owned(),
                    ))
                })
                .collect();
            (pairs, r.marker().map(str::to_owned))
        }))
    });
    let (g, p) = tokio::try_join!(group, params)?;
    Ok(g.map(|g| (g, p)))
}

pub(super) fn observe_cache_subnet_group(cx: &Context, g: &CacheSubnetGroup) -> ObservedResource {
    let arn = g.arn();
    let ids: Vec<String> = g
        .subnets()
        .iter()
        .filter_map(|x| x.subnet_identifier().map(str::to_owned))
        .collect();
    with_arn(
        arn,
        observed(
            Resource::new(
                Kind::CacheSubnetGroup,
                g.cache_subnet_group_name().unwrap_or_default(),
            )
            .set(
                "description",
                g.cache_subnet_group_description().unwrap_or_default(),
            )
            .set("subnet_ids", sorted(ids))
            .set("tags", cx.arn_tags(arn)),
            cx.owned_arn(arn),
            "available",
        ),
    )
}

pub(super) fn observe_cache_parameter_group(
    cx: &Context,
    (g, params): &CacheParams,
) -> ObservedResource {
    let arn = g.arn();
    with_arn(
        arn,
        observed(
            Resource::new(
                Kind::CacheParameterGroup,
                g.cache_parameter_group_name().unwrap_or_default(),
            )
            .set(
                "family",
                g.cache_parameter_group_family().unwrap_or_default(),
            )
            .set("description", g.description().unwrap_or_default())
            .set("parameters", json!(params))
            .set("tags", cx.arn_tags(arn)),
            cx.owned_arn(arn),
            "available",
        ),
    )
}

/// The replication group; its engine version, maintenance window, parameter, subnet and
/// security groups are read from `member`, one of its clusters.
pub(super) fn observe_replication_group(
    cx: &Context,
    rg: &ReplicationGroup,
    member: Option<&CacheCluster>,
) -> ObservedResource {
    let arn = rg.arn();
    let cluster_mode = rg.cluster_enabled().unwrap_or(false);
    let node_groups = rg.node_groups();
    let (num, shards, replicas) = if cluster_mode {
        (
            Value::Null,
            json!(node_groups.len()),
            json!(
                node_groups
                    .first()
                    .map(|g| g.node_group_members().len().saturating_sub(1))
                    .unwrap_or(0)
            ),
        )
    } else {
        (json!(rg.member_clusters().len()), Value::Null, Value::Null)
    };
    let port = rg
        .configuration_endpoint()
        .and_then(|e| e.port())
        .or_else(|| {
            node_groups
                .first()
                .and_then(|g| g.primary_endpoint())
                .and_then(|e| e.port())
        });
    let failover = matches!(
        rg.automatic_failover(),
        Some(AutomaticFailoverStatus::Enabled | AutomaticFailoverStatus::Enabling)
    );
    let m = member;
    let msgs: Vec<String> = m
        .map(|m| {
            m.security_groups()
                .iter()
                .filter_map(|g| g.security_group_id().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut o = observed(
        Resource::new(
            Kind::ReplicationGroup,
            rg.replication_group_id().unwrap_or_default(),
        )
        .set("description", rg.description().unwrap_or_default())
        .set("engine_version", json!(m.and_then(|m| m.engine_version())))
        .set("node_type", rg.cache_node_type().unwrap_or_default())
        .set("port", json!(port))
        .set("num_cache_clusters", num)
        .set("shards", shards)
        .set("replicas_per_shard", replicas)
        .set("automatic_failover", failover)
        .set(
            "multi_az",
            matches!(rg.multi_az(), Some(MultiAzStatus::Enabled)),
        )
        .set(
            "at_rest_encryption",
            rg.at_rest_encryption_enabled().unwrap_or(false),
        )
        .set("kms_key_id", json!(nz(rg.kms_key_id())))
        .set(
            "transit_encryption",
            rg.transit_encryption_enabled().unwrap_or(false),
        )
        .set(
            "auth_token",
            if rg.auth_token_enabled().unwrap_or(false) {
                "generated"
            } else {
                "none"
            },
        )
        .set(
            "snapshot_retention_days",
            rg.snapshot_retention_limit().unwrap_or(0),
        )
        .set("snapshot_window", json!(nz(rg.snapshot_window())))
        .set(
            "maintenance_window",
            json!(
                m.and_then(|m| m.preferred_maintenance_window())
                    .map(str::to_lowercase)
            ),
        )
        .set(
            "parameter_group",
            json!(
                m.and_then(|m| m.cache_parameter_group())
                    .and_then(|g| g.cache_parameter_group_name())
            ),
        )
        .set(
            "subnet_group",
            json!(m.and_then(|m| m.cache_subnet_group_name())),
        )
        .set("security_groups", cx.sg_list(msgs))
        .set("tags", cx.arn_tags(arn)),
        cx.owned_arn(arn),
        rg.status().unwrap_or_default(),
    );
    if let Some(a) = arn {
        o.ids.insert("arn".into(), a.to_owned());
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::raw::{ClusterMode, Stack};

    #[test]
    fn the_first_member_is_named_as_aws_names_it() {
        let stack: Stack =
            crate::spec::load_str("staging.yaml", include_str!("../../../stacks/staging.yaml"))
                .stack
                .expect("the staging example is valid");
        let mut redis = stack.redis.expect("the staging example has Redis");
        redis.replication_group_id = "g".into();
        redis.cluster_mode = None;
        assert_eq!(first_member_name(&redis), "g-001");
        redis.cluster_mode = Some(ClusterMode {
            shards: 2,
            replicas_per_shard: 1,
        });
        assert_eq!(first_member_name(&redis), "g-0001-001");
    }
}
