//! DB and cache parameter groups. The family is part of the name, so a new family is a new group
//! and the old one is deleted once nothing uses it.

use super::types::{AttrSpec, Kind, KindSpec};

/// DB and cache parameter groups have the same attributes.
const PARAMETER_GROUP_ATTRS: &[AttrSpec] = &[
    // The name carries the family (`group_name`), and AWS changes neither family nor
    // description of a group (ModifyDBParameterGroup and ModifyCacheParameterGroup take only
    // parameters): a new family is a new group.
    AttrSpec::at_create("family"),
    AttrSpec::at_create("description"),
    // Static parameters take effect at the instance's next reboot.
    AttrSpec::online("parameters"),
    AttrSpec::online("tags"),
];

pub static DB_PARAMETER_GROUP: KindSpec = KindSpec {
    kind: Kind::DbParameterGroup,
    name: "db_parameter_group",
    label: "DB parameter group",
    stateful: false,
    loses_data: false,
    attrs: PARAMETER_GROUP_ATTRS,
};

pub static CACHE_PARAMETER_GROUP: KindSpec = KindSpec {
    kind: Kind::CacheParameterGroup,
    name: "cache_parameter_group",
    label: "cache parameter group",
    stateful: false,
    loses_data: false,
    attrs: PARAMETER_GROUP_ATTRS,
};

/// A parameter group's name: the stack, what it is for, and the family (`shop-prod-db-postgres16`).
pub fn group_name(stack: &str, role: &str, family: &str) -> String {
    let family: String = family
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{stack}-{role}-{family}")
}
