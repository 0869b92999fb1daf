//! Security groups and subnet groups.

use super::types::{AttrSpec, Compare, Kind, KindSpec};

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
