//! Reading a stack's live state: every kind at once, batched where AWS allows, normalised into
//! the model so that nothing AWS does by itself shows as a change.
//!
//! Round trip 1 (concurrent): the tagging API (everything the stack owns), the security groups
//! it owns, the VPC and subnets, every DB instance of the spec in one filtered call, the subnet
//! and parameter groups, the proxy with its target group, targets and endpoints, the Redis group,
//! the stack's secrets, and the alarms (100 names a call). Round trip 2 (concurrent, only what
//! needs round 1): subnets by tags inside a VPC found by tags, a Redis member cluster (engine
//! version, window, groups live there), and owned DB instances that left the spec.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::try_join_all;
use serde_json::{Value, json};

use super::client::Clients;
use super::error::{AwsError, found};
use crate::model::desired::APPLY_TAG;
use crate::model::desired::{OWNER_TAG, cache_subnet_group_name, db_subnet_group_name};
use crate::model::parameter_group::group_name;
use crate::model::secret::master_auth_secret;
use crate::model::{Address, Kind, NetworkIds, Resource};
use crate::plan::{Observed, ObservedResource};
use crate::spec::raw::{PasswordSource, Stack};

/// What a read found: the network ids the spec's lookups resolved to, and the observed stack.
#[derive(Debug, Clone)]
pub struct ReadResult {
    pub network: NetworkIds,
    pub observed: Observed,
}

fn tag_map<'a>(
    tags: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    tags.filter_map(|(k, v)| Some((k?.to_owned(), v.unwrap_or("").to_owned())))
        .filter(|(k, _)| !k.starts_with("aws:") && k != APPLY_TAG)
        .collect()
}

fn owned_by(tags: &BTreeMap<String, String>, stack: &str) -> bool {
    tags.get(OWNER_TAG).is_some_and(|v| v == stack)
}

