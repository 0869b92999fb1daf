//! A read replica with a DB parameter group of its own: the group is the stack's, created
//! before the replica moves to it and deleted after the replica leaves it; the move reboots
//! the replica alone (AWS applies a newly associated group's values at the next reboot).

mod offline;

use offline::{after, as_applied, plan_for, rds, snapshot, stack, step_of};
use stackctl::model::{Address, Impact, Kind};
use stackctl::render::{plan as render_plan, style::Style};
use stackctl::spec::StackSpec as Stack;
use stackctl::spec::stack::{OwnedGroup, ParamValue, ParameterGroup};

const PRIMARY: &str = "shop-staging-db";
const REPLICA: &str = "shop-staging-db-replica-1";
const GROUP: &str = "shop-staging-replica-shop-staging-db-replica-1-postgres16";
const PRIMARY_GROUP: &str = "shop-staging-db-postgres16";

/// The staging stack, its replica with a group of its own.
fn with_own_group() -> Stack {
    let mut s = stack("stacks/staging.yaml");
    rds(&mut s).replicas[0].parameter_group = Some(ParameterGroup::Owned(OwnedGroup {
        family: "postgres16".into(),
        parameters: [("work_mem".to_owned(), ParamValue("8192".into()))].into(),
    }));
    s
}

#[test]
fn a_replica_given_its_own_group_moves_to_it_after_its_creation_and_alone_reboots() {
    let s = with_own_group();
    let (net, observed) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(&s, &net, &observed);
    let shown = render_plan::render(&p, &Style::plain());
    let create = step_of(&p, &format!("db_parameter_group.{GROUP}"), "create");
    let update = step_of(&p, &format!("db_replica.{REPLICA}"), "update");
    assert!(after(&p, update, create), "{shown}");
    let replica = p
        .changes
        .iter()
        .find(|c| c.address == Address::new(Kind::DbReplica, REPLICA))
        .expect("the replica changes");
    assert_eq!(replica.impact, Impact::Reboot, "{shown}");
    let moved = replica
        .attributes
        .iter()
        .find(|a| a.name == "parameter_group")
        .expect("its parameter group changes");
    assert_eq!(moved.new, serde_json::json!(GROUP), "{shown}");
    assert!(p.steps[update].reboot, "{shown}");
    for untouched in [
        Address::new(Kind::DbInstance, PRIMARY),
        Address::new(Kind::DbParameterGroup, PRIMARY_GROUP),
    ] {
        assert!(
            p.changes.iter().all(|c| c.address != untouched),
            "{untouched} must not change:\n{shown}"
        );
    }
}

#[test]
fn a_replica_back_on_the_primarys_group_leaves_its_own_and_the_group_is_deleted_after() {
    let (net, _) = snapshot("fixtures/observed/staging-applied.json");
    let observed = as_applied(&with_own_group(), &net);
    let s = stack("stacks/staging.yaml");
    let p = plan_for(&s, &net, &observed);
    let shown = render_plan::render(&p, &Style::plain());
    let update = step_of(&p, &format!("db_replica.{REPLICA}"), "update");
    let delete = step_of(&p, &format!("db_parameter_group.{GROUP}"), "delete");
    assert!(after(&p, delete, update), "{shown}");
    let replica = &p.steps[update];
    assert!(replica.reboot, "{shown}");
}
