//! The AWS side of the stack's cache parameter group: read by name with the parameters the user
//! set, observed row by row, created, its parameters set and reset, retagged, deleted.

use std::collections::BTreeMap;

use aws_sdk_elasticache::types::ParameterNameValue;
use futures::future::try_join_all;

use super::AwsKind;
use super::calls::Planned;
use super::parameter_group::{self, Answer, Ops, PER_CALL, RESET, ROWS, SET, param_diff};
use super::row::carried;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::found_pages;
use crate::aws::read::Context;
use crate::aws::write::{StepContext, cache_tag_list, cache_tags};
use crate::model::parameter_group::attr::{DESCRIPTION, FAMILY};
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step};

/// The stack's cache parameter group: its name and the parameters the user set.
pub(crate) struct CacheParams {
    name: String,
    values: BTreeMap<String, String>,
}

impl Answer for CacheParams {
    fn name(&self) -> &str {
        &self.name
    }
    fn arn_part(&self) -> &'static str {
        ":parametergroup:"
    }
    fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }
}

/// The group of this name with the parameters the user set; `None` when AWS has no such
/// group.
async fn describe_one(c: &Clients, name: String) -> Result<Option<CacheParams>, AwsError> {
    let name_ref = &name;
    let user = found_pages(|marker| async move {
        let r = c
            .call(
                "elasticache:DescribeCacheParameters",
                c.elasticache
                    .describe_cache_parameters()
                    .cache_parameter_group_name(name_ref)
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
    })
    .await?;
    Ok(user.map(|pairs: Vec<(String, String)>| CacheParams {
        name: name.clone(),
        values: pairs.into_iter().collect(),
    }))
}

/// The calls of a cache parameter group; one reset takes every parameter the spec dropped.
const OPS: Ops = Ops {
    create: "elasticache:CreateCacheParameterGroup",
    set: "elasticache:ModifyCacheParameterGroup",
    reset: "elasticache:ResetCacheParameterGroup",
    delete: "elasticache:DeleteCacheParameterGroup",
    reset_per_call: usize::MAX,
};

/// The stack's cache parameter groups.
pub(crate) struct CacheParameterGroups;

impl AwsKind for CacheParameterGroups {
    type Answer = CacheParams;

    /// One call a name (its user parameters; AWS takes one name), all at once.
    async fn describe(c: &Clients, names: Vec<String>) -> Result<Vec<CacheParams>, AwsError> {
        let calls = names.into_iter().map(|name| describe_one(c, name));
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let b = c
            .elasticache
            .create_cache_parameter_group()
            .cache_parameter_group_name(&a.name)
            .cache_parameter_group_family(r.str(FAMILY).unwrap_or_default())
            .description(r.str(DESCRIPTION).unwrap_or_default())
            .set_tags(Some(cache_tag_list(&cx.create_tags(r))));
        let out = c.call(OPS.create, b.send()).await;
        cx.created(a, out, |o| o.cache_parameter_group()?.arn())
            .await?;
        send_parameters(cx, a, None).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let a = &step.address;
        cache_tags(cx, &cx.arn(a)?).await?;
        send_parameters(cx, a, Some(step)).await
    }

    fn calls(p: &Planned<'_>) -> Vec<Call> {
        parameter_group::calls(p, &OPS)
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let r = c
            .call(
                OPS.delete,
                c.elasticache
                    .delete_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .send(),
            )
            .await;
        found(r).map(|_| ())
    }
}

/// Sets the parameters that differ from AWS's, 20 a call, and resets those the spec dropped.
async fn send_parameters(
    cx: &StepContext<'_>,
    a: &Address,
    step: Option<&Step>,
) -> Result<(), AwsError> {
    let c = cx.clients;
    let (set, reset) = param_diff(cx)?;
    let carried_by = |op| step.map(|s| carried(ROWS, s, op)).unwrap_or_default();
    for chunk in set.chunks(PER_CALL) {
        let params = chunk.iter().map(|(k, v)| {
            ParameterNameValue::builder()
                .parameter_name(k)
                .parameter_value(v)
                .build()
        });
        let b = c
            .elasticache
            .modify_cache_parameter_group()
            .cache_parameter_group_name(&a.name)
            .set_parameter_name_values(Some(params.collect()));
        c.call(OPS.set, b.send()).await?;
        cx.sent(OPS.set, &carried_by(SET));
    }
    if !reset.is_empty() {
        let params = reset
            .iter()
            .map(|k| ParameterNameValue::builder().parameter_name(k).build());
        let b = c
            .elasticache
            .reset_cache_parameter_group()
            .cache_parameter_group_name(&a.name)
            .set_parameter_name_values(Some(params.collect()));
        c.call(OPS.reset, b.send()).await?;
        cx.sent(OPS.reset, &carried_by(RESET));
    }
    Ok(())
}

/// The group with every row of its table.
pub(in crate::aws) fn observe(cx: &Context, p: &CacheParams) -> ObservedResource {
    super::parameter_group::observe(Kind::CacheParameterGroup, p, cx)
}
