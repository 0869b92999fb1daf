//! Security groups and subnet groups.

use super::types::{AttrSpec, Compare, Impact, Kind, KindSpec};

pub static SECURITY_GROUP: KindSpec = KindSpec {
    kind: Kind::SecurityGroup,
    name: "security_group",
    label: "security group",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("description").with(Impact::Replace),
        AttrSpec::online("vpc_id").with(Impact::Replace),
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
