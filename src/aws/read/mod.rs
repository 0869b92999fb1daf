//! Reading a stack's live state: every kind at once, batched where AWS allows, normalised into
//! the model so that nothing AWS does by itself shows as a change.
//!
//! One round trip (concurrent): the tagging API (everything the stack owns), the security groups
//! of the spec's names, the VPC and the subnets of the spec's tags (kept if in that VPC), every
//! DB instance of the spec in one filtered call (an Aurora cluster's among them), the Aurora
//! cluster and its cluster parameter group, the subnet and parameter groups, the proxy with
//! its target group, targets and endpoints, the Redis group with its first member cluster (engine
//! version, window and groups live there; its name is predictable), the stack's secrets, and the
//! alarms (100 names a call). A second round only when the first shows it is needed: owned
//! security groups and DB instances that left the spec, a member cluster named otherwise, owned
//! proxies that are not the spec's, and the apply type (static or dynamic) of a DB parameter
//! the spec sets and the group does not have yet.
//!
//! Each kind's calls and observation are in `aws::kinds` (the VPC and subnet lookups in
//! `ec2.rs`, the tagging API in `tagging.rs`); this one runs the calls of a round at once and
//! assembles the observed stack.

mod ec2;
mod existing;
mod tagging;

pub use crate::aws::kinds::alarm::existing as existing_alarms;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_cloudwatch::types::MetricAlarm;
use aws_sdk_ec2::types::SecurityGroup;
use aws_sdk_elasticache::types::{CacheCluster, CacheSubnetGroup, ReplicationGroup};
use aws_sdk_rds::types::{DbCluster, DbInstance, DbProxy, DbProxyEndpoint, DbSubnetGroup};
use aws_sdk_secretsmanager::types::SecretListEntry;
use futures::future::try_join_all;
use serde_json::{Value, json};

use super::client::Clients;
use super::error::AwsError;
use crate::aws::kinds::AwsKind;
use crate::aws::kinds::alarm::{self, Alarms};
use crate::aws::kinds::cache_parameter_group::{self, CacheParameterGroups, CacheParams};
use crate::aws::kinds::cache_subnet_group::{self, CacheSubnetGroups};
use crate::aws::kinds::db_cluster::{self, DbClusters, instance as cluster_instance};
use crate::aws::kinds::db_cluster_parameter_group::{DbClusterParameterGroups, DbClusterParams};
use crate::aws::kinds::db_instance::{self, DbInstances};
use crate::aws::kinds::db_parameter_group::{DbParameterGroups, DbParams};
use crate::aws::kinds::db_subnet_group::{self, DbSubnetGroups};
use crate::aws::kinds::proxy::{self, Parts as ProxyParts, describe_with_parts, endpoint};
use crate::aws::kinds::rds_parameter_group;
use crate::aws::kinds::replication_group::{
    self as replication_group, ReplicationGroups, describe_cache_cluster, first_member_name,
};
use crate::aws::kinds::secret::{self, Secrets};
use crate::aws::kinds::security_group::{self, SecurityGroups};
use crate::model::desired::APPLY_TAG;
use crate::model::desired::OWNER_TAG;
use crate::model::network::{cache_subnet_group_name, db_subnet_group_name};
use crate::model::parameter_group::{group_name, replica_role};
use crate::model::{Kind, NetworkIds, Resource};
use crate::plan::{Observed, ObservedResource};
use crate::spec::StackSpec;
use ec2::{lookup_vpc, select_subnets, tagged_subnets};
pub(in crate::aws) use tagging::OwnedArns;
use tagging::owned_arns;

/// What a read found: the network ids the spec's lookups resolved to, and the observed stack.
#[derive(Debug, Clone)]
pub struct ReadResult {
    pub network: NetworkIds,
    pub observed: Observed,
    /// What is wrong with what the spec names that already exists (`read::existing`): a plan
    /// of the spec stops on it; a destroy, which needs none of it, does not.
    pub refused: Vec<String>,
}

pub(in crate::aws) fn tag_map<'a>(
    tags: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    tags.filter_map(|(k, v)| Some((k?.to_owned(), v.unwrap_or("").to_owned())))
        .filter(|(k, _)| !k.starts_with("aws:") && k != APPLY_TAG)
        .collect()
}

pub(in crate::aws) fn owned_by(tags: &BTreeMap<String, String>, stack: &str) -> bool {
    tags.get(OWNER_TAG).is_some_and(|v| v == stack)
}

