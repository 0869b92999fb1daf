//! The AWS side of RDS's two parameter group kinds, written once: a DB instance's
//! (`db_parameter_group`) and an Aurora cluster's (`db_cluster_parameter_group`) differ only in
//! the calls' names, which each kind's file gives as an [`RdsGroup`]. Read by name with the
//! parameters the user set and their apply types (`ObservedResource::facts["apply_types"]`),
//! observed row by row, created, its parameters set (dynamic ones `immediate`, static ones
//! `pending-reboot`) and reset, retagged, deleted.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use aws_sdk_rds::types::{Parameter, Tag};
use futures::future::try_join_all;
use serde_json::{Value, json};

use super::AwsKind;
use super::calls::Planned;
use super::parameter_group::{self, Answer, Described, Ops, Parameters};
use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::aws::pages::{Page, all_pages, found_pages};
use crate::aws::read::Context;
use crate::aws::write::{StepContext, rds_tag_list, rds_tags};
use crate::model::parameter_group::APPLY_TYPES;
use crate::model::parameter_group::attr::{DESCRIPTION, FAMILY};
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step};

/// The calls of one of RDS's parameter group kinds: all the two kinds do not share.
pub(crate) trait RdsGroup: 'static {
    const KIND: Kind;
    /// What its ARN holds before the name (`:pg:`, `:cluster-pg:`).
    const ARN_PART: &'static str;
    const OPS: Ops;

    /// One page of the group's parameters: the user's (`Source=user`), or all of them; `None`
    /// when AWS has no such group.
    async fn page(
        c: &Clients,
        name: &str,
        source: Option<&str>,
        marker: Option<String>,
    ) -> Result<Page<Described>, AwsError>;

    /// Creates the group; its ARN.
    async fn create(
        c: &Clients,
        name: &str,
        family: &str,
        description: &str,
        tags: Vec<Tag>,
    ) -> Result<Option<String>, AwsError>;

    /// Sets (`reset` false) or resets these parameters: one call.
    async fn send(
        c: &Clients,
        name: &str,
        params: Vec<Parameter>,
        reset: bool,
    ) -> Result<(), AwsError>;

    /// Deletes the group; a group already gone is not an error.
    async fn delete(c: &Clients, name: &str) -> Result<(), AwsError>;
}

/// One page's parameters as both describes give them (`aws_sdk_rds::types::Parameter`).
pub(super) fn described(params: &[Parameter]) -> Vec<Described> {
    params
        .iter()
        .filter_map(|p| {
            Some((
                p.parameter_name()?.to_owned(),
                p.parameter_value().map(str::to_owned),
                p.apply_type().map(str::to_owned),
            ))
        })
        .collect()
}

/// The stack's group of kind `G`: its name, the parameters the user set, and whether AWS
/// applies each of those (and of the others whose type was looked up) only at a reboot.
pub(crate) struct RdsParams<G> {
    name: String,
    /// The apply types are AWS's `ApplyType`, `static` or `dynamic`.
    params: Parameters,
    kind: PhantomData<G>,
}

impl<G: RdsGroup> Answer for RdsParams<G> {
    fn name(&self) -> &str {
        &self.name
    }
    fn arn_part(&self) -> &'static str {
        G::ARN_PART
    }
    fn values(&self) -> &BTreeMap<String, String> {
        &self.params.values
    }
}

impl<G: RdsGroup> RdsParams<G> {
    /// The group's name.
    pub(in crate::aws) fn group(&self) -> &str {
        &self.name
    }

    /// Looks up the apply type of the parameters among `wanted` the user has not set yet:
    /// every parameter of the group, page after page.
    pub(in crate::aws) async fn look_up_types(
        &mut self,
        c: &Clients,
        wanted: &[String],
    ) -> Result<(), AwsError> {
        let name = self.name.clone();
        let all = || all_pages(|marker| G::page(c, &name, None, marker));
        self.params.look_up_types(wanted, all).await
    }
}

/// The group of this name with the parameters the user set; `None` when AWS has no such
/// group.
async fn describe_one<G: RdsGroup>(
    c: &Clients,
    name: String,
) -> Result<Option<RdsParams<G>>, AwsError> {
    let user = found_pages(|marker| G::page(c, &name, Some("user"), marker)).await?;
    Ok(user.map(|described| {
        let mut params = Parameters::default();
        params.add(described);
        RdsParams {
            name: name.clone(),
            params,
            kind: PhantomData,
        }
    }))
}

/// The stack's groups of kind `G`.
pub(crate) struct RdsParameterGroups<G>(PhantomData<G>);

impl<G: RdsGroup> AwsKind for RdsParameterGroups<G> {
    type Answer = RdsParams<G>;

    /// One call a name (its user parameters; AWS takes one name), all at once.
    async fn describe(c: &Clients, names: Vec<String>) -> Result<Vec<RdsParams<G>>, AwsError> {
        let calls = names.into_iter().map(|name| describe_one::<G>(c, name));
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let out = G::create(
            cx.clients,
            &a.name,
            r.str(FAMILY).unwrap_or_default(),
            r.str(DESCRIPTION).unwrap_or_default(),
            rds_tag_list(&cx.create_tags(r)),
        )
        .await;
        cx.created(a, out, |arn| arn.as_deref()).await?;
        send_parameters::<G>(cx, a, None).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let a = &step.address;
        rds_tags(cx, &cx.arn(a)?).await?;
        send_parameters::<G>(cx, a, Some(step)).await
    }

    fn calls(p: &Planned<'_>) -> Vec<Call> {
        parameter_group::calls(p, &G::OPS)
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        G::delete(cx.clients, &a.name).await
    }
}

/// Sets and resets the parameters that differ from AWS's (`rds_parameters`).
async fn send_parameters<G: RdsGroup>(
    cx: &StepContext<'_>,
    a: &Address,
    step: Option<&Step>,
) -> Result<(), AwsError> {
    let c = cx.clients;
    let set = |p| G::send(c, &a.name, p, false);
    let reset = |p| G::send(c, &a.name, p, true);
    super::rds_parameters::send(cx, step, &G::OPS, set, reset).await
}

/// The group with every row of its table, and the apply types of its parameters as a fact.
pub(in crate::aws) fn observe<G: RdsGroup>(cx: &Context, p: &RdsParams<G>) -> ObservedResource {
    let mut o = parameter_group::observe(G::KIND, p, cx);
    let types: Value = json!(p.params.apply_types);
    o.facts.insert(APPLY_TYPES.to_owned(), types);
    o
}
