//! Who holds an identifier right now: the one check every delete passes right before its call,
//! and the one that tells a create's lost response (the resource is there, with this apply's
//! mark) from a name that someone else took.

use super::*;
use crate::model::desired::{APPLY_TAG, OWNER_TAG};

/// What holds an address's identifier in AWS: its ARN (a security group's id) and its tags.
#[derive(Debug, Clone)]
pub struct Holder {
    pub id: String,
    pub tags: BTreeMap<String, String>,
}

impl Holder {
    pub fn owned_by(&self, stack: &str) -> bool {
        self.tags.get(OWNER_TAG).is_some_and(|v| v == stack)
    }

    /// The apply that created it, from the mark every create puts on what it creates.
    pub fn created_by(&self) -> Option<&str> {
        self.tags.get(APPLY_TAG).map(String::as_str)
    }
}

fn pairs<'a>(
    tags: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    tags.filter_map(|(k, v)| Some((k?.to_owned(), v.unwrap_or_default().to_owned())))
        .collect()
}

/// What holds `a`'s identifier now, or `None` when nothing does. A proxy target or target
/// group has no tags of its own: its proxy answers for it.
pub async fn holder(cx: &StepContext<'_>, a: &Address) -> Result<Option<Holder>, AwsError> {
    let c = cx.clients;
    let n = a.name.as_str();
    let arn = match a.kind {
        Kind::DbInstance | Kind::DbReplica | Kind::DbClusterInstance => {
            return db_instance(cx, n).await;
        }
        Kind::DbCluster => return db_cluster(cx, n).await,
        Kind::SecurityGroup => return security_group(cx, a).await,
        Kind::Secret => return secret(cx, n).await,
        Kind::ProxyTarget | Kind::ProxyTargetGroup => {
            let proxy = n.split('/').next().unwrap_or(n);
            return Box::pin(holder(cx, &Address::new(Kind::Proxy, proxy))).await;
        }
        Kind::DbSubnetGroup => found(
            c.call(
                "rds:DescribeDBSubnetGroups",
                c.rds
                    .describe_db_subnet_groups()
                    .db_subnet_group_name(n)
                    .send(),
            )
            .await,
        )?
        .and_then(|o| {
            Some(
                o.db_subnet_groups()
                    .first()?
                    .db_subnet_group_arn()?
                    .to_owned(),
            )
        }),
        Kind::DbParameterGroup => found(
            c.call(
                "rds:DescribeDBParameterGroups",
                c.rds
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(n)
                    .send(),
            )
            .await,
        )?
        .and_then(|o| {
            Some(
                o.db_parameter_groups()
                    .first()?
                    .db_parameter_group_arn()?
                    .to_owned(),
            )
        }),
        Kind::Proxy => found(
            c.call(
                "rds:DescribeDBProxies",
                c.rds.describe_db_proxies().db_proxy_name(n).send(),
            )
            .await,
        )?
        .and_then(|o| Some(o.db_proxies().first()?.db_proxy_arn()?.to_owned())),
        Kind::ProxyEndpoint => found(
            c.call(
                "rds:DescribeDBProxyEndpoints",
                c.rds
                    .describe_db_proxy_endpoints()
                    .db_proxy_endpoint_name(n)
                    .send(),
            )
            .await,
        )?
        .and_then(|o| {
            Some(
                o.db_proxy_endpoints()
                    .first()?
                    .db_proxy_endpoint_arn()?
                    .to_owned(),
            )
        }),
        Kind::ReplicationGroup | Kind::CacheSubnetGroup | Kind::CacheParameterGroup => {
            return cache(cx, a).await;
        }
        Kind::DbClusterParameterGroup => found(
            c.call(
                "rds:DescribeDBClusterParameterGroups",
                c.rds
                    .describe_db_cluster_parameter_groups()
                    .db_cluster_parameter_group_name(n)
                    .send(),
            )
            .await,
        )?
        .and_then(|o| {
            Some(
                o.db_cluster_parameter_groups()
                    .first()?
                    .db_cluster_parameter_group_arn()?
                    .to_owned(),
            )
        }),
        Kind::Alarm => return alarm(cx, n).await,
    };
    let Some(arn) = arn else { return Ok(None) };
    let tags = c
        .call(
            "rds:ListTagsForResource",
            c.rds.list_tags_for_resource().resource_name(&arn).send(),
        )
        .await?;
    let tags = pairs(tags.tag_list().iter().map(|t| (t.key(), t.value())));
    Ok(Some(Holder { id: arn, tags }))
}

