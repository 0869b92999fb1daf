//! RDS Proxy, its default target group, its target and its extra endpoints.

use super::types::{AttrSpec, Compare, Impact, Kind, KindSpec};

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
