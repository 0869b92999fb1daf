//! The reboots a plan makes explicit. AWS applies a DB parameter group's static parameters (and
//! any sent `pending-reboot`) only when each instance using the group reboots, and it never
//! performs that reboot by itself: "The pending-reboot parameter groups status doesn't result
//! in an automatic reboot during the next maintenance window" (RDS User Guide, Rebooting a DB
//! instance). So a change of static parameters costs a reboot of each instance using the
//! group, planned as a step of that instance; and an instance whose parameters wait for a
//! reboot is outstanding work, never "No changes".
//!
//! ElastiCache applies a parameter whose `ChangeType` is `requires-reboot` at a node reboot
//! ("You can force a reboot or wait until the next maintenance window's reboot", API Reference,
//! Parameter), and a reboot loses the node's cache ("The reboot causes the contents of the
//! cache (for each cache node being rebooted) to be lost", RebootCacheCluster). stackctl never
//! reboots cache nodes: the replication group using the group is outstanding work, with how to
//! do it, until AWS says its parameters are in sync.

use std::collections::BTreeMap;

use serde_json::Value;

use super::change::{Action, AttrChange, Change, amend};
use super::observed::Observed;
use crate::model::db_instance::IN_SYNC;
use crate::model::db_instance::attr::{APPLY_CHANGES, PARAMETER_APPLY_STATUS, PARAMETER_GROUP};
use crate::model::parameter_group::{APPLY_TYPES, applied_at_reboot};
use crate::model::redis::attr::SHARDS;
use crate::model::{Address, Impact, Kind, Resource, spec_of};

const PENDING_REBOOT: &str = "pending-reboot";

/// The parameters whose value differs between two `parameters` maps.
fn changed_parameters<'a>(old: &'a Value, new: &'a Value) -> Vec<&'a str> {
    let keys = |v: &'a Value| v.as_object().into_iter().flat_map(|m| m.keys());
    let mut names: Vec<&str> = keys(old).chain(keys(new)).map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    names.retain(|n| old.get(*n) != new.get(*n));
    names
}

/// A change to a DB parameter group's static parameters costs a reboot: its `parameters`
/// change says so, and each instance or replica that uses the group (and is neither created
/// nor replaced by this plan) gets a `parameter_apply_status` change, made by a reboot.
pub(super) fn static_parameters(
    changes: &mut Vec<Change>,
    desired: &[Resource],
    observed: &Observed,
) {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in changes.iter_mut() {
        let kind = spec_of(c.address.kind);
        let reboots = kind
            .attr("parameters")
            .is_some_and(|a| a.reboot_when_static);
        if !reboots || c.action != Action::Update {
            continue;
        }
        let types = observed
            .get(&c.address)
            .and_then(|o| o.facts.get(APPLY_TYPES))
            .cloned()
            .unwrap_or(Value::Null);
        let Some(a) = c.attributes.iter_mut().find(|a| a.name == "parameters") else {
            continue;
        };
        let at_reboot = applied_at_reboot(changed_parameters(&a.old, &a.new), &types);
        if at_reboot.is_empty() {
            continue;
        }
        a.impact = Impact::Reboot;
        a.note = Some(match c.address.kind {
            Kind::CacheParameterGroup => format!(
                "need a node reboot: {}; AWS applies them when each node using the group reboots",
                at_reboot.join(", ")
            ),
            _ => format!(
                "static: {}; AWS applies them when each instance using the group reboots",
                at_reboot.join(", ")
            ),
        });
        c.impact = c.impact.max(Impact::Reboot);
        groups.insert(c.address.name.clone(), at_reboot);
    }
    for d in desired {
        let Some((group_kind, group)) = group_of(d, desired) else {
            continue;
        };
        if !groups.contains_key(group) || observed.get(&d.address).is_none() {
            continue;
        }
        let note = match group_kind {
            Kind::CacheParameterGroup => {
                format!("cache_parameter_group.{group} changes parameters that need a node reboot")
            }
            _ => format!("{group_kind}.{group} changes static parameters; a reboot applies them"),
        };
        let attr = AttrChange {
            name: PARAMETER_APPLY_STATUS.into(),
            old: Value::String(PENDING_REBOOT.into()),
            new: Value::String(IN_SYNC.into()),
            impact: Impact::Reboot,
            forces_replacement: false,
            note: Some(note),
            outstanding: false,
            in_window: None,
        };
        let stateful = spec_of(d.address.kind).stateful;
        amend(changes, &d.address, stateful, Action::Update, attr);
    }
}

