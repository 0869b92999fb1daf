//! An Aurora cluster's instances coming and going, and its writer. Where AWS's writer is not
//! the spec's first instance (AWS failed over to another, or the spec lists another first), the
//! `writer` change names both and costs a failover: with `apply_changes: immediately` it is a
//! step (FailoverDBCluster to the spec's first, before any delete of the old writer), with
//! `in_maintenance_window` it is outstanding (AWS never makes it, in the window or otherwise),
//! as a reboot for parameters is. What adding or removing an instance costs is said on the
//! plan's create or delete of it, as the model words it (`model::db_cluster::MEMBERSHIP`): a
//! reader added, a reader removed, the writer deleted (AWS fails over to a reader), or the
//! writer deleted after this plan's failover has made it a reader.

use std::collections::BTreeSet;

use serde_json::Value;

use super::change::{Action, AttrChange, Change};
use super::observed::Observed;
use crate::model::db_cluster::attr::{APPLY_CHANGES, CLUSTER, WRITER};
use crate::model::db_cluster::{
    Membership, READER_ADDED, READER_REMOVED, WRITER_FAILED_OVER_AND_REMOVED, WRITER_REMOVED,
    WRITER_REMOVED_ALONE,
};
use crate::model::{Address, Impact, Kind, Resource};

fn is_writer(r: &Resource) -> bool {
    r.get(WRITER) == &Value::Bool(true)
}

/// The clusters this plan deletes or replaces: their instances go with them, at their cost.
fn clusters_going(changes: &[Change]) -> BTreeSet<String> {
    changes
        .iter()
        .filter(|c| {
            c.deletes().kind == Kind::DbCluster
                && matches!(c.action, Action::Delete | Action::Replace)
        })
        .map(|c| c.deletes().name.clone())
        .collect()
}

/// Says on each create, delete or replacement of a cluster's instance what it costs, where its
/// cluster stays (a cluster deleted or replaced takes its instances with it, at its own cost).
pub(super) fn costs(changes: &mut [Change], desired: &[Resource], observed: &Observed) {
    let going = clusters_going(changes);
    let deleted: BTreeSet<Address> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
        .map(|c| c.deletes().clone())
        .filter(|a| a.kind == Kind::DbClusterInstance)
        .collect();
    let cluster_of = |a: &Address| -> Option<String> {
        desired
            .iter()
            .find(|r| &r.address == a)
            .and_then(|r| r.str(CLUSTER))
            .map(str::to_owned)
    };
    // The clusters whose writer this plan moves by a failover step, before any delete.
    let failing_over: BTreeSet<String> = changes
        .iter()
        .filter(|c| c.address.kind == Kind::DbClusterInstance)
        .filter(|c| matches!(c.action, Action::Update | Action::Create))
        .filter(|c| {
            c.attributes
                .iter()
                .any(|a| a.name == WRITER && !a.outstanding)
        })
        .filter_map(|c| cluster_of(&c.address))
        .collect();
    // The clusters that get an instance in this plan; deletions of what left the spec run after
    // every create, so such an instance is there when the writer goes.
    let gaining: BTreeSet<String> = changes
        .iter()
        .filter(|c| c.action == Action::Create && c.address.kind == Kind::DbClusterInstance)
        .filter_map(|c| cluster_of(&c.address))
        .collect();
    for c in changes.iter_mut() {
        let case: Option<&Membership> = match c.action {
            Action::Create if c.address.kind == Kind::DbClusterInstance => cluster_of(&c.address)
                .filter(|cl| {
                    !going.contains(cl)
                        && observed
                            .get(&Address::new(Kind::DbCluster, cl.as_str()))
                            .is_some()
                })
                .map(|_| &READER_ADDED),
            Action::Delete | Action::Replace if c.deletes().kind == Kind::DbClusterInstance => {
                let Some(o) = observed.get(c.deletes()) else {
                    continue;
                };
                let Some(cl) = o.resource.str(CLUSTER).filter(|cl| !going.contains(*cl)) else {
                    continue;
                };
                if !is_writer(&o.resource) {
                    Some(&READER_REMOVED)
                } else if c.action == Action::Delete && failing_over.contains(cl) {
                    Some(&WRITER_FAILED_OVER_AND_REMOVED)
                } else {
                    let others_stay = observed.resources.values().any(|x| {
                        x.resource.address.kind == Kind::DbClusterInstance
                            && x.resource.address != o.resource.address
                            && x.resource.str(CLUSTER) == Some(cl)
                            && !deleted.contains(&x.resource.address)
                    });
                    let joined = c.action == Action::Delete && gaining.contains(cl);
                    Some(if others_stay || joined {
                        &WRITER_REMOVED
                    } else {
                        &WRITER_REMOVED_ALONE
                    })
                }
            }
            _ => None,
        };
        if let Some(m) = case {
            // A new first instance is failed over to once it is created (`writer`).
            let then = c
                .attributes
                .iter()
                .find(|a| a.name == WRITER && c.action == Action::Create)
                .and_then(|a| a.note.as_deref())
                .map(|n| format!("; then {n}"))
                .unwrap_or_default();
            c.note = Some(format!("{}{then}", m.said()));
        }
    }
}

