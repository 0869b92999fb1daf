//! RDS Proxy, its default target group, its target and its extra endpoints.

use serde_json::json;

use super::aws_docs::{
    self, RDS_CONNECTION_POOL_CONFIGURATION, RDS_MODIFY_DB_PROXY, RDS_MODIFY_DB_PROXY_ENDPOINT,
    RDS_PROXY_MANAGING, RDS_PROXY_SETUP,
};
use super::desired::{Inputs, with_deps};
use super::secret::master_auth_secret;
use super::types::{Address, AttrSpec, Compare, Impact, Kind, KindSpec, Resource, Source};
use crate::spec::raw::{Engine, IamAuth, Proxy, TargetRole};

pub static PROXY: KindSpec = KindSpec {
    kind: Kind::Proxy,
    name: "proxy",
    label: "RDS Proxy",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("engine_family")
            .with(Impact::Replace)
            .sources(&[Source::doc(
                RDS_PROXY_MANAGING,
                "You can't change certain properties, such as the target group identifier and the database engine.",
            )]),
        AttrSpec::online("role_arn").sources(&[Source::doc(
            RDS_PROXY_MANAGING,
            "IAM role – Change the IAM role used to retrieve the secrets from Secrets Manager.",
        )]),
        // `master:<db identifier>` for the master user's secret, or a secret ARN.
        AttrSpec::online("auth_secret").sources(&[Source::doc(
            RDS_PROXY_MANAGING,
            "Secrets Manager secrets – Add or remove Secrets Manager secrets.",
        )]),
        AttrSpec::online("iam_auth").sources(&[Source::doc(
            RDS_PROXY_MANAGING,
            "IAM authentication – Require or disallow IAM authentication for connections to the proxy.",
        )]),
        AttrSpec::online("require_tls").sources(&[Source::doc(
            RDS_PROXY_MANAGING,
            "Require Transport Layer Security – Turn the requirement for Transport layer Security (TLS) on or off.",
        )]),
        AttrSpec::online("idle_client_timeout_seconds").sources(&[Source::doc(
            RDS_MODIFY_DB_PROXY,
            "IdleClientTimeout : The number of seconds that a connection to the proxy can be inactive before the proxy disconnects it.",
        )]),
        AttrSpec::online("debug_logging").sources(&[
            Source::doc(
                RDS_MODIFY_DB_PROXY,
                "Debug logging increases CloudWatch costs and can impact proxy performance.",
            ),
            Source::doc(
                RDS_PROXY_SETUP,
                "To minimize overhead associated with your proxy, RDS Proxy automatically turns this setting off 24 hours after you enable it.",
            ),
        ]),
        AttrSpec::online("security_groups")
            .compare(Compare::Unordered)
            .unmanaged_when_null()
            .sources(&[Source::doc(
                RDS_MODIFY_DB_PROXY,
                "SecurityGroups : The new list of security groups for the DBProxy.",
            )]),
        AttrSpec::online("subnet_ids")
            .with(Impact::Replace)
            .compare(Compare::Unordered)
            .sources(&[Source::NotDocumented(
                "AWS documents no change of a proxy's subnets: ModifyDBProxy has no subnet parameter (only CreateDBProxy takes VpcSubnetIds)",
            )]),
        AttrSpec::online("tags").sources(&[aws_docs::TAGS]),
    ],
};

pub static PROXY_TARGET_GROUP: KindSpec = KindSpec {
    kind: Kind::ProxyTargetGroup,
    name: "proxy_target_group",
    label: "RDS Proxy default target group",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("max_connections_percent").sources(&[
            Source::doc(
                RDS_CONNECTION_POOL_CONFIGURATION,
                "The maximum size of the connection pool for each target in a target group. The value is expressed as a percentage of the max_connections setting for the RDS DB instance or Aurora DB cluster used by the target group.",
            ),
            Source::doc(
                RDS_PROXY_MANAGING,
                "The proxy doesn't create all of these connections in advance.",
            ),
        ]),
        AttrSpec::online("max_idle_connections_percent").sources(&[Source::doc(
            RDS_CONNECTION_POOL_CONFIGURATION,
            "If you specify this parameter, then you must also include a value for MaxConnectionsPercent.",
        )]),
        AttrSpec::online("connection_borrow_timeout_seconds").sources(&[Source::NotDocumented(
            "ModifyDBProxyTargetGroup changes it (0 to 300 seconds); AWS states no effect on connections",
        )]),
        AttrSpec::online("session_pinning_filters")
            .compare(Compare::Unordered)
            .sources(&[Source::NotDocumented(
                "ModifyDBProxyTargetGroup changes them; AWS states no effect on connections",
            )]),
        AttrSpec::online("init_query").sources(&[Source::doc(
            RDS_CONNECTION_POOL_CONFIGURATION,
            "You can specify one or more SQL statements for the proxy to run when opening each new database connection.",
        )]),
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
        AttrSpec::online("db_instance")
            .with(Impact::Replace)
            .sources(&[Source::NotDocumented(
                "AWS describes another instance as a change of the proxy's target group (deregister, register) and documents no effect on client connections",
            )]),
    ],
};

pub static PROXY_ENDPOINT: KindSpec = KindSpec {
    kind: Kind::ProxyEndpoint,
    name: "proxy_endpoint",
    label: "RDS Proxy endpoint",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("proxy")
            .with(Impact::Replace)
            .sources(&[ENDPOINT_AT_CREATE]),
        AttrSpec::online("target_role")
            .with(Impact::Replace)
            .sources(&[ENDPOINT_AT_CREATE]),
        AttrSpec::online("subnet_ids")
            .with(Impact::Replace)
            .compare(Compare::Unordered)
            .sources(&[ENDPOINT_AT_CREATE]),
        AttrSpec::online("security_groups")
            .compare(Compare::Unordered)
            .unmanaged_when_null()
            .sources(&[Source::doc(
                RDS_MODIFY_DB_PROXY_ENDPOINT,
                "VpcSecurityGroupIds : The VPC security group IDs for the DB proxy endpoint.",
            )]),
        AttrSpec::online("tags").sources(&[aws_docs::TAGS]),
    ],
};

/// A proxy endpoint's settings that only its creation takes.
const ENDPOINT_AT_CREATE: Source = Source::NotDocumented(
    "AWS documents no change of it: ModifyDBProxyEndpoint changes only the endpoint's name and its security groups",
);

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
