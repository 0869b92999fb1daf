//! The desired state: every resource the spec asks for, in the model's normal form, with the
//! dependencies that order its creation. Pure: the only input from AWS is the network lookup.
//!
//! Each kind builds its own resources next to its attribute table (`network`, `parameter_group`,
//! `secret`, `db_instance`, `proxy`, `redis`, `alarm`); `desired` calls them in order.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::network::security_group_name;
use super::types::{Address, Kind, Resource};
use super::{alarm, db_cluster, db_instance, network, parameter_group, proxy, redis, secret};
use crate::spec::StackSpec;
use crate::spec::stack::{Cluster, Instance, Layout, ParameterGroup, SecurityGroup};

/// The ids the network lookup found: the VPC, its subnets, and the existing security groups
/// the spec references by `id`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NetworkIds {
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
}

/// The tag that marks what a stack owns.
pub const OWNER_TAG: &str = "stackctl:stack";
/// The mark each create puts on what it creates: the id of the apply that created it. It tells
/// a resource this apply created (a create whose response was lost, an apply killed mid-call)
/// from one of the same name that was there before. Not part of the desired tags.
pub const APPLY_TAG: &str = "stackctl:apply";

/// The tags every owned resource carries.
pub fn tags(stack: &StackSpec) -> Value {
    let mut t: BTreeMap<String, String> = stack.tags.clone();
    t.insert(OWNER_TAG.to_owned(), stack.name.clone());
    json!(t)
}

/// What every kind's desired resources are built from: the spec, the tags every owned
/// resource carries, and what the network lookup found.
pub(super) struct Inputs<'a> {
    pub stack: &'a StackSpec,
    pub tags: Value,
    pub vpc_id: &'a str,
    /// The subnet ids, sorted.
    pub subnets: Vec<String>,
}

impl<'a> Inputs<'a> {
    fn new(stack: &'a StackSpec, net: &'a NetworkIds) -> Self {
        let mut subnets = net.subnet_ids.clone();
        subnets.sort();
        Inputs {
            stack,
            tags: tags(stack),
            vpc_id: &net.vpc_id,
            subnets,
        }
    }

    /// The stack's name.
    pub fn name(&self) -> &'a str {
        &self.stack.name
    }

    /// How a security group reference from the spec reads in the model: the AWS name of an
    /// owned group, or the id of an existing one.
    pub fn sg_ref(&self, key: &str) -> String {
        match self.stack.network.security_groups.get(key) {
            Some(SecurityGroup::Existing { id }) => id.clone(),
            _ => security_group_name(self.name(), key),
        }
    }

    /// A list of security group references, sorted; null when empty.
    pub fn sg_list(&self, keys: &[String]) -> Value {
        if keys.is_empty() {
            return Value::Null;
        }
        let mut names: Vec<String> = keys.iter().map(|k| self.sg_ref(k)).collect();
        names.sort();
        json!(names)
    }

    /// Dependencies on the owned groups among `keys`.
    pub fn sg_deps(&self, keys: &[String]) -> Vec<Address> {
        keys.iter()
            .filter(|k| {
                self.stack
                    .network
                    .security_groups
                    .get(*k)
                    .is_some_and(|g| matches!(g, SecurityGroup::Owned { .. }))
            })
            .map(|k| Address::new(Kind::SecurityGroup, security_group_name(self.name(), k)))
            .collect()
    }
}

pub(super) fn with_deps(mut r: Resource, deps: Vec<Address>) -> Resource {
    for d in deps {
        r = r.after(d);
    }
    r
}

/// Adds a resource the spec may ask for, and gives its name to those that depend on it.
fn push_named(out: &mut Vec<Resource>, r: Option<Resource>) -> Option<String> {
    let r = r?;
    let name = r.address.name.clone();
    out.push(r);
    Some(name)
}

