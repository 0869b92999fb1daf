//! Each step's undo and wait are fixed in the plan (`steps[].undo`, `steps[].wait` of format
//! 4): a create is undone by a delete, an update by an update back to what AWS had, a delete by
//! nothing but for a proxy target's, which registering it again undoes; a kind AWS takes time
//! over is waited for until available (a delete: gone) within the plan's limit, its undo too.
//! Pure: from a snapshot, no emulator.

mod offline;

use offline::{plan_for, rds, set_class, snapshot, stack};
use stackctl::model::Kind;
use stackctl::plan::{Plan, StepOp, Until, waits};
use stackctl::spec::stack::Replica;

/// The staging stack's plan with an update, a create, and the proxy with its parts deleted.
fn mixed_plan() -> (Plan, stackctl::plan::Observed) {
    let mut s = stack("stacks/staging.yaml");
    let (net, observed) = snapshot("fixtures/observed/staging-applied.json");
    // An update, a create, and deletes of what leaves the spec (the proxy with its parts).
    set_class(&mut s, "db.t4g.large");
    let mut extra: Replica = s.database.replicas()[0].clone();
    extra.identifier = "shop-staging-db-replica-2".into();
    rds(&mut s).replicas.push(extra);
    s.proxy = None;
    s.alarms.retain(|a| !a.resource.contains("proxy"));
    (plan_for(&s, &net, &observed), observed)
}

#[test]
fn every_step_carries_the_undo_a_rollback_runs() {
    let (p, observed) = mixed_plan();
    let json = serde_json::to_value(&p).expect("plan JSON");
    let mut seen = std::collections::BTreeSet::new();
    for (step, shown) in p.steps.iter().zip(json["steps"].as_array().expect("steps")) {
        let undo = step.undo.as_ref();
        let before = observed.get(&step.address).map(|o| &o.resource);
        match step.op {
            StepOp::Create => {
                let u = undo.expect("a create is undone");
                assert_eq!((u.op, u.restores.as_ref()), (StepOp::Delete, None));
            }
            StepOp::Update => {
                let u = undo.expect("an update is undone");
                assert_eq!(u.op, StepOp::Update);
                assert_eq!(u.restores.as_ref(), before, "{}", step.address);
            }
            StepOp::Delete if step.address.kind == Kind::ProxyTarget => {
                let u = undo.expect("a target is registered again");
                assert_eq!(u.op, StepOp::Create);
                assert_eq!(u.restores.as_ref(), before);
            }
            StepOp::Delete => assert!(undo.is_none(), "{} cannot be undone", step.address),
        }
        assert_eq!(
            shown.get("undo").is_some(),
            undo.is_some(),
            "plan --json shows it"
        );
        seen.insert((step.op as u8, step.address.kind == Kind::ProxyTarget));
    }
    assert_eq!(
        seen.len(),
        4,
        "creates, updates, deletes and a target's delete"
    );
}

#[test]
fn every_step_aws_takes_time_over_carries_its_wait_and_so_does_its_undo() {
    let (p, _) = mixed_plan();
    let json = serde_json::to_value(&p).expect("plan JSON");
    let mut waited = 0;
    for (step, shown) in p.steps.iter().zip(json["steps"].as_array().expect("steps")) {
        let limit = waits::limit(step.address.kind).map(|d| d.as_secs());
        assert_eq!(
            step.wait.map(|w| w.limit_seconds),
            limit,
            "{}",
            step.address
        );
        assert_eq!(
            shown.get("wait").is_some(),
            limit.is_some(),
            "plan --json shows it"
        );
        let Some(wait) = step.wait else { continue };
        waited += 1;
        let until = if step.op == StepOp::Delete {
            Until::Gone
        } else {
            Until::Available
        };
        assert_eq!(wait.until, until, "{}", step.address);
        if let Some(u) = &step.undo {
            let w = u.wait.expect("its undo waits too");
            assert_eq!(
                w.until,
                if u.op == StepOp::Delete {
                    Until::Gone
                } else {
                    Until::Available
                }
            );
        }
    }
    assert!(
        waited >= 3,
        "the instance, the new replica and the proxy wait"
    );
}
