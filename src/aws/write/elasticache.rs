//! ElastiCache writes: cache subnet and parameter groups, the Redis replication group.

use super::*;

pub(super) fn cache_tag_list(
    tags: &BTreeMap<String, String>,
) -> Vec<aws_sdk_elasticache::types::Tag> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_elasticache::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect()
}

pub(super) async fn cache_tags(cx: &StepContext<'_>, arn: &str) -> Result<(), AwsError> {
    let c = cx.clients;
    sync_tags(
        cx,
        |add| async move {
            c.call(
                "elasticache:AddTagsToResource",
                c.elasticache
                    .add_tags_to_resource()
                    .resource_name(arn)
                    .set_tags(Some(cache_tag_list(&add)))
                    .send(),
            )
            .await
            .map(|_| ())
        },
        |keys| async move {
            c.call(
                "elasticache:RemoveTagsFromResource",
                c.elasticache
                    .remove_tags_from_resource()
                    .resource_name(arn)
                    .set_tag_keys(Some(keys))
                    .send(),
            )
            .await
            .map(|_| ())
        },
    )
    .await
}

pub(super) async fn cache_subnet_group(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
) -> Result<(), AwsError> {
    let c = cx.clients;
    match op {
        StepOp::Create => {
            let r = cx.want()?;
            let out = c
                .call(
                    "elasticache:CreateCacheSubnetGroup",
                    c.elasticache
                        .create_cache_subnet_group()
                        .cache_subnet_group_name(&a.name)
                        .cache_subnet_group_description(
                            str_of(r, "description").unwrap_or_default(),
                        )
                        .set_subnet_ids(Some(r.strings("subnet_ids")))
                        .set_tags(Some(cache_tag_list(&cx.create_tags(r))))
                        .send(),
                )
                .await;
            cx.created(a, out, |o| o.cache_subnet_group()?.arn()).await
        }
        StepOp::Update => {
            let r = cx.want()?;
            c.call(
                "elasticache:ModifyCacheSubnetGroup",
                c.elasticache
                    .modify_cache_subnet_group()
                    .cache_subnet_group_name(&a.name)
                    .cache_subnet_group_description(str_of(r, "description").unwrap_or_default())
                    .set_subnet_ids(Some(r.strings("subnet_ids")))
                    .send(),
            )
            .await?;
            cx.sent(
                "elasticache:ModifyCacheSubnetGroup",
                &["description", "subnet_ids"],
            );
            cache_tags(cx, &cx.arn(a)?).await
        }
        StepOp::Delete => {
            let r = c
                .call(
                    "elasticache:DeleteCacheSubnetGroup",
                    c.elasticache
                        .delete_cache_subnet_group()
                        .cache_subnet_group_name(&a.name)
                        .send(),
                )
                .await;
            found(r).map(|_| ())
        }
    }
}

pub(super) async fn cache_parameter_group(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
) -> Result<(), AwsError> {
    use aws_sdk_elasticache::types::ParameterNameValue;
    let c = cx.clients;
    if op == StepOp::Delete {
        let r = c
            .call(
                "elasticache:DeleteCacheParameterGroup",
                c.elasticache
                    .delete_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .send(),
            )
            .await;
        return found(r).map(|_| ());
    }
    let r = cx.want()?;
    if op == StepOp::Create {
        let out = c
            .call(
                "elasticache:CreateCacheParameterGroup",
                c.elasticache
                    .create_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .cache_parameter_group_family(str_of(r, "family").unwrap_or_default())
                    .description(str_of(r, "description").unwrap_or_default())
                    .set_tags(Some(cache_tag_list(&cx.create_tags(r))))
                    .send(),
            )
            .await;
        cx.created(a, out, |o| o.cache_parameter_group()?.arn())
            .await?;
    } else {
        cache_tags(cx, &cx.arn(a)?).await?;
    }
    let (set, reset) = param_diff(cx)?;
    let set: Vec<(String, String)> = set.into_iter().collect();
    for chunk in set.chunks(20) {
        let params: Vec<ParameterNameValue> = chunk
            .iter()
            .map(|(k, v)| {
                ParameterNameValue::builder()
                    .parameter_name(k)
                    .parameter_value(v)
                    .build()
            })
            .collect();
        c.call(
            "elasticache:ModifyCacheParameterGroup",
            c.elasticache
                .modify_cache_parameter_group()
                .cache_parameter_group_name(&a.name)
                .set_parameter_name_values(Some(params))
                .send(),
        )
        .await?;
        cx.sent("elasticache:ModifyCacheParameterGroup", &["parameters"]);
    }
    if !reset.is_empty() {
        let params: Vec<ParameterNameValue> = reset
            .iter()
            .map(|k| ParameterNameValue::builder().parameter_name(k).build())
            .collect();
        c.call(
            "elasticache:ResetCacheParameterGroup",
            c.elasticache
                .reset_cache_parameter_group()
                .cache_parameter_group_name(&a.name)
                .set_parameter_name_values(Some(params))
                .send(),
        )
        .await?;
        cx.sent("elasticache:ResetCacheParameterGroup", &["parameters"]);
    }
    Ok(())
}

