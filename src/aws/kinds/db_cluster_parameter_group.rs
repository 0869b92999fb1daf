//! The AWS side of the stack's DB cluster parameter group (Aurora): as the DB parameter group
//! (`db_parameter_group`), with the cluster calls: read by name with the parameters the user set
//! and their apply types, created, its parameters set (dynamic ones `immediate`, the others
//! `pending-reboot`) and reset, retagged, deleted.

use std::collections::BTreeMap;

use futures::future::try_join_all;
use serde_json::{Value, json};

use super::AwsKind;
use super::calls::Planned;
use super::parameter_group::{self, Answer, Described, Ops, PER_CALL, Parameters};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::{Page, all_pages, found_pages};
use crate::aws::read::Context;
use crate::aws::write::{StepContext, rds_tag_list, rds_tags};
use crate::model::parameter_group::APPLY_TYPES;
use crate::model::parameter_group::attr::{DESCRIPTION, FAMILY};
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step};

/// The stack's DB cluster parameter group: its name, the parameters the user set, and whether
/// AWS applies each of those (and of the others whose type was looked up) only at a reboot.
pub(crate) struct DbClusterParams {
    name: String,
    /// The apply types are AWS's `ApplyType`, `static` or `dynamic`.
    params: Parameters,
}

impl Answer for DbClusterParams {
    fn name(&self) -> &str {
        &self.name
    }
    fn arn_part(&self) -> &'static str {
        ":cluster-pg:"
    }
    fn values(&self) -> &BTreeMap<String, String> {
        &self.params.values
    }
}

/// One page of `DescribeDBClusterParameters` of a group: the user's parameters (`Source=user`), or
/// all of them.
async fn parameters_page(
    c: &Clients,
    name: &str,
    source: Option<&str>,
    marker: Option<String>,
) -> Result<Page<Described>, AwsError> {
    let r = c
        .call(
            "rds:DescribeDBClusterParameters",
            c.rds
                .describe_db_cluster_parameters()
                .db_cluster_parameter_group_name(name)
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
                    p.apply_type().map(str::to_owned),
                ))
            })
            .collect();
        (items, r.marker().map(str::to_owned))
    }))
}

/// The group of this name with the parameters the user set; `None` when AWS has no such
/// group.
async fn describe_one(c: &Clients, name: String) -> Result<Option<DbClusterParams>, AwsError> {
    let user = found_pages(|marker| parameters_page(c, &name, Some("user"), marker)).await?;
    Ok(user.map(|described| {
        let mut params = Parameters::default();
        params.add(described);
        DbClusterParams {
            name: name.clone(),
            params,
        }
    }))
}

impl DbClusterParams {
    /// Looks up the apply type of the parameters among `wanted` the user has not set yet:
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

/// The calls of a DB cluster parameter group; a reset takes 20 parameters a call, as a set does.
const OPS: Ops = Ops {
    create: "rds:CreateDBClusterParameterGroup",
    set: "rds:ModifyDBClusterParameterGroup",
    reset: "rds:ResetDBClusterParameterGroup",
    delete: "rds:DeleteDBClusterParameterGroup",
    reset_per_call: PER_CALL,
};

/// The stack's DB cluster parameter groups.
pub(crate) struct DbClusterParameterGroups;

impl AwsKind for DbClusterParameterGroups {
    type Answer = DbClusterParams;

    /// One call a name (its user parameters; AWS takes one name), all at once.
    async fn describe(c: &Clients, names: Vec<String>) -> Result<Vec<DbClusterParams>, AwsError> {
        let calls = names.into_iter().map(|name| describe_one(c, name));
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let b = c
            .rds
            .create_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(&a.name)
            .db_parameter_group_family(r.str(FAMILY).unwrap_or_default())
            .description(r.str(DESCRIPTION).unwrap_or_default())
            .set_tags(Some(rds_tag_list(&cx.create_tags(r))));
        let out = c.call(OPS.create, b.send()).await;
        cx.created(a, out, |o| {
            o.db_cluster_parameter_group()?
                .db_cluster_parameter_group_arn()
        })
        .await?;
        send_parameters(cx, a, None).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let a = &step.address;
        rds_tags(cx, &cx.arn(a)?).await?;
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
                c.rds
                    .delete_db_cluster_parameter_group()
                    .db_cluster_parameter_group_name(&a.name)
                    .send(),
            )
            .await;
        found(r).map(|_| ())
    }
}

/// Sets and resets the parameters that differ from AWS's (`rds_parameters`).
async fn send_parameters(
    cx: &StepContext<'_>,
    a: &Address,
    step: Option<&Step>,
) -> Result<(), AwsError> {
    let c = cx.clients;
    let set = |p| {
        let b = c.rds.modify_db_cluster_parameter_group();
        c.call(
            OPS.set,
            b.db_cluster_parameter_group_name(&a.name)
                .set_parameters(Some(p))
                .send(),
        )
    };
    let reset = |p| {
        let b = c.rds.reset_db_cluster_parameter_group();
        c.call(
            OPS.reset,
            b.db_cluster_parameter_group_name(&a.name)
                .set_parameters(Some(p))
                .send(),
        )
    };
    super::rds_parameters::send(cx, step, &OPS, set, reset).await
}

/// The group with every row of its table, and the apply types of its parameters as a fact.
pub(in crate::aws) fn observe(cx: &Context, p: &DbClusterParams) -> ObservedResource {
    let mut o = super::parameter_group::observe(Kind::DbClusterParameterGroup, p, cx);
    let types: Value = json!(p.params.apply_types);
    o.facts.insert(APPLY_TYPES.to_owned(), types);
    o
}
