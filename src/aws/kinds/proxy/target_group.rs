//! The AWS side of a proxy's default target group, its connection pool: described with the
//! proxy and observed row by row. AWS makes the group with the proxy and deletes it with the
//! proxy, so a create and a modify both send the whole pool by `ModifyDBProxyTargetGroup` (AWS
//! takes the idle percent only beside the maximum), and a delete sends nothing.

use aws_sdk_rds::types::builders::ConnectionPoolConfigurationBuilder as Pool;
use aws_sdk_rds::types::{
    ConnectionPoolConfiguration, ConnectionPoolConfigurationInfo as Info, DbProxyTargetGroup,
};
use futures::future::try_join_all;
use serde_json::{Value, json};

use super::super::calls::Planned;
use super::super::{AwsKind, Req};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{observed, sorted};
use crate::aws::write::StepContext;
use crate::model::proxy::attr::target_group::*;
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{Call, ObservedResource, Step, StepOp};

/// The only target group a proxy has: AWS makes it with the proxy.
const DEFAULT: &str = "default";

/// One attribute row on AWS's side: how it is read from the pool AWS describes, and how it
/// sets its field of the pool a call sends.
pub(super) struct Row {
    pub attr: &'static str,
    pub read: fn(&Info) -> Value,
    pub set: fn(Pool, &Req<'_>) -> Pool,
}

/// Every row of the target group's table, with AWS's defaults where it leaves a field out.
pub(super) static ROWS: &[Row] = &[
    Row {
        attr: MAX_CONNECTIONS_PERCENT,
        read: |p| json!(p.max_connections_percent().unwrap_or(100)),
        set: |b, q| b.set_max_connections_percent(q.i(MAX_CONNECTIONS_PERCENT)),
    },
    Row {
        attr: MAX_IDLE_CONNECTIONS_PERCENT,
        read: |p| json!(p.max_idle_connections_percent().unwrap_or(50)),
        set: |b, q| b.set_max_idle_connections_percent(q.i(MAX_IDLE_CONNECTIONS_PERCENT)),
    },
    Row {
        attr: CONNECTION_BORROW_TIMEOUT_SECONDS,
        read: |p| json!(p.connection_borrow_timeout().unwrap_or(120)),
        set: |b, q| b.set_connection_borrow_timeout(q.i(CONNECTION_BORROW_TIMEOUT_SECONDS)),
    },
    // AWS's names are upper case (`EXCLUDE_VARIABLE_SETS`), the model's lower case.
    Row {
        attr: SESSION_PINNING_FILTERS,
        read: |p| {
            let filters = p.session_pinning_filters().iter();
            sorted(filters.map(|f| f.to_ascii_lowercase()).collect())
        },
        set: |b, q| {
            let filters = q.r.strings(SESSION_PINNING_FILTERS).into_iter();
            b.set_session_pinning_filters(Some(filters.map(|f| f.to_ascii_uppercase()).collect()))
        },
    },
    // An empty query is none; sending "" clears one.
    Row {
        attr: INIT_QUERY,
        read: |p| json!(p.init_query().filter(|q| !q.is_empty())),
        set: |b, q| b.init_query(q.s(INIT_QUERY)),
    },
];

/// The row of an attribute.
pub(super) fn row_of(attr: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.attr == attr)
}

/// The default target groups of the stack's proxies.
pub(crate) struct ProxyTargetGroups;

impl AwsKind for ProxyTargetGroups {
    type Answer = DbProxyTargetGroup;

    /// The default group of each of these proxies, one call a proxy, all at once.
    async fn describe(c: &Clients, proxies: Vec<String>) -> Result<Vec<Self::Answer>, AwsError> {
        let calls = proxies.into_iter().map(|name| async move {
            let r = c
                .call(
                    "rds:DescribeDBProxyTargetGroups",
                    c.rds
                        .describe_db_proxy_target_groups()
                        .db_proxy_name(&name)
                        .target_group_name(DEFAULT)
                        .send(),
                )
                .await;
            Ok::<_, AwsError>(found(r)?.and_then(|r| r.target_groups().first().cloned()))
        });
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    /// AWS made the group with the proxy: its pool is set as a modify sets it.
    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        send_pool(cx, cx.want()?).await
    }

    /// The whole pool, whichever of its rows the step changes.
    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        send_pool(cx, cx.want()?).await?;
        let carried: Vec<&str> = step
            .attributes
            .iter()
            .filter_map(|n| row_of(n))
            .map(|row| row.attr)
            .collect();
        cx.sent("rds:ModifyDBProxyTargetGroup", &carried);
        Ok(())
    }

    /// The pool, sent whole on create and on an update; nothing on delete.
    fn calls(p: &Planned<'_>) -> Vec<Call> {
        let carried = p
            .step
            .attributes
            .iter()
            .filter_map(|n| row_of(n))
            .map(|row| row.attr.to_owned())
            .collect();
        match p.step.op {
            StepOp::Create => vec![Call::new("rds:ModifyDBProxyTargetGroup", &[])],
            StepOp::Update => p
                .carrying("rds:ModifyDBProxyTargetGroup", carried)
                .into_iter()
                .collect(),
            StepOp::Delete => Vec::new(),
        }
    }

    /// AWS deletes the group with its proxy.
    async fn delete(_: &StepContext<'_>, _: &Address) -> Result<(), AwsError> {
        Ok(())
    }
}

/// `ModifyDBProxyTargetGroup` with every row of the pool.
async fn send_pool(cx: &StepContext<'_>, r: &Resource) -> Result<(), AwsError> {
    let q = Req {
        r,
        have: None,
        sg_ids: None,
        create_tags: Default::default(),
        secret: None,
    };
    let mut pool = ConnectionPoolConfiguration::builder();
    for row in spec_of(Kind::ProxyTargetGroup)
        .attrs
        .iter()
        .filter_map(|a| row_of(a.name))
    {
        pool = (row.set)(pool, &q);
    }
    let c = cx.clients;
    c.call(
        "rds:ModifyDBProxyTargetGroup",
        c.rds
            .modify_db_proxy_target_group()
            .db_proxy_name(&r.address.name)
            .target_group_name(DEFAULT)
            .connection_pool_config(pool.build())
            .send(),
    )
    .await?;
    Ok(())
}

/// The group, named by its proxy, with every row of its table; owned when its proxy is.
pub(in crate::aws) fn observe(
    g: &DbProxyTargetGroup,
    proxy_owned: bool,
) -> Option<ObservedResource> {
    let pool = g.connection_pool_config()?;
    let mut resource = Resource::new(Kind::ProxyTargetGroup, g.db_proxy_name()?);
    for spec in spec_of(Kind::ProxyTargetGroup).attrs {
        if let Some(row) = row_of(spec.name) {
            resource = resource.set(spec.name, (row.read)(pool));
        }
    }
    Some(observed(resource, proxy_owned, "available"))
}
