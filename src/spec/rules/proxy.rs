//! RDS Proxy: its engine family, role and auth, the connection pool, its target (the primary
//! only) and its extra endpoints (read/write only: read-only endpoints are Aurora's).

use std::collections::BTreeSet;

use super::Rules;
use super::shapes::{is_arn, serde_plain};
use crate::spec::raw::{EngineFamily, IamAuth, Pool, Proxy, TargetRole};
use crate::spec::structure::did_you_mean;

impl Rules<'_> {
    pub(super) fn proxy(&mut self, p: &Proxy) {
        let db = &self.stack.database;
        self.identifier("proxy.name", &p.name, 63, "proxy name");
        let family = if db.engine.is_mysql() {
            EngineFamily::Mysql
        } else {
            EngineFamily::Postgresql
        };
        if let Some(f) = p.engine_family
            && f != family
        {
            self.error(
                "proxy.engine_family",
                format!(
                    "engine family `{}` does not match the database engine `{}`",
                    serde_plain(&f),
                    db.engine.as_str()
                ),
            )
            .allowed(format!("`{}`", serde_plain(&family)))
            .hint("omit `engine_family` to follow the engine");
        }
        if !is_arn(&p.role_arn, "iam") {
            self.error(
                "proxy.role_arn",
                format!("`{}` is not an IAM role ARN", p.role_arn),
            )
            .allowed("`arn:aws:iam::<account>:role/<name>`")
            .hint("the role must be allowed to read the proxy's secret");
        }
        if let Some(arn) = &p.auth.secret_arn
            && !is_arn(arn, "secretsmanager")
        {
            self.error(
                "proxy.auth.secret_arn",
                format!("`{arn}` is not a Secrets Manager secret ARN"),
            )
            .allowed("`arn:aws:secretsmanager:<region>:<account>:secret:<name>`")
            .hint("omit it to use the master user's secret");
        }
        if p.auth.iam == IamAuth::Required && !p.require_tls {
            self.error("proxy.require_tls", "IAM authentication needs TLS")
                .allowed("`require_tls: true` with `auth.iam: required`");
        }
        if !(1..=28800).contains(&p.idle_client_timeout_seconds) {
            self.error(
                "proxy.idle_client_timeout_seconds",
                format!(
                    "{} seconds is outside the allowed range",
                    p.idle_client_timeout_seconds
                ),
            )
            .allowed("1 to 28800 (8 hours)");
        }
        self.pool(&p.pool, family);
        if let Some(targets) = &p.targets {
            self.proxy_targets(targets);
        }
        self.proxy_endpoints(p);
        self.security_group_refs("proxy.security_groups", &p.security_groups);
    }

    /// The pool's shares of max_connections, its borrow timeout, and session pinning filters
    /// (MySQL only).
    fn pool(&mut self, pool: &Pool, family: EngineFamily) {
        if !(1..=100).contains(&pool.max_connections_percent) {
            self.error(
                "proxy.pool.max_connections_percent",
                format!(
                    "{}% is not a share of max_connections",
                    pool.max_connections_percent
                ),
            )
            .allowed("1 to 100");
        }
        if pool.max_idle_connections_percent > 100 {
            self.error(
                "proxy.pool.max_idle_connections_percent",
                format!(
                    "{}% is not a share of max_connections",
                    pool.max_idle_connections_percent
                ),
            )
            .allowed("0 to 100, at most `max_connections_percent`");
        } else if (1..=100).contains(&pool.max_connections_percent)
            && pool.max_idle_connections_percent > pool.max_connections_percent
        {
            self.error(
                "proxy.pool.max_idle_connections_percent",
                format!(
                    "{}% idle is more than the {}% the pool may open",
                    pool.max_idle_connections_percent, pool.max_connections_percent
                ),
            )
            .allowed(format!("0 to {}", pool.max_connections_percent));
        }
        if pool.connection_borrow_timeout_seconds > 3600 {
            self.error(
                "proxy.pool.connection_borrow_timeout_seconds",
                format!(
                    "{} seconds is outside the allowed range",
                    pool.connection_borrow_timeout_seconds
                ),
            )
            .allowed("0 to 3600");
        }
        if !pool.session_pinning_filters.is_empty() && family == EngineFamily::Postgresql {
            self.error("proxy.pool.session_pinning_filters", "session pinning filters are supported only for the MySQL engine family")
                .allowed("no `session_pinning_filters` on a PostgreSQL proxy")
                .hint("for PostgreSQL, put the SET statements your clients issue in `pool.init_query` (e.g. `SET TIME ZONE 'UTC'`) so they do not pin sessions");
        }
        if pool.max_connections_percent > 90 && pool.max_connections_percent <= 100 {
            self.warning("proxy.pool.max_connections_percent", format!("the pool may take {}% of max_connections, leaving no headroom for admin and replication connections", pool.max_connections_percent))
                .hint("75 to 90 keeps room for maintenance and failover");
        }
    }

    /// A proxy for an RDS instance has one target, the primary; a proxy for an Aurora cluster
    /// one too, the cluster (AWS routes to its writer and, through a read-only endpoint, its
    /// readers).
    fn proxy_targets(&mut self, targets: &[String]) {
        let db = &self.stack.database;
        if db.engine.is_aurora() {
            if targets.len() != 1 || targets[0] != db.identifier {
                self.error(
                    "proxy.targets",
                    "a proxy for an Aurora cluster has exactly one target, the cluster",
                )
                .allowed(format!("`[{}]`", db.identifier))
                .hint("omit `targets`: the proxy reaches the instances through the cluster");
            }
            return;
        }
        if targets.len() != 1 {
            self.error(
                "proxy.targets",
                format!(
                    "a proxy for an RDS instance has exactly one target, the primary ({} given)",
                    targets.len()
                ),
            )
            .allowed(format!("`[{}]`", db.identifier));
        }
        for (i, t) in targets.iter().enumerate() {
            let path = format!("proxy.targets[{i}]");
            if t == &db.identifier {
                continue;
            }
            if db.replicas.iter().any(|r| &r.identifier == t) {
                self.error(&path, format!("`{t}` is a read replica; a proxy for RDS (not Aurora) can only target the primary"))
                    .allowed(format!("`{}`", db.identifier))
                    .hint("connect readers to the replica endpoints directly");
            } else {
                let near = did_you_mean(t, std::iter::once(db.identifier.as_str()));
                self.error(&path, format!("no DB instance `{t}` in this stack"))
                    .allowed(format!("`{}`", db.identifier))
                    .did_you_mean(near);
            }
        }
    }

    fn proxy_endpoints(&mut self, p: &Proxy) {
        let mut names = BTreeSet::from([p.name.as_str()]);
        for (i, ep) in p.endpoints.iter().enumerate() {
            let base = format!("proxy.endpoints[{i}]");
            self.identifier(&format!("{base}.name"), &ep.name, 63, "proxy endpoint name");
            if !names.insert(&ep.name) {
                self.error(
                    &format!("{base}.name"),
                    format!(
                        "the name `{}` is already used by the proxy or another endpoint",
                        ep.name
                    ),
                )
                .allowed("a unique endpoint name");
            }
            if ep.target_role == TargetRole::ReadOnly && !self.stack.database.engine.is_aurora() {
                self.error(&format!("{base}.target_role"), "read-only proxy endpoints route to Aurora reader instances; this proxy targets an RDS instance")
                    .allowed("`read_write`")
                    .hint("send reads to the read replicas' own endpoints, or use Aurora for a reader endpoint");
            }
            if let Some(sgs) = &ep.security_groups {
                self.security_group_refs(&format!("{base}.security_groups"), sgs);
            }
        }
    }
}