/// AWS (and emulators) return "" for unset strings as often as nothing: both are `None`.
pub(in crate::aws) fn nz(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

pub(in crate::aws) fn sorted(mut v: Vec<String>) -> Value {
    v.sort();
    json!(v)
}

/// The last `:`- or `/`-separated part of an ARN.
pub(in crate::aws) fn arn_name(arn: &str) -> &str {
    arn.rsplit([':', '/']).next().unwrap_or(arn)
}

pub(in crate::aws) fn observed(
    resource: Resource,
    owned: bool,
    status: impl Into<String>,
) -> ObservedResource {
    ObservedResource {
        resource,
        owned,
        status: status.into(),
        pending: BTreeMap::new(),
        ids: BTreeMap::new(),
        facts: BTreeMap::new(),
    }
}

/// Records where clients connect to a resource (`stackctl output`): its endpoint's host and
/// port, when AWS gives them.
pub(in crate::aws) fn with_endpoint(
    host: Option<&str>,
    port: Option<i32>,
    mut o: ObservedResource,
) -> ObservedResource {
    if let Some(h) = nz(host) {
        o.ids.insert("endpoint".into(), h.to_owned());
    }
    if let Some(p) = port.filter(|p| *p > 0) {
        o.ids.insert("port".into(), p.to_string());
    }
    o
}

/// Records a resource's ARN for the executor (tag updates name resources by ARN).
pub(in crate::aws) fn with_arn(arn: Option<&str>, mut o: ObservedResource) -> ObservedResource {
    if let Some(a) = arn {
        o.ids.insert("arn".into(), a.to_owned());
    }
    o
}

/// What turning an AWS answer into an observed resource needs from the rest of the read: the
/// stack's name, what it owns, and security group names by id.
pub(in crate::aws) struct Context<'a> {
    pub(in crate::aws) stack: &'a str,
    owned: &'a OwnedArns,
    sg_names: BTreeMap<String, String>,
}

#[cfg(test)]
impl<'a> Context<'a> {
    /// A read of `stack` that found the ARNs `owned` and no security groups.
    pub(in crate::aws) fn for_test(stack: &'a str, owned: &'a OwnedArns) -> Self {
        Context {
            stack,
            owned,
            sg_names: BTreeMap::new(),
        }
    }
}

impl Context<'_> {
    /// Whether the tagging API says the stack owns this ARN.
    pub(in crate::aws) fn owned_arn(&self, arn: Option<&str>) -> bool {
        arn.is_some_and(|a| self.owned.contains_key(a))
    }

    /// The stack's ARN that ends with `tail` (`:pg:shop-db-postgres16`), if it has one.
    pub(in crate::aws) fn owned_arn_ending(&self, tail: &str) -> Option<&str> {
        self.owned
            .keys()
            .find(|arn| arn.ends_with(tail))
            .map(String::as_str)
    }

    /// The tags of an owned ARN (none for another's).
    pub(in crate::aws) fn arn_tags(&self, arn: Option<&str>) -> Value {
        json!(
            arn.and_then(|a| self.owned.get(a))
                .cloned()
                .unwrap_or_default()
        )
    }

    /// A security group by name, so references compare by name; by id when it is not known.
    pub(in crate::aws) fn sg_ref(&self, id: &str) -> String {
        self.sg_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// Security groups by name, sorted; null for none.
    pub(in crate::aws) fn sg_list(&self, ids: Vec<String>) -> Value {
        if ids.is_empty() {
            Value::Null
        } else {
            sorted(ids.iter().map(|i| self.sg_ref(i)).collect())
        }
    }
}

/// What the calls answered.
struct Answers {
    owned: OwnedArns,
    sgs: Vec<SecurityGroup>,
    instances: Vec<DbInstance>,
    clusters: Vec<DbCluster>,
    cluster_params: Option<DbClusterParams>,
    db_subnets: Option<DbSubnetGroup>,
    db_params: Vec<DbParams>,
    proxy: Option<ProxyParts>,
    strays: Vec<DbProxy>,
    stray_endpoints: Vec<DbProxyEndpoint>,
    redis: Option<ReplicationGroup>,
    member: Option<CacheCluster>,
    cache_subnets: Option<CacheSubnetGroup>,
    cache_params: Option<CacheParams>,
    secrets: Vec<SecretListEntry>,
    alarms: Vec<MetricAlarm>,
}

