//! The AWS side of RDS Proxy and its parts, one kind a file: the proxy (here, its rows in
//! `rows.rs`), its default target group (its connection pool), its targets (the databases it
//! sends connections to) and its extra endpoints. The spec's proxy is read with its parts in
//! one round (one call a kind, all at once); an owned proxy that left the spec is found by
//! listing every proxy, with its endpoints, which AWS deletes with it.

pub mod endpoint;
mod rows;
pub mod target;
pub mod target_group;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use aws_sdk_rds::types::{DbProxy, DbProxyEndpoint, DbProxyTargetGroup};
use futures::future::try_join_all;

use super::calls::Planned;
use super::{AwsKind, Req};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::pages::all_pages;
use crate::aws::read::{Context, OwnedArns, observed, with_arn, with_endpoint};
use crate::aws::watch::{Until, Watched};
use crate::aws::write::{StepContext, rds_tags};
use crate::model::proxy::attr::proxy::{AUTH_SECRET, SECURITY_GROUPS, TAGS};
use crate::model::secret::{master_secret_name, parse_master_auth_secret};
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{Call, Observed, Step, StepOp};
use endpoint::ProxyEndpoints;
use rows::{OnModify, ProxyReq, Seen, row_of, sends_auth};
use target::{ProxyTargets, Registered};
use target_group::ProxyTargetGroups;

const CREATE: &str = "rds:CreateDBProxy";
const MODIFY: &str = "rds:ModifyDBProxy";
const DELETE: &str = "rds:DeleteDBProxy";

/// The stack's RDS proxies.
pub(crate) struct Proxies;

impl AwsKind for Proxies {
    type Answer = DbProxy;

    /// One call a name (AWS takes one), all at once.
    async fn describe(c: &Clients, names: Vec<String>) -> Result<Vec<DbProxy>, AwsError> {
        let calls = names.into_iter().map(|name| async move {
            let r = c
                .call(
                    "rds:DescribeDBProxies",
                    c.rds.describe_db_proxies().db_proxy_name(&name).send(),
                )
                .await;
            Ok::<_, AwsError>(found(r)?.and_then(|r| r.db_proxies().first().cloned()))
        });
        Ok(try_join_all(calls).await?.into_iter().flatten().collect())
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let q = request(cx, r, true)?;
        let mut b = c.rds.create_db_proxy();
        for row in spec_of(a.kind).attrs.iter().filter_map(|s| row_of(s.name)) {
            b = (row.create)(b, &q);
        }
        let b = b.db_proxy_name(&a.name);
        let out = c.call(CREATE, b.send()).await;
        cx.created(a, out, |o| o.db_proxy()?.db_proxy_arn()).await?;
        wait(cx, a, Watched::Proxy, false).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let changed = || step.attributes.iter().filter_map(|n| row_of(n));
        let q = request(cx, r, changed().any(|row| sends_auth(row.attr)))?;
        let mut b = c.rds.modify_db_proxy().db_proxy_name(&a.name);
        let mut carried: Vec<&str> = Vec::new();
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
        if step.attributes.iter().any(|x| x == TAGS) {
            rds_tags(cx, &cx.arn(a)?).await?;
        }
        wait(cx, a, Watched::Proxy, false).await
    }

    /// The create; on an update `ModifyDBProxy` with the rows it carries, then the tagging
    /// calls; the delete.
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

    /// AWS deletes the proxy's target group, targets and endpoints with it.
    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let r = c
            .call(
                DELETE,
                c.rds.delete_db_proxy().db_proxy_name(&a.name).send(),
            )
            .await;
        if found(r)?.is_none() {
            return Ok(());
        }
        wait(cx, a, Watched::Proxy, true).await
    }
}

/// The proxy's request, with its auth secret's ARN when `with_auth` (a create, or a modify of
/// the `Auth` it shares with IAM authentication).
fn request<'a>(
    cx: &StepContext<'a>,
    r: &'a Resource,
    with_auth: bool,
) -> Result<ProxyReq<'a>, AwsError> {
    let secret_arn = if with_auth {
        Some(secret_arn(cx, r)?)
    } else {
        None
    };
    Ok(ProxyReq {
        q: Req::of(cx, r, SECURITY_GROUPS, None)?,
        secret_arn,
    })
}

/// The ARN of the secret the proxy authenticates with: the one the spec names, or the master
/// user's (RDS's own, or the stack's generated one) as the apply knows it so far.
fn secret_arn(cx: &StepContext<'_>, r: &Resource) -> Result<String, AwsError> {
    let auth = r.str(AUTH_SECRET).unwrap_or_default();
    let Some((db, managed)) = parse_master_auth_secret(auth) else {
        return Ok(auth.to_owned());
    };
    let known = if managed {
        // An RDS instance's, or an Aurora cluster's.
        [Kind::DbInstance, Kind::DbCluster]
            .into_iter()
            .find_map(|k| cx.ids.get(&Address::new(k, db), "master_user_secret_arn"))
    } else {
        cx.ids.get(
            &Address::new(Kind::Secret, master_secret_name(cx.stack, db)),
            "arn",
        )
    };
    known.ok_or_else(|| {
        AwsError::other(
            "proxy",
            format!("the master user secret of {db} is not known yet"),
        )
    })
}

