//! The Aurora stack of seed 003 planned without a network against itself as applied: what a
//! change to the cluster costs, what goes with a replaced cluster and in which order, and the
//! downgrade AWS refuses.

mod offline;

use offline::{after, as_applied, aurora, plan_for, stack, step_of};
use serde_json::json;
use stackctl::model::db_cluster::{
    READER_ADDED, READER_REMOVED, WRITER_FAILED_OVER_AND_REMOVED, WRITER_REMOVED,
    WRITER_REMOVED_ALONE,
};
use stackctl::model::{Address, Impact, Kind, NetworkIds, desired};
use stackctl::plan::{Action, Change, Observed, Plan, PlanError, plan};
use stackctl::render::plan::render;
use stackctl::render::style::Style;
use stackctl::render::{drift, plan_markdown};
use stackctl::spec::stack::ApplyChanges;

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

/// What AWS reports of the applied stack: the spec's first instance the writer, the others
/// readers (`IsClusterWriter` false), or `writer` the writer instead.
fn with_writer(mut observed: Observed, writer: &str) -> Observed {
    for o in observed.resources.values_mut() {
        if o.resource.address.kind == Kind::DbClusterInstance {
            let is = o.resource.address.name == writer;
            o.resource = o.resource.clone().set("writer", is);
        }
    }
    observed
}

fn change<'a>(p: &'a Plan, address: &str) -> &'a Change {
    p.changes
        .iter()
        .find(|c| c.address.to_string() == address)
        .unwrap_or_else(|| panic!("no change of {address}: {:#?}", p.changes))
}

#[test]
fn adding_a_reader_says_aws_documents_no_interruption_of_the_writer() {
    let s = stack(STACK);
    let applied = with_writer(as_applied(&s, &net()), "orders-aurora-1");
    assert!(plan_for(&s, &net(), &applied).changes.is_empty());
    let mut more = s.clone();
    let mut third = more.database.cluster_instances()[1].clone();
    third.identifier = "orders-aurora-3".into();
    aurora(&mut more).instances.push(third);
    let p = plan_for(&more, &net(), &applied);
    assert_eq!(p.changes.len(), 1, "{:#?}", p.changes);
    let c = change(&p, "db_cluster_instance.orders-aurora-3");
    assert_eq!(c.action, Action::Create);
    assert_eq!(c.note.as_deref(), Some(READER_ADDED.said().as_str()));
    assert!(
        READER_ADDED
            .words
            .contains("AWS documents no interruption of the writer")
    );
    // With the AWS pages it rests on, which docs/impacts.md quotes.
    assert!(
        READER_ADDED
            .said()
            .ends_with("[AWS: aurora-replicas-adding, Aurora.Replication]")
    );
    let text = render(&p, &Style::plain());
    assert!(text.contains(&READER_ADDED.said()), "{text}");
    // A new cluster's instances are the cluster's creation, not readers added to it.
    let fresh = plan_for(&s, &net(), &Observed::default());
    let first = change(&fresh, "db_cluster_instance.orders-aurora-2");
    assert_eq!(first.action, Action::Create);
    assert_eq!(first.note, None);
}

#[test]
fn removing_a_reader_says_its_connections_end_and_the_reader_endpoint_routes_to_the_rest() {
    let s = stack(STACK);
    let applied = with_writer(as_applied(&s, &net()), "orders-aurora-1");
    let mut fewer = s.clone();
    aurora(&mut fewer).instances.truncate(1);
    fewer.alarms.retain(|a| a.resource != "orders-aurora-2");
    let p = plan_for(&fewer, &net(), &applied);
    assert_eq!(p.changes.len(), 2, "{:#?}", p.changes);
    let c = change(&p, "db_cluster_instance.orders-aurora-2");
    assert_eq!(c.action, Action::Delete);
    assert_eq!(c.note.as_deref(), Some(READER_REMOVED.said().as_str()));
    assert!(READER_REMOVED.words.contains("the connections to it end"));
    let text = render(&p, &Style::plain());
    assert!(text.contains(&READER_REMOVED.said()), "{text}");
    assert!(drift::text(&p).contains(&READER_REMOVED.said()));
    assert!(plan_markdown::markdown(&p).contains(&READER_REMOVED.said()));
}

