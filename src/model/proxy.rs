//! RDS Proxy, its default target group, its target and its extra endpoints.

use serde_json::json;

use super::aws_docs::{
    self, RDS_CONNECTION_POOL_CONFIGURATION, RDS_MODIFY_DB_PROXY, RDS_MODIFY_DB_PROXY_ENDPOINT,
    RDS_PROXY_MANAGING, RDS_PROXY_SETUP,
};
use super::desired::{Inputs, with_deps};
use super::secret::master_auth_secret;
use super::types::{Address, AttrSpec, Compare, Impact, Kind, KindSpec, Resource, Source};
use crate::spec::stack::{IamAuth, Proxy, TargetRole};
use attr::{endpoint as ep_attr, proxy as px, target as tgt, target_group as pool};

/// The four kinds' attributes, each name written once (the rows here, the desired values below
/// and the AWS side in `aws::kinds::proxy` name them through these).
pub mod attr {
    /// The proxy's.
    pub mod proxy {
        pub const ENGINE_FAMILY: &str = "engine_family";
        pub const ROLE_ARN: &str = "role_arn";
        pub const AUTH_SECRET: &str = "auth_secret";
        pub const IAM_AUTH: &str = "iam_auth";
        pub const REQUIRE_TLS: &str = "require_tls";
        pub const IDLE_CLIENT_TIMEOUT_SECONDS: &str = "idle_client_timeout_seconds";
        pub const DEBUG_LOGGING: &str = "debug_logging";
        pub const SECURITY_GROUPS: &str = "security_groups";
        pub const SUBNET_IDS: &str = "subnet_ids";
        pub const TAGS: &str = "tags";
    }
    /// The default target group's: its connection pool.
    pub mod target_group {
        pub const MAX_CONNECTIONS_PERCENT: &str = "max_connections_percent";
        pub const MAX_IDLE_CONNECTIONS_PERCENT: &str = "max_idle_connections_percent";
        pub const CONNECTION_BORROW_TIMEOUT_SECONDS: &str = "connection_borrow_timeout_seconds";
        pub const SESSION_PINNING_FILTERS: &str = "session_pinning_filters";
        pub const INIT_QUERY: &str = "init_query";
    }
    /// A target's: the database it names, one attribute per kind of database.
    pub mod target {
        pub const DB_INSTANCE: &str = "db_instance";
        pub const DB_CLUSTER: &str = "db_cluster";
    }
    /// An extra endpoint's.
    pub mod endpoint {
        pub const PROXY: &str = "proxy";
        pub const TARGET_ROLE: &str = "target_role";
        pub const SUBNET_IDS: &str = "subnet_ids";
        pub const SECURITY_GROUPS: &str = "security_groups";
        pub const TAGS: &str = "tags";
    }
}

