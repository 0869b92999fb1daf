//! The AWS side of the stack's DB subnet group: read by name and observed row by row, created,
//! modified (ModifyDBSubnetGroup takes the description and the subnets together), retagged,
//! deleted.

use aws_sdk_rds::types::DbSubnetGroup;
use futures::future::try_join_all;

use super::AwsKind;
use super::calls::Planned;
use super::subnet_group::{self, Answer, modified};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::Context;
use crate::aws::write::{StepContext, rds_tag_list, rds_tags};
use crate::model::network::attr::{DESCRIPTION, SUBNET_IDS, TAGS};
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step};

impl Answer for DbSubnetGroup {
    fn name(&self) -> &str {
        self.db_subnet_group_name().unwrap_or_default()
    }
    fn description(&self) -> &str {
        self.db_subnet_group_description().unwrap_or_default()
    }
    fn subnet_ids(&self) -> Vec<&str> {
        self.subnets()
            .iter()
            .filter_map(|x| x.subnet_identifier())
            .collect()
    }
    fn arn(&self) -> Option<&str> {
        self.db_subnet_group_arn()
    }
    fn vpc_id(&self) -> Option<&str> {
        self.vpc_id()
    }
}

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
            .db_subnet_group_description(r.str(DESCRIPTION).unwrap_or_default())
            .set_subnet_ids(Some(r.strings(SUBNET_IDS)))
            .set_tags(Some(rds_tag_list(&cx.create_tags(r))));
        let out = c.call("rds:CreateDBSubnetGroup", b.send()).await;
        cx.created(a, out, |o| o.db_subnet_group()?.db_subnet_group_arn())
            .await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let changed = modified(step);
        if !changed.is_empty() {
            let b = c
                .rds
                .modify_db_subnet_group()
                .db_subnet_group_name(&a.name)
                .db_subnet_group_description(r.str(DESCRIPTION).unwrap_or_default())
                .set_subnet_ids(Some(r.strings(SUBNET_IDS)));
            c.call("rds:ModifyDBSubnetGroup", b.send()).await?;
            cx.sent("rds:ModifyDBSubnetGroup", &changed);
        }
        if step.attributes.iter().any(|x| x == TAGS) {
            rds_tags(cx, &cx.arn(a)?).await?;
        }
        Ok(())
    }

    fn calls(p: &Planned<'_>) -> Vec<Call> {
        subnet_group::calls(
            p,
            "rds:CreateDBSubnetGroup",
            "rds:ModifyDBSubnetGroup",
            "rds:DeleteDBSubnetGroup",
        )
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
    super::subnet_group::observe(Kind::DbSubnetGroup, g, cx)
}
