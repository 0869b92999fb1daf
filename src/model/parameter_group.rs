//! DB and cache parameter groups. The family is part of the name, so a new family is a new group
//! and the old one is deleted once nothing uses it.

use std::collections::BTreeMap;

use serde_json::json;

use super::aws_docs::{
    self, EC_NODES_REBOOTING, EC_PARAMETER_GROUPS, RDS_MODIFY_DB_PARAMETER_GROUP,
    RDS_NO_REBOOT_IN_WINDOW,
};
use super::desired::Inputs;
use super::types::{AttrSpec, Kind, KindSpec, Resource, Source};
use crate::spec::stack::OwnedGroup;
use attr::*;

/// The attributes of both parameter groups, each name written once (the rows here, the desired
/// value below and the AWS side in `aws::kinds` name them through these).
pub mod attr {
    pub const FAMILY: &str = "family";
    pub const DESCRIPTION: &str = "description";
    pub const PARAMETERS: &str = "parameters";
    pub const TAGS: &str = "tags";
}

/// The fact (`ObservedResource::facts`) that holds a parameter group's apply types: `static`
/// or `dynamic`, by parameter name (a cache parameter's `requires-reboot` is `static`).
pub const APPLY_TYPES: &str = "apply_types";

/// The parameters among `changed` that take effect only when each instance using the group
/// reboots: AWS's static ones, and those whose type AWS did not give (they are sent
/// `pending-reboot`, which AWS accepts for both). "When the application method is
/// pending-reboot, changes to dynamic and static parameters are applied after a reboot"
/// (RDS API Reference, Parameter).
pub fn applied_at_reboot<'a>(
    changed: impl IntoIterator<Item = &'a str>,
    apply_types: &serde_json::Value,
) -> Vec<String> {
    changed
        .into_iter()
        .filter(|p| apply_types.get(*p).and_then(|t| t.as_str()) != Some("dynamic"))
        .map(str::to_owned)
        .collect()
}

/// The name carries the family (`group_name`), and AWS changes neither family nor description
/// of a group (ModifyDBParameterGroup and ModifyCacheParameterGroup take only parameters): a
/// new family is a new group.
const DB_PARAMETER_GROUP_ATTRS: &[AttrSpec] = &[
    AttrSpec::at_create(FAMILY).sources(&[Source::NotDocumented(
        "AWS has no call to change it: ModifyDBParameterGroup takes only the group's name and its parameters, and the family is in the name, so a new family is a new group",
    )]),
    AttrSpec::at_create(DESCRIPTION).sources(&[Source::NotDocumented(
        "AWS has no call to change it: ModifyDBParameterGroup takes only the group's name and its parameters",
    )]),
    // Dynamic parameters apply at once; static ones when each instance using the group
    // reboots (`applied_at_reboot`), a reboot the plan makes a step of each instance.
    AttrSpec::online(PARAMETERS)
        .reboot_when_static()
        .cases("dynamic parameters: online, applied at once to each instance using the group; static ones (and any whose type AWS does not give): a reboot of each instance using the group")
        .sources(&[
            Source::doc(
                RDS_MODIFY_DB_PARAMETER_GROUP,
                "When the application method is immediate, changes to dynamic parameters are applied immediately to the DB instances associated with the parameter group.",
            ),
            Source::doc(
                RDS_MODIFY_DB_PARAMETER_GROUP,
                "When the application method is pending-reboot, changes to dynamic and static parameters are applied after a reboot without failover to the DB instances associated with the parameter group.",
            ),
            RDS_NO_REBOOT_IN_WINDOW,
        ]),
    AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
];

/// As the DB group's, for an Aurora cluster: the group of the cluster (ModifyDBCluster
/// DBClusterParameterGroupName), whose parameters apply to every instance in it; static ones
/// when each instance reboots, a reboot the plan makes a step of each instance
/// (`plan::reboots`).
const DB_CLUSTER_PARAMETER_GROUP_ATTRS: &[AttrSpec] = &[
    AttrSpec::at_create(FAMILY).sources(&[Source::NotDocumented(
        "AWS has no call to change it: ModifyDBClusterParameterGroup takes only the group's name and its parameters, and the family is in the name, so a new family is a new group",
    )]),
    AttrSpec::at_create(DESCRIPTION).sources(&[Source::NotDocumented(
        "AWS has no call to change it: ModifyDBClusterParameterGroup takes only the group's name and its parameters",
    )]),
    AttrSpec::online(PARAMETERS)
        .reboot_when_static()
        .cases("dynamic parameters: online, applied at once to each instance of the cluster; static ones (and any whose type AWS does not give): a reboot of each instance of the cluster")
        .sources(&[
            Source::doc(
                RDS_MODIFY_DB_PARAMETER_GROUP,
                "When the application method is immediate, changes to dynamic parameters are applied immediately to the DB instances associated with the parameter group.",
            ),
            Source::doc(
                RDS_MODIFY_DB_PARAMETER_GROUP,
                "When the application method is pending-reboot, changes to dynamic and static parameters are applied after a reboot without failover to the DB instances associated with the parameter group.",
            ),
            RDS_NO_REBOOT_IN_WINDOW,
        ]),
    AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
];

