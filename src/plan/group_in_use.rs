//! A parameter group of the stack's that the plan deletes while a resource that stays still
//! uses it. AWS refuses the delete: "The DB parameter group to be deleted can't be associated
//! with any DB instances." (RDS API Reference, DeleteDBParameterGroup); "The DB cluster
//! parameter group to be deleted can't be associated with any DB clusters."
//! (DeleteDBClusterParameterGroup); "You cannot delete a cache parameter group if it is
//! associated with any cache clusters." (ElastiCache API Reference, DeleteCacheParameterGroup).
//! It happens when the spec drops a group of the stack's and says nothing of the group its users
//! should have instead: a resource whose `parameter_group` the spec leaves out keeps the group
//! AWS has. The plan stops before AWS is touched, rather than fail half-way through the apply.

use serde_json::Value;

use super::change::{Action, Change};
use super::diff::PlanError;
use super::observed::Observed;
use crate::model::db_instance::attr::PARAMETER_GROUP;
use crate::model::{Kind, Resource};

/// What AWS says of deleting a group of this kind that is in use.
fn aws_refusal(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::DbParameterGroup => {
            "DeleteDBParameterGroup: \"The DB parameter group to be deleted can't be associated with any DB instances.\""
        }
        Kind::DbClusterParameterGroup => {
            "DeleteDBClusterParameterGroup: \"The DB cluster parameter group to be deleted can't be associated with any DB clusters.\""
        }
        Kind::CacheParameterGroup => {
            "DeleteCacheParameterGroup: \"You cannot delete a cache parameter group if it is associated with any cache clusters.\""
        }
        _ => return None,
    })
}

/// Stops the plan when it deletes a group of the stack's that a resource the spec keeps still
/// uses and will go on using (the spec names no group for it, and the plan does not replace
/// it: a replaced one leaves the group when its old self is deleted), with AWS's reason and what
/// to do instead.
pub(super) fn refused_deletes(
    changes: &[Change],
    desired: &[Resource],
    observed: &Observed,
) -> Result<(), PlanError> {
    for c in changes.iter().filter(|c| c.action == Action::Delete) {
        let Some(refusal) = aws_refusal(c.address.kind) else {
            continue;
        };
        let group = c.address.name.as_str();
        let replaced = |d: &Resource| {
            changes
                .iter()
                .any(|r| r.address == d.address && r.action == Action::Replace)
        };
        let user = desired.iter().find(|d| {
            d.get(PARAMETER_GROUP) == &Value::Null
                && !replaced(d)
                && observed
                    .get(&d.address)
                    .is_some_and(|o| o.resource.str(PARAMETER_GROUP) == Some(group))
        });
        if let Some(user) = user {
            return Err(PlanError::Impossible {
                address: c.address.clone(),
                reason: format!(
                    "the spec no longer has this group of the stack's, so the plan would delete it, but {} still uses it and the spec names no other group for it; AWS refuses to delete a group in use ({refusal}). Keep the group in the spec (with `parameters: {{}}` for the family's defaults), or name the existing group {} should use (`{{name: ...}}` in place of `family` and `parameters`); the stack's group is deleted once nothing uses it",
                    user.address, user.address
                ),
            });
        }
    }
    Ok(())
}
