//! Security groups and subnet groups.

use serde_json::json;

use super::aws_docs::{
    self, EC_SUBNET_GROUPS_MODIFYING, EC2_AUTHORIZE_SECURITY_GROUP_INGRESS,
    RDS_MODIFY_DB_SUBNET_GROUP, VPC_SECURITY_GROUPS,
};
use super::desired::{Inputs, with_deps};
use super::types::{Address, AttrSpec, Compare, Kind, KindSpec, Resource, Source};
use crate::spec::stack::{SecurityGroup, Source as Inbound};
use attr::*;

/// The attributes of the security group and the subnet groups, each name written once (the
/// rows here, the desired values below and the AWS sides in `aws::kinds` name them through
/// these).
pub mod attr {
    pub const DESCRIPTION: &str = "description";
    pub const VPC_ID: &str = "vpc_id";
    pub const INGRESS: &str = "ingress";
    pub const SUBNET_IDS: &str = "subnet_ids";
    pub const TAGS: &str = "tags";
}

pub static SECURITY_GROUP: KindSpec = KindSpec {
    kind: Kind::SecurityGroup,
    name: "security_group",
    label: "security group",
    stateful: false,
    loses_data: false,
    attrs: &[
        // EC2 has no call that changes either, and the group's users (instances, proxy,
        // Redis) would have to move to a new group first.
        AttrSpec::online(DESCRIPTION).refused(
            "EC2 cannot change a security group's description, and replacing a group its resources use is not something stackctl does; keep the old description (it is only a label), or give the group a new key under `network.security_groups` (a new group is created, the resources move to it, the old one is deleted)",
        )
        .sources(&[Source::doc(
            VPC_SECURITY_GROUPS,
            "Enter a name and description for the security group. You cannot change the name and description of a security group after it is created.",
        )]),
        AttrSpec::online(VPC_ID).refused(
            "a security group cannot move to another VPC, and stackctl does not move a stack between VPCs; create the stack anew in the other VPC (another `stack` name) and destroy this one when its data has moved",
        )
        .sources(&[Source::doc(
            VPC_SECURITY_GROUPS,
            "A security group can be used only in the VPC for which it is created.",
        )]),
        // Rules as `tcp/PORT from GROUP-OR-CIDR`, compared as a set.
        AttrSpec::online(INGRESS)
            .compare(Compare::Unordered)
            .sources(&[Source::doc(
                EC2_AUTHORIZE_SECURITY_GROUP_INGRESS,
                "Rule changes are propagated to instances associated with the security group as quickly as possible. However, a small delay might occur.",
            )]),
        AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
    ],
};

/// DB and cache subnet groups have the same attributes, each cited from its own service.
const DB_SUBNET_GROUP_ATTRS: &[AttrSpec] = &[
    AttrSpec::online(DESCRIPTION).sources(&[Source::doc(
        RDS_MODIFY_DB_SUBNET_GROUP,
        "DBSubnetGroupDescription : The description for the DB subnet group.",
    )]),
    AttrSpec::online(SUBNET_IDS)
        .compare(Compare::Unordered)
        .sources(&[Source::doc(
            RDS_MODIFY_DB_SUBNET_GROUP,
            "Modifies an existing DB subnet group. DB subnet groups must contain at least one subnet in at least two AZs in the Amazon Web Services Region.",
        )]),
    AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
];

const CACHE_SUBNET_GROUP_ATTRS: &[AttrSpec] = &[
    AttrSpec::online(DESCRIPTION).sources(&[CACHE_SUBNET_GROUP_MODIFY]),
    AttrSpec::online(SUBNET_IDS)
        .compare(Compare::Unordered)
        .sources(&[
            CACHE_SUBNET_GROUP_MODIFY,
            Source::doc(
                EC_SUBNET_GROUPS_MODIFYING,
                "You cannot delete a subnet ID from a subnet group if a cluster is currently using that subnet.",
            ),
        ]),
    AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
];

const CACHE_SUBNET_GROUP_MODIFY: Source = Source::doc(
    EC_SUBNET_GROUPS_MODIFYING,
    "You can modify a subnet group's description, or modify the list of subnet IDs associated with the subnet group.",
);

pub static DB_SUBNET_GROUP: KindSpec = KindSpec {
    kind: Kind::DbSubnetGroup,
    name: "db_subnet_group",
    label: "DB subnet group",
    stateful: false,
    loses_data: false,
    attrs: DB_SUBNET_GROUP_ATTRS,
};

pub static CACHE_SUBNET_GROUP: KindSpec = KindSpec {
    kind: Kind::CacheSubnetGroup,
    name: "cache_subnet_group",
    label: "cache subnet group",
    stateful: false,
    loses_data: false,
    attrs: CACHE_SUBNET_GROUP_ATTRS,
};

/// The fact (`ObservedResource::facts`) that holds the VPC a subnet group is in (its subnets').
pub const VPC_FACT: &str = "vpc_id";

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
        let SecurityGroup::Owned {
            description,
            ingress,
        } = sg
        else {
            continue;
        };
        let name = security_group_name(s, key);
        let mut rules: Vec<String> = ingress
            .iter()
            .map(|r| {
                let from = match &r.source {
                    Inbound::Group(f) => cx.sg_ref(f),
                    Inbound::Cidr(c) => c.clone(),
                };
                format!("tcp/{} from {from}", r.port)
            })
            .collect();
        rules.sort();
        rules.dedup();
        let froms: Vec<String> = ingress
            .iter()
            .filter_map(|r| match &r.source {
                Inbound::Group(f) => Some(f.clone()),
                Inbound::Cidr(_) => None,
            })
            .collect();
        let deps: Vec<Address> = cx
            .sg_deps(&froms)
            .into_iter()
            .filter(|d| d.name != name)
            .collect();
        let r = Resource::new(Kind::SecurityGroup, &name)
            .set(
                DESCRIPTION,
                description
                    .clone()
                    .unwrap_or_else(|| format!("{key} of stack {s}, managed by stackctl")),
            )
            .set(VPC_ID, cx.vpc_id.to_owned())
            .set(INGRESS, json!(rules))
            .set(TAGS, {
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
            DESCRIPTION,
            format!("Subnets of stack {}, managed by stackctl", cx.name()),
        )
        .set(SUBNET_IDS, json!(cx.subnets))
        .set(TAGS, cx.tags.clone())
}