/// The names the spec gives or implies, to describe at once.
struct Names {
    instance_ids: Vec<String>,
    cluster_ids: Vec<String>,
    cluster_pg: Vec<String>,
    alarm_names: Vec<String>,
    /// The stack's DB parameter groups (the primary's, each replica's own), each with the
    /// parameters the spec sets in it.
    db_groups: Vec<(String, Vec<String>)>,
    cache_pg: Vec<String>,
}

fn names(stack: &StackSpec) -> Names {
    let s = stack.name.as_str();
    let db = &stack.database;
    let mut instance_ids: Vec<String> = vec![db.identifier.clone()];
    instance_ids.extend(db.replicas().iter().map(|r| r.identifier.clone()));
    instance_ids.extend(db.cluster_instances().iter().map(|i| i.identifier.clone()));
    let cluster_ids: Vec<String> = db
        .engine
        .is_aurora()
        .then(|| db.identifier.clone())
        .into_iter()
        .collect();
    let cluster_pg: Vec<String> = db
        .cluster()
        .and_then(|c| c.parameter_group.as_ref()?.owned())
        .map(|pg| group_name(s, "cluster", &pg.family))
        .into_iter()
        .collect();
    let alarm_names: Vec<String> = stack.alarms.iter().map(|a| a.name.clone()).collect();
    let db_groups: Vec<(String, Vec<String>)> = db
        .instance()
        .and_then(|i| i.parameter_group.as_ref()?.owned())
        .map(|pg| (group_name(s, "db", &pg.family), pg))
        .into_iter()
        .chain(db.replicas().iter().filter_map(|r| {
            let pg = r.parameter_group.as_ref()?.owned()?;
            Some((group_name(s, &replica_role(&r.identifier), &pg.family), pg))
        }))
        .map(|(name, pg)| (name, pg.parameters.keys().cloned().collect()))
        .collect();
    let cache_pg: Vec<String> = stack
        .redis
        .iter()
        .filter_map(|r| r.parameter_group.as_ref()?.owned())
        .map(|pg| group_name(s, "redis", &pg.family))
        .collect();
    Names {
        instance_ids,
        cluster_ids,
        cluster_pg,
        alarm_names,
        db_groups,
        cache_pg,
    }
}