/// Waits until a proxy or proxy endpoint is available, or gone when `gone`; records its ARN
/// for later steps.
async fn wait(
    cx: &StepContext<'_>,
    a: &Address,
    what: Watched,
    gone: bool,
) -> Result<(), AwsError> {
    let c = cx.clients;
    let until = if gone { Until::Gone } else { Until::Available };
    let seen = c
        .watch
        .until(c, what, &a.name, until, cx.wait_limit()?)
        .await?;
    if let Some(arn) = seen.and_then(|s| s.arn) {
        cx.ids.set(a, "arn", arn);
    }
    Ok(())
}

/// The spec's proxy as AWS describes it, with its parts.
#[derive(Debug, Clone)]
pub(in crate::aws) struct Parts {
    proxy: DbProxy,
    target_group: Option<DbProxyTargetGroup>,
    targets: Vec<Registered>,
    endpoints: Vec<DbProxyEndpoint>,
}

impl Parts {
    pub(in crate::aws) fn arn(&self) -> Option<&str> {
        self.proxy.db_proxy_arn()
    }
}

/// The proxy of this name with its parts, each kind described at once; `None` when there is no
/// proxy of that name.
pub(in crate::aws) async fn describe_with_parts(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<Parts>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let (proxies, groups, targets, endpoints) = tokio::try_join!(
        Proxies::describe(c, vec![name.clone()]),
        ProxyTargetGroups::describe(c, vec![name.clone()]),
        ProxyTargets::describe(c, vec![name.clone()]),
        ProxyEndpoints::describe(c, vec![name]),
    )?;
    Ok(proxies.into_iter().next().map(|proxy| Parts {
        proxy,
        target_group: groups.into_iter().next(),
        targets,
        endpoints,
    }))
}

/// Whether the stack owns a proxy other than the spec's. Proxies and endpoints are tagged by a
/// generated id, not their name: an owned one that left the spec is found by listing them.
pub(in crate::aws) fn any_stray(owned: &OwnedArns, proxy: Option<&Parts>) -> bool {
    let known_proxy = proxy.and_then(Parts::arn);
    owned
        .keys()
        .any(|a| a.contains(":db-proxy:") && Some(a.as_str()) != known_proxy)
}

/// Every proxy in the region, when one the stack owns is not the spec's (it left the spec).
pub(in crate::aws) async fn all(c: &Clients, needed: bool) -> Result<Vec<DbProxy>, AwsError> {
    if !needed {
        return Ok(Vec::new());
    }
    all_pages(|marker| {
        let req = c.rds.describe_db_proxies().set_marker(marker);
        async move {
            let r = c.call("rds:DescribeDBProxies", req.send()).await?;
            Ok(Some((
                r.db_proxies().to_vec(),
                r.marker().map(str::to_owned),
            )))
        }
    })
    .await
}

/// Owned proxies other than the spec's (`known_proxy`, by ARN), each after its owned
/// endpoints, which AWS deletes with it: one the spec still names moves to the spec's proxy.
pub(in crate::aws) fn insert_strays(
    obs: &mut Observed,
    cx: &Context,
    strays: &[DbProxy],
    stray_endpoints: &[DbProxyEndpoint],
    known_proxy: Option<&str>,
) {
    for p in strays {
        let arn = p.db_proxy_arn();
        if cx.owned_arn(arn) && arn != known_proxy {
            for e in stray_endpoints.iter().filter(|e| {
                e.db_proxy_name() == p.db_proxy_name() && cx.owned_arn(e.db_proxy_endpoint_arn())
            }) {
                obs.insert(endpoint::observe(cx, e));
            }
            let status = p.status().map(|s| s.as_str().to_owned());
            obs.insert(with_arn(
                arn,
                observed(
                    Resource::new(Kind::Proxy, p.db_proxy_name().unwrap_or_default()),
                    true,
                    status.unwrap_or_default(),
                ),
            ));
        }
    }
}

/// The spec's proxy with every row of its table, then its target group, targets and extra
/// endpoints: the target group and targets are owned when the proxy is. `master_secret_arns`
/// (DB id → the secret RDS manages) and `secret_arns` (the stack's secrets, name → ARN) name
/// the proxy's auth secret.
pub(in crate::aws) fn insert_with_parts(
    obs: &mut Observed,
    cx: &Context,
    parts: &Parts,
    master_secret_arns: &BTreeMap<String, String>,
    secret_arns: &BTreeMap<String, String>,
) {
    let p = &parts.proxy;
    let seen = Seen {
        p,
        master_secret_arns,
        secret_arns,
        cx,
    };
    let mut resource = Resource::new(Kind::Proxy, p.db_proxy_name().unwrap_or_default());
    for spec in spec_of(Kind::Proxy).attrs {
        if let Some(row) = row_of(spec.name) {
            resource = resource.set(spec.name, (row.read)(&seen));
        }
    }
    let arn = p.db_proxy_arn();
    let owned = cx.owned_arn(arn);
    let status = p.status().map(|s| s.as_str().to_owned());
    let o = observed(resource, owned, status.unwrap_or_default());
    obs.insert(with_endpoint(p.endpoint(), None, with_arn(arn, o)));
    if let Some(g) = parts
        .target_group
        .as_ref()
        .and_then(|g| target_group::observe(g, owned))
    {
        obs.insert(g);
    }
    for t in &parts.targets {
        if let Some(o) = target::observe(t, owned) {
            obs.insert(o);
        }
    }
    for e in parts
        .endpoints
        .iter()
        .filter(|e| !e.is_default().unwrap_or(false))
    {
        obs.insert(endpoint::observe(cx, e));
    }
}