#[test]
fn removing_the_writer_says_aws_fails_over_to_a_reader_with_no_length_invented() {
    let s = stack(STACK);
    let applied = with_writer(as_applied(&s, &net()), "orders-aurora-1");
    // The writer leaves the spec; the reader stays, now listed first. With changes held for
    // the window, stackctl makes no failover: AWS's, when the writer is deleted, is the one.
    let mut without_writer = s.clone();
    aurora(&mut without_writer).instances.remove(0);
    without_writer
        .alarms
        .retain(|a| a.resource != "orders-aurora-1");
    without_writer.database.apply_changes = ApplyChanges::InMaintenanceWindow;
    let p = plan_for(&without_writer, &net(), &applied);
    let c = change(&p, "db_cluster_instance.orders-aurora-1");
    assert_eq!(c.action, Action::Delete);
    assert_eq!(c.note.as_deref(), Some(WRITER_REMOVED.said().as_str()));
    for said in [
        "AWS fail over to a reader",
        "the connections to the old writer are cut",
        "AWS does not document how long",
    ] {
        assert!(WRITER_REMOVED.words.contains(said), "{said}");
    }
    assert!(
        WRITER_REMOVED
            .said()
            .ends_with("[AWS: USER_DeleteInstance, FailoverDBCluster]")
    );
    assert!(
        !WRITER_REMOVED.words.chars().any(|ch| ch.is_ascii_digit()),
        "no length of our own"
    );
    // The reader becomes the writer by AWS's failover: stackctl does nothing for it.
    let r = change(&p, "db_cluster_instance.orders-aurora-2");
    assert!(r.outstanding(), "{r:#?}");
    assert!(
        r.attributes[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("this plan deletes")),
        "{r:#?}"
    );
    assert!(!p.steps.iter().any(|st| st.address == r.address));
    // Applied immediately, the plan fails over to the spec's first itself, before the delete,
    // which then removes a reader.
    without_writer.database.apply_changes = ApplyChanges::Immediately;
    let p = plan_for(&without_writer, &net(), &applied);
    let r = change(&p, "db_cluster_instance.orders-aurora-2");
    assert!(!r.outstanding(), "{r:#?}");
    let failover = step_of(&p, "db_cluster_instance.orders-aurora-2", "update");
    assert_eq!(p.steps[failover].attributes, ["writer"]);
    let delete = step_of(&p, "db_cluster_instance.orders-aurora-1", "delete");
    assert!(after(&p, delete, failover), "the failover runs first");
    assert_eq!(
        change(&p, "db_cluster_instance.orders-aurora-1")
            .note
            .as_deref(),
        Some(WRITER_FAILED_OVER_AND_REMOVED.said().as_str())
    );
    // Replaced with a new writer listed first. Applied immediately: the new instance is
    // created (a reader), failed over to, and the old writer, a reader by then, deleted.
    let mut new_writer = s.clone();
    aurora(&mut new_writer).instances[0].identifier = "orders-aurora-0".into();
    let p = plan_for(&new_writer, &net(), &applied);
    let old = change(&p, "db_cluster_instance.orders-aurora-1");
    assert_eq!(
        old.note.as_deref(),
        Some(WRITER_FAILED_OVER_AND_REMOVED.said().as_str())
    );
    let new = change(&p, "db_cluster_instance.orders-aurora-0");
    let note = new.note.as_deref().expect("note");
    assert!(
        note.starts_with(&format!(
            "{}; then a failover to orders-aurora-0 (FailoverDBCluster): AWS has orders-aurora-1 as the writer",
            READER_ADDED.said()
        )),
        "{note}"
    );
    let create = step_of(&p, "db_cluster_instance.orders-aurora-0", "create");
    let failover = step_of(&p, "db_cluster_instance.orders-aurora-0", "update");
    assert_eq!(p.steps[failover].attributes, ["writer"]);
    let delete = step_of(&p, "db_cluster_instance.orders-aurora-1", "delete");
    assert!(after(&p, failover, create) && after(&p, delete, failover));
    // Held for the window: created, and the old writer's delete is AWS's failover, to a reader
    // the next plan names.
    new_writer.database.apply_changes = ApplyChanges::InMaintenanceWindow;
    let p = plan_for(&new_writer, &net(), &applied);
    let old = change(&p, "db_cluster_instance.orders-aurora-1");
    assert_eq!(old.note.as_deref(), Some(WRITER_REMOVED.said().as_str()));
    assert!(
        !p.steps
            .iter()
            .any(|st| st.address.name == "orders-aurora-0" && st.attributes == ["writer"])
    );
    assert!(after(
        &p,
        step_of(&p, "db_cluster_instance.orders-aurora-1", "delete"),
        step_of(&p, "db_cluster_instance.orders-aurora-0", "create"),
    ));
    // No instance left to fail over to: the writer's connections end with it.
    let mut alone = applied.clone();
    alone.resources.retain(|a, _| a.name != "orders-aurora-2");
    let mut none = without_writer.clone();
    aurora(&mut none).instances.clear();
    none.alarms
        .retain(|a| !a.resource.starts_with("orders-aurora-"));
    let p = plan_for(&none, &net(), &alone);
    assert_eq!(
        change(&p, "db_cluster_instance.orders-aurora-1")
            .note
            .as_deref(),
        Some(WRITER_REMOVED_ALONE.said().as_str())
    );
    // A cluster replaced takes its instances at its own cost: no failover is said.
    let mut renamed_db = s.clone();
    renamed_db.database.database_name = Some("orders2".into());
    let p = plan_for(&renamed_db, &net(), &applied);
    assert_eq!(change(&p, "db_cluster_instance.orders-aurora-1").note, None);
}

