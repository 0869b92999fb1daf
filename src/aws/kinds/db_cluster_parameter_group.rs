//! The AWS side of the stack's DB cluster parameter group (Aurora): as the DB parameter group
//! (`db_parameter_group`), with the cluster calls: read by name with the parameters the user set
//! and their apply types, created, its parameters set (dynamic ones `immediate`, the others
//! `pending-reboot`) and reset, retagged, deleted.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{ApplyMethod, Parameter};
use futures::future::try_join_all;
use serde_json::{Value, json};

use super::AwsKind;
use super::calls::Planned;
use super::parameter_group::{self, Answer, Ops, PER_CALL, RESET, ROWS, SET, param_diff};
use super::row::carried;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::{Page, all_pages, found_pages};
use crate::aws::read::Context;
use crate::aws::write::{StepContext, rds_tag_list, rds_tags};
use crate::model::parameter_group::attr::{DESCRIPTION, FAMILY};
use crate::model::parameter_group::{APPLY_TYPES, applied_at_reboot};
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step};

/// The stack's DB parameter group: its name, the parameters the user set, and whether AWS
/// applies each of those (and of the others whose type was looked up) only at a reboot.
pub(crate) struct DbClusterParams {
    name: String,
    values: BTreeMap<String, String>,
    /// `static` or `dynamic` (AWS's `ApplyType`), by parameter name.
    apply_types: BTreeMap<String, String>,
}

impl Answer for DbClusterParams {
    fn name(&self) -> &str {
        &self.name
    }
    fn arn_part(&self) -> &'static str {
        ":cluster-pg:"
    }
    fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }
}

/// One parameter of `DescribeDBClusterParameters`: name, value, apply type.
type Described = (String, Option<String>, Option<String>);

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
        let mut out = DbClusterParams {
            name: name.clone(),
            values: BTreeMap::new(),
            apply_types: BTreeMap::new(),
        };
        out.add(described);
        out
    }))
}

impl DbClusterParams {
    fn add(&mut self, described: Vec<Described>) {
        for (name, value, apply_type) in described {
            if let Some(t) = apply_type {
                self.apply_types.insert(name.clone(), t);
            }
            if let Some(v) = value {
                self.values.insert(name, v);
            }
        }
    }

    /// Looks up the apply type of the parameters among `wanted` the user has not set yet
    /// (a second round, only when the spec sets a parameter the group does not have): every
    /// parameter of the group, page after page.
    pub(in crate::aws) async fn look_up_types(
        &mut self,
        c: &Clients,
        wanted: &[String],
    ) -> Result<(), AwsError> {
        if wanted.iter().all(|w| self.apply_types.contains_key(w)) {
            return Ok(());
        }
        let name = self.name().to_owned();
        let all = all_pages(|marker| parameters_page(c, &name, None, marker)).await?;
        for (pname, _value, apply_type) in all {
            if let Some(t) = apply_type.filter(|_| wanted.contains(&pname)) {
                self.apply_types.entry(pname).or_insert(t);
            }
        }
        Ok(())
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

/// Sets and resets the parameters that differ from AWS's, 20 a call. Dynamic parameters apply
/// at once ("You can use the immediate value with dynamic parameters only"); static ones, and
/// any whose type AWS did not give, at the reboot the plan makes a step of each instance using
/// the group.
async fn send_parameters(
    cx: &StepContext<'_>,
    a: &Address,
    step: Option<&Step>,
) -> Result<(), AwsError> {
    let c = cx.clients;
    let (set, reset) = param_diff(cx)?;
    let types = cx
        .observed
        .and_then(|o| o.facts.get(APPLY_TYPES))
        .cloned()
        .unwrap_or_default();
    let method = |k: &str| {
        if applied_at_reboot([k], &types).is_empty() {
            ApplyMethod::Immediate
        } else {
            ApplyMethod::PendingReboot
        }
    };
    let carried_by = |op| step.map(|s| carried(ROWS, s, op)).unwrap_or_default();
    for chunk in set.chunks(PER_CALL) {
        let params = chunk.iter().map(|(k, v)| {
            Parameter::builder()
                .parameter_name(k)
                .parameter_value(v)
                .apply_method(method(k))
                .build()
        });
        let b = c
            .rds
            .modify_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(&a.name)
            .set_parameters(Some(params.collect()));
        c.call(OPS.set, b.send()).await?;
        cx.sent(OPS.set, &carried_by(SET));
    }
    for chunk in reset.chunks(OPS.reset_per_call) {
        let params = chunk.iter().map(|k| {
            Parameter::builder()
                .parameter_name(k)
                .apply_method(method(k))
                .build()
        });
        let b = c
            .rds
            .reset_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(&a.name)
            .set_parameters(Some(params.collect()));
        c.call(OPS.reset, b.send()).await?;
        cx.sent(OPS.reset, &carried_by(RESET));
    }
    Ok(())
}

/// The group with every row of its table, and the apply types of its parameters as a fact.
pub(in crate::aws) fn observe(cx: &Context, p: &DbClusterParams) -> ObservedResource {
    let mut o = super::parameter_group::observe(Kind::DbClusterParameterGroup, p, cx);
    let types: Value = json!(p.apply_types);
    o.facts.insert(APPLY_TYPES.to_owned(), types);
    o
}
