//! A step changes AWS only by the calls the plan lists for it: every call made while the step
//! ran that changes something (any operation but a `Describe`, `List` or `Get`) must be one of
//! the step's calls in the plan, or the step fails (`NotAsPlanned`) instead of being reported
//! done. The plan's `tagging` stands for each service's tag operations. A step with no calls
//! listed (an undo, put together at rollback time) is not checked.

use std::collections::BTreeSet;

use crate::aws::error::AwsError;
use crate::plan::Step;

/// Whether `op` (`rds:CreateDBInstance`) changes AWS.
fn changes_aws(op: &str) -> bool {
    let name = op.split_once(':').map_or(op, |(_, n)| n);
    !["Describe", "List", "Get"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// The calls of `made` that change AWS and that the plan did not list for `step`.
pub(super) fn unlisted<'a>(step: &Step, made: &[&'a str]) -> BTreeSet<&'a str> {
    let listed: BTreeSet<&str> = step.calls.iter().map(|c| c.op.as_str()).collect();
    if listed.is_empty() {
        return BTreeSet::new();
    }
    let tagging = listed.contains("tagging");
    made.iter()
        .copied()
        .filter(|op| changes_aws(op) && !listed.contains(op))
        .filter(|op| !(tagging && op.contains("Tag")))
        .collect()
}

/// Fails `step` when it made a change the plan did not list.
pub(super) fn only_listed(step: &Step, made: &[&str]) -> Result<(), AwsError> {
    let extra = unlisted(step, made);
    if extra.is_empty() {
        return Ok(());
    }
    let listed: Vec<&str> = step.calls.iter().map(|c| c.op.as_str()).collect();
    Err(AwsError {
        operation: "stackctl:apply",
        code: "NotAsPlanned".to_owned(),
        message: format!(
            "{}: made {}, which the plan does not list for this step ({}); this is a defect in stackctl, and the step is not reported done",
            step.address,
            extra.into_iter().collect::<Vec<_>>().join(", "),
            listed.join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::unlisted;
    use crate::model::{Address, Impact, Kind};
    use crate::plan::{Call, Step, StepOp};

    fn step(calls: &[&str]) -> Step {
        Step {
            id: 0,
            address: Address::new(Kind::DbInstance, "db"),
            op: StepOp::Create,
            attributes: Vec::new(),
            reboot: false,
            depends_on: Vec::new(),
            impact: Impact::Online,
            resource: None,
            calls: calls.iter().map(|op| Call::new(op, &[])).collect(),
            undo: None,
            wait: None,
        }
    }

    #[test]
    fn a_change_the_plan_did_not_list_is_caught_and_reads_are_not() {
        let s = step(&["rds:CreateDBInstance", "tagging"]);
        let made = [
            "rds:DescribeDBInstances",
            "secretsmanager:GetSecretValue",
            "rds:CreateDBInstance",
            "rds:AddTagsToResource",
            "rds:ModifyDBInstance",
            "rds:DeleteDBInstance",
        ];
        let extra: Vec<&str> = unlisted(&s, &made).into_iter().collect();
        assert_eq!(extra, ["rds:DeleteDBInstance", "rds:ModifyDBInstance"]);
        // Tag operations are the plan's `tagging` only when it lists it.
        let untagged = step(&["rds:CreateDBInstance"]);
        assert_eq!(unlisted(&untagged, &["rds:AddTagsToResource"]).len(), 1);
        // An undo lists no calls: nothing to check it against.
        assert!(unlisted(&step(&[]), &made).is_empty());
    }
}
