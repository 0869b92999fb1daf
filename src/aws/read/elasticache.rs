//! ElastiCache: the cache parameter group (the replication group's and the cache subnet group's
//! AWS sides are in `aws::kinds`).

use std::collections::BTreeMap;

use aws_sdk_elasticache::types::CacheParameterGroup;
use serde_json::json;

use super::{Context, observed, with_arn};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::all_pages;
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;

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
    let params = all_pages(|marker| async move {
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
    Ok(g.map(|g| (g, p.into_iter().collect())))
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
