//! RDS Proxy, its default target group, its target and its extra endpoints.

use serde_json::json;

use super::desired::{Inputs, with_deps};
use super::secret::master_auth_secret;
use super::types::{Address, AttrSpec, Compare, Impact, Kind, KindSpec, Resource};
use crate::spec::raw::{Engine, IamAuth, Proxy, TargetRole};

pub static PROXY: KindSpec = KindSpec {
    kind: Kind::Proxy,
    name: "proxy",
    label: "RDS Proxy",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("engine_family").with(Impact::Replace),
        AttrSpec::online("role_arn"),
        // `master:<db identifier>` for the master user's secret, or a secret ARN.
        AttrSpec::online("auth_secret"),
        AttrSpec::online("iam_auth"),
        AttrSpec::online("require_tls"),
        AttrSpec::online("idle_client_timeout_seconds"),
        AttrSpec::online("debug_logging"),
        AttrSpec::online("security_groups")
            .compare(Compare::Unordered)
            .unmanaged_when_null(),
        AttrSpec::online("subnet_ids")
            .with(Impact::Replace)
            .compare(Compare::Unordered),
        AttrSpec::online("tags"),
    ],
};

pub static PROXY_TARGET_GROUP: KindSpec = KindSpec {
    kind: Kind::ProxyTargetGroup,
    name: "proxy_target_group",
    label: "RDS Proxy default target group",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("max_connections_percent"),
        AttrSpec::online("max_idle_connections_percent"),
        AttrSpec::online("connection_borrow_timeout_seconds"),
        AttrSpec::online("session_pinning_filters").compare(Compare::Unordered),
        AttrSpec::online("init_query"),
    ],
};

pub static PROXY_TARGET: KindSpec = KindSpec {
    kind: Kind::ProxyTarget,
    name: "proxy_target",
    label: "RDS Proxy target",
    stateful: false,
    loses_data: false,
    attrs: &[
        // Moving the proxy to another instance drops its clients' connections.
        AttrSpec::online("db_instance").with(Impact::Replace),
    ],
};

pub static PROXY_ENDPOINT: KindSpec = KindSpec {
    kind: Kind::ProxyEndpoint,
    name: "proxy_endpoint",
    label: "RDS Proxy endpoint",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("proxy").with(Impact::Replace),
        AttrSpec::online("target_role").with(Impact::Replace),
        AttrSpec::online("subnet_ids")
            .with(Impact::Replace)
            .compare(Compare::Unordered),
        AttrSpec::online("security_groups")
            .compare(Compare::Unordered)
            .unmanaged_when_null(),
        AttrSpec::online("tags"),
    ],
};

/// The proxy, its default target group, its targets and its extra endpoints, in that order.
pub(super) fn desired_proxy(
    cx: &Inputs<'_>,
    p: &Proxy,
    primary: &Address,
    master_secret: Option<&str>,
) -> Vec<Resource> {
    let proxy = proxy(cx, p, primary, master_secret);
    let proxy_addr = proxy.address.clone();
    let tg = target_group(p, &proxy_addr);
    let tg_addr = tg.address.clone();
    let mut out = vec![proxy, tg];
    let db = &cx.stack.database;
    let targets = p
        .targets
        .clone()
        .unwrap_or_else(|| vec![db.identifier.clone()]);
    for t in targets {
        out.push(
            Resource::new(Kind::ProxyTarget, format!("{}/{t}", p.name))
                .set("db_instance", t.clone())
                .after(tg_addr.clone())
                .after(primary.clone()),
        );
    }
    for ep in &p.endpoints {
        let sgs = ep.security_groups.as_ref().unwrap_or(&p.security_groups);
        let r = Resource::new(Kind::ProxyEndpoint, &ep.name)
            .set("proxy", p.name.clone())
            .set(
                "target_role",
                match ep.target_role {
                    TargetRole::ReadWrite => "read_write",
                    TargetRole::ReadOnly => "read_only",
                },
            )
            .set("subnet_ids", json!(cx.subnets))
            .set("security_groups", cx.sg_list(sgs))
            .set("tags", cx.tags.clone())
            .after(proxy_addr.clone());
        out.push(with_deps(r, cx.sg_deps(sgs)));
    }
    out
}

/// The proxy itself, after the primary, its security groups and a generated master secret.
fn proxy(cx: &Inputs<'_>, p: &Proxy, primary: &Address, master_secret: Option<&str>) -> Resource {
    let db = &cx.stack.database;
    let family = match db.engine {
        Engine::Postgres => "postgresql",
        Engine::Mysql => "mysql",
    };
    let auth_secret = p
        .auth
        .secret_arn
        .clone()
        .unwrap_or_else(|| master_auth_secret(&db.identifier, db.master_user.password));
    let mut proxy = Resource::new(Kind::Proxy, &p.name)
        .set("engine_family", family)
        .set("role_arn", p.role_arn.clone())
        .set("auth_secret", auth_secret)
        .set(
            "iam_auth",
            match p.auth.iam {
                IamAuth::Required => "required",
                IamAuth::Disabled => "disabled",
            },
        )
        .set("require_tls", p.require_tls)
        .set("idle_client_timeout_seconds", p.idle_client_timeout_seconds)
        .set("debug_logging", p.debug_logging)
        .set("security_groups", cx.sg_list(&p.security_groups))
        .set("subnet_ids", json!(cx.subnets))
        .set("tags", cx.tags.clone())
        .after(primary.clone());
    proxy = with_deps(proxy, cx.sg_deps(&p.security_groups));
    if let Some(sec) = master_secret {
        proxy = proxy.after(Address::new(Kind::Secret, sec));
    }
    proxy
}

/// The proxy's default target group: its connection pool.
fn target_group(p: &Proxy, proxy: &Address) -> Resource {
    let filters: Vec<&str> = p
        .pool
        .session_pinning_filters
        .iter()
        .map(|_| "exclude_variable_sets")
        .collect();
    Resource::new(Kind::ProxyTargetGroup, &p.name)
        .set("max_connections_percent", p.pool.max_connections_percent)
        .set(
            "max_idle_connections_percent",
            p.pool.max_idle_connections_percent,
        )
        .set(
            "connection_borrow_timeout_seconds",
            p.pool.connection_borrow_timeout_seconds,
        )
        .set("session_pinning_filters", json!(filters))
        .set("init_query", json!(p.pool.init_query))
        .after(proxy.clone())
}
