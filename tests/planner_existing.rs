//! Using what already exists (seed 002): a master secret the team keeps, by ARN, planned
//! without a network against what AWS reports once it is applied. AWS says whether RDS manages
//! a password and never which secret it came from, so the read gives `secret_arn` when the
//! stack has no generated secret of the database's.

mod offline;

use offline::{as_applied, plan_for, rds, stack};
use serde_json::{Value, json};
use stackctl::model::{Address, Impact, Kind, NetworkIds, desired};
use stackctl::plan::Observed;

const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-db-credentials-AbCdEf";

fn net() -> NetworkIds {
    NetworkIds {
        vpc_id: "vpc-1".into(),
        subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
    }
}

fn set(o: &mut Observed, kind: Kind, name: &str, key: &str, value: Value) {
    let r = o
        .resources
        .get_mut(&Address::new(kind, name))
        .unwrap_or_else(|| panic!("no {kind}.{name}"));
    r.resource.attrs.insert(key.to_owned(), value);
}

#[test]
fn an_rds_primary_on_the_teams_secret_owns_no_secret_and_its_proxy_uses_that_one() {
    let s = stack("fixtures/valid/master-password-existing-secret.yaml");
    let d = desired(&s, &net());
    assert!(
        !d.iter().any(|r| r.address.kind == Kind::Secret),
        "the stack must not create a secret: {d:#?}"
    );
    let db = d
        .iter()
        .find(|r| r.address == Address::new(Kind::DbInstance, "demo-db"))
        .expect("primary");
    assert_eq!(
        db.get("master_password"),
        &json!(format!("secret_arn:{ARN}"))
    );
    let proxy = d
        .iter()
        .find(|r| r.address.kind == Kind::Proxy)
        .expect("proxy");
    assert_eq!(proxy.get("auth_secret"), &json!(ARN));
    // As AWS reports it: a password RDS does not manage, and no generated secret.
    let mut applied = as_applied(&s, &net());
    set(
        &mut applied,
        Kind::DbInstance,
        "demo-db",
        "master_password",
        json!("secret_arn"),
    );
    let p = plan_for(&s, &net(), &applied);
    assert!(p.changes.is_empty(), "{:#?}", p.changes);
}

#[test]
fn an_aurora_cluster_on_the_teams_secret_plans_nothing_once_applied() {
    let s = stack("fixtures/valid/aurora-existing-master-secret.yaml");
    let d = desired(&s, &net());
    assert!(!d.iter().any(|r| r.address.kind == Kind::Secret));
    let mut applied = as_applied(&s, &net());
    set(
        &mut applied,
        Kind::DbCluster,
        "demo-aurora",
        "master_password",
        json!("secret_arn"),
    );
    let p = plan_for(&s, &net(), &applied);
    assert!(p.changes.is_empty(), "{:#?}", p.changes);
}

#[test]
fn moving_from_a_generated_password_to_the_teams_secret_sets_it_and_deletes_only_the_stacks_own() {
    let s = stack("fixtures/valid/master-password-existing-secret.yaml");
    let mut was = s.clone();
    was.database.master_user.password = stackctl::spec::stack::PasswordSource::Generated;
    let applied = as_applied(&was, &net());
    let p = plan_for(&s, &net(), &applied);
    let db = p
        .changes
        .iter()
        .find(|c| c.address == Address::new(Kind::DbInstance, "demo-db"))
        .unwrap_or_else(|| panic!("{:#?}", p.changes));
    assert_eq!(db.attributes.len(), 1, "{:#?}", db.attributes);
    assert_eq!(db.attributes[0].name, "master_password");
    assert_eq!(db.attributes[0].impact, Impact::Online);
    // The generated secret left the spec; nothing else is deleted, and the team's secret is
    // never a resource of the plan.
    let deleted: Vec<String> = p
        .steps
        .iter()
        .filter(|st| serde_json::to_value(st.op).expect("op") == json!("delete"))
        .map(|st| st.address.to_string())
        .collect();
    assert_eq!(deleted, ["secret.stackctl/demo/demo-db/master"]);
}

#[test]
fn an_existing_parameter_group_is_referenced_never_a_resource_of_the_stack() {
    let s = stack("fixtures/valid/database-existing-parameter-group.yaml");
    let d = desired(&s, &net());
    assert!(
        !d.iter().any(|r| r.address.kind == Kind::DbParameterGroup),
        "the stack must not own the team's group: {d:#?}"
    );
    for a in [
        Address::new(Kind::DbInstance, "demo-db"),
        Address::new(Kind::DbReplica, "demo-db-replica-1"),
    ] {
        let r = d.iter().find(|r| r.address == a).expect("instance");
        assert_eq!(r.get("parameter_group"), &json!("team-postgres16"), "{a}");
    }
    let p = plan_for(&s, &net(), &as_applied(&s, &net()));
    assert!(p.changes.is_empty(), "{:#?}", p.changes);

    let c = stack("fixtures/valid/aurora-existing-cluster-parameter-group.yaml");
    let d = desired(&c, &net());
    assert!(
        !d.iter()
            .any(|r| r.address.kind == Kind::DbClusterParameterGroup)
    );
    let cluster = d
        .iter()
        .find(|r| r.address.kind == Kind::DbCluster)
        .expect("cluster");
    assert_eq!(
        cluster.get("parameter_group"),
        &json!("team-aurora-postgresql16")
    );
    assert!(
        plan_for(&c, &net(), &as_applied(&c, &net()))
            .changes
            .is_empty()
    );
}

