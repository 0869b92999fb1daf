//! RDS groups: the stack's DB subnet group, and its DB parameter group with the parameters the
//! user set.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{DbParameterGroup, DbSubnetGroup};
use serde_json::json;

use super::{Context, observed, sorted, user_parameters, with_arn};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;

pub(super) async fn describe_db_subnet_group(
    c: &Clients,
    name: String,
) -> Result<Option<DbSubnetGroup>, AwsError> {
    let r = c
        .call(
            "rds:DescribeDBSubnetGroups",
            c.rds
                .describe_db_subnet_groups()
                .db_subnet_group_name(&name)
                .send(),
        )
        .await;
    Ok(found(r)?.and_then(|r| r.db_subnet_groups().first().cloned()))
}

pub(super) type DbParams = (DbParameterGroup, BTreeMap<String, String>);

pub(super) async fn describe_db_parameter_group(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<DbParams>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let group = async {
        let r = c
            .call(
                "rds:DescribeDBParameterGroups",
                c.rds
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(&name)
                    .send(),
            )
            .await;
        Ok::<_, AwsError>(found(r)?.and_then(|r| r.db_parameter_groups().first().cloned()))
    };
    let name = &name;
    let params = user_parameters(|marker| async move {
        let r = c
            .call(
                "rds:DescribeDBParameters",
                c.rds
                    .describe_db_parameters()
                    .db_parameter_group_name(name)
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
    Ok(g.map(|g| (g, p)))
}

pub(super) fn observe_db_subnet_group(cx: &Context, g: &DbSubnetGroup) -> ObservedResource {
    let arn = g.db_subnet_group_arn();
    let ids: Vec<String> = g
        .subnets()
        .iter()
        .filter_map(|x| x.subnet_identifier().map(str::to_owned))
        .collect();
    with_arn(
        arn,
        observed(
            Resource::new(
                Kind::DbSubnetGroup,
                g.db_subnet_group_name().unwrap_or_default(),
            )
            .set(
                "description",
                g.db_subnet_group_description().unwrap_or_default(),
            )
            .set("subnet_ids", sorted(ids))
            .set("tags", cx.arn_tags(arn)),
            cx.owned_arn(arn),
            "available",
        ),
    )
}

pub(super) fn observe_db_parameter_group(cx: &Context, (g, params): &DbParams) -> ObservedResource {
    let arn = g.db_parameter_group_arn();
    with_arn(
        arn,
        observed(
            Resource::new(
                Kind::DbParameterGroup,
                g.db_parameter_group_name().unwrap_or_default(),
            )
            .set("family", g.db_parameter_group_family().unwrap_or_default())
            .set("description", g.description().unwrap_or_default())
            .set("parameters", json!(params))
            .set("tags", cx.arn_tags(arn)),
            cx.owned_arn(arn),
            "available",
        ),
    )
}