/// Reads the whole stack.
pub async fn read(c: &Clients, stack: &StackSpec) -> Result<ReadResult, AwsError> {
    let s = stack.name.as_str();
    let n = names(stack);
    let db_pg: Vec<String> = n.db_groups.iter().map(|(g, _)| g.clone()).collect();
    let (
        refused,
        owned,
        named_sgs,
        vpc,
        tagged_subnets,
        instances,
        clusters,
        db_subnets,
        db_params,
        cluster_params,
        proxy,
        redis,
        first_member,
        cache_subnets,
        cache_params,
        secrets,
        alarms,
    ) = tokio::try_join!(
        // What the spec names that exists already (a master secret, parameter groups): each
        // must exist, a group of the engine's family.
        existing::check(c, stack),
        owned_arns(c, s),
        SecurityGroups::describe(c, security_group::spec_names(s, stack)),
        lookup_vpc(c, stack),
        tagged_subnets(c, stack),
        DbInstances::describe(c, n.instance_ids.clone()),
        DbClusters::describe(c, n.cluster_ids),
        DbSubnetGroups::describe(c, vec![db_subnet_group_name(s)]),
        DbParameterGroups::describe(c, db_pg),
        DbClusterParameterGroups::describe(c, n.cluster_pg),
        describe_with_parts(c, stack.proxy.as_ref().map(|p| p.name.clone())),
        ReplicationGroups::describe(
            c,
            stack
                .redis
                .iter()
                .map(|r| r.replication_group_id.clone())
                .collect()
        ),
        describe_cache_cluster(c, stack.redis.as_ref().map(first_member_name)),
        CacheSubnetGroups::describe(
            c,
            stack
                .redis
                .iter()
                .map(|_| cache_subnet_group_name(s))
                .collect()
        ),
        CacheParameterGroups::describe(c, n.cache_pg),
        Secrets::describe(c, vec![format!("stackctl/{s}/")]),
        Alarms::describe(c, n.alarm_names),
    )?;
    let cluster_params = cluster_params.into_iter().next();
    let redis = redis.into_iter().next();
    let db_subnets = db_subnets.into_iter().next();
    let cache_subnets = cache_subnets.into_iter().next();
    let cache_params = cache_params.into_iter().next();
    let subnets = select_subnets(stack, &vpc, tagged_subnets)?;

    // Only when round 1 shows it is needed (none in an applied stack that nothing left): owned
    // security groups and DB instances that left the spec, a member cluster not named as
    // predicted, and proxies the stack owns that are not the spec's, with their endpoints.
    let sg_ids = security_group::owned_left_spec(&owned, &named_sgs);
    let extra_ids = db_instance::left_spec(&owned, &instances);
    let extra_cluster_ids = db_cluster::left_spec(&owned, &clusters);
    let member_name = redis
        .as_ref()
        .and_then(|rg| rg.member_clusters().first().cloned());
    let (member, other_member) = match member_name {
        Some(m) if first_member.as_ref().and_then(|f| f.cache_cluster_id()) == Some(&m) => {
            (first_member, None)
        }
        other => (None, other),
    };
    let stray_proxies = proxy::any_stray(&owned, proxy.as_ref());
    let (mut db_params, mut cache_params, mut cluster_params) =
        (db_params, cache_params, cluster_params);
    let types = apply_types(
        c,
        stack,
        &n.db_groups,
        &mut db_params,
        cache_params.as_mut(),
        cluster_params.as_mut(),
    );
    let (left_sgs, extra_instances, extra_clusters, other_member, strays, stray_endpoints, ()) = tokio::try_join!(
        security_group::by_id(c, sg_ids),
        DbInstances::describe(c, extra_ids),
        DbClusters::describe(c, extra_cluster_ids),
        describe_cache_cluster(c, other_member),
        proxy::all(c, stray_proxies),
        endpoint::all(c, stray_proxies),
        types,
    )?;
    let sgs = security_group::owned_first(s, named_sgs, left_sgs);
    let member = member.or(other_member);

    let network = NetworkIds {
        vpc_id: vpc,
        subnet_ids: subnets,
    };
    let answers = Answers {
        owned,
        sgs,
        instances: instances.into_iter().chain(extra_instances).collect(),
        clusters: clusters.into_iter().chain(extra_clusters).collect(),
        cluster_params,
        db_subnets,
        db_params,
        proxy,
        strays,
        stray_endpoints,
        redis,
        member,
        cache_subnets,
        cache_params,
        secrets,
        alarms,
    };
    let observed = observe(s, &network.vpc_id, &answers);
    Ok(ReadResult {
        network,
        observed,
        refused,
    })
}

/// When AWS applies each parameter the spec sets and a group (DB, cache or DB cluster) does not
/// have yet (a second round, only then): at once, or at a reboot. `db_groups` names each DB
/// group with the parameters the spec sets in it.
async fn apply_types(
    c: &Clients,
    stack: &StackSpec,
    db_groups: &[(String, Vec<String>)],
    db_params: &mut [DbParams],
    cache_params: Option<&mut CacheParams>,
    cluster_params: Option<&mut DbClusterParams>,
) -> Result<(), AwsError> {
    let db = try_join_all(db_params.iter_mut().map(|p| {
        let wanted = db_groups
            .iter()
            .find(|(n, _)| n == p.group())
            .map(|(_, w)| w.as_slice())
            .unwrap_or_default();
        p.look_up_types(c, wanted)
    }));
    let cache_wanted: Vec<String> = stack
        .redis
        .iter()
        .filter_map(|r| r.parameter_group.as_ref()?.owned())
        .flat_map(|pg| pg.parameters.keys().cloned())
        .collect();
    let cache = async {
        match cache_params {
            Some(p) => p.look_up_types(c, &cache_wanted).await,
            None => Ok(()),
        }
    };
    let cluster_wanted: Vec<String> = stack
        .database
        .cluster()
        .and_then(|c| c.parameter_group.as_ref()?.owned())
        .iter()
        .flat_map(|pg| pg.parameters.keys().cloned())
        .collect();
    let cluster = async {
        match cluster_params {
            Some(p) => p.look_up_types(c, &cluster_wanted).await,
            None => Ok(()),
        }
    };
    tokio::try_join!(db, cache, cluster).map(|_| ())
}