pub static PROXY: KindSpec = KindSpec {
    kind: Kind::Proxy,
    name: "proxy",
    label: "RDS Proxy",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online(px::ENGINE_FAMILY)
            .with(Impact::Replace)
            .sources(&[Source::doc(
                RDS_PROXY_MANAGING,
                "You can't change certain properties, such as the target group identifier and the database engine.",
            )]),
        AttrSpec::online(px::ROLE_ARN).sources(&[Source::doc(
            RDS_PROXY_MANAGING,
            "IAM role – Change the IAM role used to retrieve the secrets from Secrets Manager.",
        )]),
        // `master:<db identifier>` for the master user's secret, or a secret ARN.
        AttrSpec::online(px::AUTH_SECRET).sources(&[Source::doc(
            RDS_PROXY_MANAGING,
            "Secrets Manager secrets – Add or remove Secrets Manager secrets.",
        )]),
        AttrSpec::online(px::IAM_AUTH).sources(&[Source::doc(
            RDS_PROXY_MANAGING,
            "IAM authentication – Require or disallow IAM authentication for connections to the proxy.",
        )]),
        AttrSpec::online(px::REQUIRE_TLS).sources(&[Source::doc(
            RDS_PROXY_MANAGING,
            "Require Transport Layer Security – Turn the requirement for Transport layer Security (TLS) on or off.",
        )]),
        AttrSpec::online(px::IDLE_CLIENT_TIMEOUT_SECONDS).sources(&[Source::doc(
            RDS_MODIFY_DB_PROXY,
            "IdleClientTimeout : The number of seconds that a connection to the proxy can be inactive before the proxy disconnects it.",
        )]),
        AttrSpec::online(px::DEBUG_LOGGING).sources(&[
            Source::doc(
                RDS_MODIFY_DB_PROXY,
                "Debug logging increases CloudWatch costs and can impact proxy performance.",
            ),
            Source::doc(
                RDS_PROXY_SETUP,
                "To minimize overhead associated with your proxy, RDS Proxy automatically turns this setting off 24 hours after you enable it.",
            ),
        ]),
        AttrSpec::online(px::SECURITY_GROUPS)
            .compare(Compare::Unordered)
            .unmanaged_when_null()
            .sources(&[Source::doc(
                RDS_MODIFY_DB_PROXY,
                "SecurityGroups : The new list of security groups for the DBProxy.",
            )]),
        AttrSpec::online(px::SUBNET_IDS)
            .with(Impact::Replace)
            .compare(Compare::Unordered)
            .sources(&[Source::NotDocumented(
                "AWS documents no change of a proxy's subnets: ModifyDBProxy has no subnet parameter (only CreateDBProxy takes VpcSubnetIds)",
            )]),
        AttrSpec::online(px::TAGS).sources(&[aws_docs::TAGS]),
    ],
};