pub static DB_CLUSTER_PARAMETER_GROUP: KindSpec = KindSpec {
    kind: Kind::DbClusterParameterGroup,
    name: "db_cluster_parameter_group",
    label: "DB cluster parameter group",
    stateful: false,
    loses_data: false,
    attrs: DB_CLUSTER_PARAMETER_GROUP_ATTRS,
};

/// As the DB group's; a parameter AWS applies only at a node reboot (`ChangeType`
/// `requires-reboot`) is read as `static`.
const CACHE_PARAMETER_GROUP_ATTRS: &[AttrSpec] = &[
    AttrSpec::at_create(FAMILY).sources(&[Source::NotDocumented(
        "AWS has no call to change it: ModifyCacheParameterGroup takes only the group's name and its parameters, and the family is in the name, so a new family is a new group",
    )]),
    AttrSpec::at_create(DESCRIPTION).sources(&[Source::NotDocumented(
        "AWS has no call to change it: ModifyCacheParameterGroup takes only the group's name and its parameters",
    )]),
    // Most apply at once; those AWS applies at a node reboot leave each node of the
    // replication group waiting for one (outstanding: `plan::reboots`).
    AttrSpec::online(PARAMETERS)
        .reboot_when_static()
        .cases("parameters applied immediately: online; those that require a reboot (activerehashing, databases): a reboot of each node using the group, left outstanding (a reboot loses the node's cache; AWS applies them at the next maintenance window's reboot)")
        .sources(&[
            Source::doc(
                EC_PARAMETER_GROUPS,
                "When you change a cluster's parameters, the change is applied to the cluster either immediately or, with the exceptions noted following, after the cluster nodes are rebooted.",
            ),
            aws_docs::EC_CHANGE_TYPE,
            Source::doc(
                EC_NODES_REBOOTING,
                "For Redis (cluster mode disabled) clusters, those parameters are: activerehashing, databases",
            ),
            aws_docs::EC_REBOOT_LOSES_CACHE,
        ]),
    AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
];

pub static DB_PARAMETER_GROUP: KindSpec = KindSpec {
    kind: Kind::DbParameterGroup,
    name: "db_parameter_group",
    label: "DB parameter group",
    stateful: false,
    loses_data: false,
    attrs: DB_PARAMETER_GROUP_ATTRS,
};

pub static CACHE_PARAMETER_GROUP: KindSpec = KindSpec {
    kind: Kind::CacheParameterGroup,
    name: "cache_parameter_group",
    label: "cache parameter group",
    stateful: false,
    loses_data: false,
    attrs: CACHE_PARAMETER_GROUP_ATTRS,
};

/// A parameter group's name: the stack, what it is for, and the family (`shop-prod-db-postgres16`).
pub fn group_name(stack: &str, role: &str, family: &str) -> String {
    let family: String = family
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{stack}-{role}-{family}")
}

/// What a replica's own DB parameter group is for, in its name: `replica-<identifier>`,
/// never the primary's `db`.
pub fn replica_role(identifier: &str) -> String {
    format!("replica-{identifier}")
}

/// A DB or cache parameter group the stack owns; `role` is what it is for (`db`, `redis`).
pub(super) fn desired_parameter_group(
    cx: &Inputs<'_>,
    kind: Kind,
    role: &str,
    pg: &OwnedGroup,
) -> Resource {
    let stack = cx.name();
    let params: BTreeMap<&String, &String> = pg.parameters.iter().map(|(k, v)| (k, &v.0)).collect();
    Resource::new(kind, group_name(stack, role, &pg.family))
        .set(FAMILY, pg.family.clone())
        .set(
            DESCRIPTION,
            format!("Parameters of stack {stack}, managed by stackctl"),
        )
        .set(PARAMETERS, json!(params))
        .set(TAGS, cx.tags.clone())
}