async fn db_instance(cx: &StepContext<'_>, id: &str) -> Result<Option<Holder>, AwsError> {
    let c = cx.clients;
    let out = found(
        c.call(
            "rds:DescribeDBInstances",
            c.rds
                .describe_db_instances()
                .db_instance_identifier(id)
                .send(),
        )
        .await,
    )?;
    Ok(out.and_then(|o| {
        let i = o.db_instances().first()?;
        Some(Holder {
            id: i.db_instance_arn()?.to_owned(),
            tags: pairs(i.tag_list().iter().map(|t| (t.key(), t.value()))),
        })
    }))
}

async fn db_cluster(cx: &StepContext<'_>, id: &str) -> Result<Option<Holder>, AwsError> {
    let c = cx.clients;
    let out = found(
        c.call(
            "rds:DescribeDBClusters",
            c.rds
                .describe_db_clusters()
                .db_cluster_identifier(id)
                .send(),
        )
        .await,
    )?;
    Ok(out.and_then(|o| {
        let cl = o.db_clusters().first()?;
        Some(Holder {
            id: cl.db_cluster_arn()?.to_owned(),
            tags: pairs(cl.tag_list().iter().map(|t| (t.key(), t.value()))),
        })
    }))
}

async fn secret(cx: &StepContext<'_>, name: &str) -> Result<Option<Holder>, AwsError> {
    let c = cx.clients;
    let out = found(
        c.call(
            "secretsmanager:DescribeSecret",
            c.secrets.describe_secret().secret_id(name).send(),
        )
        .await,
    )?;
    Ok(out.filter(|s| s.deleted_date().is_none()).and_then(|s| {
        Some(Holder {
            id: s.arn()?.to_owned(),
            tags: pairs(s.tags().iter().map(|t| (t.key(), t.value()))),
        })
    }))
}

/// A group by its id when the stack knows it, else by name in the stack's VPC.
async fn security_group(cx: &StepContext<'_>, a: &Address) -> Result<Option<Holder>, AwsError> {
    use aws_sdk_ec2::types::Filter;
    let c = cx.clients;
    let mut req = c.ec2.describe_security_groups();
    req = match cx.ids.get(a, "id") {
        Some(id) => req.group_ids(id),
        None => req.filters(Filter::builder().name("group-name").values(&a.name).build()),
    };
    if let Some(vpc) = cx.desired.and_then(|r| r.str("vpc_id")) {
        req = req.filters(Filter::builder().name("vpc-id").values(vpc).build());
    }
    let out = found(c.call("ec2:DescribeSecurityGroups", req.send()).await)?;
    // Names are unique per VPC: of groups of that name in several, the stack's own answers.
    let mut holders: Vec<Holder> = out
        .iter()
        .flat_map(|o| o.security_groups())
        .filter_map(|g| {
            Some(Holder {
                id: g.group_id()?.to_owned(),
                tags: pairs(g.tags().iter().map(|t| (t.key(), t.value()))),
            })
        })
        .collect();
    holders.sort_by_key(|h| !h.owned_by(cx.stack));
    Ok(holders.into_iter().next())
}