/// The parameter group whose static parameters an instance applies at its reboot, with the
/// group's kind: an RDS instance's or replica's own, an Aurora instance's cluster's.
fn group_of<'a>(d: &'a Resource, desired: &'a [Resource]) -> Option<(Kind, &'a str)> {
    match d.address.kind {
        Kind::DbInstance | Kind::DbReplica => {
            Some((Kind::DbParameterGroup, d.str(PARAMETER_GROUP)?))
        }
        Kind::ReplicationGroup => Some((Kind::CacheParameterGroup, d.str(PARAMETER_GROUP)?)),
        Kind::DbClusterInstance => {
            let cluster = d.str(crate::model::db_cluster::attr::CLUSTER)?;
            let c = desired
                .iter()
                .find(|r| r.address == Address::new(Kind::DbCluster, cluster))?;
            Some((Kind::DbClusterParameterGroup, c.str(PARAMETER_GROUP)?))
        }
        _ => None,
    }
}

/// With `apply_changes: in_maintenance_window`, a reboot for parameters is outstanding: shown,
/// and not performed, since AWS does not schedule it in the window either. A cache node's
/// reboot is always outstanding: it loses the node's cache, so it is the user's to make.
pub(super) fn held_for_the_window(changes: &mut [Change], desired: &[Resource]) {
    for c in changes.iter_mut() {
        let want = desired.iter().find(|d| d.address == c.address);
        let why = match c.address.kind {
            Kind::ReplicationGroup => cache_reboot_why(want),
            _ if want.is_some_and(|d| d.str(APPLY_CHANGES) == Some("in_maintenance_window")) => {
                "outstanding: stackctl reboots only with `apply_changes: immediately`, and AWS does not reboot for parameters by itself; reboot the instance when it suits you".to_owned()
            }
            _ => continue,
        };
        if c.action != Action::Update {
            continue;
        }
        for a in c.attributes.iter_mut() {
            if a.name == PARAMETER_APPLY_STATUS {
                a.outstanding = true;
                a.note = Some(match a.note.take() {
                    Some(n) => format!("{n}; {why}"),
                    None => why.clone(),
                });
            }
        }
    }
}

/// Why a replication group's nodes are left waiting for a reboot, and what the user can do.
fn cache_reboot_why(want: Option<&Resource>) -> String {
    let cluster_mode = want.and_then(|d| d.int(SHARDS)).is_some_and(|n| n > 0);
    if cluster_mode {
        return "outstanding: AWS applies them at the next maintenance window's reboot; rebooting is not supported with cluster mode enabled, and AWS's other way is a backup, a delete and a restore".to_owned();
    }
    "outstanding: AWS applies them at the next maintenance window's reboot; or reboot each node (RebootCacheCluster, node 0001 of each member cluster), which loses that node's cache: replicas first, the primary last".to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::changed_parameters;

    #[test]
    fn changed_parameters_are_the_set_the_reset_and_the_new_values() {
        let old = json!({"a": "1", "b": "2", "c": "3"});
        let new = json!({"a": "1", "b": "9", "d": "4"});
        assert_eq!(changed_parameters(&old, &new), vec!["b", "c", "d"]);
        assert!(changed_parameters(&old, &old).is_empty());
    }
}
