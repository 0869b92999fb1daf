//! The AWS side of a proxy's extra endpoints: described with their proxy (or, for the owned
//! proxies that left the spec, every endpoint in the region) and observed row by row, created
//! from every row, modified with the rows a step changes (`ModifyDBProxyEndpoint` takes only the
//! security groups; tags by the tagging calls), deleted, and waited for.

use aws_sdk_rds::operation::create_db_proxy_endpoint::builders::CreateDBProxyEndpointFluentBuilder as Create;
use aws_sdk_rds::operation::modify_db_proxy_endpoint::builders::ModifyDBProxyEndpointFluentBuilder as Modify;
use aws_sdk_rds::types::{DbProxyEndpoint, DbProxyEndpointTargetRole as Role};
use futures::future::try_join_all;
use serde_json::{Value, json};

use super::super::calls::Planned;
use super::super::{AwsKind, Req};
use super::wait;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::all_pages;
use crate::aws::read::{Context, observed, sorted, with_arn, with_endpoint};
use crate::aws::watch::Watched;
use crate::aws::write::{StepContext, rds_tag_list, rds_tags};
use crate::model::proxy::attr::endpoint::*;
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{Call, ObservedResource, Step, StepOp};

/// How a row reaches AWS when the endpoint exists.
#[derive(Clone, Copy)]
pub(super) enum OnModify {
    /// Fields of `ModifyDBProxyEndpoint`.
    Field(fn(Modify, &Req<'_>) -> Modify),
    /// `AddTagsToResource` and `RemoveTagsFromResource`.
    Tags,
    /// No call changes it: the model replaces the endpoint.
    Never,
}

/// One attribute row on AWS's side.
pub(super) struct Row {
    pub attr: &'static str,
    pub read: fn(&DbProxyEndpoint, &Context<'_>) -> Value,
    pub create: fn(Create, &Req<'_>) -> Create,
    pub modify: OnModify,
}

/// Every row of the endpoint's table.
pub(super) static ROWS: &[Row] = &[
    Row {
        attr: PROXY,
        read: |e, _| json!(e.db_proxy_name().unwrap_or_default()),
        create: |b, q| b.db_proxy_name(q.s(PROXY)),
        modify: OnModify::Never,
    },
    Row {
        attr: TARGET_ROLE,
        read: |e, _| {
            let role = e.target_role().map(|r| r.as_str().to_ascii_lowercase());
            json!(role.unwrap_or_else(|| "read_write".into()))
        },
        create: |b, q| {
            let ro = q.r.str(TARGET_ROLE) == Some("read_only");
            b.target_role(if ro { Role::ReadOnly } else { Role::ReadWrite })
        },
        modify: OnModify::Never,
    },
    Row {
        attr: SUBNET_IDS,
        read: |e, _| sorted(e.vpc_subnet_ids().to_vec()),
        create: |b, q| b.set_vpc_subnet_ids(Some(q.r.strings(SUBNET_IDS))),
        modify: OnModify::Never,
    },
    Row {
        attr: SECURITY_GROUPS,
        read: |e, cx| cx.sg_list(e.vpc_security_group_ids().to_vec()),
        create: |b, q| b.set_vpc_security_group_ids(q.sg_ids.clone()),
        modify: OnModify::Field(|b, q| b.set_vpc_security_group_ids(q.sg_ids.clone())),
    },
    Row {
        attr: TAGS,
        read: |e, cx| cx.arn_tags(e.db_proxy_endpoint_arn()),
        create: |b, q| b.set_tags(Some(rds_tag_list(&q.create_tags))),
        modify: OnModify::Tags,
    },
];

/// The row of an attribute.
pub(super) fn row_of(attr: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.attr == attr)
}

const CREATE: &str = "rds:CreateDBProxyEndpoint";
const MODIFY: &str = "rds:ModifyDBProxyEndpoint";
const DELETE: &str = "rds:DeleteDBProxyEndpoint";

/// The extra endpoints of the stack's proxies.
pub(crate) struct ProxyEndpoints;

impl AwsKind for ProxyEndpoints {
    type Answer = DbProxyEndpoint;

    /// The endpoints of each of these proxies (their default endpoint among them), one call a
    /// proxy, all at once.
    async fn describe(c: &Clients, proxies: Vec<String>) -> Result<Vec<DbProxyEndpoint>, AwsError> {
        let calls = proxies.into_iter().map(|proxy| async move {
            let r = c
                .call(
                    "rds:DescribeDBProxyEndpoints",
                    c.rds
                        .describe_db_proxy_endpoints()
                        .db_proxy_name(&proxy)
                        .send(),
                )
                .await;
            Ok::<_, AwsError>(
                found(r)?
                    .map(|r| r.db_proxy_endpoints().to_vec())
                    .unwrap_or_default(),
            )
        });
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let q = Req::of(cx, r, SECURITY_GROUPS, None)?;
        let mut b = c.rds.create_db_proxy_endpoint();
        for row in spec_of(a.kind).attrs.iter().filter_map(|s| row_of(s.name)) {
            b = (row.create)(b, &q);
        }
        let b = b.db_proxy_endpoint_name(&a.name);
        let out = c.call(CREATE, b.send()).await;
        cx.created(a, out, |o| o.db_proxy_endpoint()?.db_proxy_endpoint_arn())
            .await?;
        wait(cx, a, Watched::ProxyEndpoint, false).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let q = Req::of(cx, r, SECURITY_GROUPS, None)?;
        let mut b = c
            .rds
            .modify_db_proxy_endpoint()
            .db_proxy_endpoint_name(&a.name);
        let mut carried: Vec<&str> = Vec::new();
        let changed = || step.attributes.iter().filter_map(|n| row_of(n));
        for row in changed() {
            if let OnModify::Field(set) = row.modify {
                b = set(b, &q);
                carried.push(row.attr);
            }
        }
        if !carried.is_empty() {
            c.call(MODIFY, b.send()).await?;
            cx.sent(MODIFY, &carried);
        }
        if changed().any(|row| matches!(row.modify, OnModify::Tags)) {
            rds_tags(cx, &cx.arn(a)?).await?;
        }
        wait(cx, a, Watched::ProxyEndpoint, false).await
    }

    /// The create; on an update `ModifyDBProxyEndpoint` with the rows it carries (its
    /// security groups), then the tagging calls; the delete.
    fn calls(p: &Planned<'_>) -> Vec<Call> {
        if p.step.op != StepOp::Update {
            return p.one(CREATE, DELETE);
        }
        let fields = p
            .step
            .attributes
            .iter()
            .filter_map(|n| row_of(n))
            .filter(|row| matches!(row.modify, OnModify::Field(_)))
            .map(|row| row.attr.to_owned())
            .collect();
        [p.carrying(MODIFY, fields), p.tagging()]
            .into_iter()
            .flatten()
            .collect()
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let r = c
            .call(
                DELETE,
                c.rds
                    .delete_db_proxy_endpoint()
                    .db_proxy_endpoint_name(&a.name)
                    .send(),
            )
            .await;
        if found(r)?.is_none() {
            return Ok(());
        }
        wait(cx, a, Watched::ProxyEndpoint, true).await
    }
}

/// Every proxy endpoint in the region, when a proxy the stack owns is not the spec's.
pub(in crate::aws) async fn all(
    c: &Clients,
    needed: bool,
) -> Result<Vec<DbProxyEndpoint>, AwsError> {
    if !needed {
        return Ok(Vec::new());
    }
    all_pages(|marker| {
        let req = c.rds.describe_db_proxy_endpoints().set_marker(marker);
        async move {
            let r = c.call("rds:DescribeDBProxyEndpoints", req.send()).await?;
            Ok(Some((
                r.db_proxy_endpoints().to_vec(),
                r.marker().map(str::to_owned),
            )))
        }
    })
    .await
}

/// An extra endpoint with every row of its table, with its ARN and where clients connect.
pub(in crate::aws) fn observe(cx: &Context, e: &DbProxyEndpoint) -> ObservedResource {
    let arn = e.db_proxy_endpoint_arn();
    let mut resource = Resource::new(
        Kind::ProxyEndpoint,
        e.db_proxy_endpoint_name().unwrap_or_default(),
    );
    for spec in spec_of(Kind::ProxyEndpoint).attrs {
        if let Some(row) = row_of(spec.name) {
            resource = resource.set(spec.name, (row.read)(e, cx));
        }
    }
    let status = e.status().map(|s| s.as_str().to_owned());
    let o = observed(resource, cx.owned_arn(arn), status.unwrap_or_default());
    with_endpoint(e.endpoint(), None, with_arn(arn, o))
}
