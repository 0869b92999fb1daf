//! The AWS side of the stack's cache subnet group: read by name and observed row by row,
//! created, modified (ModifyCacheSubnetGroup with the description and the subnets), retagged,
//! deleted.

use aws_sdk_elasticache::types::CacheSubnetGroup;
use futures::future::try_join_all;

use super::AwsKind;
use super::calls::Planned;
use super::subnet_group::{self, Answer, modified};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::Context;
use crate::aws::write::{StepContext, cache_tag_list, cache_tags};
use crate::model::network::attr::{DESCRIPTION, SUBNET_IDS, TAGS};
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step};

impl Answer for CacheSubnetGroup {
    fn name(&self) -> &str {
        self.cache_subnet_group_name().unwrap_or_default()
    }
    fn description(&self) -> &str {
        self.cache_subnet_group_description().unwrap_or_default()
    }
    fn subnet_ids(&self) -> Vec<&str> {
        self.subnets()
            .iter()
            .filter_map(|x| x.subnet_identifier())
            .collect()
    }
    fn arn(&self) -> Option<&str> {
        self.arn()
    }
    fn vpc_id(&self) -> Option<&str> {
        self.vpc_id()
    }
}

/// The stack's cache subnet groups.
pub(crate) struct CacheSubnetGroups;

impl AwsKind for CacheSubnetGroups {
    type Answer = CacheSubnetGroup;

    /// One call a name (AWS takes one), all at once.
    async fn describe(c: &Clients, names: Vec<String>) -> Result<Vec<CacheSubnetGroup>, AwsError> {
        let calls = names.into_iter().map(|name| async move {
            let r = c
                .call(
                    "elasticache:DescribeCacheSubnetGroups",
                    c.elasticache
                        .describe_cache_subnet_groups()
                        .cache_subnet_group_name(&name)
                        .send(),
                )
                .await;
            Ok::<_, AwsError>(found(r)?.and_then(|r| r.cache_subnet_groups().first().cloned()))
        });
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let b = c
            .elasticache
            .create_cache_subnet_group()
            .cache_subnet_group_name(&a.name)
            .cache_subnet_group_description(r.str(DESCRIPTION).unwrap_or_default())
            .set_subnet_ids(Some(r.strings(SUBNET_IDS)))
            .set_tags(Some(cache_tag_list(&cx.create_tags(r))));
        let out = c.call("elasticache:CreateCacheSubnetGroup", b.send()).await;
        cx.created(a, out, |o| o.cache_subnet_group()?.arn()).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let changed = modified(step);
        if !changed.is_empty() {
            let b = c
                .elasticache
                .modify_cache_subnet_group()
                .cache_subnet_group_name(&a.name)
                .cache_subnet_group_description(r.str(DESCRIPTION).unwrap_or_default())
                .set_subnet_ids(Some(r.strings(SUBNET_IDS)));
            c.call("elasticache:ModifyCacheSubnetGroup", b.send())
                .await?;
            cx.sent("elasticache:ModifyCacheSubnetGroup", &changed);
        }
        if step.attributes.iter().any(|x| x == TAGS) {
            cache_tags(cx, &cx.arn(a)?).await?;
        }
        Ok(())
    }

    fn calls(p: &Planned<'_>) -> Vec<Call> {
        subnet_group::calls(
            p,
            "elasticache:CreateCacheSubnetGroup",
            "elasticache:ModifyCacheSubnetGroup",
            "elasticache:DeleteCacheSubnetGroup",
        )
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
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

/// The group with every row of its table.
pub(in crate::aws) fn observe(cx: &Context, g: &CacheSubnetGroup) -> ObservedResource {
    super::subnet_group::observe(Kind::CacheSubnetGroup, g, cx)
}
