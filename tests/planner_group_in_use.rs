//! A parameter group of the stack's dropped from the spec while a resource the spec keeps still
//! uses it (and the spec names no other group for it): AWS refuses to delete a group in use, so
//! the plan stops before anything is touched, naming the group, its user and what to do. Each
//! kind of group: the DB instance's, the Aurora cluster's, Redis's. Moving the user to another
//! group in the same plan is not refused (the delete follows the move).

mod offline;

use offline::{after, as_applied, aurora, rds, stack, step_of};
use stackctl::model::{NetworkIds, desired};
use stackctl::plan::{Plan, PlanError, plan};
use stackctl::spec::StackSpec as Stack;
use stackctl::spec::stack::{OwnedGroup, ParameterGroup};

fn net() -> NetworkIds {
    NetworkIds {
        vpc_id: "vpc-1".into(),
        subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
    }
}

fn planned(applied: &Stack, spec: &Stack) -> Result<Plan, PlanError> {
    let observed = as_applied(applied, &net());
    plan(&spec.name, &spec.region, &desired(spec, &net()), &observed)
}

fn owned(family: &str) -> Option<ParameterGroup> {
    Some(ParameterGroup::Owned(OwnedGroup {
        family: family.into(),
        parameters: Default::default(),
    }))
}

struct Case {
    name: &'static str,
    file: &'static str,
    /// The stack as applied, with the group.
    with: fn(&mut Stack),
    /// The spec: the group dropped.
    without: fn(&mut Stack),
    group: &'static str,
    user: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "the DB instance's group",
        file: "stacks/staging.yaml",
        with: |_| {},
        without: |s| rds(s).parameter_group = None,
        group: "db_parameter_group.shop-staging-db-postgres16",
        user: "shop-staging-db",
    },
    Case {
        name: "the Aurora cluster's group",
        file: "stacks/aurora-serverless.yaml",
        with: |_| {},
        without: |s| aurora(s).parameter_group = None,
        group: "db_cluster_parameter_group.orders-aurora-cluster-aurora-postgresql16",
        user: "db_cluster.orders-aurora",
    },
    Case {
        name: "Redis's group",
        file: "stacks/staging.yaml",
        with: |s| s.redis.as_mut().expect("redis").parameter_group = owned("redis7"),
        without: |s| s.redis.as_mut().expect("redis").parameter_group = None,
        group: "cache_parameter_group.shop-staging-redis-redis7",
        user: "replication_group.shop-staging-redis",
    },
];

#[test]
fn a_group_dropped_while_its_user_stays_on_it_stops_the_plan_with_aws_s_reason() {
    for c in CASES {
        let mut applied = stack(c.file);
        (c.with)(&mut applied);
        let mut spec = applied.clone();
        (c.without)(&mut spec);
        let err = match planned(&applied, &spec) {
            Ok(p) => panic!("{}: planned {:#?}", c.name, p.changes),
            Err(e) => e.to_string(),
        };
        assert!(err.starts_with(c.group), "{}: {err}", c.name);
        assert!(err.contains(c.user), "{}: {err}", c.name);
        assert!(
            err.contains("AWS refuses to delete a group in use"),
            "{}: {err}",
            c.name
        );
        assert!(
            err.contains("can't be associated") || err.contains("cannot delete"),
            "{err}"
        );
        // The applied stack itself plans, and nothing is refused there.
        assert!(planned(&applied, &applied).is_ok(), "{}", c.name);
    }
}

#[test]
fn a_group_dropped_while_its_user_is_replaced_is_not_refused() {
    // The primary replaced (encryption turned off cannot be done in place) and its group
    // dropped: the old primary leaves the group when it is deleted; the replica, on the same
    // group, is replaced with its source (AWS cascades).
    let applied = stack("stacks/staging.yaml");
    let mut spec = applied.clone();
    rds(&mut spec).parameter_group = None;
    spec.database.encryption.encrypted = false;
    let p = planned(&applied, &spec).expect("a plan: the group's users are replaced");
    let group = step_of(
        &p,
        "db_parameter_group.shop-staging-db-postgres16",
        "delete",
    );
    for user in [
        "db_instance.shop-staging-db",
        "db_replica.shop-staging-db-replica-1",
    ] {
        let gone = step_of(&p, user, "delete");
        assert!(
            after(&p, group, gone),
            "the group's delete waits for {user}'s"
        );
    }
}

#[test]
fn a_group_dropped_while_its_user_moves_to_another_is_deleted_after_the_move() {
    // The replica's own group dropped: the replica goes back to the primary's group, and its
    // own group is deleted after that move.
    let mut applied = stack("stacks/staging.yaml");
    rds(&mut applied).replicas[0].parameter_group = owned("postgres16");
    let spec = stack("stacks/staging.yaml");
    let p = planned(&applied, &spec).expect("a plan: the replica moves");
    let group = "db_parameter_group.shop-staging-replica-shop-staging-db-replica-1-postgres16";
    assert!(
        p.changes.iter().any(|c| c.address.to_string() == group),
        "{:#?}",
        p.changes
    );
}