/// The spec's first instance is not the writer AWS has: the change of its `writer` names AWS's
/// writer and costs a failover to it, made by apply with `apply_changes: immediately` and left
/// outstanding otherwise, or where AWS has no writer or this plan deletes it (AWS then fails
/// over by itself, and the next plan says to which instance).
pub(super) fn writer(changes: &mut [Change], desired: &[Resource], observed: &Observed) {
    let deleted: BTreeSet<Address> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
        .map(|c| c.deletes().clone())
        .collect();
    let going = clusters_going(changes);
    let writer_of = |cluster: &str| {
        observed
            .resources
            .values()
            .filter(|o| o.resource.address.kind == Kind::DbClusterInstance)
            .filter(|o| o.resource.str(CLUSTER) == Some(cluster))
            .find(|o| is_writer(&o.resource))
            .map(|o| o.resource.address.name.clone())
    };
    for c in changes.iter_mut().filter(|c| {
        c.address.kind == Kind::DbClusterInstance
            && matches!(c.action, Action::Update | Action::Create)
    }) {
        let wanted = desired.iter().find(|r| r.address == c.address);
        let cluster = wanted
            .and_then(|r| r.str(CLUSTER))
            .or_else(|| observed.get(&c.address)?.resource.str(CLUSTER))
            .unwrap_or_default()
            .to_owned();
        let aws_writer = writer_of(&cluster);
        // The spec's first instance created in a cluster that keeps another writer: AWS adds it
        // as a reader, and the plan fails over to it after its create.
        if c.action == Action::Create {
            if !wanted.is_some_and(is_writer) || going.contains(&cluster) || aws_writer.is_none() {
                continue;
            }
            c.attributes.push(AttrChange {
                name: WRITER.to_owned(),
                old: Value::Bool(false),
                new: Value::Bool(true),
                impact: Impact::BriefOutage,
                forces_replacement: false,
                note: None,
                outstanding: false,
                in_window: None,
            });
        }
        let Some(a) = c.attributes.iter_mut().find(|a| a.name == WRITER) else {
            continue;
        };
        let me = &c.address.name;
        let aws_writer = aws_writer.as_deref();
        let in_window = wanted.and_then(|r| r.str(APPLY_CHANGES)) == Some("in_maintenance_window");
        let going = |w: &str| deleted.contains(&Address::new(Kind::DbClusterInstance, w));
        let (outstanding, note) = match aws_writer {
            Some(w) if !in_window => (
                false,
                format!(
                    "a failover to {me} (FailoverDBCluster): AWS has {w} as the writer of {cluster}, and the spec lists {me} first, as its writer; {w} becomes a reader, the connections to the writer are cut and must be made again, and AWS does not document how long an Aurora failover takes; to keep {w} as the writer instead, list it first in `database.instances`"
                ),
            ),
            Some(w) if going(w) => (
                true,
                format!(
                    "outstanding: AWS has {w} as the writer of {cluster}, which this plan deletes: AWS then fails over to a reader, which becomes the writer; with `apply_changes: in_maintenance_window` stackctl does not fail over, and the next plan says whether AWS chose {me}, the spec's first"
                ),
            ),
            Some(w) => (
                true,
                format!(
                    "outstanding: AWS has {w} as the writer of {cluster}, and the spec lists {me} first, as its writer; with `apply_changes: in_maintenance_window` stackctl does not fail over (AWS never does it in the window), since a failover cuts the writer's connections (for a length AWS does not document): list {w} first in `database.instances` to keep it as the writer, or fail over to {me} when it suits you (FailoverDBCluster with TargetDBInstanceIdentifier {me}), or apply with `apply_changes: immediately`"
                ),
            ),
            None => (
                true,
                format!(
                    "outstanding: AWS reports no writer in {cluster}, and the spec lists {me} first, as its writer; AWS promotes a reader by itself, and the next plan says which"
                ),
            ),
        };
        a.outstanding = outstanding;
        a.note = Some(note);
    }
}
