//! The AWS side of the stack's DB subnet group: read by name and observed row by row, created,
//! modified (ModifyDBSubnetGroup takes the description and the subnets together), retagged,
//! deleted.

use aws_sdk_rds::types::DbSubnetGroup;
use futures::future::try_join_all;
use serde_json::{Value, json};

use super::AwsKind;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{Context, observed, with_arn};
use crate::aws::write::{StepContext, rds_tag_list, rds_tags};
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{ObservedResource, Step};

/// One attribute row: how it is read from AWS's answer. Its request field is the same on
/// create and on modify (`set`), tags aside.
struct Row {
    attr: &'static str,
    read: fn(&DbSubnetGroup, &Context) -> Value,
}

static ROWS: &[Row] = &[
    Row {
        attr: "description",
        read: |g, _| json!(g.db_subnet_group_description().unwrap_or_default()),
    },
    Row {
        attr: "subnet_ids",
        read: |g, _| {
            let ids = g.subnets().iter().filter_map(|x| x.subnet_identifier());
            let mut ids: Vec<&str> = ids.collect();
            ids.sort_unstable();
            json!(ids)
        },
    },
    Row {
        attr: "tags",
        read: |g, cx| cx.arn_tags(g.db_subnet_group_arn()),
    },
];

/// The rows ModifyDBSubnetGroup sends (both at once: it requires the subnets).
const MODIFIED: [&str; 2] = ["description", "subnet_ids"];

/// The stack's DB subnet groups.
pub(crate) struct DbSubnetGroups;

impl AwsKind for DbSubnetGroups {
    type Answer = DbSubnetGroup;

    /// One call a name (AWS takes one), all at once.
    async fn describe(c: &Clients, names: Vec<String>) -> Result<Vec<DbSubnetGroup>, AwsError> {
        let calls = names.into_iter().map(|name| async move {
            let r = c
                .call(
                    "rds:DescribeDBSubnetGroups",
                    c.rds
                        .describe_db_subnet_groups()
                        .db_subnet_group_name(&name)
                        .send(),
                )
                .await;
            Ok::<_, AwsError>(found(r)?.and_then(|r| r.db_subnet_groups().first().cloned()))
        });
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let b = c
            .rds
            .create_db_subnet_group()
            .db_subnet_group_name(&a.name)
            .db_subnet_group_description(r.str("description").unwrap_or_default())
            .set_subnet_ids(Some(r.strings("subnet_ids")))
            .set_tags(Some(rds_tag_list(&cx.create_tags(r))));
        let out = c.call("rds:CreateDBSubnetGroup", b.send()).await;
        cx.created(a, out, |o| o.db_subnet_group()?.db_subnet_group_arn())
            .await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let changed: Vec<&str> = MODIFIED
            .into_iter()
            .filter(|m| step.attributes.iter().any(|x| x == m))
            .collect();
        if !changed.is_empty() {
            let b = c
                .rds
                .modify_db_subnet_group()
                .db_subnet_group_name(&a.name)
                .db_subnet_group_description(r.str("description").unwrap_or_default())
                .set_subnet_ids(Some(r.strings("subnet_ids")));
            c.call("rds:ModifyDBSubnetGroup", b.send()).await?;
            cx.sent("rds:ModifyDBSubnetGroup", &changed);
        }
        if step.attributes.iter().any(|x| x == "tags") {
            rds_tags(cx, &cx.arn(a)?).await?;
        }
        Ok(())
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let r = c
            .call(
                "rds:DeleteDBSubnetGroup",
                c.rds
                    .delete_db_subnet_group()
                    .db_subnet_group_name(&a.name)
                    .send(),
            )
            .await;
        found(r).map(|_| ())
    }
}

/// The group with every row of its table.
pub(in crate::aws) fn observe(cx: &Context, g: &DbSubnetGroup) -> ObservedResource {
    let name = g.db_subnet_group_name().unwrap_or_default();
    let mut resource = Resource::new(Kind::DbSubnetGroup, name);
    for spec in spec_of(Kind::DbSubnetGroup).attrs {
        if let Some(row) = ROWS.iter().find(|r| r.attr == spec.name) {
            resource = resource.set(spec.name, (row.read)(g, cx));
        }
    }
    let arn = g.db_subnet_group_arn();
    with_arn(arn, observed(resource, cx.owned_arn(arn), "available"))
}

#[cfg(test)]
mod tests {
    use super::{MODIFIED, ROWS};
    use crate::model::{Kind, spec_of};

    #[test]
    fn the_aws_rows_are_the_models_and_every_changeable_row_is_sent() {
        let spec = spec_of(Kind::DbSubnetGroup);
        let model: Vec<&str> = spec.attrs.iter().map(|a| a.name).collect();
        let aws: Vec<&str> = ROWS.iter().map(|r| r.attr).collect();
        assert_eq!(model, aws);
        for a in spec.attrs.iter().filter(|a| a.name != "tags") {
            assert!(
                MODIFIED.contains(&a.name),
                "{} is not sent on modify",
                a.name
            );
        }
    }
}
