//! The calls each step of a plan makes, fixed when the plan is made from the kind's rows (which
//! call carries each attribute) and the plan's own values (a replica count up or down, the
//! stages of encryption in transit). Pure: nothing is sent. The plan file keeps them, and apply
//! fails an update whose calls carried anything other than what they list
//! (`aws::write::nothing_unsent`).

use serde_json::Value;

use super::AwsKind;
use super::alarm::Alarms;
use super::cache_subnet_group::CacheSubnetGroups;
use super::db_instance::DbInstances;
use super::db_subnet_group::DbSubnetGroups;
use super::proxy::target::ProxyTargets;
use super::proxy::target_group::ProxyTargetGroups;
use super::replication_group::ReplicationGroups;
use crate::model::{Kind, Resource};
use crate::plan::{Call, Change, Plan, Step, StepOp};

/// One step with what the plan knows of it: the resource it makes, and the values it changes
/// from.
pub(crate) struct Planned<'a> {
    pub step: &'a Step,
    pub desired: Option<&'a Resource>,
    pub change: Option<&'a Change>,
}

impl Planned<'_> {
    /// The step changes `attr`.
    pub fn changes(&self, attr: &str) -> bool {
        self.step.attributes.iter().any(|a| a == attr)
    }

    /// The value the step sets.
    pub fn wanted(&self, attr: &str) -> &Value {
        self.desired.map_or(&Value::Null, |r| r.get(attr))
    }

    /// The value AWS has before the step: the change's old value, or the desired one where
    /// the step does not change it.
    pub fn old(&self, attr: &str) -> &Value {
        self.change
            .and_then(|c| c.attributes.iter().find(|a| a.name == attr))
            .map_or_else(|| self.wanted(attr), |a| &a.old)
    }

    /// Those of `attrs` that the step changes.
    pub fn among(&self, attrs: &[&str]) -> Vec<String> {
        attrs
            .iter()
            .filter(|a| self.changes(a))
            .map(|a| (*a).to_owned())
            .collect()
    }

    /// A call carrying `attrs`, if it carries any.
    pub fn carrying(&self, op: &str, attrs: Vec<String>) -> Option<Call> {
        (!attrs.is_empty()).then(|| Call {
            op: op.to_owned(),
            carries: attrs,
        })
    }

    /// The tagging calls, when the step changes the tags.
    pub fn tagging(&self) -> Option<Call> {
        self.changes("tags")
            .then(|| Call::new("tagging", &["tags"]))
    }

    /// The one call of a create or a delete, by the step's op.
    pub fn one(&self, create: &str, delete: &str) -> Vec<Call> {
        match self.step.op {
            StepOp::Create => vec![Call::new(create, &[])],
            StepOp::Delete => vec![Call::new(delete, &[])],
            StepOp::Update => Vec::new(),
        }
    }
}

/// The calls of each step of `plan`, written into it.
pub fn annotate(plan: &mut Plan) {
    let calls: Vec<Vec<Call>> = plan
        .steps
        .iter()
        .map(|step| {
            let p = Planned {
                step,
                desired: plan.makes(step),
                change: plan.changes.iter().find(|c| c.address == step.address),
            };
            of(&p)
        })
        .collect();
    for (step, calls) in plan.steps.iter_mut().zip(calls) {
        step.calls = calls;
    }
}

/// The calls of one step, by its kind; none listed for the kinds whose AWS side is not yet
/// one definition.
fn of(p: &Planned<'_>) -> Vec<Call> {
    match p.step.address.kind {
        Kind::DbInstance | Kind::DbReplica => DbInstances::calls(p),
        Kind::ReplicationGroup => ReplicationGroups::calls(p),
        Kind::Alarm => Alarms::calls(p),
        Kind::DbSubnetGroup => DbSubnetGroups::calls(p),
        Kind::CacheSubnetGroup => CacheSubnetGroups::calls(p),
        Kind::ProxyTarget => ProxyTargets::calls(p),
        Kind::ProxyTargetGroup => ProxyTargetGroups::calls(p),
        _ => Vec::new(),
    }
}
