//! A DB instance moved to another DB subnet group. ModifyDBInstance `DBSubnetGroupName` moves
//! it in place ("Changing the subnet group causes an outage during the change"), but only to a
//! group in another VPC: "The new subnet group must be a subnet group in a new VPC", and "You
//! can't change the VPC for a DB instance if the following conditions apply: The DB instance is
//! in multiple Availability Zones. [...] The DB instance has one or more read replicas. [...]
//! The DB instance is a read replica." (RDS User Guide, Updating the VPC for a DB instance,
//! USER_VPC.VPC2VPC). stackctl names the group from the stack, in the spec's VPC, so the move
//! it meets is most often one AWS refuses: the plan stops with AWS's reason, unless the
//! instance is replaced anyway (the new one is created in the group). A read replica never
//! moves: its kind has no subnet group row.
//!
//! What decides it is AWS's state, never compared: the VPC of the instance's group (the fact
//! `subnet_group_vpc`), the VPC of the group it moves to (the fact `vpc_id` of that group), whether AWS runs the
//! instance Multi-AZ, and its read replicas.

use serde_json::Value;

use super::change::{Action, Change};
use super::diff::PlanError;
use super::observed::Observed;
use crate::model::db_instance::SUBNET_GROUP_VPC;
use crate::model::db_instance::attr::{MULTI_AZ, SOURCE, SUBNET_GROUP};
use crate::model::network::VPC_FACT;
use crate::model::{Address, Kind, Resource};

/// Stops the plan when one of its DB instance updates moves the instance to a subnet group AWS
/// will not move it to, with AWS's reason and what to do instead.
pub(super) fn refused_moves(
    changes: &[Change],
    desired: &[Resource],
    observed: &Observed,
) -> Result<(), PlanError> {
    for c in changes {
        if c.address.kind != Kind::DbInstance || c.action != Action::Update {
            continue;
        }
        let Some(a) = c.attributes.iter().find(|a| a.name == SUBNET_GROUP) else {
            continue;
        };
        let Some(o) = observed.get(&c.address) else {
            continue;
        };
        let d = desired.iter().find(|r| r.address == c.address);
        let to = a.new.as_str().unwrap_or_default();
        let why = refusal(&c.address, o.facts.get(SUBNET_GROUP_VPC), d, observed, to);
        if let Some(reason) = why {
            return Err(PlanError::Impossible {
                address: c.address.clone(),
                reason: format!(
                    "{SUBNET_GROUP} cannot change from {} to {}: {reason}",
                    a.old, a.new
                ),
            });
        }
    }
    Ok(())
}

/// Why AWS refuses to move the instance at `at` to the group `to`, or `None` when AWS moves it.
fn refusal(
    at: &Address,
    from_vpc: Option<&Value>,
    desired: Option<&Resource>,
    observed: &Observed,
    to: &str,
) -> Option<String> {
    let from_vpc = from_vpc.and_then(Value::as_str);
    if let Some(vpc) = from_vpc.filter(|v| destination_vpc(observed, to) == Some(*v)) {
        return Some(format!(
            "both groups are in {vpc}, and AWS moves a DB instance only to a subnet group in another VPC (\"The new subnet group must be a subnet group in a new VPC\", RDS User Guide, Updating the VPC for a DB instance). The instance stays in its group: to have it in {to}, restore a snapshot of it there under a new `database.identifier` (stackctl then manages the new instance), or give `database.identifier` a new name to create an empty one there"
        ));
    }
    let aws_multi_az = observed.get(at).is_some_and(|o| o.resource.bool(MULTI_AZ));
    if aws_multi_az || desired.is_some_and(|d| d.bool(MULTI_AZ)) {
        return Some(format!(
            "AWS does not move a Multi-AZ DB instance to another VPC (\"You can't change the VPC for a DB instance if the following conditions apply: The DB instance is in multiple Availability Zones.\", RDS User Guide, Updating the VPC for a DB instance): with `database.multi_az: false` ({}), apply, then plan the move again, and turn Multi-AZ back on after it",
            if aws_multi_az {
                "AWS runs it Multi-AZ now"
            } else {
                "the spec turns it on"
            }
        ));
    }
    let replicas = replicas_of(observed, &at.name);
    if !replicas.is_empty() {
        return Some(format!(
            "it has read replicas ({}), and AWS does not move a DB instance with read replicas to another VPC (\"The DB instance has one or more read replicas.\", RDS User Guide, Updating the VPC for a DB instance): remove them from `database.replicas`, apply, then plan the move again, and add them back after it (they are copied anew from the moved instance)",
            replicas.join(", ")
        ));
    }
    None
}

/// The VPC of the group the instance moves to, as AWS reports it. A group this plan creates is
/// not in AWS yet: the move is planned, and AWS has the last word.
fn destination_vpc<'a>(observed: &'a Observed, to: &str) -> Option<&'a str> {
    let group = Address::new(Kind::DbSubnetGroup, to);
    observed
        .get(&group)?
        .facts
        .get(VPC_FACT)
        .and_then(Value::as_str)
}

/// The read replicas AWS has of the instance `name`.
fn replicas_of(observed: &Observed, name: &str) -> Vec<String> {
    observed
        .resources
        .values()
        .filter(|o| {
            o.resource.address.kind == Kind::DbReplica && o.resource.str(SOURCE) == Some(name)
        })
        .map(|o| o.resource.address.name.clone())
        .collect()
}
