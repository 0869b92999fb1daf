//! The desired state: every resource the spec asks for, in the model's normal form, with the
//! dependencies that order its creation. Pure: the only input from AWS is the network lookup.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::parameter_group::group_name;
use super::secret::{auth_token_secret_name, master_auth_secret, master_secret_name};
use super::types::{Address, Kind, Resource};
use crate::spec::raw::{
    ApplyChanges, AuthToken, Comparison, Engine, IamAuth, MissingData, ParameterGroup,
    PasswordSource, Stack, TargetRole,
};

/// The ids the network lookup found: the VPC, its subnets, and the existing security groups
/// the spec references by `id`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NetworkIds {
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
}

/// The AWS name of an owned security group.
pub fn security_group_name(stack: &str, key: &str) -> String {
    format!("{stack}-{key}")
}

pub fn db_subnet_group_name(stack: &str) -> String {
    format!("{stack}-db")
}

pub fn cache_subnet_group_name(stack: &str) -> String {
    format!("{stack}-cache")
}

/// The tag that marks what a stack owns.
pub const OWNER_TAG: &str = "stackctl:stack";
/// The mark each create puts on what it creates: the id of the apply that created it. It tells
/// a resource this apply created (a create whose response was lost, an apply killed mid-call)
/// from one of the same name that was there before. Not part of the desired tags.
pub const APPLY_TAG: &str = "stackctl:apply";

/// The tags every owned resource carries.
pub fn tags(stack: &Stack) -> Value {
    let mut t: BTreeMap<String, String> = stack.tags.clone();
    t.insert(OWNER_TAG.to_owned(), stack.stack.clone());
    json!(t)
}

/// How a security group reference from the spec reads in the model: the AWS name of an owned
/// group, or the id of an existing one.
fn sg_ref(stack: &Stack, key: &str) -> String {
    match stack
        .network
        .security_groups
        .get(key)
        .and_then(|g| g.id.clone())
    {
        Some(id) => id,
        None => security_group_name(&stack.stack, key),
    }
}

fn sg_list(stack: &Stack, keys: &[String]) -> Value {
    if keys.is_empty() {
        return Value::Null;
    }
    let mut names: Vec<String> = keys.iter().map(|k| sg_ref(stack, k)).collect();
    names.sort();
    json!(names)
}

/// Dependencies on the owned groups among `keys`.
fn sg_deps(stack: &Stack, keys: &[String]) -> Vec<Address> {
    keys.iter()
        .filter(|k| {
            stack
                .network
                .security_groups
                .get(*k)
                .is_some_and(|g| g.id.is_none())
        })
        .map(|k| Address::new(Kind::SecurityGroup, security_group_name(&stack.stack, k)))
        .collect()
}

fn with_deps(mut r: Resource, deps: Vec<Address>) -> Resource {
    for d in deps {
        r = r.after(d);
    }
    r
}

fn comparison_name(c: Comparison) -> &'static str {
    match c {
        Comparison::GreaterThan => "greater_than",
        Comparison::GreaterThanOrEqual => "greater_than_or_equal",
        Comparison::LessThan => "less_than",
        Comparison::LessThanOrEqual => "less_than_or_equal",
    }
}

fn missing_data_name(m: MissingData) -> &'static str {
    match m {
        MissingData::Missing => "missing",
        MissingData::NotBreaching => "not_breaching",
        MissingData::Breaching => "breaching",
        MissingData::Ignore => "ignore",
    }
}

/// The gp3 baseline for a size: (IOPS, MiB/s).
pub fn gp3_baseline(allocated_gib: u32) -> (u32, u32) {
    if allocated_gib < 400 {
        (3000, 125)
    } else {
        (12000, 500)
    }
}

fn subnet_group(
    kind: Kind,
    name: String,
    stack: &str,
    subnets: &[String],
    tags: &Value,
) -> Resource {
    Resource::new(kind, name)
        .set(
            "description",
            format!("Subnets of stack {stack}, managed by stackctl"),
        )
        .set("subnet_ids", json!(subnets))
        .set("tags", tags.clone())
}

fn parameter_group(
    kind: Kind,
    role: &str,
    pg: &ParameterGroup,
    stack: &str,
    tags: &Value,
) -> Resource {
    let params: BTreeMap<&String, &String> = pg.parameters.iter().map(|(k, v)| (k, &v.0)).collect();
    Resource::new(kind, group_name(stack, role, &pg.family))
        .set("family", pg.family.clone())
        .set(
            "description",
            format!("Parameters of stack {stack}, managed by stackctl"),
        )
        .set("parameters", json!(params))
        .set("tags", tags.clone())
}