#[test]
fn a_writer_other_than_the_specs_first_is_named_and_failed_over_to_or_outstanding_in_the_window() {
    let s = stack(STACK);
    // AWS failed over: orders-aurora-2 is the writer.
    let failed_over = with_writer(as_applied(&s, &net()), "orders-aurora-2");
    // Applied immediately (the stack's default): a failover back, a step with its cost.
    let p = plan_for(&s, &net(), &failed_over);
    assert_eq!(p.changes.len(), 1, "{:#?}", p.changes);
    let c = change(&p, "db_cluster_instance.orders-aurora-1");
    assert!(!c.outstanding(), "{c:#?}");
    assert_eq!(c.impact, Impact::BriefOutage);
    let a = &c.attributes[0];
    assert_eq!(
        (a.name.as_str(), &a.old, &a.new),
        ("writer", &json!(false), &json!(true))
    );
    let note = a.note.as_deref().expect("note");
    for said in [
        "a failover to orders-aurora-1 (FailoverDBCluster)",
        "AWS has orders-aurora-2 as the writer of orders-aurora",
        "the connections to the writer are cut",
        "AWS does not document how long",
        "list it first",
    ] {
        assert!(note.contains(said), "{said}: {note}");
    }
    let failover = step_of(&p, "db_cluster_instance.orders-aurora-1", "update");
    assert_eq!(p.steps[failover].attributes, ["writer"]);
    // Its undo moves the writer off it again, as AWS had it.
    let undo = p.steps[failover].undo.as_ref().expect("undo");
    assert_eq!(
        undo.restores.as_ref().map(|r| r.get("writer").clone()),
        Some(json!(false))
    );
    let text = render(&p, &Style::plain());
    assert!(text.contains(note), "{text}");
    assert!(
        text.contains("Downtime: db_cluster_instance.orders-aurora-1 is interrupted once; AWS documents no length."),
        "{text}"
    );
    assert!(drift::text(&p).contains("AWS has orders-aurora-2 as the writer"));

    // Held for the window: outstanding, named, never "No changes", no step.
    let mut held = s.clone();
    held.database.apply_changes = ApplyChanges::InMaintenanceWindow;
    let p = plan_for(&held, &net(), &failed_over);
    assert_eq!(p.changes.len(), 1, "{:#?}", p.changes);
    let c = change(&p, "db_cluster_instance.orders-aurora-1");
    assert!(c.outstanding(), "{c:#?}");
    let note = c.attributes[0].note.as_deref().expect("note");
    for said in [
        "AWS has orders-aurora-2 as the writer of orders-aurora",
        "the spec lists orders-aurora-1 first",
        "stackctl does not fail over",
    ] {
        assert!(note.contains(said), "{said}: {note}");
    }
    assert!(p.steps.is_empty(), "{:#?}", p.steps);
    assert!(!p.is_empty());
    let text = render(&p, &Style::plain());
    assert!(!text.contains("No changes"), "{text}");
    assert!(text.contains(note), "{text}");
    let drift = drift::text(&p);
    assert!(drift.contains(note), "{drift}");
    assert_eq!(
        drift::json(&p)["changes"][0]["attributes"][0]["note"],
        json!(note)
    );
    // Listing AWS's writer first accepts it, either way.
    for mut accepted in [s.clone(), held] {
        aurora(&mut accepted).instances.swap(0, 1);
        assert!(plan_for(&accepted, &net(), &failed_over).changes.is_empty());
    }
}

/// The failover the plan makes right after a new writer's create interrupts the writer's
/// connections as a failover back does: both are counted in the plan's Downtime line, with
/// Aurora's words for the length AWS does not give (not ElastiCache's, nor RDS's 60–120 s).
#[test]
fn the_failover_after_a_new_writer_s_create_is_counted_as_downtime_in_aurora_s_words() {
    use stackctl::model::durations::typical;
    use stackctl::render::view::{When, downtime};
    let s = stack(STACK);
    let applied = as_applied(&s, &net());
    let mut new_writer = s.clone();
    aurora(&mut new_writer).instances[0].identifier = "orders-aurora-0".into();
    let p = plan_for(&new_writer, &net(), &applied);
    let interrupted: Vec<String> = downtime(&p)
        .iter()
        .filter(|(_, when, n, _)| *when == When::Now && *n == 1)
        .map(|(a, ..)| a.to_string())
        .collect();
    assert_eq!(
        interrupted,
        ["db_cluster_instance.orders-aurora-0"],
        "{p:#?}"
    );
    for kind in [Kind::DbCluster, Kind::DbClusterInstance] {
        let t = typical(kind, Impact::BriefOutage).expect("an interruption");
        let said = format!("{:?}", t.source());
        assert!(said.contains("Aurora"), "{kind}: {said}");
    }
}
