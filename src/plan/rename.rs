//! A DB instance renamed in place. The spec names the instance by its new identifier and says
//! which one it had (`database.renamed_from`); AWS renames it with ModifyDBInstance
//! `NewDBInstanceIdentifier`, keeping its data, its tags and its read replicas ("All read
//! replicas associated with a DB instance remain associated with that instance after it is
//! renamed", RDS User Guide, USER_RenameInstance). So the planner holds the instance AWS has
//! under the old name at the new one: the `identifier` row is then the change, its replicas
//! name their source by the new name, as AWS will, and so does a proxy on the master user's
//! secret that RDS manages (the secret is the instance's, by ARN, and stays with it). Without this the old instance would be
//! deleted, with its data, and an empty one created.
//!
//! Nothing else follows the name by itself: an alarm on the instance is updated to the new
//! name, and a proxy target of it is deregistered before the rename and registered again after
//! it (AWS documents nothing of a proxy target across a rename, so the plan leaves it to no
//! guess).

use std::collections::BTreeMap;

use serde_json::Value;

use super::diff::PlanError;
use super::format::{Step, StepOp};
use super::observed::Observed;
use crate::model::db_instance::attr::{
    APPLY_CHANGES, IDENTIFIER, MASTER_PASSWORD, RENAMED_FROM, SOURCE,
};
use crate::model::proxy::attr::proxy::AUTH_SECRET;
use crate::model::proxy::attr::target::DB_INSTANCE;
use crate::model::secret::master_auth_secret;
use crate::model::secret::master_secret_name;
use crate::model::{Address, Kind, Resource};
use crate::spec::stack::PasswordSource;

/// The renames `desired` asks for that AWS has yet to make: new address → old name.
fn wanted(
    stack: &str,
    desired: &[Resource],
    observed: &Observed,
) -> Result<BTreeMap<Address, String>, PlanError> {
    let mut out = BTreeMap::new();
    for d in desired
        .iter()
        .filter(|d| d.address.kind == Kind::DbInstance)
    {
        let Some(old) = d.str(RENAMED_FROM) else {
            continue;
        };
        let from = Address::new(Kind::DbInstance, old);
        let Some(o) = observed.holder_of(&from) else {
            continue;
        };
        if observed.holder_of(&d.address).is_some() {
            return Err(PlanError::Impossible {
                address: d.address.clone(),
                reason: format!(
                    "AWS has both `{}` and `{old}`, which `renamed_from` says is the same instance: a rename cannot make one of two; remove `renamed_from` to keep `{}` (and delete `{old}` with its data), or delete `{}` yourself to rename `{old}`",
                    d.address.name, d.address.name, d.address.name
                ),
            });
        }
        if !o.owned || o.resource.address.kind != Kind::DbInstance {
            return Err(PlanError::Impossible {
                address: d.address.clone(),
                reason: format!(
                    "`renamed_from: {old}` names {}, which this stack does not own as its primary instance (it lacks the stackctl:stack tag, or is a read replica); stackctl renames only its own",
                    o.resource.address
                ),
            });
        }
        if d.str(APPLY_CHANGES) == Some("in_maintenance_window") {
            return Err(PlanError::Impossible {
                address: d.address.clone(),
                reason: format!(
                    "`{old}` is renamed at once or not at all: its proxy target and alarms follow the new name in the same apply, which AWS would not have before the maintenance window; set `apply_changes: immediately` for the apply that renames it"
                ),
            });
        }
        if d.str(MASTER_PASSWORD) == Some("generated") {
            return Err(PlanError::Impossible {
                address: d.address.clone(),
                reason: format!(
                    "`{old}` cannot be renamed while stackctl keeps its generated master password: the secret is named after the instance ({}), and a new one would hold a password the instance does not have; set `master_user.password: rds_managed` and apply first, then rename",
                    master_secret_name(stack, old)
                ),
            });
        }
        out.insert(d.address.clone(), old.to_owned());
    }
    Ok(out)
}

/// What AWS holds, with each instance the spec renames held at its new name (its `identifier`
/// still the old one) and its replicas naming it by the new name.
pub fn rekeyed(
    stack: &str,
    desired: &[Resource],
    observed: &Observed,
) -> Result<Observed, PlanError> {
    let renames = wanted(stack, desired, observed)?;
    let mut out = observed.clone();
    for (to, from) in &renames {
        let Some(mut o) = out.resources.remove(&Address::new(Kind::DbInstance, from)) else {
            continue;
        };
        o.resource.address = to.clone();
        out.insert(o);
        for r in out.resources.values_mut() {
            follow(&mut r.resource, from, &to.name);
        }
    }
    Ok(out)
}

/// What names the instance renamed `from` names it by its new name `to`: a replica its source
/// (AWS keeps them associated), a proxy on the master user's secret that RDS manages (the
/// secret is the instance's, by ARN, and stays with it).
fn follow(r: &mut Resource, from: &str, to: &str) {
    let (attr, was, now) = match r.address.kind {
        Kind::DbReplica => (SOURCE, from.to_owned(), to.to_owned()),
        Kind::Proxy => (
            AUTH_SECRET,
            master_auth_secret(from, &PasswordSource::RdsManaged),
            master_auth_secret(to, &PasswordSource::RdsManaged),
        ),
        _ => return,
    };
    if r.str(attr) == Some(was.as_str()) {
        r.attrs.insert(attr.into(), Value::String(now));
    }
}

/// The old name of the instance a step renames, if it renames one now.
fn renamed_by(step: &Step, observed: &Observed) -> Option<String> {
    let renames = step.op == StepOp::Update && step.attributes.iter().any(|a| a == IDENTIFIER);
    let o = observed.get(&step.address).filter(|_| renames)?;
    o.resource.str(IDENTIFIER).map(str::to_owned)
}

/// A proxy target's deregistration runs before the rename of its instance, while AWS still
/// knows the instance by the name the target names, and waits for nothing else.
pub(super) fn targets_before_renames(steps: &mut [Step], observed: &Observed) {
    for i in 0..steps.len() {
        let Some(old) = renamed_by(&steps[i], observed) else {
            continue;
        };
        for j in 0..steps.len() {
            let names_old = observed.get(&steps[j].address).is_some_and(|o| {
                o.resource.address.kind == Kind::ProxyTarget
                    && o.resource.str(DB_INSTANCE) == Some(old.as_str())
            });
            if steps[j].op == StepOp::Delete && names_old {
                steps[j].depends_on.clear();
                steps[i].depends_on.push(j);
            }
        }
    }
}