pub static PROXY_TARGET_GROUP: KindSpec = KindSpec {
    kind: Kind::ProxyTargetGroup,
    name: "proxy_target_group",
    label: "RDS Proxy default target group",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online(pool::MAX_CONNECTIONS_PERCENT).sources(&[
            Source::doc(
                RDS_CONNECTION_POOL_CONFIGURATION,
                "The maximum size of the connection pool for each target in a target group. The value is expressed as a percentage of the max_connections setting for the RDS DB instance or Aurora DB cluster used by the target group.",
            ),
            Source::doc(
                RDS_PROXY_MANAGING,
                "The proxy doesn't create all of these connections in advance.",
            ),
        ]),
        AttrSpec::online(pool::MAX_IDLE_CONNECTIONS_PERCENT).sources(&[Source::doc(
            RDS_CONNECTION_POOL_CONFIGURATION,
            "If you specify this parameter, then you must also include a value for MaxConnectionsPercent.",
        )]),
        AttrSpec::online(pool::CONNECTION_BORROW_TIMEOUT_SECONDS).sources(&[Source::NotDocumented(
            "ModifyDBProxyTargetGroup changes it (0 to 300 seconds); AWS states no effect on connections",
        )]),
        AttrSpec::online(pool::SESSION_PINNING_FILTERS)
            .compare(Compare::Unordered)
            .sources(&[Source::NotDocumented(
                "ModifyDBProxyTargetGroup changes them; AWS states no effect on connections",
            )]),
        AttrSpec::online(pool::INIT_QUERY).sources(&[Source::doc(
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
        AttrSpec::online(tgt::DB_INSTANCE)
            .with(Impact::Replace)
            .sources(&[Source::NotDocumented(
                "AWS describes another instance as a change of the proxy's target group (deregister, register) and documents no effect on client connections",
            )]),
        // An Aurora cluster (RegisterDBProxyTargets DBClusterIdentifiers): another cluster is
        // another target.
        AttrSpec::online(tgt::DB_CLUSTER)
            .with(Impact::Replace)
            .unmanaged_when_null()
            .sources(&[Source::NotDocumented(
                "AWS describes another cluster as a change of the proxy's target group (deregister, register) and documents no effect on client connections",
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
        AttrSpec::online(ep_attr::PROXY)
            .with(Impact::Replace)
            .sources(&[ENDPOINT_AT_CREATE]),
        AttrSpec::online(ep_attr::TARGET_ROLE)
            .with(Impact::Replace)
            .sources(&[ENDPOINT_AT_CREATE]),
        AttrSpec::online(ep_attr::SUBNET_IDS)
            .with(Impact::Replace)
            .compare(Compare::Unordered)
            .sources(&[ENDPOINT_AT_CREATE]),
        AttrSpec::online(ep_attr::SECURITY_GROUPS)
            .compare(Compare::Unordered)
            .unmanaged_when_null()
            .sources(&[Source::doc(
                RDS_MODIFY_DB_PROXY_ENDPOINT,
                "VpcSecurityGroupIds : The VPC security group IDs for the DB proxy endpoint.",
            )]),
        AttrSpec::online(ep_attr::TAGS).sources(&[aws_docs::TAGS]),
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
    // The Aurora cluster, or the RDS primary.
    let names = if db.engine.is_aurora() {
        tgt::DB_CLUSTER
    } else {
        tgt::DB_INSTANCE
    };
    for t in targets {
        out.push(
            Resource::new(Kind::ProxyTarget, format!("{}/{t}", p.name))
                .set(names, t.clone())
                .after(tg_addr.clone())
                .after(primary.clone()),
        );
    }
    for ep in &p.endpoints {
        let sgs = ep.security_groups.as_ref().unwrap_or(&p.security_groups);
        let r = Resource::new(Kind::ProxyEndpoint, &ep.name)
            .set(ep_attr::PROXY, p.name.clone())
            .set(
                ep_attr::TARGET_ROLE,
                match ep.target_role {
                    TargetRole::ReadWrite => "read_write",
                    TargetRole::ReadOnly => "read_only",
                },
            )
            .set(ep_attr::SUBNET_IDS, json!(cx.subnets))
            .set(ep_attr::SECURITY_GROUPS, cx.sg_list(sgs))
            .set(ep_attr::TAGS, cx.tags.clone())
            .after(proxy_addr.clone());
        out.push(with_deps(r, cx.sg_deps(sgs)));
    }
    out
}

/// The proxy itself, after the primary, its security groups and a generated master secret.
fn proxy(cx: &Inputs<'_>, p: &Proxy, primary: &Address, master_secret: Option<&str>) -> Resource {
    let db = &cx.stack.database;
    let family = if db.engine.is_mysql() {
        "mysql"
    } else {
        "postgresql"
    };
    let auth_secret = p
        .auth
        .secret_arn
        .clone()
        .unwrap_or_else(|| master_auth_secret(&db.identifier, &db.master_user.password));
    let mut proxy = Resource::new(Kind::Proxy, &p.name)
        .set(px::ENGINE_FAMILY, family)
        .set(px::ROLE_ARN, p.role_arn.clone())
        .set(px::AUTH_SECRET, auth_secret)
        .set(
            px::IAM_AUTH,
            match p.auth.iam {
                IamAuth::Required => "required",
                IamAuth::Disabled => "disabled",
            },
        )
        .set(px::REQUIRE_TLS, p.require_tls)
        .set(
            px::IDLE_CLIENT_TIMEOUT_SECONDS,
            p.idle_client_timeout_seconds,
        )
        .set(px::DEBUG_LOGGING, p.debug_logging)
        .set(px::SECURITY_GROUPS, cx.sg_list(&p.security_groups))
        .set(px::SUBNET_IDS, json!(cx.subnets))
        .set(px::TAGS, cx.tags.clone())
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
        .set(
            pool::MAX_CONNECTIONS_PERCENT,
            p.pool.max_connections_percent,
        )
        .set(
            pool::MAX_IDLE_CONNECTIONS_PERCENT,
            p.pool.max_idle_connections_percent,
        )
        .set(
            pool::CONNECTION_BORROW_TIMEOUT_SECONDS,
            p.pool.connection_borrow_timeout_seconds,
        )
        .set(pool::SESSION_PINNING_FILTERS, json!(filters))
        .set(pool::INIT_QUERY, json!(p.pool.init_query))
        .after(proxy.clone())
}