#[test]
fn moving_to_an_existing_group_deletes_only_the_stacks_own_after_the_move() {
    let s = stack("fixtures/valid/database-existing-parameter-group.yaml");
    let mut was = s.clone();
    rds(&mut was).parameter_group = Some(stackctl::spec::stack::ParameterGroup::Owned(
        stackctl::spec::stack::OwnedGroup {
            family: "postgres16".into(),
            parameters: Default::default(),
        },
    ));
    let p = plan_for(&s, &net(), &as_applied(&was, &net()));
    let moved = p
        .changes
        .iter()
        .find(|c| c.address == Address::new(Kind::DbInstance, "demo-db"))
        .unwrap_or_else(|| panic!("{:#?}", p.changes));
    assert!(
        moved
            .attributes
            .iter()
            .any(|a| a.name == "parameter_group" && a.new == json!("team-postgres16")),
        "{moved:#?}"
    );
    let deleted: Vec<String> = p
        .steps
        .iter()
        .filter(|st| serde_json::to_value(st.op).expect("op") == json!("delete"))
        .map(|st| st.address.to_string())
        .collect();
    assert_eq!(deleted, ["db_parameter_group.demo-db-postgres16"]);
    let delete = offline::step_of(&p, "db_parameter_group.demo-db-postgres16", "delete");
    let update = offline::step_of(&p, "db_instance.demo-db", "update");
    assert!(
        offline::after(&p, delete, update),
        "the group is deleted after the move"
    );
}

const TEAM_REPLICA_GROUP: &str = "team-reporting-postgres16";
const REPLICA: &str = "demo-db-replica-1";
const REPLICA_OWN_GROUP: &str = "demo-replica-demo-db-replica-1-postgres16";
const TEAM_CACHE_GROUP: &str = "team-redis7";
const RG: &str = "demo-redis";
const REDIS_OWN_GROUP: &str = "demo-redis-redis7";

fn owned(family: &str) -> stackctl::spec::stack::ParameterGroup {
    stackctl::spec::stack::ParameterGroup::Owned(stackctl::spec::stack::OwnedGroup {
        family: family.into(),
        parameters: Default::default(),
    })
}

fn deleted(p: &stackctl::plan::Plan) -> Vec<String> {
    p.steps
        .iter()
        .filter(|st| serde_json::to_value(st.op).expect("op") == json!("delete"))
        .map(|st| st.address.to_string())
        .collect()
}

fn change<'p>(p: &'p stackctl::plan::Plan, kind: Kind, name: &str) -> &'p stackctl::plan::Change {
    p.changes
        .iter()
        .find(|c| c.address == Address::new(kind, name))
        .unwrap_or_else(|| panic!("no change of {kind}.{name}: {:#?}", p.changes))
}

#[test]
fn a_replicas_existing_group_is_referenced_never_a_resource_of_the_stack() {
    let s = stack("fixtures/valid/replica-existing-parameter-group.yaml");
    let d = desired(&s, &net());
    let groups: Vec<&str> = d
        .iter()
        .filter(|r| r.address.kind == Kind::DbParameterGroup)
        .map(|r| r.address.name.as_str())
        .collect();
    assert_eq!(
        groups,
        ["demo-db-postgres16"],
        "only the primary's is the stack's"
    );
    for (kind, name, group) in [
        (Kind::DbInstance, "demo-db", "demo-db-postgres16"),
        (Kind::DbReplica, REPLICA, TEAM_REPLICA_GROUP),
        (Kind::DbReplica, "demo-db-replica-2", "demo-db-postgres16"),
    ] {
        let r = d
            .iter()
            .find(|r| r.address == Address::new(kind, name))
            .expect("instance");
        assert_eq!(r.get("parameter_group"), &json!(group), "{name}");
    }
    let p = plan_for(&s, &net(), &as_applied(&s, &net()));
    assert!(p.changes.is_empty(), "{:#?}", p.changes);
}

#[test]
fn redis_on_an_existing_group_is_referenced_never_a_resource_of_the_stack() {
    let s = stack("fixtures/valid/redis-existing-parameter-group.yaml");
    let d = desired(&s, &net());
    assert!(
        !d.iter()
            .any(|r| r.address.kind == Kind::CacheParameterGroup),
        "the stack must not own the team's group: {d:#?}"
    );
    let rg = d
        .iter()
        .find(|r| r.address == Address::new(Kind::ReplicationGroup, RG))
        .expect("replication group");
    assert_eq!(rg.get("parameter_group"), &json!(TEAM_CACHE_GROUP));
    let p = plan_for(&s, &net(), &as_applied(&s, &net()));
    assert!(p.changes.is_empty(), "{:#?}", p.changes);
}

