//! RDS Proxy: the spec's proxy with its target group, targets and endpoints, and owned proxies
//! (with their endpoints) that left the spec.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{DbProxy, DbProxyEndpoint, DbProxyTargetGroup};

use super::tagging::OwnedArns;
use super::{Context, observed, sorted, with_arn, with_endpoint};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::kinds::AwsKind;
use crate::aws::kinds::proxy::target::{self, ProxyTargets, Registered};
use crate::aws::kinds::proxy::target_group::{self, ProxyTargetGroups};
use crate::aws::pages::all_pages;
use crate::model::secret::master_auth_secret;
use crate::model::{Kind, Resource};
use crate::plan::{Observed, ObservedResource};
use crate::spec::raw::PasswordSource;

pub(super) type ProxyParts = (
    DbProxy,
    Option<DbProxyTargetGroup>,
    Vec<Registered>,
    Vec<DbProxyEndpoint>,
);

pub(super) async fn describe_proxy(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<ProxyParts>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let proxy = async {
        let r = c
            .call(
                "rds:DescribeDBProxies",
                c.rds.describe_db_proxies().db_proxy_name(&name).send(),
            )
            .await;
        Ok::<_, AwsError>(found(r)?.and_then(|r| r.db_proxies().first().cloned()))
    };
    let tg = async {
        let groups = ProxyTargetGroups::describe(c, vec![name.clone()]).await?;
        Ok::<_, AwsError>(groups.into_iter().next())
    };
    let targets = ProxyTargets::describe(c, vec![name.clone()]);
    let endpoints = async {
        let r = c
            .call(
                "rds:DescribeDBProxyEndpoints",
                c.rds
                    .describe_db_proxy_endpoints()
                    .db_proxy_name(&name)
                    .send(),
            )
            .await;
        Ok::<_, AwsError>(
            found(r)?
                .map(|r| r.db_proxy_endpoints().to_vec())
                .unwrap_or_default(),
        )
    };
    let (p, tg, t, e) = tokio::try_join!(proxy, tg, targets, endpoints)?;
    Ok(p.map(|p| (p, tg, t, e)))
}

/// Whether the stack owns a proxy other than the spec's. Proxies and endpoints are tagged by a
/// generated id, not their name: an owned one that left the spec is found by listing them.
pub(super) fn any_stray(owned: &OwnedArns, proxy: Option<&ProxyParts>) -> bool {
    let known_proxy = proxy.and_then(|p| p.0.db_proxy_arn());
    owned
        .keys()
        .any(|a| a.contains(":db-proxy:") && Some(a.as_str()) != known_proxy)
}

/// Every proxy endpoint in the region, when a proxy the stack owns is not the spec's.
pub(super) async fn list_proxy_endpoints(
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

/// Every proxy in the region, when one the stack owns is not the spec's (it left the spec).
pub(super) async fn list_proxies(c: &Clients, needed: bool) -> Result<Vec<DbProxy>, AwsError> {
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

/// An extra proxy endpoint, under the proxy it belongs to.
fn observe_endpoint(cx: &Context, e: &DbProxyEndpoint) -> ObservedResource {
    let earn = e.db_proxy_endpoint_arn();
    let role = e
        .target_role()
        .map(|r| r.as_str().to_ascii_lowercase())
        .unwrap_or_else(|| "read_write".into());
    let o = with_arn(
        earn,
        observed(
            Resource::new(
                Kind::ProxyEndpoint,
                e.db_proxy_endpoint_name().unwrap_or_default(),
            )
            .set("proxy", e.db_proxy_name().unwrap_or_default())
            .set("target_role", role)
            .set("subnet_ids", sorted(e.vpc_subnet_ids().to_vec()))
            .set(
                "security_groups",
                cx.sg_list(e.vpc_security_group_ids().to_vec()),
            )
            .set("tags", cx.arn_tags(earn)),
            cx.owned_arn(earn),
            e.status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        ),
    );
    with_endpoint(e.endpoint(), None, o)
}

/// Owned proxies other than the spec's (`known_proxy`, by ARN), each after its owned
/// endpoints, which AWS deletes with it: one the spec still names moves to the spec's proxy.
pub(super) fn insert_strays(
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
                obs.insert(observe_endpoint(cx, e));
            }
            obs.insert(with_arn(
                arn,
                observed(
                    Resource::new(Kind::Proxy, p.db_proxy_name().unwrap_or_default()),
                    true,
                    p.status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                ),
            ));
        }
    }
}

