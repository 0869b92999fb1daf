//! The Aurora stack of seed 003 planned without a network against itself as applied: what a
//! change to the cluster costs, what goes with a replaced cluster and in which order, and the
//! downgrade AWS refuses.

mod offline;

use offline::{after, as_applied, plan_for, stack, step_of};
use serde_json::json;
use stackctl::model::{Address, Impact, Kind, NetworkIds, desired};
use stackctl::plan::{Action, PlanError, plan};

const STACK: &str = "stacks/aurora-serverless.yaml";

fn net() -> NetworkIds {
    NetworkIds {
        vpc_id: "vpc-1".into(),
        subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
    }
}

#[test]
fn the_applied_stack_plans_nothing_and_a_new_capacity_range_is_one_online_change() {
    let s = stack(STACK);
    let applied = as_applied(&s, &net());
    assert!(plan_for(&s, &net(), &applied).changes.is_empty());
    let mut bigger = s.clone();
    bigger
        .database
        .cluster_mut()
        .and_then(|c| c.serverless_v2.as_mut())
        .expect("range")
        .max_acu = 32.0;
    let p = plan_for(&bigger, &net(), &applied);
    assert_eq!(p.changes.len(), 1, "{:#?}", p.changes);
    let c = &p.changes[0];
    assert_eq!(c.address, Address::new(Kind::DbCluster, "orders-aurora"));
    assert_eq!(c.impact, Impact::Online);
    assert_eq!(c.attributes[0].name, "serverless_v2_max_acu");
    assert_eq!(c.attributes[0].new, json!(32.0));
}

#[test]
fn a_replaced_cluster_takes_its_instances_and_proxy_target_which_are_deleted_first() {
    let s = stack(STACK);
    let applied = as_applied(&s, &net());
    let mut renamed_db = s.clone();
    renamed_db.database.database_name = Some("orders2".into());
    let p = plan_for(&renamed_db, &net(), &applied);
    let replaced = |a: &str| {
        p.changes
            .iter()
            .any(|c| c.address.to_string() == a && c.action == Action::Replace)
    };
    for a in [
        "db_cluster.orders-aurora",
        "db_cluster_instance.orders-aurora-1",
        "db_cluster_instance.orders-aurora-2",
        "proxy_target.orders-aurora-proxy/orders-aurora",
    ] {
        assert!(replaced(a), "{a} is not replaced: {:#?}", p.changes);
    }
    let cluster_delete = step_of(&p, "db_cluster.orders-aurora", "delete");
    let cluster_create = step_of(&p, "db_cluster.orders-aurora", "create");
    for a in [
        "db_cluster_instance.orders-aurora-1",
        "db_cluster_instance.orders-aurora-2",
        "proxy_target.orders-aurora-proxy/orders-aurora",
    ] {
        let delete = step_of(&p, a, "delete");
        let create = step_of(&p, a, "create");
        assert!(after(&p, cluster_delete, delete), "{a} deleted first");
        assert!(
            after(&p, create, cluster_create),
            "{a} created on the new cluster"
        );
    }
    // Deletion protection is switched off by a step of its own, right before the delete.
    let unprotect = step_of(&p, "db_cluster.orders-aurora", "update");
    assert!(after(&p, cluster_delete, unprotect));
    assert_eq!(p.steps[unprotect].attributes, ["deletion_protection"]);
}

#[test]
fn an_engine_downgrade_of_the_cluster_is_refused_unless_aws_upgraded_it_by_itself() {
    let s = stack(STACK);
    let mut applied = as_applied(&s, &net());
    let a = Address::new(Kind::DbCluster, "orders-aurora");
    let mut o = applied.get(&a).expect("cluster").clone();
    o.resource = o.resource.set("engine_version", "16.9");
    applied.insert(o);
    let mut strict = s.clone();
    strict.database.auto_minor_version_upgrade = false;
    let err = match plan(&s.name, &s.region, &desired(&strict, &net()), &applied) {
        Err(e @ PlanError::Impossible { .. }) => e.to_string(),
        other => panic!("expected a refusal, got {other:#?}"),
    };
    assert!(err.contains("never downgrades"), "{err}");
    assert!(err.contains("\"16.9\""), "{err}");
    // With automatic minor upgrades (the default), AWS ahead of the spec is no change.
    let p = plan_for(&s, &net(), &applied);
    assert!(
        !p.changes.iter().any(|c| c.address == a),
        "{:#?}",
        p.changes
    );
}

#[test]
fn a_static_cluster_parameter_reboots_each_instance_of_the_cluster() {
    use stackctl::spec::stack::{ParamValue, ParameterGroup};
    let s = stack(STACK);
    let applied = as_applied(&s, &net());
    let mut tuned = s.clone();
    tuned
        .database
        .cluster_mut()
        .and_then(|c| c.parameter_group.as_mut())
        .and_then(|g| match g {
            ParameterGroup::Owned(g) => Some(g),
            ParameterGroup::Existing { .. } => None,
        })
        .expect("group")
        .parameters
        .insert("shared_buffers".into(), ParamValue("32768".into()));
    let p = plan_for(&tuned, &net(), &applied);
    let group = step_of(
        &p,
        "db_cluster_parameter_group.orders-aurora-cluster-aurora-postgresql16",
        "update",
    );
    for i in ["orders-aurora-1", "orders-aurora-2"] {
        let step = step_of(&p, &format!("db_cluster_instance.{i}"), "update");
        assert!(p.steps[step].reboot, "{i} is rebooted");
        assert_eq!(p.steps[step].attributes, ["parameter_apply_status"]);
        assert!(
            after(&p, step, group),
            "{i} reboots after the group changes"
        );
    }
}
