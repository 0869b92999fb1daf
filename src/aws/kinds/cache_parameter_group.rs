//! The AWS side of the stack's cache parameter group: read by name with the parameters the user
//! set and whether each takes a node reboot (`ObservedResource::facts["apply_types"]`, from
//! AWS's `ChangeType`), observed row by row, created, its parameters set and reset, retagged,
//! deleted.

use std::collections::BTreeMap;

use aws_sdk_elasticache::types::{ChangeType, ParameterNameValue};
use futures::future::try_join_all;
use serde_json::json;

use super::AwsKind;
use super::calls::Planned;
use super::parameter_group::{
    self, Answer, Described, Ops, PER_CALL, Parameters, RESET, ROWS, SET, param_diff,
};
use super::row::carried;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::{Page, all_pages, found_pages};
use crate::aws::read::Context;
use crate::aws::write::{StepContext, cache_tag_list, cache_tags};
use crate::model::parameter_group::APPLY_TYPES;
use crate::model::parameter_group::attr::{DESCRIPTION, FAMILY};
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step};

/// The stack's cache parameter group: its name, the parameters the user set, and whether a
/// change to each takes a node reboot.
pub(crate) struct CacheParams {
    name: String,
    params: Parameters,
}

impl Answer for CacheParams {
    fn name(&self) -> &str {
        &self.name
    }
    fn arn_part(&self) -> &'static str {
        ":parametergroup:"
    }
    fn values(&self) -> &BTreeMap<String, String> {
        &self.params.values
    }
}

/// `ChangeType` in the model's words: `requires-reboot` is applied at a reboot (`static`),
/// `immediate` at once (`dynamic`).
fn apply_type(change_type: &ChangeType) -> Option<String> {
    match change_type {
        ChangeType::RequiresReboot => Some("static".into()),
        ChangeType::Immediate => Some("dynamic".into()),
        _ => None,
    }
}

/// One page of `DescribeCacheParameters` of a group: the user's parameters (`Source=user`),
/// or all of them.
async fn parameters_page(
    c: &Clients,
    name: &str,
    source: Option<&str>,
    marker: Option<String>,
) -> Result<Page<Described>, AwsError> {
    let r = c
        .call(
            "elasticache:DescribeCacheParameters",
            c.elasticache
                .describe_cache_parameters()
                .cache_parameter_group_name(name)
                .set_source(source.map(str::to_owned))
                .set_marker(marker)
                .send(),
        )
        .await;
    Ok(found(r)?.map(|r| {
        let items = r
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_name()?.to_owned(),
                    p.parameter_value().map(str::to_owned),
                    p.change_type().and_then(apply_type),
                ))
            })
            .collect();
        (items, r.marker().map(str::to_owned))
    }))
}

/// The group of this name with the parameters the user set; `None` when AWS has no such
/// group.
async fn describe_one(c: &Clients, name: String) -> Result<Option<CacheParams>, AwsError> {
    let user = found_pages(|marker| parameters_page(c, &name, Some("user"), marker)).await?;
    Ok(user.map(|described| {
        let mut params = Parameters::default();
        params.add(described);
        CacheParams {
            name: name.clone(),
            params,
        }
    }))
}

impl CacheParams {
    /// Looks up whether the parameters among `wanted` the user has not set yet take a reboot:
    /// every parameter of the group, page after page.
    pub(in crate::aws) async fn look_up_types(
        &mut self,
        c: &Clients,
        wanted: &[String],
    ) -> Result<(), AwsError> {
        let name = self.name.clone();
        let all = || all_pages(|marker| parameters_page(c, &name, None, marker));
        self.params.look_up_types(wanted, all).await
    }
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
    let mut o = super::parameter_group::observe(Kind::CacheParameterGroup, p, cx);
    let types = json!(p.params.apply_types);
    o.facts.insert(APPLY_TYPES.to_owned(), types);
    o
}
