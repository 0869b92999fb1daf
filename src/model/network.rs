//! Security groups and subnet groups.

use serde_json::json;

use super::desired::{Inputs, with_deps};
use super::types::{Address, AttrSpec, Compare, Kind, KindSpec, Resource};

pub static SECURITY_GROUP: KindSpec = KindSpec {
    kind: Kind::SecurityGroup,
    name: "security_group",
    label: "security group",
    stateful: false,
    loses_data: false,
    attrs: &[
        // EC2 has no call that changes either, and the group's users (instances, proxy,
        // Redis) would have to move to a new group first.
        AttrSpec::online("description").refused(
            "EC2 cannot change a security group's description, and replacing a group its resources use is not something stackctl does; keep the old description (it is only a label), or give the group a new key under `network.security_groups` (a new group is created, the resources move to it, the old one is deleted)",
        ),
        AttrSpec::online("vpc_id").refused(
            "a security group cannot move to another VPC, and stackctl does not move a stack between VPCs; create the stack anew in the other VPC (another `stack` name) and destroy this one when its data has moved",
        ),
        // Rules as `tcp/PORT from GROUP-OR-CIDR`, compared as a set.
        AttrSpec::online("ingress").compare(Compare::Unordered),
        AttrSpec::online("tags"),
    ],
};

/// DB and cache subnet groups have the same attributes.
const SUBNET_GROUP_ATTRS: &[AttrSpec] = &[
    AttrSpec::online("description"),
    AttrSpec::online("subnet_ids").compare(Compare::Unordered),
    AttrSpec::online("tags"),
];

pub static DB_SUBNET_GROUP: KindSpec = KindSpec {
    kind: Kind::DbSubnetGroup,
    name: "db_subnet_group",
    label: "DB subnet group",
    stateful: false,
    loses_data: false,
    attrs: SUBNET_GROUP_ATTRS,
};

pub static CACHE_SUBNET_GROUP: KindSpec = KindSpec {
    kind: Kind::CacheSubnetGroup,
    name: "cache_subnet_group",
    label: "cache subnet group",
    stateful: false,
    loses_data: false,
    attrs: SUBNET_GROUP_ATTRS,
};

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

/// The security groups the stack owns (those not given by `id`), in the order of their keys.
pub(super) fn desired_security_groups(cx: &Inputs<'_>) -> Vec<Resource> {
    let s = cx.name();
    let mut out = Vec::new();
    for (key, sg) in &cx.stack.network.security_groups {
        if sg.id.is_some() {
            continue;
        }
        let name = security_group_name(s, key);
        let mut rules: Vec<String> = sg
            .ingress
            .iter()
            .map(|r| {
                let from = match (&r.from, &r.cidr) {
                    (Some(f), _) => cx.sg_ref(f),
                    (None, Some(c)) => c.clone(),
                    (None, None) => String::new(),
                };
                format!("tcp/{} from {from}", r.port)
            })
            .collect();
        rules.sort();
        rules.dedup();
        let froms: Vec<String> = sg.ingress.iter().filter_map(|r| r.from.clone()).collect();
        let deps: Vec<Address> = cx
            .sg_deps(&froms)
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
            .set("vpc_id", cx.vpc_id.to_owned())
            .set("ingress", json!(rules))
            .set("tags", {
                let mut t = cx.tags.clone();
                t["Name"] = json!(name);
                t
            });
        out.push(with_deps(r, deps));
    }
    out
}

/// The DB subnet group: the stack's subnets.
pub(super) fn desired_db_subnet_group(cx: &Inputs<'_>) -> Resource {
    subnet_group(cx, Kind::DbSubnetGroup, db_subnet_group_name(cx.name()))
}

/// The cache subnet group: the stack's subnets.
pub(super) fn desired_cache_subnet_group(cx: &Inputs<'_>) -> Resource {
    subnet_group(
        cx,
        Kind::CacheSubnetGroup,
        cache_subnet_group_name(cx.name()),
    )
}

fn subnet_group(cx: &Inputs<'_>, kind: Kind, name: String) -> Resource {
    Resource::new(kind, name)
        .set(
            "description",
            format!("Subnets of stack {}, managed by stackctl", cx.name()),
        )
        .set("subnet_ids", json!(cx.subnets))
        .set("tags", cx.tags.clone())
}