/// AWS (and emulators) return "" for unset strings as often as nothing: both are `None`.
fn nz(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

fn sorted(mut v: Vec<String>) -> Value {
    v.sort();
    json!(v)
}

/// The last `:`- or `/`-separated part of an ARN.
fn arn_name(arn: &str) -> &str {
    arn.rsplit([':', '/']).next().unwrap_or(arn)
}

fn observed(resource: Resource, owned: bool, status: impl Into<String>) -> ObservedResource {
    ObservedResource {
        resource,
        owned,
        status: status.into(),
        pending: BTreeMap::new(),
        ids: BTreeMap::new(),
    }
}

/// Records a resource's ARN for the executor (tag updates name resources by ARN).
fn with_arn(arn: Option<&str>, mut o: ObservedResource) -> ObservedResource {
    if let Some(a) = arn {
        o.ids.insert("arn".into(), a.to_owned());
    }
    o
}

/// Everything the stack owns according to the tagging API: ARN → tags.
async fn owned_arns(
    c: &Clients,
    stack: &str,
) -> Result<BTreeMap<String, BTreeMap<String, String>>, AwsError> {
    use aws_sdk_resourcegroupstagging::types::TagFilter;
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let resp = c
            .call(
                "tagging:GetResources",
                c.tagging
                    .get_resources()
                    .tag_filters(TagFilter::builder().key(OWNER_TAG).values(stack).build())
                    .set_pagination_token(token.clone())
                    .send(),
            )
            .await?;
        for m in resp.resource_tag_mapping_list() {
            if let Some(arn) = m.resource_arn() {
                let tags = tag_map(m.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
                out.insert(arn.to_owned(), tags);
            }
        }
        token = resp
            .pagination_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// Reads the whole stack.
pub async fn read(c: &Clients, stack: &Stack) -> Result<ReadResult, AwsError> {
    let s = stack.stack.as_str();
    let db = &stack.database;
    let mut instance_ids: Vec<String> = vec![db.identifier.clone()];
    instance_ids.extend(db.replicas.iter().map(|r| r.identifier.clone()));

    let alarm_names: Vec<String> = stack.alarms.iter().map(|a| a.name.clone()).collect();
    let db_pg = db
        .parameter_group
        .as_ref()
        .map(|pg| group_name(s, "db", &pg.family));
    let cache_pg = stack
        .redis
        .as_ref()
        .and_then(|r| r.parameter_group.as_ref())
        .map(|pg| group_name(s, "redis", &pg.family));

    let (
        owned,
        sgs,
        vpc,
        instances,
        db_subnets,
        db_params,
        proxy,
        redis,
        cache_subnets,
        cache_params,
        secrets,
        alarms,
    ) = tokio::try_join!(
        owned_arns(c, s),
        security_groups(c, s, stack),
        lookup_vpc(c, stack),
        describe_instances(c, instance_ids.clone()),
        describe_db_subnet_group(c, db_subnet_group_name(s)),
        describe_db_parameter_group(c, db_pg),
        describe_proxy(c, stack.proxy.as_ref().map(|p| p.name.clone())),
        describe_replication_group(
            c,
            stack.redis.as_ref().map(|r| r.replication_group_id.clone())
        ),
        describe_cache_subnet_group(c, stack.redis.as_ref().map(|_| cache_subnet_group_name(s))),
        describe_cache_parameter_group(c, cache_pg),
        list_secrets(c, s),
        describe_alarms(c, alarm_names),
    )?;

    // Round 2: what needed round 1.
    let known: BTreeSet<&str> = instances
        .iter()
        .filter_map(|i| i.db_instance_identifier())
        .collect();
    let extra_ids: Vec<String> = owned
        .keys()
        .filter(|arn| arn.contains(":db:"))
        .map(|arn| arn_name(arn).to_owned())
        .filter(|id| !known.contains(id.as_str()))
        .collect();
    let member = redis
        .as_ref()
        .and_then(|rg| rg.member_clusters().first().cloned());
    // Proxies and endpoints are tagged by a generated id, not their name: an owned one that
    // left the spec is found by listing them.
    let known_proxy = proxy.as_ref().and_then(|p| p.0.db_proxy_arn());
    let stray_proxies = owned
        .keys()
        .any(|a| a.contains(":db-proxy:") && Some(a.as_str()) != known_proxy);
    let (subnets, extra_instances, member, strays, stray_endpoints) = tokio::try_join!(
        lookup_subnets(c, stack, vpc.clone()),
        describe_instances(c, extra_ids),
        describe_cache_cluster(c, member),
        list_proxies(c, stray_proxies),
        list_proxy_endpoints(c, stray_proxies),
    )?;

    let network = NetworkIds {
        vpc_id: vpc.unwrap_or_default(),
        subnet_ids: subnets,
    };
    let mut obs = Observed::default();
    let owned_arn = |arn: Option<&str>| arn.is_some_and(|a| owned.contains_key(a));
    let arn_tags = |arn: Option<&str>| -> Value {
        json!(arn.and_then(|a| owned.get(a)).cloned().unwrap_or_default())
    };

    // Security groups: names for ids, so references compare by name.
    let mut sg_names: BTreeMap<String, String> = BTreeMap::new();
    for g in &sgs {
        if let (Some(id), Some(name)) = (g.group_id(), g.group_name()) {
            sg_names.insert(id.to_owned(), name.to_owned());
        }
    }
    let sg_ref = |id: &str| sg_names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    for g in &sgs {
        let tags = tag_map(g.tags().iter().map(|t| (t.key(), t.value())));
        // Group names are unique per VPC: another VPC's group of that name is no conflict.
        if !owned_by(&tags, s) && g.vpc_id() != Some(network.vpc_id.as_str()) {
            continue;
        }
        let mut rules = Vec::new();
        for p in g.ip_permissions() {
            let port = p.from_port().unwrap_or(0);
            for pair in p.user_id_group_pairs() {
                if let Some(gid) = pair.group_id() {
                    rules.push(format!("tcp/{port} from {}", sg_ref(gid)));
                }
            }
            for r in p.ip_ranges() {
                if let Some(cidr) = r.cidr_ip() {
                    rules.push(format!("tcp/{port} from {cidr}"));
                }
            }
        }
        rules.dedup();
        let name = g.group_name().unwrap_or_default();
        let mut o = observed(
            Resource::new(Kind::SecurityGroup, name)
                .set("description", g.description().unwrap_or_default())
                .set("vpc_id", g.vpc_id().unwrap_or_default())
                .set("ingress", sorted(rules))
                .set("tags", json!(tags)),
            owned_by(&tags, s),
            "available",
        );
        if let Some(id) = g.group_id() {
            o.ids.insert("id".into(), id.to_owned());
        }
        obs.insert(o);
    }

    let sg_list = |ids: Vec<String>| -> Value {
        if ids.is_empty() {
            Value::Null
        } else {
            sorted(ids.iter().map(|i| sg_ref(i)).collect())
        }
    };

    // DB instances and replicas.
    let mut master_secret_arns: BTreeMap<String, String> = BTreeMap::new();
    for inst in instances.iter().chain(extra_instances.iter()) {
        let tags = tag_map(inst.tag_list().iter().map(|t| (t.key(), t.value())));
        let owned_here = owned_by(&tags, s);
        let id = inst.db_instance_identifier().unwrap_or_default().to_owned();
        let sgs: Vec<String> = inst
            .vpc_security_groups()
            .iter()
            .filter_map(|m| m.vpc_security_group_id().map(str::to_owned))
            .collect();
        let pg = inst
            .db_parameter_groups()
            .first()
            .and_then(|p| p.db_parameter_group_name())
            .map(str::to_owned);
        let status = inst.db_instance_status().unwrap_or_default();
        let monitoring = inst.monitoring_interval().unwrap_or(0);
        let role = nz(inst.monitoring_role_arn()).filter(|_| monitoring > 0);
        let source =
            nz(inst.read_replica_source_db_instance_identifier()).map(|s| arn_name(s).to_owned());
        let pi = inst.performance_insights_enabled().unwrap_or(false);
        let mut o = match &source {
            Some(src) => observed(
                Resource::new(Kind::DbReplica, &id)
                    .set("source", src.clone())
                    .set(
                        "instance_class",
                        inst.db_instance_class().unwrap_or_default(),
                    )
                    .set("availability_zone", json!(nz(inst.availability_zone())))
                    .set("performance_insights", pi)
                    .set("monitoring_interval_seconds", monitoring)
                    .set("monitoring_role_arn", json!(role))
                    .set(
                        "deletion_protection",
                        inst.deletion_protection().unwrap_or(false),
                    )
                    .set(
                        "publicly_accessible",
                        inst.publicly_accessible().unwrap_or(false),
                    )
                    .set(
                        "auto_minor_version_upgrade",
                        inst.auto_minor_version_upgrade().unwrap_or(false),
                    )
                    .set(
                        "copy_tags_to_snapshot",
                        inst.copy_tags_to_snapshot().unwrap_or(false),
                    )
                    .set("parameter_group", json!(pg))
                    .set("security_groups", sg_list(sgs))
                    .set("tags", json!(tags)),
                owned_here,
                status,
            ),
            None => {
                let port = inst
                    .endpoint()
                    .and_then(|e| e.port())
                    .or(inst.db_instance_port().filter(|p| *p > 0));
                let managed = inst.master_user_secret().and_then(|m| nz(m.secret_arn()));
                if let Some(arn) = managed {
                    master_secret_arns.insert(id.clone(), arn.to_owned());
                }
                observed(
                    Resource::new(Kind::DbInstance, &id)
                        .set("engine", inst.engine().unwrap_or_default())
                        .set("engine_version", inst.engine_version().unwrap_or_default())
                        .set(
                            "instance_class",
                            inst.db_instance_class().unwrap_or_default(),
                        )
                        .set("allocated_gib", inst.allocated_storage().unwrap_or(0))
                        .set(
                            "max_allocated_gib",
                            inst.max_allocated_storage().unwrap_or(0),
                        )
                        .set("iops", json!(inst.iops()))
                        .set("throughput_mibps", json!(inst.storage_throughput()))
                        .set(
                            "storage_encrypted",
                            inst.storage_encrypted().unwrap_or(false),
                        )
                        .set("kms_key_id", json!(nz(inst.kms_key_id())))
                        .set("multi_az", inst.multi_az().unwrap_or(false))
                        .set("port", json!(port))
                        .set("database_name", json!(nz(inst.db_name())))
                        .set(
                            "master_username",
                            inst.master_username().unwrap_or_default(),
                        )
                        .set(
                            "master_password",
                            if managed.is_some() {
                                "rds_managed"
                            } else {
                                "generated"
                            },
                        )
                        .set(
                            "backup_retention_days",
                            inst.backup_retention_period().unwrap_or(0),
                        )
                        .set("backup_window", json!(nz(inst.preferred_backup_window())))
                        .set(
                            "maintenance_window",
                            json!(nz(inst.preferred_maintenance_window()).map(str::to_lowercase)),
                        )
                        .set("performance_insights", pi)
                        .set(
                            "performance_insights_retention_days",
                            json!(inst.performance_insights_retention_period().filter(|_| pi)),
                        )
                        .set(
                            "performance_insights_kms_key_id",
                            json!(nz(inst.performance_insights_kms_key_id()).filter(|_| pi)),
                        )
                        .set("monitoring_interval_seconds", monitoring)
                        .set("monitoring_role_arn", json!(role))
                        .set(
                            "deletion_protection",
                            inst.deletion_protection().unwrap_or(false),
                        )
                        .set(
                            "publicly_accessible",
                            inst.publicly_accessible().unwrap_or(false),
                        )
                        .set(
                            "auto_minor_version_upgrade",
                            inst.auto_minor_version_upgrade().unwrap_or(false),
                        )
                        .set(
                            "copy_tags_to_snapshot",
                            inst.copy_tags_to_snapshot().unwrap_or(false),
                        )
                        .set("parameter_group", json!(pg))
                        .set(
                            "subnet_group",
                            json!(
                                inst.db_subnet_group()
                                    .and_then(|g| g.db_subnet_group_name())
                            ),
                        )
                        .set("security_groups", sg_list(sgs))
                        .set("tags", json!(tags)),
                    owned_here,
                    status,
                )
            }
        };
        if let Some(p) = inst.pending_modified_values() {
            let pending = &mut o.pending;
            if let Some(v) = p.db_instance_class() {
                pending.insert("instance_class".into(), json!(v));
            }
            if let Some(v) = p.allocated_storage() {
                pending.insert("allocated_gib".into(), json!(v));
            }
            if let Some(v) = p.multi_az() {
                pending.insert("multi_az".into(), json!(v));
            }
            if let Some(v) = p.engine_version() {
                pending.insert("engine_version".into(), json!(v));
            }
            if let Some(v) = p.iops() {
                pending.insert("iops".into(), json!(v));
            }
            if let Some(v) = p.storage_throughput() {
                pending.insert("throughput_mibps".into(), json!(v));
            }
            if let Some(v) = p.backup_retention_period() {
                pending.insert("backup_retention_days".into(), json!(v));
            }
            if let Some(v) = p.db_subnet_group_name() {
                pending.insert("subnet_group".into(), json!(v));
            }
        }
        if let Some(arn) = inst.db_instance_arn() {
            o.ids.insert("arn".into(), arn.to_owned());
        }
        if let Some(arn) = inst.master_user_secret().and_then(|m| m.secret_arn()) {
            o.ids
                .insert("master_user_secret_arn".into(), arn.to_owned());
        }
        if let Some(rid) = inst.dbi_resource_id() {
            o.ids.insert("resource_id".into(), rid.to_owned());
        }
        obs.insert(o);
    }

    if let Some(g) = db_subnets {
        let arn = g.db_subnet_group_arn();
        let ids: Vec<String> = g
            .subnets()
            .iter()
            .filter_map(|x| x.subnet_identifier().map(str::to_owned))
            .collect();
        obs.insert(with_arn(
            arn,
            observed(
                Resource::new(
                    Kind::DbSubnetGroup,
                    g.db_subnet_group_name().unwrap_or_default(),
                )
                .set(
                    "description",
                    g.db_subnet_group_description().unwrap_or_default(),
                )
                .set("subnet_ids", sorted(ids))
                .set("tags", arn_tags(arn)),
                owned_arn(arn),
                "available",
            ),
        ));
    }

    if let Some((g, params)) = db_params {
        let arn = g.db_parameter_group_arn();
        obs.insert(with_arn(
            arn,
            observed(
                Resource::new(
                    Kind::DbParameterGroup,
                    g.db_parameter_group_name().unwrap_or_default(),
                )
                .set("family", g.db_parameter_group_family().unwrap_or_default())
                .set("description", g.description().unwrap_or_default())
                .set("parameters", json!(params))
                .set("tags", arn_tags(arn)),
                owned_arn(arn),
                "available",
            ),
        ));
    }

    let mut secret_arns: BTreeMap<String, String> = BTreeMap::new();
    for sec in &secrets {
        let tags = tag_map(sec.tags().iter().map(|t| (t.key(), t.value())));
        let name = sec.name().unwrap_or_default();
        let purpose = if name.ends_with("/auth-token") {
            "redis_auth_token"
        } else {
            "db_master_password"
        };
        let mut o = observed(
            Resource::new(Kind::Secret, name)
                .set("description", sec.description().unwrap_or_default())
                .set("purpose", purpose)
                .set("kms_key_id", json!(nz(sec.kms_key_id())))
                .set("tags", json!(tags)),
            owned_by(&tags, s),
            "available",
        );
        if let Some(arn) = sec.arn() {
            o.ids.insert("arn".into(), arn.to_owned());
            secret_arns.insert(name.to_owned(), arn.to_owned());
        }
        obs.insert(o);
    }

    // An extra proxy endpoint, under the proxy it belongs to.
    let endpoint = |e: &aws_sdk_rds::types::DbProxyEndpoint| {
        let earn = e.db_proxy_endpoint_arn();
        let role = e
            .target_role()
            .map(|r| r.as_str().to_ascii_lowercase())
            .unwrap_or_else(|| "read_write".into());
        with_arn(
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
                    sg_list(e.vpc_security_group_ids().to_vec()),
                )
                .set("tags", arn_tags(earn)),
                owned_arn(earn),
                e.status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            ),
        )
    };
    for p in strays {
        let arn = p.db_proxy_arn();
        if owned_arn(arn) && arn != known_proxy {
            // Its endpoints, which AWS deletes with it: one the spec still names moves to the
            // spec's proxy.
            for e in stray_endpoints.iter().filter(|e| {
                e.db_proxy_name() == p.db_proxy_name() && owned_arn(e.db_proxy_endpoint_arn())
            }) {
                obs.insert(endpoint(e));
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

    if let Some((p, tg, targets, endpoints)) = proxy {
        let arn = p.db_proxy_arn();
        let name = p.db_proxy_name().unwrap_or_default().to_owned();
        let auth = p.auth().first();
        let secret = auth.and_then(|a| a.secret_arn()).unwrap_or_default();
        // The master user's secret reads as `master:<db>:rds_managed` (the one RDS manages for
        // the instance now) or `master:<db>:generated` (the stack's generated one); any other
        // secret, such as one RDS deleted when it stopped managing the password, as its ARN.
        let auth_secret = master_secret_arns
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
            .unwrap_or_else(|| secret.to_owned());
        let iam = auth
            .and_then(|a| a.iam_auth())
            .map(|m| m.as_str().to_ascii_lowercase())
            .unwrap_or_else(|| "disabled".into());
        let mut o = observed(
            Resource::new(Kind::Proxy, &name)
                .set(
                    "engine_family",
                    p.engine_family().unwrap_or_default().to_ascii_lowercase(),
                )
                .set("role_arn", p.role_arn().unwrap_or_default())
                .set("auth_secret", auth_secret)
                .set("iam_auth", iam)
                .set("require_tls", p.require_tls().unwrap_or(false))
                .set(
                    "idle_client_timeout_seconds",
                    p.idle_client_timeout().unwrap_or(0),
                )
                .set("debug_logging", p.debug_logging().unwrap_or(false))
                .set(
                    "security_groups",
                    sg_list(p.vpc_security_group_ids().to_vec()),
                )
                .set("subnet_ids", sorted(p.vpc_subnet_ids().to_vec()))
                .set("tags", arn_tags(arn)),
            owned_arn(arn),
            p.status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        );
        if let Some(a) = arn {
            o.ids.insert("arn".into(), a.to_owned());
        }
        let proxy_owned = o.owned;
        obs.insert(o);
        if let Some(pool) = tg.as_ref().and_then(|t| t.connection_pool_config()) {
            let filters: Vec<String> = pool
                .session_pinning_filters()
                .iter()
                .map(|f| f.to_ascii_lowercase())
                .collect();
            obs.insert(observed(
                Resource::new(Kind::ProxyTargetGroup, &name)
                    .set(
                        "max_connections_percent",
                        pool.max_connections_percent().unwrap_or(100),
                    )
                    .set(
                        "max_idle_connections_percent",
                        pool.max_idle_connections_percent().unwrap_or(50),
                    )
                    .set(
                        "connection_borrow_timeout_seconds",
                        pool.connection_borrow_timeout().unwrap_or(120),
                    )
                    .set("session_pinning_filters", sorted(filters))
                    .set(
                        "init_query",
                        json!(pool.init_query().filter(|q| !q.is_empty())),
                    ),
                proxy_owned,
                "available",
            ));
        }
        for t in targets {
            if let Some(db_id) = t.rds_resource_id() {
                obs.insert(observed(
                    Resource::new(Kind::ProxyTarget, format!("{name}/{db_id}"))
                        .set("db_instance", db_id),
                    proxy_owned,
                    t.target_health()
                        .and_then(|h| h.state())
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                ));
            }
        }
        for e in &endpoints {
            if !e.is_default().unwrap_or(false) {
                obs.insert(endpoint(e));
            }
        }
    }

    if let Some(g) = cache_subnets {
        let arn = g.arn();
        let ids: Vec<String> = g
            .subnets()
            .iter()
            .filter_map(|x| x.subnet_identifier().map(str::to_owned))
            .collect();
        obs.insert(with_arn(
            arn,
            observed(
                Resource::new(
                    Kind::CacheSubnetGroup,
                    g.cache_subnet_group_name().unwrap_or_default(),
                )
                .set(
                    "description",
                    g.cache_subnet_group_description().unwrap_or_default(),
                )
                .set("subnet_ids", sorted(ids))
                .set("tags", arn_tags(arn)),
                owned_arn(arn),
                "available",
            ),
        ));
    }

    if let Some((g, params)) = cache_params {
        let arn = g.arn();
        obs.insert(with_arn(
            arn,
            observed(
                Resource::new(
                    Kind::CacheParameterGroup,
                    g.cache_parameter_group_name().unwrap_or_default(),
                )
                .set(
                    "family",
                    g.cache_parameter_group_family().unwrap_or_default(),
                )
                .set("description", g.description().unwrap_or_default())
                .set("parameters", json!(params))
                .set("tags", arn_tags(arn)),
                owned_arn(arn),
                "available",
            ),
        ));
    }

    if let Some(rg) = redis {
        use aws_sdk_elasticache::types::{AutomaticFailoverStatus, MultiAzStatus};
        let arn = rg.arn();
        let cluster_mode = rg.cluster_enabled().unwrap_or(false);
        let node_groups = rg.node_groups();
        let (num, shards, replicas) = if cluster_mode {
            (
                Value::Null,
                json!(node_groups.len()),
                json!(
                    node_groups
                        .first()
                        .map(|g| g.node_group_members().len().saturating_sub(1))
                        .unwrap_or(0)
                ),
            )
        } else {
            (json!(rg.member_clusters().len()), Value::Null, Value::Null)
        };
        let port = rg
            .configuration_endpoint()
            .and_then(|e| e.port())
            .or_else(|| {
                node_groups
                    .first()
                    .and_then(|g| g.primary_endpoint())
                    .and_then(|e| e.port())
            });
        let failover = matches!(
            rg.automatic_failover(),
            Some(AutomaticFailoverStatus::Enabled | AutomaticFailoverStatus::Enabling)
        );
        let m = member.as_ref();
        let msgs: Vec<String> = m
            .map(|m| {
                m.security_groups()
                    .iter()
                    .filter_map(|g| g.security_group_id().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let mut o = observed(
            Resource::new(
                Kind::ReplicationGroup,
                rg.replication_group_id().unwrap_or_default(),
            )
            .set("description", rg.description().unwrap_or_default())
            .set("engine_version", json!(m.and_then(|m| m.engine_version())))
            .set("node_type", rg.cache_node_type().unwrap_or_default())
            .set("port", json!(port))
            .set("num_cache_clusters", num)
            .set("shards", shards)
            .set("replicas_per_shard", replicas)
            .set("automatic_failover", failover)
            .set(
                "multi_az",
                matches!(rg.multi_az(), Some(MultiAzStatus::Enabled)),
            )
            .set(
                "at_rest_encryption",
                rg.at_rest_encryption_enabled().unwrap_or(false),
            )
            .set("kms_key_id", json!(nz(rg.kms_key_id())))
            .set(
                "transit_encryption",
                rg.transit_encryption_enabled().unwrap_or(false),
            )
            .set(
                "auth_token",
                if rg.auth_token_enabled().unwrap_or(false) {
                    "generated"
                } else {
                    "none"
                },
            )
            .set(
                "snapshot_retention_days",
                rg.snapshot_retention_limit().unwrap_or(0),
            )
            .set("snapshot_window", json!(nz(rg.snapshot_window())))
            .set(
                "maintenance_window",
                json!(
                    m.and_then(|m| m.preferred_maintenance_window())
                        .map(str::to_lowercase)
                ),
            )
            .set(
                "parameter_group",
                json!(
                    m.and_then(|m| m.cache_parameter_group())
                        .and_then(|g| g.cache_parameter_group_name())
                ),
            )
            .set(
                "subnet_group",
                json!(m.and_then(|m| m.cache_subnet_group_name())),
            )
            .set("security_groups", sg_list(msgs))
            .set("tags", arn_tags(arn)),
            owned_arn(arn),
            rg.status().unwrap_or_default(),
        );
        if let Some(a) = arn {
            o.ids.insert("arn".into(), a.to_owned());
        }
        obs.insert(o);
    }

    for a in &alarms {
        let arn = a.alarm_arn();
        let dims: BTreeMap<String, String> = a
            .dimensions()
            .iter()
            .filter_map(|d| Some((d.name()?.to_owned(), d.value()?.to_owned())))
            .collect();
        let statistic = a
            .extended_statistic()
            .map(str::to_owned)
            .or_else(|| a.statistic().map(|s| s.as_str().to_owned()))
            .unwrap_or_default();
        let comparison = a
            .comparison_operator()
            .map(|c| comparison_from_aws(c.as_str()))
            .unwrap_or_default();
        let missing = a
            .treat_missing_data()
            .map(missing_from_aws)
            .unwrap_or("missing");
        obs.insert(with_arn(
            arn,
            observed(
                Resource::new(Kind::Alarm, a.alarm_name().unwrap_or_default())
                    .set("description", json!(nz(a.alarm_description())))
                    .set("namespace", a.namespace().unwrap_or_default())
                    .set("metric", a.metric_name().unwrap_or_default())
                    .set("dimensions", json!(dims))
                    .set("statistic", statistic)
                    .set("period_seconds", a.period().unwrap_or(0))
                    .set("evaluation_periods", a.evaluation_periods().unwrap_or(0))
                    .set(
                        "datapoints_to_alarm",
                        a.datapoints_to_alarm()
                            .or(a.evaluation_periods())
                            .unwrap_or(0),
                    )
                    .set("threshold", a.threshold().unwrap_or(0.0))
                    .set("comparison", comparison)
                    .set("treat_missing_data", missing)
                    .set("actions", sorted(a.alarm_actions().to_vec()))
                    .set("ok_actions", sorted(a.ok_actions().to_vec()))
                    .set("tags", arn_tags(arn)),
                owned_arn(arn),
                a.state_value()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            ),
        ));
    }

    // Owned resources that left the spec and were not described above: enough to delete them.
    for arn in owned.keys() {
        let name = arn_name(arn).to_owned();
        let kind = if arn.contains(":cloudwatch:") && arn.contains(":alarm:") {
            Kind::Alarm
        } else if arn.contains(":elasticache:") && arn.contains(":replicationgroup:") {
            Kind::ReplicationGroup
        } else if arn.contains(":elasticache:") && arn.contains(":parametergroup:") {
            Kind::CacheParameterGroup
        } else if arn.contains(":elasticache:") && arn.contains(":subnetgroup:") {
            Kind::CacheSubnetGroup
        } else if arn.contains(":rds:") && arn.contains(":pg:") {
            Kind::DbParameterGroup
        } else if arn.contains(":rds:") && arn.contains(":subgrp:") {
            Kind::DbSubnetGroup
        } else {
            // DB instances are described above; proxies and their endpoints are tagged by a
            // generated id, not their name, and are found by name while in the spec.
            continue;
        };
        let addr = Address::new(kind, name);
        if obs.get(&addr).is_none() {
            obs.insert(observed(
                Resource::new(addr.kind, &addr.name),
                true,
                "available",
            ));
        }
    }
    // What is being deleted and no longer carries the stack's tag (AWS drops a proxy's tags as
    // its deletion starts) is on its way out: neither an intruder nor a resource to plan for.
    forget_unowned_deleting(&mut obs);
    Ok(ReadResult {
        network,
        observed: obs,
    })
}

/// Drops what is being deleted without the stack's tag, and with a proxy its target group,
/// targets and endpoints (their ownership is the proxy's).
fn forget_unowned_deleting(obs: &mut Observed) {
    let going: BTreeSet<String> = obs
        .resources
        .values()
        .filter(|o| !o.owned && o.status.eq_ignore_ascii_case("deleting"))
        .map(|o| o.resource.address.name.clone())
        .collect();
    obs.resources.retain(|a, o| {
        let proxy = match a.kind {
            Kind::ProxyTargetGroup | Kind::ProxyTarget => a.name.split('/').next(),
            Kind::ProxyEndpoint => o.resource.str("proxy"),
            _ => None,
        };
        o.owned || !(going.contains(&a.name) || proxy.is_some_and(|p| going.contains(p)))
    });
}

fn comparison_from_aws(c: &str) -> &'static str {
    match c {
        "GreaterThanThreshold" => "greater_than",
        "GreaterThanOrEqualToThreshold" => "greater_than_or_equal",
        "LessThanThreshold" => "less_than",
        "LessThanOrEqualToThreshold" => "less_than_or_equal",
        _ => "other",
    }
}

fn missing_from_aws(m: &str) -> &'static str {
    match m {
        "notBreaching" => "not_breaching",
        "breaching" => "breaching",
        "ignore" => "ignore",
        _ => "missing",
    }
}

/// The security groups the stack owns, and any group named like one the spec creates (another
/// team's group of that name stops the plan rather than failing the create): two calls at
/// once, as EC2 filters of different names must all match.
async fn security_groups(
    c: &Clients,
    stack: &str,
    spec: &Stack,
) -> Result<Vec<aws_sdk_ec2::types::SecurityGroup>, AwsError> {
    use aws_sdk_ec2::types::Filter;
    let names: Vec<String> = spec
        .network
        .security_groups
        .iter()
        .filter(|(_, g)| g.id.is_none())
        .map(|(k, _)| crate::model::desired::security_group_name(stack, k))
        .collect();
    let by = |filter: Filter| {
        c.call(
            "ec2:DescribeSecurityGroups",
            c.ec2.describe_security_groups().filters(filter).send(),
        )
    };
    let owner = by(Filter::builder()
        .name(format!("tag:{OWNER_TAG}"))
        .values(stack)
        .build());
    let named = async {
        if names.is_empty() {
            return Ok(None);
        }
        by(Filter::builder()
            .name("group-name")
            .set_values(Some(names.clone()))
            .build())
        .await
        .map(Some)
    };
    let (owner, named) = tokio::try_join!(owner, named)?;
    let mut groups = owner.security_groups().to_vec();
    for g in named.iter().flat_map(|n| n.security_groups()) {
        if !groups.iter().any(|o| o.group_id() == g.group_id()) {
            groups.push(g.clone());
        }
    }
    Ok(groups)
}

fn tag_filters(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_ec2::types::Filter> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_ec2::types::Filter::builder()
                .name(format!("tag:{k}"))
                .values(v)
                .build()
        })
        .collect()
}

/// The VPC id: given, or looked up by tags (exactly one must match).
async fn lookup_vpc(c: &Clients, stack: &Stack) -> Result<Option<String>, AwsError> {
    let vpc = &stack.network.vpc;
    if let Some(id) = &vpc.id {
        return Ok(Some(id.clone()));
    }
    let Some(tags) = &vpc.tags else {
        return Ok(None);
    };
    let resp = c
        .call(
            "ec2:DescribeVpcs",
            c.ec2
                .describe_vpcs()
                .set_filters(Some(tag_filters(tags)))
                .send(),
        )
        .await?;
    let ids: Vec<&str> = resp.vpcs().iter().filter_map(|v| v.vpc_id()).collect();
    match ids.as_slice() {
        [one] => Ok(Some((*one).to_owned())),
        [] => Err(AwsError::other(
            "ec2:DescribeVpcs",
            format!("no VPC has the tags {tags:?} given in network.vpc.tags"),
        )),
        many => Err(AwsError::other(
            "ec2:DescribeVpcs",
            format!(
                "{} VPCs have the tags {tags:?}: {}; make network.vpc.tags select one, or give its id",
                many.len(),
                many.join(", ")
            ),
        )),
    }
}

/// The subnet ids: given, or looked up by tags inside the VPC.
async fn lookup_subnets(
    c: &Clients,
    stack: &Stack,
    vpc: Option<String>,
) -> Result<Vec<String>, AwsError> {
    let subnets = &stack.network.subnets;
    if let Some(ids) = &subnets.ids {
        return Ok(ids.clone());
    }
    let Some(tags) = &subnets.tags else {
        return Ok(Vec::new());
    };
    let mut filters = tag_filters(tags);
    if let Some(v) = vpc {
        filters.push(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(v)
                .build(),
        );
    }
    let resp = c
        .call(
            "ec2:DescribeSubnets",
            c.ec2.describe_subnets().set_filters(Some(filters)).send(),
        )
        .await?;
    let mut ids: Vec<String> = resp
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_owned))
        .collect();
    ids.sort();
    if ids.len() < 2 {
        return Err(AwsError::other(
            "ec2:DescribeSubnets",
            format!(
                "network.subnets.tags {tags:?} select {} subnet(s) in the VPC; a DB subnet group needs at least 2",
                ids.len()
            ),
        ));
    }
    Ok(ids)
}

/// DB instances by identifier, 100 to a call, all calls at once.
async fn describe_instances(
    c: &Clients,
    ids: Vec<String>,
) -> Result<Vec<aws_sdk_rds::types::DbInstance>, AwsError> {
    use aws_sdk_rds::types::Filter;
    let calls = ids.chunks(100).map(|chunk| {
        let filter = Filter::builder()
            .name("db-instance-id")
            .set_values(Some(chunk.to_vec()))
            .build();
        async move {
            let resp = c
                .call(
                    "rds:DescribeDBInstances",
                    c.rds.describe_db_instances().filters(filter).send(),
                )
                .await?;
            Ok::<_, AwsError>(resp.db_instances().to_vec())
        }
    });
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}

async fn describe_db_subnet_group(
    c: &Clients,
    name: String,
) -> Result<Option<aws_sdk_rds::types::DbSubnetGroup>, AwsError> {
    let r = c
        .call(
            "rds:DescribeDBSubnetGroups",
            c.rds
                .describe_db_subnet_groups()
                .db_subnet_group_name(&name)
                .send(),
        )
        .await;
    Ok(found(r)?.and_then(|r| r.db_subnet_groups().first().cloned()))
}

/// One page of a parameter group's parameters and the marker of the next, or `None` when the
/// group does not exist.
type ParamPage = Option<(Vec<(String, String)>, Option<String>)>;

/// The parameters the user set in a group (`Source=user`), following the pages.
async fn user_parameters<F, Fut>(page: F) -> Result<BTreeMap<String, String>, AwsError>
where
    F: Fn(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<ParamPage, AwsError>>,
{
    let mut out = BTreeMap::new();
    let mut marker = None;
    loop {
        let Some((pairs, next)) = page(marker.take()).await? else {
            return Ok(out);
        };
        out.extend(pairs);
        match next {
            Some(m) => marker = Some(m),
            None => return Ok(out),
        }
    }
}

type DbParams = (
    aws_sdk_rds::types::DbParameterGroup,
    BTreeMap<String, String>,
);

async fn describe_db_parameter_group(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<DbParams>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let group = async {
        let r = c
            .call(
                "rds:DescribeDBParameterGroups",
                c.rds
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(&name)
                    .send(),
            )
            .await;
        Ok::<_, AwsError>(found(r)?.and_then(|r| r.db_parameter_groups().first().cloned()))
    };
    let name = &name;
    let params = user_parameters(|marker| async move {
        let r = c
            .call(
                "rds:DescribeDBParameters",
                c.rds
                    .describe_db_parameters()
                    .db_parameter_group_name(name)
                    .source("user")
                    .set_marker(marker)
                    .send(),
            )
            .await;
        Ok(found(r)?.map(|r| {
            let pairs = r
                .parameters()
                .iter()
                .filter_map(|p| {
                    Some((
                        p.parameter_name()?.to_owned(),
                        p.parameter_value()?.to_owned(),
                    ))
                })
                .collect();
            (pairs, r.marker().map(str::to_owned))
        }))
    });
    let (g, p) = tokio::try_join!(group, params)?;
    Ok(g.map(|g| (g, p)))
}

type ProxyParts = (
    aws_sdk_rds::types::DbProxy,
    Option<aws_sdk_rds::types::DbProxyTargetGroup>,
    Vec<aws_sdk_rds::types::DbProxyTarget>,
    Vec<aws_sdk_rds::types::DbProxyEndpoint>,
);

async fn describe_proxy(c: &Clients, name: Option<String>) -> Result<Option<ProxyParts>, AwsError> {
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
        let r = c
            .call(
                "rds:DescribeDBProxyTargetGroups",
                c.rds
                    .describe_db_proxy_target_groups()
                    .db_proxy_name(&name)
                    .target_group_name("default")
                    .send(),
            )
            .await;
        Ok::<_, AwsError>(found(r)?.and_then(|r| r.target_groups().first().cloned()))
    };
    let targets = async {
        let r = c
            .call(
                "rds:DescribeDBProxyTargets",
                c.rds
                    .describe_db_proxy_targets()
                    .db_proxy_name(&name)
                    .send(),
            )
            .await;
        Ok::<_, AwsError>(found(r)?.map(|r| r.targets().to_vec()).unwrap_or_default())
    };
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

/// Every proxy endpoint in the region, when a proxy the stack owns is not the spec's.
async fn list_proxy_endpoints(
    c: &Clients,
    needed: bool,
) -> Result<Vec<aws_sdk_rds::types::DbProxyEndpoint>, AwsError> {
    let mut out = Vec::new();
    if !needed {
        return Ok(out);
    }
    let mut marker: Option<String> = None;
    loop {
        let r = c
            .call(
                "rds:DescribeDBProxyEndpoints",
                c.rds
                    .describe_db_proxy_endpoints()
                    .set_marker(marker.clone())
                    .send(),
            )
            .await?;
        out.extend(r.db_proxy_endpoints().iter().cloned());
        marker = r.marker().map(str::to_owned);
        if marker.is_none() {
            return Ok(out);
        }
    }
}

/// Every proxy in the region, when one the stack owns is not the spec's (it left the spec).
async fn list_proxies(
    c: &Clients,
    needed: bool,
) -> Result<Vec<aws_sdk_rds::types::DbProxy>, AwsError> {
    let mut out = Vec::new();
    if !needed {
        return Ok(out);
    }
    let mut marker: Option<String> = None;
    loop {
        let r = c
            .call(
                "rds:DescribeDBProxies",
                c.rds
                    .describe_db_proxies()
                    .set_marker(marker.clone())
                    .send(),
            )
            .await?;
        out.extend(r.db_proxies().iter().cloned());
        marker = r.marker().map(str::to_owned);
        if marker.is_none() {
            return Ok(out);
        }
    }
}

async fn describe_replication_group(
    c: &Clients,
    id: Option<String>,
) -> Result<Option<aws_sdk_elasticache::types::ReplicationGroup>, AwsError> {
    let Some(id) = id else { return Ok(None) };
    let r = c
        .call(
            "elasticache:DescribeReplicationGroups",
            c.elasticache
                .describe_replication_groups()
                .replication_group_id(&id)
                .send(),
        )
        .await;
    Ok(found(r)?.and_then(|r| r.replication_groups().first().cloned()))
}

async fn describe_cache_cluster(
    c: &Clients,
    id: Option<String>,
) -> Result<Option<aws_sdk_elasticache::types::CacheCluster>, AwsError> {
    let Some(id) = id else { return Ok(None) };
    let r = c
        .call(
            "elasticache:DescribeCacheClusters",
            c.elasticache
                .describe_cache_clusters()
                .cache_cluster_id(&id)
                .send(),
        )
        .await;
    Ok(found(r)?.and_then(|r| r.cache_clusters().first().cloned()))
}

async fn describe_cache_subnet_group(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<aws_sdk_elasticache::types::CacheSubnetGroup>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let r = c
        .call(
            "elasticache:DescribeCacheSubnetGroups",
            c.elasticache
                .describe_cache_subnet_groups()
                .cache_subnet_group_name(&name)
                .send(),
        )
        .await;
    Ok(found(r)?.and_then(|r| r.cache_subnet_groups().first().cloned()))
}

type CacheParams = (
    aws_sdk_elasticache::types::CacheParameterGroup,
    BTreeMap<String, String>,
);

async fn describe_cache_parameter_group(
    c: &Clients,
    name: Option<String>,
) -> Result<Option<CacheParams>, AwsError> {
    let Some(name) = name else { return Ok(None) };
    let group = async {
        let r = c
            .call(
                "elasticache:DescribeCacheParameterGroups",
                c.elasticache
                    .describe_cache_parameter_groups()
                    .cache_parameter_group_name(&name)
                    .send(),
            )
            .await;
        Ok::<_, AwsError>(found(r)?.and_then(|r| r.cache_parameter_groups().first().cloned()))
    };
    let name = &name;
    let params = user_parameters(|marker| async move {
        let r = c
            .call(
                "elasticache:DescribeCacheParameters",
                c.elasticache
                    .describe_cache_parameters()
                    .cache_parameter_group_name(name)
                    .source("user")
                    .set_marker(marker)
                    .send(),
            )
            .await;
        Ok(found(r)?.map(|r| {
            let pairs = r
                .parameters()
                .iter()
                .filter_map(|p| {
                    Some((
                        p.parameter_name()?.to_owned(),
                        p.parameter_value()?.to_owned(),
                    ))
                })
                .collect();
            (pairs, r.marker().map(str::to_owned))
        }))
    });
    let (g, p) = tokio::try_join!(group, params)?;
    Ok(g.map(|g| (g, p)))
}

/// The stack's secrets: every secret under `stackctl/<stack>/`.
async fn list_secrets(
    c: &Clients,
    stack: &str,
) -> Result<Vec<aws_sdk_secretsmanager::types::SecretListEntry>, AwsError> {
    use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType};
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let resp = c
            .call(
                "secretsmanager:ListSecrets",
                c.secrets
                    .list_secrets()
                    .filters(
                        Filter::builder()
                            .key(FilterNameStringType::Name)
                            .values(format!("stackctl/{stack}/"))
                            .build(),
                    )
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
        out.extend(
            resp.secret_list()
                .iter()
                .filter(|s| {
                    s.name().is_some_and(|n| {
                        n.starts_with(&format!("stackctl/{stack}/"))
                            && !super::state::is_bookkeeping(n)
                    })
                })
                .cloned(),
        );
        token = resp.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// Alarms by name, 100 to a call, all calls at once.
/// Which of these alarm names AWS has now.
pub async fn existing_alarms(c: &Clients, names: Vec<String>) -> Result<Vec<String>, AwsError> {
    Ok(describe_alarms(c, names)
        .await?
        .iter()
        .filter_map(|a| a.alarm_name().map(str::to_owned))
        .collect())
}

async fn describe_alarms(
    c: &Clients,
    names: Vec<String>,
) -> Result<Vec<aws_sdk_cloudwatch::types::MetricAlarm>, AwsError> {
    let calls = names.chunks(100).map(|chunk| async move {
        let resp = c
            .call(
                "cloudwatch:DescribeAlarms",
                c.cloudwatch
                    .describe_alarms()
                    .set_alarm_names(Some(chunk.to_vec()))
                    .max_records(100)
                    .send(),
            )
            .await?;
        Ok::<_, AwsError>(resp.metric_alarms().to_vec())
    });
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}