pub(super) async fn rg_wait_available(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let seen = c
        .watch
        .until(
            c,
            Watched::ReplicationGroup,
            &a.name,
            Until::Available,
            limits::REPLICATION_GROUP,
        )
        .await?;
    if let Some(arn) = seen.and_then(|s| s.arn) {
        cx.ids.set(a, "arn", arn);
    }
    Ok(())
}

pub(super) async fn rg_create(cx: &StepContext<'_>) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let token = if str_of(r, "auth_token") == Some("generated") {
        let name = crate::model::secret::auth_token_secret_name(cx.stack, &a.name);
        Some(secret_value(cx, &name, "token").await?)
    } else {
        None
    };
    let req = c
        .elasticache
        .create_replication_group()
        .replication_group_id(&a.name)
        .replication_group_description(str_of(r, "description").unwrap_or_default())
        .engine("redis")
        .engine_version(str_of(r, "engine_version").unwrap_or_default())
        .cache_node_type(str_of(r, "node_type").unwrap_or_default())
        .set_port(i32_of(r, "port"))
        .set_num_cache_clusters(i32_of(r, "num_cache_clusters"))
        .set_num_node_groups(i32_of(r, "shards"))
        .set_replicas_per_node_group(i32_of(r, "replicas_per_shard"))
        .automatic_failover_enabled(r.bool("automatic_failover"))
        .multi_az_enabled(r.bool("multi_az"))
        .at_rest_encryption_enabled(r.bool("at_rest_encryption"))
        .set_kms_key_id(str_of(r, "kms_key_id").map(str::to_owned))
        .transit_encryption_enabled(r.bool("transit_encryption"))
        .set_auth_token(token.as_ref().map(|t| t.expose().to_owned()))
        .set_snapshot_retention_limit(i32_of(r, "snapshot_retention_days"))
        .set_snapshot_window(str_of(r, "snapshot_window").map(str::to_owned))
        .set_preferred_maintenance_window(str_of(r, "maintenance_window").map(str::to_owned))
        .set_cache_parameter_group_name(str_of(r, "parameter_group").map(str::to_owned))
        .set_cache_subnet_group_name(str_of(r, "subnet_group").map(str::to_owned))
        .set_security_group_ids(cx.sg_ids(r, "security_groups")?)
        .set_tags(Some(cache_tag_list(&cx.create_tags(r))));
    let out = c
        .call("elasticache:CreateReplicationGroup", req.send())
        .await;
    cx.created(a, out, |o| o.replication_group()?.arn()).await?;
    rg_wait_available(cx, a).await
}

/// The replica count a replication group has (observed) and wants: per shard in cluster mode,
/// else its clusters less the primary.
fn replica_counts(cx: &StepContext<'_>, r: &Resource) -> (i64, i64) {
    let of = |res: &Resource| match res.int("replicas_per_shard") {
        Some(n) => n,
        None => res.int("num_cache_clusters").unwrap_or(1) - 1,
    };
    let want = of(r);
    let have = cx.observed.map(|o| of(&o.resource)).unwrap_or(want);
    (have, want)
}