/// A master password RDS does not manage reads as `generated` (AWS says no more); without the
/// stack's generated secret of that database it came from a secret the stack does not own,
/// the team's (`password: {secret_arn}`), and reads as `secret_arn`.
fn not_generated(obs: &mut Observed, stack: &str, secret_arns: &BTreeMap<String, String>) {
    for (a, o) in obs.resources.iter_mut() {
        let own = crate::model::secret::master_secret_name(stack, &a.name);
        if matches!(
            a.kind,
            crate::model::Kind::DbInstance | crate::model::Kind::DbCluster
        ) && o.resource.str("master_password") == Some("generated")
            && !secret_arns.contains_key(&own)
        {
            o.resource
                .attrs
                .insert("master_password".to_owned(), "secret_arn".into());
        }
    }
}

/// The observed stack from what AWS answered, each kind in the model's form. The order of the
/// kinds matters where two answers name one resource: the later one stands.
fn observe(stack: &str, vpc_id: &str, a: &Answers) -> Observed {
    let cx = Context {
        stack,
        owned: &a.owned,
        sg_names: security_group::group_names(&a.sgs),
    };
    let mut obs = Observed::default();
    for g in &a.sgs {
        if let Some(o) = security_group::observe(&cx, g, vpc_id) {
            obs.insert(o);
        }
    }
    let mut master_secret_arns: BTreeMap<String, String> = BTreeMap::new();
    for cl in &a.clusters {
        if let Some(arn) = db_cluster::managed_master_secret(cl) {
            let id = cl.db_cluster_identifier().unwrap_or_default();
            master_secret_arns.insert(id.to_owned(), arn.to_owned());
        }
        obs.insert(db_cluster::observe(&cx, cl));
    }
    if let Some(g) = &a.cluster_params {
        obs.insert(rds_parameter_group::observe(&cx, g));
    }
    // Each cluster instance's cluster parameter group status and whether it is the writer,
    // from its cluster's members.
    let members: BTreeMap<&str, cluster_instance::Member<'_>> = a
        .clusters
        .iter()
        .flat_map(|cl| cl.db_cluster_members())
        .filter_map(|m| {
            Some((
                m.db_instance_identifier()?,
                cluster_instance::Member {
                    parameters: m.db_cluster_parameter_group_status(),
                    writer: m.is_cluster_writer().unwrap_or(false),
                },
            ))
        })
        .collect();
    for inst in &a.instances {
        if cluster_instance::in_cluster(inst) {
            let id = inst.db_instance_identifier().unwrap_or_default();
            let member = members.get(id).copied().unwrap_or_default();
            obs.insert(cluster_instance::observe(&cx, inst, member));
            continue;
        }
        if let Some(arn) = db_instance::managed_master_secret(inst) {
            let id = inst.db_instance_identifier().unwrap_or_default();
            master_secret_arns.insert(id.to_owned(), arn.to_owned());
        }
        obs.insert(db_instance::observe(&cx, inst));
    }
    if let Some(g) = &a.db_subnets {
        obs.insert(db_subnet_group::observe(&cx, g));
    }
    for g in &a.db_params {
        obs.insert(rds_parameter_group::observe(&cx, g));
    }
    let mut secret_arns: BTreeMap<String, String> = BTreeMap::new();
    for sec in &a.secrets {
        if let Some(arn) = sec.arn() {
            let name = sec.name().unwrap_or_default();
            secret_arns.insert(name.to_owned(), arn.to_owned());
        }
        obs.insert(secret::observe(&cx, sec));
    }
    not_generated(&mut obs, stack, &secret_arns);
    let known_proxy = a.proxy.as_ref().and_then(ProxyParts::arn);
    proxy::insert_strays(&mut obs, &cx, &a.strays, &a.stray_endpoints, known_proxy);
    if let Some(parts) = &a.proxy {
        proxy::insert_with_parts(&mut obs, &cx, parts, &master_secret_arns, &secret_arns);
    }
    if let Some(g) = &a.cache_subnets {
        obs.insert(cache_subnet_group::observe(&cx, g));
    }
    if let Some(g) = &a.cache_params {
        obs.insert(cache_parameter_group::observe(&cx, g));
    }
    if let Some(rg) = &a.redis {
        obs.insert(replication_group::observe(&cx, rg, a.member.as_ref()));
    }
    for alarm in &a.alarms {
        obs.insert(alarm::observe(&cx, alarm));
    }
    tagging::insert_left_spec(&mut obs, &a.owned);
    // What is being deleted and no longer carries the stack's tag (AWS drops a proxy's tags as
    // its deletion starts) is on its way out: neither an intruder nor a resource to plan for.
    forget_unowned_deleting(&mut obs);
    obs
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