/// Every resource the spec asks for.
pub fn desired(stack: &Stack, net: &NetworkIds) -> Vec<Resource> {
    let mut out = Vec::new();
    let s = stack.stack.as_str();
    let tags = tags(stack);
    let mut subnets = net.subnet_ids.clone();
    subnets.sort();

    for (key, sg) in &stack.network.security_groups {
        if sg.id.is_some() {
            continue;
        }
        let name = security_group_name(s, key);
        let mut rules: Vec<String> = sg
            .ingress
            .iter()
            .map(|r| {
                let from = match (&r.from, &r.cidr) {
                    (Some(f), _) => sg_ref(stack, f),
                    (None, Some(c)) => c.clone(),
                    (None, None) => String::new(),
                };
                format!("tcp/{} from {from}", r.port)
            })
            .collect();
        rules.sort();
        rules.dedup();
        let froms: Vec<String> = sg.ingress.iter().filter_map(|r| r.from.clone()).collect();
        let deps: Vec<Address> = sg_deps(stack, &froms)
            .into_iter()
            .filter(|d| d.name != name)
            .collect();
        let r = Resource::new(Kind::SecurityGroup, &name)
            .set(
                "description",
                sg.description
                    .clone()
                    .unwrap_or_else(|| format!("{key} of stack {s}, managed by stackctl")),
            )
            .set("vpc_id", net.vpc_id.clone())
            .set("ingress", json!(rules))
            .set("tags", {
                let mut t = tags.clone();
                t["Name"] = json!(name);
                t
            });
        out.push(with_deps(r, deps));
    }

    let db = &stack.database;
    out.push(subnet_group(
        Kind::DbSubnetGroup,
        db_subnet_group_name(s),
        s,
        &subnets,
        &tags,
    ));

    let db_pg = db.parameter_group.as_ref().map(|pg| {
        let r = parameter_group(Kind::DbParameterGroup, "db", pg, s, &tags);
        let name = r.address.name.clone();
        out.push(r);
        name
    });

    let master_secret = (db.master_user.password == PasswordSource::Generated).then(|| {
        let name = master_secret_name(s, &db.identifier);
        out.push(
            Resource::new(Kind::Secret, &name)
                .set(
                    "description",
                    format!(
                        "Master password of {}, generated by stackctl",
                        db.identifier
                    ),
                )
                .set("purpose", "db_master_password")
                .set("kms_key_id", json!(db.master_user.secret_kms_key_id))
                .set("tags", tags.clone()),
        );
        name
    });

    let (iops, throughput) = gp3_baseline(db.storage.allocated_gib);
    let apply_changes = match db.apply_changes {
        ApplyChanges::Immediately => "immediately",
        ApplyChanges::InMaintenanceWindow => "in_maintenance_window",
    };
    let pi = &db.performance_insights;
    let em = &db.enhanced_monitoring;
    let mut primary = Resource::new(Kind::DbInstance, &db.identifier)
        .set("engine", db.engine.as_str())
        .set("engine_version", db.engine_version.clone())
        .set("instance_class", db.instance_class.clone())
        .set("allocated_gib", db.storage.allocated_gib)
        .set(
            "max_allocated_gib",
            db.storage.max_allocated_gib.unwrap_or(0),
        )
        .set("iops", db.storage.iops.unwrap_or(iops))
        .set(
            "throughput_mibps",
            db.storage.throughput_mibps.unwrap_or(throughput),
        )
        .set("storage_encrypted", db.storage.encrypted)
        .set("kms_key_id", json!(db.storage.kms_key_id))
        .set("multi_az", db.multi_az)
        .set("port", db.port.unwrap_or(db.engine.default_port()))
        .set("database_name", json!(db.database_name))
        .set("master_username", db.master_user.username.clone())
        .set(
            "master_password",
            match db.master_user.password {
                PasswordSource::RdsManaged => "rds_managed",
                PasswordSource::Generated => "generated",
            },
        )
        .set("backup_retention_days", db.backup.retention_days)
        .set("backup_window", json!(db.backup.window))
        .set(
            "maintenance_window",
            json!(db.maintenance_window.as_ref().map(|w| w.to_lowercase())),
        )
        .set("performance_insights", pi.enabled)
        .set(
            "performance_insights_retention_days",
            json!(pi.enabled.then(|| pi.retention_days.unwrap_or(7))),
        )
        .set("performance_insights_kms_key_id", json!(pi.kms_key_id))
        .set("monitoring_interval_seconds", em.interval_seconds)
        .set(
            "monitoring_role_arn",
            json!(em.role_arn.clone().filter(|_| em.interval_seconds > 0)),
        )
        .set("deletion_protection", db.deletion_protection)
        .set("publicly_accessible", db.publicly_accessible)
        .set("auto_minor_version_upgrade", db.auto_minor_version_upgrade)
        .set("copy_tags_to_snapshot", db.copy_tags_to_snapshot)
        .set("parameter_group", json!(db_pg))
        .set("subnet_group", db_subnet_group_name(s))
        .set("security_groups", sg_list(stack, &db.security_groups))
        .set("tags", tags.clone())
        .set("apply_changes", apply_changes)
        .after(Address::new(Kind::DbSubnetGroup, db_subnet_group_name(s)));
    primary = with_deps(primary, sg_deps(stack, &db.security_groups));
    if let Some(pg) = &db_pg {
        primary = primary.after(Address::new(Kind::DbParameterGroup, pg));
    }
    if let Some(sec) = &master_secret {
        primary = primary.after(Address::new(Kind::Secret, sec));
    }
    let primary_addr = primary.address.clone();
    out.push(primary);

    for rep in &db.replicas {
        let mut r = Resource::new(Kind::DbReplica, &rep.identifier)
            .set("source", db.identifier.clone())
            .set(
                "instance_class",
                rep.instance_class
                    .clone()
                    .unwrap_or_else(|| db.instance_class.clone()),
            )
            .set("availability_zone", json!(rep.availability_zone))
            .set("performance_insights", pi.enabled)
            .set("monitoring_interval_seconds", em.interval_seconds)
            .set(
                "monitoring_role_arn",
                json!(em.role_arn.clone().filter(|_| em.interval_seconds > 0)),
            )
            .set("deletion_protection", false)
            .set("publicly_accessible", db.publicly_accessible)
            .set("auto_minor_version_upgrade", db.auto_minor_version_upgrade)
            .set("copy_tags_to_snapshot", db.copy_tags_to_snapshot)
            .set("parameter_group", json!(db_pg))
            .set("security_groups", sg_list(stack, &db.security_groups))
            .set("tags", tags.clone())
            .set("apply_changes", apply_changes)
            .after(primary_addr.clone());
        r = with_deps(r, sg_deps(stack, &db.security_groups));
        if let Some(pg) = &db_pg {
            r = r.after(Address::new(Kind::DbParameterGroup, pg));
        }
        out.push(r);
    }

    if let Some(p) = &stack.proxy {
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
            .set("security_groups", sg_list(stack, &p.security_groups))
            .set("subnet_ids", json!(subnets))
            .set("tags", tags.clone())
            .after(primary_addr.clone());
        proxy = with_deps(proxy, sg_deps(stack, &p.security_groups));
        if let Some(sec) = &master_secret {
            proxy = proxy.after(Address::new(Kind::Secret, sec));
        }
        let proxy_addr = proxy.address.clone();
        out.push(proxy);

        let filters: Vec<&str> = p
            .pool
            .session_pinning_filters
            .iter()
            .map(|_| "exclude_variable_sets")
            .collect();
        let tg = Resource::new(Kind::ProxyTargetGroup, &p.name)
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
            .after(proxy_addr.clone());
        let tg_addr = tg.address.clone();
        out.push(tg);

        let targets = p
            .targets
            .clone()
            .unwrap_or_else(|| vec![db.identifier.clone()]);
        for t in targets {
            out.push(
                Resource::new(Kind::ProxyTarget, format!("{}/{t}", p.name))
                    .set("db_instance", t.clone())
                    .after(tg_addr.clone())
                    .after(primary_addr.clone()),
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
                .set("subnet_ids", json!(subnets))
                .set("security_groups", sg_list(stack, sgs))
                .set("tags", tags.clone())
                .after(proxy_addr.clone());
            out.push(with_deps(r, sg_deps(stack, sgs)));
        }
    }

    if let Some(r) = &stack.redis {
        out.push(subnet_group(
            Kind::CacheSubnetGroup,
            cache_subnet_group_name(s),
            s,
            &subnets,
            &tags,
        ));
        let cache_pg = r.parameter_group.as_ref().map(|pg| {
            let r = parameter_group(Kind::CacheParameterGroup, "redis", pg, s, &tags);
            let name = r.address.name.clone();
            out.push(r);
            name
        });
        let token_secret = (r.auth_token == AuthToken::Generated).then(|| {
            let name = auth_token_secret_name(s, &r.replication_group_id);
            out.push(
                Resource::new(Kind::Secret, &name)
                    .set(
                        "description",
                        format!(
                            "AUTH token of {}, generated by stackctl",
                            r.replication_group_id
                        ),
                    )
                    .set("purpose", "redis_auth_token")
                    .set("kms_key_id", Value::Null)
                    .set("tags", tags.clone()),
            );
            name
        });
        let (num, shards, replicas) = match &r.cluster_mode {
            Some(cm) => (Value::Null, json!(cm.shards), json!(cm.replicas_per_shard)),
            None => (
                json!(r.num_cache_clusters.unwrap_or(1)),
                Value::Null,
                Value::Null,
            ),
        };
        let mut rg = Resource::new(Kind::ReplicationGroup, &r.replication_group_id)
            .set(
                "description",
                r.description
                    .clone()
                    .unwrap_or_else(|| format!("Redis of stack {s}, managed by stackctl")),
            )
            .set("engine_version", r.engine_version.clone())
            .set("node_type", r.node_type.clone())
            .set("port", r.port)
            .set("num_cache_clusters", num)
            .set("shards", shards)
            .set("replicas_per_shard", replicas)
            .set("automatic_failover", r.automatic_failover)
            .set("multi_az", r.multi_az)
            .set("at_rest_encryption", r.at_rest_encryption)
            .set("kms_key_id", json!(r.kms_key_id))
            .set("transit_encryption", r.transit_encryption)
            .set(
                "auth_token",
                match r.auth_token {
                    AuthToken::Generated => "generated",
                    AuthToken::None => "none",
                },
            )
            .set("snapshot_retention_days", r.snapshot_retention_days)
            .set("snapshot_window", json!(r.snapshot_window))
            .set(
                "maintenance_window",
                json!(r.maintenance_window.as_ref().map(|w| w.to_lowercase())),
            )
            .set("parameter_group", json!(cache_pg))
            .set("subnet_group", cache_subnet_group_name(s))
            .set("security_groups", sg_list(stack, &r.security_groups))
            .set("tags", tags.clone())
            .after(Address::new(
                Kind::CacheSubnetGroup,
                cache_subnet_group_name(s),
            ));
        rg = with_deps(rg, sg_deps(stack, &r.security_groups));
        if let Some(pg) = &cache_pg {
            rg = rg.after(Address::new(Kind::CacheParameterGroup, pg));
        }
        if let Some(sec) = &token_secret {
            rg = rg.after(Address::new(Kind::Secret, sec));
        }
        out.push(rg);
    }

    for a in &stack.alarms {
        let (namespace, dimensions, target) = alarm_target(stack, &a.resource, a.node);
        let r = Resource::new(Kind::Alarm, &a.name)
            .set("description", json!(a.description))
            .set("namespace", namespace)
            .set("metric", a.metric.clone())
            .set("dimensions", dimensions)
            .set("statistic", a.statistic.clone())
            .set("period_seconds", a.period_seconds)
            .set("evaluation_periods", a.evaluation_periods)
            .set(
                "datapoints_to_alarm",
                a.datapoints_to_alarm.unwrap_or(a.evaluation_periods),
            )
            .set("threshold", a.threshold)
            .set("comparison", comparison_name(a.comparison))
            .set(
                "treat_missing_data",
                missing_data_name(a.treat_missing_data),
            )
            .set("actions", json!(a.actions))
            .set("ok_actions", json!(a.ok_actions))
            .set("tags", tags.clone());
        out.push(match target {
            Some(t) => r.after(t),
            None => r,
        });
    }
    out
}

/// An alarm's namespace, dimensions and the resource it watches.
fn alarm_target(
    stack: &Stack,
    resource: &str,
    node: Option<u32>,
) -> (&'static str, Value, Option<Address>) {
    let db = &stack.database;
    if db.identifier == resource {
        return (
            "AWS/RDS",
            json!({"DBInstanceIdentifier": resource}),
            Some(Address::new(Kind::DbInstance, resource)),
        );
    }
    if db.replicas.iter().any(|r| r.identifier == resource) {
        return (
            "AWS/RDS",
            json!({"DBInstanceIdentifier": resource}),
            Some(Address::new(Kind::DbReplica, resource)),
        );
    }
    if stack.proxy.as_ref().is_some_and(|p| p.name == resource) {
        return (
            "AWS/RDS",
            json!({"ProxyName": resource}),
            Some(Address::new(Kind::Proxy, resource)),
        );
    }
    let n = node.unwrap_or(1).max(1);
    let member = match stack.redis.as_ref().and_then(|r| r.cluster_mode.as_ref()) {
        Some(cm) => {
            let per = cm.replicas_per_shard + 1;
            format!(
                "{resource}-{:04}-{:03}",
                (n - 1) / per + 1,
                (n - 1) % per + 1
            )
        }
        None => format!("{resource}-{n:03}"),
    };
    (
        "AWS/ElastiCache",
        json!({"CacheClusterId": member}),
        Some(Address::new(Kind::ReplicationGroup, resource)),
    )
}