/// IncreaseReplicaCount or DecreaseReplicaCount: `NewReplicaCount` applies to every shard.
async fn rg_replicas(cx: &StepContext<'_>, carry: &mut Carry<'_>) -> Result<(), AwsError> {
    if !carry.take(&["num_cache_clusters", "replicas_per_shard"]) {
        return Ok(());
    }
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let (have, want) = replica_counts(cx, r);
    let replicas = i32::try_from(want).unwrap_or(0);
    let op = if want > have {
        c.call(
            "elasticache:IncreaseReplicaCount",
            c.elasticache
                .increase_replica_count()
                .replication_group_id(&a.name)
                .new_replica_count(replicas)
                .apply_immediately(true)
                .send(),
        )
        .await?;
        "elasticache:IncreaseReplicaCount"
    } else {
        c.call(
            "elasticache:DecreaseReplicaCount",
            c.elasticache
                .decrease_replica_count()
                .replication_group_id(&a.name)
                .new_replica_count(replicas)
                .apply_immediately(true)
                .send(),
        )
        .await?;
        "elasticache:DecreaseReplicaCount"
    };
    cx.sent(op, &std::mem::take(&mut carry.carried));
    rg_wait_available(cx, a).await
}

type ModifyRg =
    aws_sdk_elasticache::operation::modify_replication_group::builders::ModifyReplicationGroupFluentBuilder;

/// The AUTH token in a ModifyReplicationGroup: ROTATE to the generated secret's value (AUTH on,
/// the old token still accepted until the next rotation), or DELETE to turn AUTH off (AWS
/// allows it with encryption in transit on; the secret is deleted after, by its own step).
async fn rg_auth_token(
    cx: &StepContext<'_>,
    r: &Resource,
    req: ModifyRg,
) -> Result<ModifyRg, AwsError> {
    use aws_sdk_elasticache::types::AuthTokenUpdateStrategyType as Strategy;
    if str_of(r, "auth_token") != Some("generated") {
        return Ok(req.auth_token_update_strategy(Strategy::Delete));
    }
    let name = crate::model::secret::auth_token_secret_name(cx.stack, &r.address.name);
    let token = secret_value(cx, &name, "token").await?;
    Ok(req
        .auth_token(token.expose())
        .auth_token_update_strategy(Strategy::Rotate))
}

/// One ModifyReplicationGroup with every changed attribute it can carry.
async fn rg_modify(cx: &StepContext<'_>, carry: &mut Carry<'_>) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let mut req = c
        .elasticache
        .modify_replication_group()
        .replication_group_id(&a.name)
        .apply_immediately(true);
    if carry.take(&["description"]) {
        req = req.replication_group_description(str_of(r, "description").unwrap_or_default());
    }
    if carry.take(&["engine_version"]) {
        req = req.engine_version(str_of(r, "engine_version").unwrap_or_default());
    }
    if carry.take(&["node_type"]) {
        req = req.cache_node_type(str_of(r, "node_type").unwrap_or_default());
    }
    if carry.take(&["automatic_failover"]) {
        req = req.automatic_failover_enabled(r.bool("automatic_failover"));
    }
    if carry.take(&["multi_az"]) {
        req = req.multi_az_enabled(r.bool("multi_az"));
    }
    if carry.take(&["snapshot_retention_days"]) {
        req = req.set_snapshot_retention_limit(i32_of(r, "snapshot_retention_days"));
    }
    if carry.take(&["snapshot_window"]) {
        req = req.set_snapshot_window(str_of(r, "snapshot_window").map(str::to_owned));
    }
    if carry.take(&["maintenance_window"]) {
        req = req
            .set_preferred_maintenance_window(str_of(r, "maintenance_window").map(str::to_owned));
    }
    if carry.take(&["parameter_group"]) {
        req = req.set_cache_parameter_group_name(str_of(r, "parameter_group").map(str::to_owned));
    }
    if carry.take(&["security_groups"]) {
        req = req.set_security_group_ids(cx.sg_ids(r, "security_groups")?);
    }
    if carry.take(&["auth_token"]) {
        req = rg_auth_token(cx, r, req).await?;
    }
    if carry.carried.is_empty() {
        return Ok(());
    }
    c.call("elasticache:ModifyReplicationGroup", req.send())
        .await?;
    cx.sent("elasticache:ModifyReplicationGroup", &carry.carried);
    rg_wait_available(cx, a).await
}

pub(super) async fn rg_update(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
    let a = &cx.want()?.address;
    rg_replicas(cx, &mut Carry::new(step)).await?;
    let mut carry = Carry::new(step);
    rg_modify(cx, &mut carry).await?;
    if carry.changed("tags") {
        cache_tags(cx, &cx.arn(a)?).await?;
    }
    Ok(())
}

pub(super) async fn rg_delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
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
            limits::REPLICATION_GROUP,
        )
        .await?;
    Ok(())
}