/// The spec's proxy, its target group's pool, its targets and its extra endpoints: the target
/// group and targets are owned when the proxy is. `master_secret_arns` (DB id → the secret RDS
/// manages) and `secret_arns` (the stack's secrets, name → ARN) name the proxy's auth secret.
pub(super) fn insert_proxy(
    obs: &mut Observed,
    cx: &Context,
    (p, tg, targets, endpoints): &ProxyParts,
    master_secret_arns: &BTreeMap<String, String>,
    secret_arns: &BTreeMap<String, String>,
) {
    let o = observe_proxy(cx, p, master_secret_arns, secret_arns);
    let proxy_owned = o.owned;
    obs.insert(o);
    if let Some(g) = tg
        .as_ref()
        .and_then(|g| target_group::observe(g, proxy_owned))
    {
        obs.insert(g);
    }
    for t in targets {
        if let Some(o) = target::observe(t, proxy_owned) {
            obs.insert(o);
        }
    }
    for e in endpoints {
        if !e.is_default().unwrap_or(false) {
            obs.insert(observe_endpoint(cx, e));
        }
    }
}

/// The master user's secret reads as `master:<db>:rds_managed` (the one RDS manages for the
/// instance now) or `master:<db>:generated` (the stack's generated one); any other secret,
/// such as one RDS deleted when it stopped managing the password, as its ARN.
fn auth_secret(
    secret: &str,
    master_secret_arns: &BTreeMap<String, String>,
    secret_arns: &BTreeMap<String, String>,
) -> String {
    master_secret_arns
        .iter()
        .find(|(_, a)| a.as_str() == secret)
        .map(|(id, _)| master_auth_secret(id, PasswordSource::RdsManaged))
        .or_else(|| {
            secret_arns
                .iter()
                .find(|(n, a)| a.as_str() == secret && n.ends_with("/master"))
                .map(|(n, _)| {
                    let db_id = n.rsplit('/').nth(1).unwrap_or_default();
                    master_auth_secret(db_id, PasswordSource::Generated)
                })
        })
        .unwrap_or_else(|| secret.to_owned())
}

fn observe_proxy(
    cx: &Context,
    p: &DbProxy,
    master_secret_arns: &BTreeMap<String, String>,
    secret_arns: &BTreeMap<String, String>,
) -> ObservedResource {
    let arn = p.db_proxy_arn();
    let name = p.db_proxy_name().unwrap_or_default();
    let auth = p.auth().first();
    let secret = auth.and_then(|a| a.secret_arn()).unwrap_or_default();
    let iam = auth
        .and_then(|a| a.iam_auth())
        .map(|m| m.as_str().to_ascii_lowercase())
        .unwrap_or_else(|| "disabled".into());
    let mut o = observed(
        Resource::new(Kind::Proxy, name)
            .set(
                "engine_family",
                p.engine_family().unwrap_or_default().to_ascii_lowercase(),
            )
            .set("role_arn", p.role_arn().unwrap_or_default())
            .set(
                "auth_secret",
                auth_secret(secret, master_secret_arns, secret_arns),
            )
            .set("iam_auth", iam)
            .set("require_tls", p.require_tls().unwrap_or(false))
            .set(
                "idle_client_timeout_seconds",
                p.idle_client_timeout().unwrap_or(0),
            )
            .set("debug_logging", p.debug_logging().unwrap_or(false))
            .set(
                "security_groups",
                cx.sg_list(p.vpc_security_group_ids().to_vec()),
            )
            .set("subnet_ids", sorted(p.vpc_subnet_ids().to_vec()))
            .set("tags", cx.arn_tags(arn)),
        cx.owned_arn(arn),
        p.status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
    );
    if let Some(a) = arn {
        o.ids.insert("arn".into(), a.to_owned());
    }
    with_endpoint(p.endpoint(), None, o)
}