async fn cache(cx: &StepContext<'_>, a: &Address) -> Result<Option<Holder>, AwsError> {
    let c = cx.clients;
    let n = a.name.as_str();
    let arn = match a.kind {
        Kind::ReplicationGroup => found(
            c.call(
                "elasticache:DescribeReplicationGroups",
                c.elasticache
                    .describe_replication_groups()
                    .replication_group_id(n)
                    .send(),
            )
            .await,
        )?
        .and_then(|o| Some(o.replication_groups().first()?.arn()?.to_owned())),
        Kind::CacheSubnetGroup => found(
            c.call(
                "elasticache:DescribeCacheSubnetGroups",
                c.elasticache
                    .describe_cache_subnet_groups()
                    .cache_subnet_group_name(n)
                    .send(),
            )
            .await,
        )?
        .and_then(|o| Some(o.cache_subnet_groups().first()?.arn()?.to_owned())),
        _ => found(
            c.call(
                "elasticache:DescribeCacheParameterGroups",
                c.elasticache
                    .describe_cache_parameter_groups()
                    .cache_parameter_group_name(n)
                    .send(),
            )
            .await,
        )?
        .and_then(|o| Some(o.cache_parameter_groups().first()?.arn()?.to_owned())),
    };
    let Some(arn) = arn else { return Ok(None) };
    let tags = c
        .call(
            "elasticache:ListTagsForResource",
            c.elasticache
                .list_tags_for_resource()
                .resource_name(&arn)
                .send(),
        )
        .await?;
    let tags = pairs(tags.tag_list().iter().map(|t| (t.key(), t.value())));
    Ok(Some(Holder { id: arn, tags }))
}

async fn alarm(cx: &StepContext<'_>, name: &str) -> Result<Option<Holder>, AwsError> {
    let c = cx.clients;
    let out = c
        .call(
            "cloudwatch:DescribeAlarms",
            c.cloudwatch.describe_alarms().alarm_names(name).send(),
        )
        .await?;
    let Some(arn) = out
        .metric_alarms()
        .first()
        .and_then(|m| m.alarm_arn())
        .map(str::to_owned)
    else {
        return Ok(None);
    };
    let tags = c
        .call(
            "cloudwatch:ListTagsForResource",
            c.cloudwatch
                .list_tags_for_resource()
                .resource_arn(&arn)
                .send(),
        )
        .await?;
    let tags = pairs(tags.tags().iter().map(|t| (t.key(), t.value())));
    Ok(Some(Holder { id: arn, tags }))
}

/// Why a delete must not happen, or `None` when `h` is this stack's (and, for an undo, was
/// created by one of `marks`, at the ARN the journal recorded when it has one).
pub fn refusal(a: &Address, h: &Holder, stack: &str, undo: Option<&UndoOf>) -> Option<String> {
    if !h.owned_by(stack) {
        return Some(format!(
            "{a} ({}) does not carry the tag {OWNER_TAG}={stack}: it is not this stack's, and stackctl does not delete it",
            h.id
        ));
    }
    let undo = undo?;
    if matches!(a.kind, Kind::ProxyTarget | Kind::ProxyTargetGroup) {
        // No tags of their own: their proxy is this stack's, which is all that can be known.
        return None;
    }
    if let Some(recorded) = &undo.recorded
        && recorded != &h.id
    {
        return Some(format!(
            "{a} is now {}, not {recorded}, which this apply created",
            h.id
        ));
    }
    match h.created_by() {
        Some(m) if undo.marks.iter().any(|x| x == m) => None,
        Some(m) => Some(format!(
            "{a} was created by another apply ({m}), not this one"
        )),
        None => Some(format!(
            "{a} was not created by this apply (it has no {APPLY_TAG} mark)"
        )),
    }
}

/// What an undo of a create may delete: only what one of these applies created.
#[derive(Debug, Clone, Default)]
pub struct UndoOf {
    /// The ids of the applies whose creations this undo reverses.
    pub marks: Vec<String>,
    /// The ARN (or id) AWS returned when the create succeeded, as the journal recorded it.
    pub recorded: Option<String>,
}
