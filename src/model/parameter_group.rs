//! DB and cache parameter groups. The family is part of the name, so a new family is a new group
//! and the old one is deleted once nothing uses it.

use std::collections::BTreeMap;

use serde_json::json;

use super::desired::Inputs;
use super::types::{AttrSpec, Kind, KindSpec, Resource};
use crate::spec::raw::ParameterGroup;

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

/// A DB or cache parameter group the stack owns; `role` is what it is for (`db`, `redis`).
pub(super) fn desired_parameter_group(
    cx: &Inputs<'_>,
    kind: Kind,
    role: &str,
    pg: &ParameterGroup,
) -> Resource {
    let stack = cx.name();
    let params: BTreeMap<&String, &String> = pg.parameters.iter().map(|(k, v)| (k, &v.0)).collect();
    Resource::new(kind, group_name(stack, role, &pg.family))
        .set("family", pg.family.clone())
        .set(
            "description",
            format!("Parameters of stack {stack}, managed by stackctl"),
        )
        .set("parameters", json!(params))
        .set("tags", cx.tags.clone())
}