/// A resource moving from the stack's own group to the team's, and back.
struct Move {
    file: &'static str,
    /// The stack as applied: on its own group.
    own: fn(&mut stackctl::spec::StackSpec),
    user: (Kind, &'static str),
    own_group: (&'static str, &'static str),
    team_group: &'static str,
    /// Whether the move reboots the user (a DB instance's does; a cache group's does not).
    reboots: bool,
}

const MOVES: &[Move] = &[
    Move {
        file: "fixtures/valid/replica-existing-parameter-group.yaml",
        own: |s| rds(s).replicas[0].parameter_group = Some(owned("postgres16")),
        user: (Kind::DbReplica, REPLICA),
        own_group: ("db_parameter_group", REPLICA_OWN_GROUP),
        team_group: TEAM_REPLICA_GROUP,
        reboots: true,
    },
    Move {
        file: "fixtures/valid/redis-existing-parameter-group.yaml",
        own: |s| s.redis.as_mut().expect("redis").parameter_group = Some(owned("redis7")),
        user: (Kind::ReplicationGroup, RG),
        own_group: ("cache_parameter_group", REDIS_OWN_GROUP),
        team_group: TEAM_CACHE_GROUP,
        reboots: false,
    },
];

/// A replica (which reboots to take the group) and Redis moving to an existing group: the
/// stack's own is deleted after the move, and nothing else changes; moving back creates the
/// stack's group before the move, and the team's is never created nor deleted.
#[test]
fn moving_to_an_existing_group_and_back_deletes_or_creates_only_the_stacks_own_around_the_move() {
    for m in MOVES {
        let s = stack(m.file);
        let mut was = s.clone();
        (m.own)(&mut was);
        let (kind, name) = m.user;
        let user = format!("{kind}.{name}");
        let own = format!("{}.{}", m.own_group.0, m.own_group.1);
        let p = plan_for(&s, &net(), &as_applied(&was, &net()));
        let moved = change(&p, kind, name);
        if m.reboots {
            assert_eq!(moved.impact, Impact::Reboot, "{moved:#?}");
        }
        assert!(
            moved
                .attributes
                .iter()
                .any(|a| a.name == "parameter_group" && a.new == json!(m.team_group)),
            "{moved:#?}"
        );
        assert_eq!(deleted(&p), std::slice::from_ref(&own));
        let update = offline::step_of(&p, &user, "update");
        if m.reboots {
            assert!(p.steps[update].reboot, "{user} reboots to take the group");
        }
        let delete = offline::step_of(&p, &own, "delete");
        assert!(
            offline::after(&p, delete, update),
            "the group is deleted after the move"
        );
        // Nothing else changes: the primary, its group and the other resources stay.
        assert_eq!(p.changes.len(), 2, "{:#?}", p.changes);

        // And back: the stack's group is created before the move; the team's is neither
        // created nor deleted.
        let p = plan_for(&was, &net(), &as_applied(&s, &net()));
        assert!(deleted(&p).is_empty(), "{:#?}", p.steps);
        let create = offline::step_of(&p, &own, "create");
        let update = offline::step_of(&p, &user, "update");
        assert!(
            offline::after(&p, update, create),
            "the group exists before the move"
        );
        if m.reboots {
            assert!(p.steps[update].reboot);
        }
        assert!(
            p.steps.iter().all(|st| st.address.name != m.team_group),
            "{:#?}",
            p.steps
        );
    }
}

#[test]
fn nodes_or_a_replica_waiting_for_a_reboot_on_an_existing_group_are_never_no_changes() {
    // Redis: AWS says the nodes wait for a reboot (the team changed a parameter that needs
    // one): outstanding, as on the stack's own group; stackctl never reboots a node.
    let s = stack("fixtures/valid/redis-existing-parameter-group.yaml");
    let mut applied = as_applied(&s, &net());
    set(
        &mut applied,
        Kind::ReplicationGroup,
        RG,
        "parameter_apply_status",
        json!("pending-reboot"),
    );
    let p = plan_for(&s, &net(), &applied);
    let rg = change(&p, Kind::ReplicationGroup, RG);
    assert!(rg.outstanding(), "{rg:#?}");
    assert!(p.steps.iter().all(|st| st.address != rg.address));

    // A replica on the team's group whose parameters wait for a reboot: the reboot is planned.
    let s = stack("fixtures/valid/replica-existing-parameter-group.yaml");
    let mut applied = as_applied(&s, &net());
    set(
        &mut applied,
        Kind::DbReplica,
        REPLICA,
        "parameter_apply_status",
        json!("pending-reboot"),
    );
    let p = plan_for(&s, &net(), &applied);
    let rep = change(&p, Kind::DbReplica, REPLICA);
    assert_eq!(rep.impact, Impact::Reboot, "{rep:#?}");
}