/// Every resource the spec asks for: network, the database's groups and secret, the primary,
/// its replicas, the proxy, Redis, the alarms.
pub fn desired(stack: &StackSpec, net: &NetworkIds) -> Vec<Resource> {
    let cx = Inputs::new(stack, net);
    let db = &stack.database;
    let mut out = network::desired_security_groups(&cx);
    out.push(network::desired_db_subnet_group(&cx));
    match &db.layout {
        Layout::Instance(inst) => desired_instances(&cx, inst, &mut out),
        Layout::Cluster(cl) => desired_cluster(&cx, cl, &mut out),
    }
    if let Some(r) = &stack.redis {
        out.push(network::desired_cache_subnet_group(&cx));
        let pg = r.parameter_group.as_ref();
        let cache_pg = database_group(&cx, &mut out, pg, Kind::CacheParameterGroup, "redis");
        let token_secret = push_named(&mut out, secret::desired_auth_token_secret(&cx, r));
        out.push(redis::desired_replication_group(
            &cx,
            r,
            cache_pg.as_deref(),
            token_secret.as_deref(),
        ));
    }
    out.extend(stack.alarms.iter().map(|a| alarm::desired_alarm(&cx, a)));
    out
}

/// The group a database (or Redis) uses: the stack's, a resource of the plan, or an existing
/// one, by name (referenced, never a resource of the stack's).
fn database_group(
    cx: &Inputs<'_>,
    out: &mut Vec<Resource>,
    pg: Option<&ParameterGroup>,
    kind: Kind,
    role: &str,
) -> Option<String> {
    match pg? {
        ParameterGroup::Existing { name } => Some(name.clone()),
        ParameterGroup::Owned(g) => push_named(
            out,
            Some(parameter_group::desired_parameter_group(cx, kind, role, g)),
        ),
    }
}

/// The RDS primary with its parameter group and secret, its replicas and its proxy.
fn desired_instances(cx: &Inputs<'_>, inst: &Instance, out: &mut Vec<Resource>) {
    let stack = cx.stack;
    let pg = inst.parameter_group.as_ref();
    let db_pg = database_group(cx, out, pg, Kind::DbParameterGroup, "db");
    // Each replica's own group, when it has one: the stack's (a resource of the plan) or an
    // existing one; the primary's otherwise.
    let replica_groups: Vec<Option<String>> = inst
        .replicas
        .iter()
        .map(|rep| {
            let role = parameter_group::replica_role(&rep.identifier);
            let pg = rep.parameter_group.as_ref();
            database_group(cx, out, pg, Kind::DbParameterGroup, &role).or(db_pg.clone())
        })
        .collect();
    let master_secret = push_named(out, secret::desired_master_secret(cx));
    let primary =
        db_instance::desired_instance(cx, inst, db_pg.as_deref(), master_secret.as_deref());
    let primary_addr = primary.address.clone();
    out.push(primary);
    out.extend(db_instance::desired_replicas(
        cx,
        inst,
        &primary_addr,
        &replica_groups,
    ));
    if let Some(p) = &stack.proxy {
        out.extend(proxy::desired_proxy(
            cx,
            p,
            &primary_addr,
            master_secret.as_deref(),
        ));
    }
}

/// The Aurora cluster with its cluster parameter group and secret, its instances and its proxy.
fn desired_cluster(cx: &Inputs<'_>, cl: &Cluster, out: &mut Vec<Resource>) {
    let group = cl.parameter_group.as_ref();
    let pg = database_group(cx, out, group, Kind::DbClusterParameterGroup, "cluster");
    let master_secret = push_named(out, secret::desired_master_secret(cx));
    let cluster = db_cluster::desired_cluster(cx, cl, pg.as_deref(), master_secret.as_deref());
    let cluster_addr = cluster.address.clone();
    out.push(cluster);
    out.extend(db_cluster::desired_cluster_instances(
        cx,
        cl,
        &cluster_addr,
        pg.as_deref(),
    ));
    if let Some(p) = &cx.stack.proxy {
        out.extend(proxy::desired_proxy(
            cx,
            p,
            &cluster_addr,
            master_secret.as_deref(),
        ));
    }
}
