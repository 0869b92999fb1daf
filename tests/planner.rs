//! The planner without a network: specs from stacks/ and fixtures/, observed states from
//! fixtures/observed/ (snapshots read from the emulator after an apply), renderings
//! snapshot-tested.

mod offline;

use offline::{after, as_applied, plan_for, rds, root, set_class, snapshot, stack, step_of};

use serde_json::{Value, json};
use stackctl::model::{Address, Impact, Kind, NetworkIds, desired};
use stackctl::plan::{Action, Observed, ObservedResource, Plan, plan};
use stackctl::render::{drift, plan as render_plan, plan_markdown, style::Style};
use stackctl::spec::{
    self, StackSpec as Stack,
    stack::{ApplyChanges, ProxyEndpoint, Storage, TargetRole},
};

/// The spec's storage, to change in a test (an RDS spec always has it).
fn storage(s: &mut Stack) -> &mut Storage {
    &mut rds(s).storage
}

fn set(o: &mut Observed, kind: Kind, name: &str, key: &str, value: Value) {
    let r = o
        .resources
        .get_mut(&Address::new(kind, name))
        .unwrap_or_else(|| panic!("no {kind}.{name}"));
    r.resource.attrs.insert(key.to_owned(), value);
}

#[test]
fn the_staging_snapshot_read_after_apply_plans_nothing() {
    let s = stack("stacks/staging.yaml");
    let (net, observed) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(&s, &net, &observed);
    assert!(p.is_empty(), "{}", render_plan::render(&p, &Style::plain()));
}

#[test]
fn every_valid_spec_plans_nothing_against_its_own_applied_state() {
    let net = NetworkIds {
        vpc_id: "vpc-0a1b2c3d".into(),
        subnet_ids: vec!["subnet-0a1b2c3d".into(), "subnet-1a1b2c3d".into()],
    };
    let mut files: Vec<String> = Vec::new();
    for dir in ["stacks", "fixtures/valid"] {
        for e in std::fs::read_dir(root().join(dir)).expect("dir") {
            let p = e.expect("entry").path();
            files.push(format!(
                "{dir}/{}",
                p.file_name().expect("name").to_string_lossy()
            ));
        }
    }
    assert!(files.len() >= 10);
    for f in files {
        let s = stack(&f);
        let p = plan_for(&s, &net, &as_applied(&s, &net));
        assert!(
            p.is_empty(),
            "{f}:\n{}",
            render_plan::render(&p, &Style::plain())
        );
        let empty = plan_for(&s, &net, &Observed::default());
        assert!(
            empty.changes.iter().all(|c| c.action == Action::Create),
            "{f}"
        );
        assert_eq!(empty.changes.len(), desired(&s, &net).len(), "{f}");
    }
}

#[test]
fn what_aws_does_by_itself_is_not_a_change() {
    let s = stack("stacks/staging.yaml");
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    let db = "shop-staging-db";
    // A newer minor version (auto minor version upgrade is on).
    set(
        &mut observed,
        Kind::DbInstance,
        db,
        "engine_version",
        json!("16.6"),
    );
    // Storage grown by autoscaling, within the maximum.
    set(
        &mut observed,
        Kind::DbInstance,
        db,
        "allocated_gib",
        json!(120),
    );
    // Windows in another case.
    set(
        &mut observed,
        Kind::DbInstance,
        db,
        "maintenance_window",
        json!("Sun:04:30-Sun:05:30"),
    );
    // A change already waiting for the maintenance window is not asked for twice.
    set(
        &mut observed,
        Kind::DbInstance,
        db,
        "backup_retention_days",
        json!(1),
    );
    observed
        .resources
        .get_mut(&Address::new(Kind::DbInstance, db))
        .expect("db")
        .pending
        .insert("backup_retention_days".into(), json!(3));
    // The replica landed in a zone of AWS's choosing (the spec names none).
    set(
        &mut observed,
        Kind::DbReplica,
        "shop-staging-db-replica-1",
        "availability_zone",
        json!("us-east-1c"),
    );
    let p = plan_for(&s, &net, &observed);
    assert!(p.is_empty(), "{}", render_plan::render(&p, &Style::plain()));
}

#[test]
fn storage_cannot_shrink_and_the_plan_says_so() {
    let s = stack("stacks/staging.yaml");
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    set(
        &mut observed,
        Kind::DbInstance,
        "shop-staging-db",
        "allocated_gib",
        json!(300),
    );
    let err = plan(&s.name, &s.region, &desired(&s, &net), &observed).expect_err("shrinking");
    assert!(err.to_string().contains("never shrink"), "{err}");
}

#[test]
fn a_resource_of_the_same_name_not_owned_by_the_stack_is_refused() {
    let s = stack("stacks/staging.yaml");
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    observed
        .resources
        .get_mut(&Address::new(Kind::ReplicationGroup, "shop-staging-redis"))
        .expect("rg")
        .owned = false;
    let err = plan(&s.name, &s.region, &desired(&s, &net), &observed).expect_err("not owned");
    assert!(
        err.to_string()
            .contains("not owned by stack `shop-staging`"),
        "{err}"
    );
}

/// One change of each impact class, from the applied snapshot, rendered for people and as JSON.
#[test]
fn changes_of_every_impact_class_render_with_their_cost() {
    let mut s = stack("stacks/staging.yaml");
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    // online: an alarm threshold, the pool.
    s.alarms[0].threshold = 90.0;
    s.proxy
        .as_mut()
        .expect("proxy")
        .pool
        .max_connections_percent = 80;
    // brief outage: the primary's class (single-AZ).
    set_class(&mut s, "db.t4g.large");
    // needs a reboot: the instance moves to another parameter group.
    set(
        &mut observed,
        Kind::DbInstance,
        "shop-staging-db",
        "parameter_group",
        json!("default.postgres16"),
    );
    // replacement: the replica's zone; with data loss: Redis encryption at rest.
    rds(&mut s).replicas[0].availability_zone = Some("us-east-1b".into());
    set(
        &mut observed,
        Kind::DbReplica,
        "shop-staging-db-replica-1",
        "availability_zone",
        json!("us-east-1a"),
    );
    set(
        &mut observed,
        Kind::ReplicationGroup,
        "shop-staging-redis",
        "at_rest_encryption",
        json!(false),
    );
    // delete: an owned replica that left the spec; drift: a live value changed by hand.
    let mut extra = observed
        .resources
        .get(&Address::new(Kind::DbReplica, "shop-staging-db-replica-1"))
        .expect("replica")
        .clone();
    extra.resource.address.name = "shop-staging-db-replica-9".into();
    observed.insert(extra);
    set(
        &mut observed,
        Kind::ReplicationGroup,
        "shop-staging-redis",
        "snapshot_retention_days",
        json!(0),
    );

    let p = plan_for(&s, &net, &observed);
    let human = render_plan::render(&p, &Style::plain());
    insta::assert_snapshot!("impact_classes_human", human);
    let mut json_plan = serde_json::to_value(&p).expect("json");
    json_plan["observed_fingerprint"] = json!("[fingerprint]");
    json_plan["stackctl_version"] = json!("[version]");
    insta::assert_json_snapshot!("impact_classes_json", json_plan["changes"]);
    insta::assert_snapshot!("impact_classes_drift_markdown", drift::markdown(&p));
    insta::assert_snapshot!("impact_classes_plan_markdown", plan_markdown::markdown(&p));

    let step_of = |addr: &str| {
        p.steps
            .iter()
            .filter(|st| st.address.to_string() == addr)
            .map(|st| st.op)
            .collect::<Vec<_>>()
    };
    use stackctl::plan::StepOp::*;
    assert_eq!(
        step_of("db_replica.shop-staging-db-replica-1"),
        vec![Delete, Create]
    );
    assert_eq!(
        step_of("db_replica.shop-staging-db-replica-9"),
        vec![Delete]
    );
    // Deletions of what left the spec run after every other step.
    let last_delete = p
        .steps
        .iter()
        .find(|st| st.address.name == "shop-staging-db-replica-9")
        .expect("delete");
    let forward = p.steps.iter().filter(|st| st.op != Delete).count();
    assert!(last_delete.depends_on.len() >= forward);
    assert!(
        p.steps.iter().any(|st| st.reboot),
        "the parameter group change reboots"
    );
    // Secrets never reach a plan: password and token attributes only say where they come from.
    for r in &p.desired {
        for (k, v) in &r.attrs {
            if k.contains("password") || k.contains("token") {
                assert!(
                    matches!(v.as_str(), Some("rds_managed" | "generated" | "none")),
                    "{} {k} = {v}",
                    r.address
                );
            }
        }
    }
}

#[test]
fn a_plan_round_trips_through_its_json_format() {
    let s = stack("stacks/production.yaml");
    let net = NetworkIds {
        vpc_id: "vpc-0a1b2c3d".into(),
        subnet_ids: vec!["subnet-0a1b2c3d".into(), "subnet-1a1b2c3d".into()],
    };
    let p = plan_for(&s, &net, &Observed::default());
    let text = serde_json::to_string(&p).expect("serialize");
    let back: Plan = serde_json::from_str(&text).expect("deserialize");
    assert_eq!(back, p);
    assert_eq!(back.format_version, 4);
    assert!(
        p.depth() >= 4,
        "network, primary, replicas and proxy, target: depth {}",
        p.depth()
    );
}

/// Every desired resource of the production stack, in turn, meets a resource of its name that
/// the stack does not own, observed as each kind sharing its identifier space (a DB instance
/// named like a replica, a replica named like the primary): the plan refuses, never "create".
#[test]
fn a_foreign_resource_in_any_identifier_space_stops_the_plan_whatever_kind_it_is_observed_as() {
    let s = stack("stacks/production.yaml");
    let net = NetworkIds {
        vpc_id: "vpc-0a1b2c3d".into(),
        subnet_ids: vec!["subnet-0a1b2c3d".into()],
    };
    let wanted = desired(&s, &net);
    let mut cases = 0;
    for d in &wanted {
        for kind in Kind::ALL {
            if !stackctl::plan::observed::same_identifiers(kind, d.address.kind) {
                continue;
            }
            let mut observed = Observed::default();
            let mut foreign = d.clone();
            foreign.address = Address::new(kind, &d.address.name);
            observed.insert(ObservedResource {
                resource: foreign,
                owned: false,
                status: "available".into(),
                pending: Default::default(),
                facts: Default::default(),
                ids: Default::default(),
            });
            let err = plan(&s.name, &s.region, &wanted, &observed)
                .expect_err(&format!("{} observed as {kind}", d.address));
            assert!(
                err.to_string().contains("not owned by stack `shop-prod`"),
                "{err}"
            );
            cases += 1;
        }
    }
    assert!(
        cases > wanted.len(),
        "DB instances are checked as both kinds"
    );
}

/// Deleting a source made AWS promote its replica: the stack owns a standalone instance where
/// the spec wants a replica. The plan replaces it (with data loss: what it wrote since) and
/// deletes it before it creates the replica of that identifier.
#[test]
fn a_promoted_replica_is_deleted_before_the_replica_of_its_name_is_created() {
    let s = stack("stacks/staging.yaml");
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    let replica = s.database.replicas()[0].identifier.clone();
    let mut promoted = observed
        .resources
        .remove(&Address::new(Kind::DbReplica, &replica))
        .expect("replica in the snapshot");
    promoted.resource.address = Address::new(Kind::DbInstance, &replica);
    promoted.resource.attrs.remove("source");
    observed.insert(promoted);
    let p = plan_for(&s, &net, &observed);
    let c = p
        .changes
        .iter()
        .find(|c| c.address == Address::new(Kind::DbReplica, &replica))
        .expect("a change for the replica");
    assert_eq!(c.action, Action::Replace);
    assert_eq!(c.replaces, Some(Address::new(Kind::DbInstance, &replica)));
    assert!(
        !p.changes.iter().any(|c| c.action == Action::Delete),
        "the promoted instance is deleted once, by the replacement: {:#?}",
        p.changes
    );
    let delete = step_of(&p, &format!("db_instance.{replica}"), "delete");
    let create = step_of(&p, &format!("db_replica.{replica}"), "create");
    assert!(after(&p, create, delete), "{:#?}", p.steps);
    let mut applied = as_applied(&s, &net);
    applied.resources.retain(|_, o| o.owned);
    assert!(plan_for(&s, &net, &applied).is_empty());
}

/// Replacing a primary: AWS would promote its replicas when it is deleted and its proxy
/// target would lose its instance. The plan replaces them with it: their deletes run before
/// the primary's delete, their creates after the primary's create.
#[test]
fn replacing_a_primary_replaces_its_replicas_and_proxy_target_deleting_them_first() {
    let mut s = stack("stacks/staging.yaml");
    let (net, observed) = snapshot("fixtures/observed/staging-applied.json");
    let e = &mut s.database.encryption;
    e.encrypted = !e.encrypted;
    let p = plan_for(&s, &net, &observed);
    let primary = s.database.identifier.clone();
    let del_primary = step_of(&p, &format!("db_instance.{primary}"), "delete");
    let new_primary = step_of(&p, &format!("db_instance.{primary}"), "create");
    let proxy = s.proxy.as_ref().expect("proxy").name.clone();
    let mut dependents: Vec<String> = s
        .database
        .replicas()
        .iter()
        .map(|r| format!("db_replica.{}", r.identifier))
        .collect();
    dependents.push(format!("proxy_target.{proxy}/{primary}"));
    for d in &dependents {
        let c = p
            .changes
            .iter()
            .find(|c| c.address.to_string() == *d)
            .unwrap_or_else(|| panic!("{d} is not in the plan"));
        assert_eq!(c.action, Action::Replace, "{d}");
        let del = step_of(&p, d, "delete");
        let create = step_of(&p, d, "create");
        assert!(
            after(&p, del_primary, del),
            "{d} deleted before the primary"
        );
        assert!(
            after(&p, create, new_primary),
            "{d} created after the primary"
        );
    }
}

/// Deleting a deletion-protected instance: the plan switches the protection off by a step of
/// its own, right before the delete, and the change shows it to the reviewer.
#[test]
fn a_protected_delete_switches_protection_off_by_its_own_step_first() {
    let s = stack("stacks/production.yaml");
    let net = NetworkIds {
        vpc_id: "vpc-0a1b2c3d".into(),
        subnet_ids: vec!["subnet-0a1b2c3d".into()],
    };
    let observed = as_applied(&s, &net);
    let p = plan(&s.name, &s.region, &[], &observed).expect("destroy plan");
    let primary = format!("db_instance.{}", s.database.identifier);
    let delete = step_of(&p, &primary, "delete");
    let off = step_of(&p, &primary, "update");
    assert_eq!(p.steps[delete].depends_on, vec![off]);
    let made = p.steps[off].resource.as_ref().expect("the step's resource");
    assert_eq!(made.get("deletion_protection"), &json!(false));
    assert_eq!(p.steps[off].attributes, vec!["deletion_protection"]);
    let c = p
        .changes
        .iter()
        .find(|c| c.address.to_string() == primary)
        .expect("change");
    assert!(
        c.attributes
            .iter()
            .any(|a| a.name == "deletion_protection" && a.new == json!(false)),
        "{c:#?}"
    );
    let text = render_plan::render(&p, &Style::plain());
    assert!(text.contains("deletion_protection"), "{text}");
}

/// The engine version a change of `p` asks for on `kind`, if any: (old, new).
fn version_change(p: &Plan, kind: Kind) -> Option<(Value, Value)> {
    p.changes
        .iter()
        .filter(|c| c.address.kind == kind)
        .flat_map(|c| c.attributes.iter())
        .find(|a| a.name == "engine_version")
        .map(|a| (a.old.clone(), a.new.clone()))
}

#[test]
fn a_version_reported_in_full_by_aws_is_not_a_perpetual_diff() {
    // ElastiCache answers `7.1.0` for a requested `7.1`, as AWS does (the emulator answers `7.1`).
    let s = stack("stacks/staging.yaml");
    let (net, observed) = snapshot("fixtures/observed/staging-applied-full-versions.json");
    let p = plan_for(&s, &net, &observed);
    assert!(p.is_empty(), "{}", render_plan::render(&p, &Style::plain()));

    // Any patch level satisfies a requested version, for RDS too, with or without automatic
    // minor upgrades: `16` is satisfied by `16.4` and `16.6`, `7` by `7.1.0`.
    let text = std::fs::read_to_string(root().join("stacks/staging.yaml")).expect("spec");
    for auto in ["true", "false"] {
        let edited = text
            .replace("engine_version: \"16.4\"", "engine_version: \"16\"")
            .replace("engine_version: \"7.1\"", "engine_version: \"7\"")
            .replace(
                "  instance_class:",
                &format!("  auto_minor_version_upgrade: {auto}\n  instance_class:"),
            );
        let loaded = spec::load_str("staging-major.yaml", &edited);
        let rendered = loaded.render();
        let s = loaded.stack.unwrap_or_else(|| panic!("{rendered}"));
        for running in ["16.4", "16.6"] {
            let (net, mut observed) =
                snapshot("fixtures/observed/staging-applied-full-versions.json");
            set(
                &mut observed,
                Kind::DbInstance,
                "shop-staging-db",
                "auto_minor_version_upgrade",
                json!(auto == "true"),
            );
            set(
                &mut observed,
                Kind::DbReplica,
                "shop-staging-db-replica-1",
                "auto_minor_version_upgrade",
                json!(auto == "true"),
            );
            set(
                &mut observed,
                Kind::DbInstance,
                "shop-staging-db",
                "engine_version",
                json!(running),
            );
            let p = plan_for(&s, &net, &observed);
            assert!(
                p.is_empty(),
                "16 vs {running}, auto {auto}: {}",
                render_plan::render(&p, &Style::plain())
            );
        }
    }

    // What is not a patch level of the request is still a change.
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied-full-versions.json");
    set(
        &mut observed,
        Kind::ReplicationGroup,
        "shop-staging-redis",
        "engine_version",
        json!("7.0.7"),
    );
    set(
        &mut observed,
        Kind::DbInstance,
        "shop-staging-db",
        "engine_version",
        json!("16.3"),
    );
    let p = plan_for(&s, &net, &observed);
    assert_eq!(
        version_change(&p, Kind::ReplicationGroup),
        Some((json!("7.0.7"), json!("7.1")))
    );
    assert_eq!(
        version_change(&p, Kind::DbInstance),
        Some((json!("16.3"), json!("16.4")))
    );
    // `7.10.0` is not a patch level of `7.1`.
    set(
        &mut observed,
        Kind::ReplicationGroup,
        "shop-staging-redis",
        "engine_version",
        json!("7.10.0"),
    );
    let p = plan_for(&s, &net, &observed);
    assert_eq!(
        version_change(&p, Kind::ReplicationGroup),
        Some((json!("7.10.0"), json!("7.1")))
    );
}

/// Replacing a proxy under its own name (its subnets are fixed at creation): AWS deletes its
/// endpoints, targets and target group with it. The plan replaces them with it: their deletes
/// run before the proxy's delete, their creates after its create, and the target group's
/// settings are set again on the new proxy's default group.
#[test]
fn replacing_a_proxy_replaces_what_aws_deletes_with_it_deleting_those_first() {
    let mut s = stack("stacks/staging.yaml");
    let net = NetworkIds {
        vpc_id: "vpc-0a1b2c3d".into(),
        subnet_ids: vec!["subnet-0a1b2c3d".into(), "subnet-1a1b2c3d".into()],
    };
    let proxy = s.proxy.as_ref().expect("proxy").name.clone();
    let endpoint = format!("{proxy}-rw");
    s.proxy
        .as_mut()
        .expect("proxy")
        .endpoints
        .push(ProxyEndpoint {
            name: endpoint.clone(),
            target_role: TargetRole::ReadWrite,
            security_groups: None,
        });
    let mut observed = as_applied(&s, &net);
    set(
        &mut observed,
        Kind::Proxy,
        &proxy,
        "subnet_ids",
        json!(["subnet-0a1b2c3d"]),
    );
    let p = plan_for(&s, &net, &observed);
    let del_proxy = step_of(&p, &format!("proxy.{proxy}"), "delete");
    let new_proxy = step_of(&p, &format!("proxy.{proxy}"), "create");
    let primary = &s.database.identifier;
    for (part, shown) in [
        (format!("proxy_endpoint.{endpoint}"), "proxy"),
        (format!("proxy_target.{proxy}/{primary}"), "db_instance"),
        (format!("proxy_target_group.{proxy}"), "init_query"),
    ] {
        let c = p
            .changes
            .iter()
            .find(|c| c.address.to_string() == part)
            .unwrap_or_else(|| panic!("{part} is not in the plan: {:#?}", p.changes));
        assert_eq!(c.action, Action::Replace, "{part}");
        assert!(
            c.attributes.iter().any(|a| a.name == shown),
            "{part} does not say it is made again: {c:#?}"
        );
        let del = step_of(&p, &part, "delete");
        let create = step_of(&p, &part, "create");
        assert!(after(&p, del_proxy, del), "{part} deleted before the proxy");
        assert!(
            after(&p, create, new_proxy),
            "{part} created after the proxy"
        );
    }
}

/// A DB parameter change, by apply type and `apply_changes`: what the group's change costs,
/// which instances get a reboot, and whether apply performs it or leaves it outstanding.
#[test]
fn static_parameters_cost_a_reboot_of_each_instance_using_the_group() {
    use stackctl::plan::StepOp;
    use stackctl::spec::stack::{ApplyChanges, ParamValue, ParameterGroup};
    let (db, replica) = ("shop-staging-db", "shop-staging-db-replica-1");
    let group = "shop-staging-db-postgres16";
    // (apply type AWS gives, apply_changes, a reboot is planned, left outstanding)
    let cases = [
        (Some("dynamic"), ApplyChanges::Immediately, false, false),
        (Some("static"), ApplyChanges::Immediately, true, false),
        (None, ApplyChanges::Immediately, true, false),
        (
            Some("static"),
            ApplyChanges::InMaintenanceWindow,
            true,
            true,
        ),
    ];
    for (apply_type, apply_changes, reboots, outstanding) in cases {
        let case = format!("{apply_type:?} {apply_changes:?}");
        let mut s = stack("stacks/staging.yaml");
        let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
        if apply_changes == ApplyChanges::InMaintenanceWindow {
            s.database.apply_changes = apply_changes;
            for id in [db, replica] {
                let kind = if id == db {
                    Kind::DbInstance
                } else {
                    Kind::DbReplica
                };
                set(
                    &mut observed,
                    kind,
                    id,
                    "apply_changes",
                    json!("in_maintenance_window"),
                );
            }
        }
        let pg = match rds(&mut s).parameter_group.as_mut() {
            Some(ParameterGroup::Owned(g)) => g,
            _ => panic!("a parameter group of the stack's"),
        };
        pg.parameters
            .insert("shared_buffers".into(), ParamValue("32768".into()));
        let o = observed
            .resources
            .get_mut(&Address::new(Kind::DbParameterGroup, group))
            .expect("group");
        if let Some(t) = apply_type {
            o.facts
                .insert("apply_types".into(), json!({"shared_buffers": t}));
        }
        let p = plan_for(&s, &net, &observed);
        let shown = render_plan::render(&p, &Style::plain());
        let change = |kind: Kind, name: &str| {
            p.changes
                .iter()
                .find(|c| c.address == Address::new(kind, name))
        };
        let group_change = change(Kind::DbParameterGroup, group).expect("the group changes");
        assert_eq!(
            group_change.impact,
            if reboots {
                Impact::Reboot
            } else {
                Impact::Online
            },
            "{case}\n{shown}"
        );
        for (kind, id) in [(Kind::DbInstance, db), (Kind::DbReplica, replica)] {
            let c = change(kind, id);
            assert_eq!(c.is_some(), reboots, "{case}: {id}\n{shown}");
            let Some(c) = c else { continue };
            assert_eq!(c.impact, Impact::Reboot, "{case}: {id}");
            assert_eq!(c.outstanding(), outstanding, "{case}: {id}\n{shown}");
            let step = p.steps.iter().find(|st| st.address == c.address);
            assert_eq!(step.is_some(), !outstanding, "{case}: {id} has a step");
            if let Some(step) = step {
                assert!(step.reboot && step.op == StepOp::Update, "{case}: {id}");
                let group_step = p
                    .steps
                    .iter()
                    .find(|st| st.address.kind == Kind::DbParameterGroup)
                    .expect("the group's step");
                assert!(
                    step.depends_on.contains(&group_step.id),
                    "{case}: {id} reboots after the group changes"
                );
            }
        }
        assert_eq!(
            shown.contains("Outstanding: 2"),
            outstanding,
            "{case}\n{shown}"
        );
    }
}

/// An instance whose parameters wait for a reboot is never "No changes": apply reboots it
/// with `apply_changes: immediately`, and leaves it outstanding, saying so, otherwise.
#[test]
fn an_instance_waiting_for_a_reboot_is_outstanding_work() {
    use stackctl::spec::stack::ApplyChanges;
    for apply_changes in [ApplyChanges::Immediately, ApplyChanges::InMaintenanceWindow] {
        let mut s = stack("stacks/staging.yaml");
        s.database.apply_changes = apply_changes;
        let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
        let db = "shop-staging-db";
        set(
            &mut observed,
            Kind::DbInstance,
            db,
            "parameter_apply_status",
            json!("pending-reboot"),
        );
        let p = plan_for(&s, &net, &observed);
        let shown = render_plan::render(&p, &Style::plain());
        assert!(!p.is_empty(), "{shown}");
        let c = p
            .changes
            .iter()
            .find(|c| c.address == Address::new(Kind::DbInstance, db))
            .expect("the instance");
        let held = apply_changes == ApplyChanges::InMaintenanceWindow;
        assert_eq!(c.outstanding(), held, "{shown}");
        let step = p.steps.iter().find(|st| st.address == c.address);
        assert_eq!(step.map(|st| st.reboot), (!held).then_some(true), "{shown}");
        assert!(shown.contains("parameter_apply_status"), "{shown}");
        let report = drift::text(&p);
        assert_eq!(
            report.contains("apply leaves it undone"),
            held,
            "drift says what apply does:\n{report}"
        );
    }
}

/// What one case of a table below plans.
#[derive(Debug)]
enum Expect {
    /// One attribute of one resource changes, at this cost; its note says this, if given.
    Change {
        address: &'static str,
        attr: &'static str,
        impact: Impact,
        note: Option<&'static str>,
    },
    /// The plan stops; its reason says each of these.
    Refused(&'static [&'static str]),
    /// Nothing changes, and nothing is noted.
    Nothing,
    /// Nothing changes, and the plan notes this difference, in a note that says this.
    Noted {
        address: &'static str,
        attr: &'static str,
        note: &'static str,
    },
    /// This resource is replaced.
    Replaced(&'static str),
}

/// A case: the stack as applied (staging, edited by `applied`), then AWS's state edited by
/// `aws`, then the spec edited by `spec`; the plan must be `expect`.
struct Case {
    name: &'static str,
    applied: fn(&mut Stack),
    aws: fn(&mut Observed),
    spec: fn(&mut Stack),
    expect: Expect,
}

fn same(_: &mut Stack) {}
fn untouched(_: &mut Observed) {}

fn check(cases: &[Case]) {
    let net = NetworkIds {
        vpc_id: "vpc-0a1b2c3d".into(),
        subnet_ids: vec!["subnet-0a1b2c3d".into(), "subnet-1a1b2c3d".into()],
    };
    for case in cases {
        let mut s = stack("stacks/staging.yaml");
        (case.applied)(&mut s);
        let mut observed = as_applied(&s, &net);
        (case.aws)(&mut observed);
        (case.spec)(&mut s);
        let planned = plan(&s.name, &s.region, &desired(&s, &net), &observed);
        match (&case.expect, planned) {
            (
                Expect::Change {
                    address,
                    attr,
                    impact,
                    note,
                },
                Ok(p),
            ) => {
                let shown = render_plan::render(&p, &Style::plain());
                let changed: Vec<_> = p
                    .changes
                    .iter()
                    .flat_map(|c| c.attributes.iter().map(move |a| (c, a)))
                    .collect();
                assert_eq!(changed.len(), 1, "{}: one change:\n{shown}", case.name);
                let (c, a) = changed[0];
                assert_eq!(c.address.to_string(), *address, "{}", case.name);
                assert_eq!(a.name, *attr, "{}:\n{shown}", case.name);
                assert_eq!(a.impact, *impact, "{}:\n{shown}", case.name);
                if let Some(n) = note {
                    let got = a.note.as_deref().unwrap_or_default();
                    assert!(got.contains(n), "{}: note {got:?} lacks {n:?}", case.name);
                }
            }
            (Expect::Refused(words), Err(e)) => {
                for w in *words {
                    assert!(e.to_string().contains(w), "{}: {e}\nlacks {w:?}", case.name);
                }
            }
            (Expect::Nothing, Ok(p)) => assert!(
                p.is_empty() && p.notes.is_empty(),
                "{}:\n{}",
                case.name,
                render_plan::render(&p, &Style::plain())
            ),
            (
                Expect::Noted {
                    address,
                    attr,
                    note,
                },
                Ok(p),
            ) => {
                let shown = render_plan::render(&p, &Style::plain());
                assert!(p.is_empty(), "{}: no change:\n{shown}", case.name);
                assert_eq!(p.notes.len(), 1, "{}:\n{shown}", case.name);
                let n = &p.notes[0];
                assert_eq!(
                    (n.address.to_string().as_str(), n.attribute.as_str()),
                    (*address, *attr),
                    "{}",
                    case.name
                );
                assert!(n.text.contains(note), "{}: {:?}", case.name, n.text);
                // Shown to people, after the "No changes" line, and in the drift report.
                assert!(
                    shown.contains(&format!("{address} {attr}: {}", n.text)),
                    "{}:\n{shown}",
                    case.name
                );
                assert!(drift::text(&p).contains(&n.text), "{}", case.name);
                assert!(drift::markdown(&p).contains(&n.text), "{}", case.name);
            }
            (Expect::Replaced(address), Ok(p)) => assert!(
                p.changes
                    .iter()
                    .any(|c| c.address.to_string() == *address && c.action == Action::Replace),
                "{}:\n{}",
                case.name,
                render_plan::render(&p, &Style::plain())
            ),
            (want, got) => panic!("{}: expected {want:?}, got {got:#?}", case.name),
        }
    }
}

const DB: &str = "db_instance.shop-staging-db";

fn set_db(o: &mut Observed, key: &str, value: Value) {
    set(o, Kind::DbInstance, "shop-staging-db", key, value);
}

/// Backup retention costs what the change does: an outage from or to 0 (held for the window
/// unless applied immediately), online and at once between two non-zero values.
#[test]
fn backup_retention_costs_what_the_change_does() {
    use stackctl::spec::stack::ApplyChanges::InMaintenanceWindow;
    fn no_backups(s: &mut Stack) {
        // RDS refuses retention 0 on a source of read replicas.
        rds(s).replicas.clear();
        s.database.backup.retention_days = 0;
    }
    fn no_replicas(s: &mut Stack) {
        rds(s).replicas.clear();
    }
    check(&[
        Case {
            name: "3 → 5, applied immediately",
            applied: same,
            aws: untouched,
            spec: |s| s.database.backup.retention_days = 5,
            expect: Expect::Change {
                address: DB,
                attr: "backup_retention_days",
                impact: Impact::Online,
                note: None,
            },
        },
        Case {
            name: "3 → 5, in the maintenance window: AWS applies it at once anyway",
            applied: |s| s.database.apply_changes = InMaintenanceWindow,
            aws: untouched,
            spec: |s| s.database.backup.retention_days = 5,
            expect: Expect::Change {
                address: DB,
                attr: "backup_retention_days",
                impact: Impact::Online,
                note: None,
            },
        },
        Case {
            name: "0 → 7, applied immediately",
            applied: no_backups,
            aws: untouched,
            spec: |s| s.database.backup.retention_days = 7,
            expect: Expect::Change {
                address: DB,
                attr: "backup_retention_days",
                impact: Impact::BriefOutage,
                note: None,
            },
        },
        Case {
            name: "0 → 7 on a Multi-AZ instance: an outage all the same",
            applied: |s| {
                no_backups(s);
                rds(s).multi_az = true;
            },
            aws: untouched,
            spec: |s| s.database.backup.retention_days = 7,
            expect: Expect::Change {
                address: DB,
                attr: "backup_retention_days",
                impact: Impact::BriefOutage,
                note: None,
            },
        },
        Case {
            name: "0 → 7, in the maintenance window",
            applied: |s| {
                no_backups(s);
                s.database.apply_changes = InMaintenanceWindow;
            },
            aws: untouched,
            spec: |s| s.database.backup.retention_days = 7,
            expect: Expect::Change {
                address: DB,
                attr: "backup_retention_days",
                impact: Impact::PendingMaintenance,
                note: Some("then: brief outage"),
            },
        },
        Case {
            name: "3 → 0, applied immediately",
            applied: no_replicas,
            aws: untouched,
            spec: |s| s.database.backup.retention_days = 0,
            expect: Expect::Change {
                address: DB,
                attr: "backup_retention_days",
                impact: Impact::BriefOutage,
                note: Some("deletes the instance's automated backups"),
            },
        },
        Case {
            name: "3 → 0, in the maintenance window",
            applied: |s| {
                no_replicas(s);
                s.database.apply_changes = InMaintenanceWindow;
            },
            aws: untouched,
            spec: |s| s.database.backup.retention_days = 0,
            expect: Expect::Change {
                address: DB,
                attr: "backup_retention_days",
                impact: Impact::PendingMaintenance,
                note: Some("then: brief outage"),
            },
        },
        Case {
            name: "set to 1 in AWS by hand, 3 in the spec: put back online",
            applied: same,
            aws: |o| set_db(o, "backup_retention_days", json!(1)),
            spec: same,
            expect: Expect::Change {
                address: DB,
                attr: "backup_retention_days",
                impact: Impact::Online,
                note: None,
            },
        },
    ]);
}

fn set_redis(o: &mut Observed, key: &str, value: Value) {
    set(o, Kind::ReplicationGroup, "shop-staging-redis", key, value);
}

/// Engine versions go up only: a spec that asks for an earlier version than AWS runs is
/// refused with what to do instead, unless AWS moved on by itself (an automatic minor upgrade:
/// the spec is merely behind, nothing changes).
#[test]
fn an_engine_version_below_what_aws_runs_is_refused_unless_aws_upgraded_it_itself() {
    fn no_auto_upgrades(s: &mut Stack) {
        s.database.auto_minor_version_upgrade = false;
    }
    const DB_REFUSAL: &[&str] = &[
        "engine_version cannot change from \"16.6\" to \"16.4\"",
        "never downgrades",
        "`database.engine_version` to \"16.6\"",
        "new `database.identifier`",
    ];
    check(&[
        Case {
            name: "RDS 16.6 by hand, automatic minor upgrades off, spec 16.4",
            applied: no_auto_upgrades,
            aws: |o| set_db(o, "engine_version", json!("16.6")),
            spec: same,
            expect: Expect::Refused(DB_REFUSAL),
        },
        Case {
            name: "RDS 16.6 by hand, spec lowered to 16.4 as automatic minor upgrades go off",
            applied: same,
            aws: |o| set_db(o, "engine_version", json!("16.6")),
            spec: no_auto_upgrades,
            expect: Expect::Refused(DB_REFUSAL),
        },
        Case {
            name: "RDS 17.1, spec 16.4: a major version down",
            applied: same,
            aws: |o| set_db(o, "engine_version", json!("17.1")),
            spec: same,
            expect: Expect::Refused(&["from \"17.1\" to \"16.4\"", "never downgrades"]),
        },
        Case {
            name: "RDS 16.6 by automatic minor upgrade, spec 16.4",
            applied: same,
            aws: |o| set_db(o, "engine_version", json!("16.6")),
            spec: same,
            expect: Expect::Noted {
                address: DB,
                attr: "engine_version",
                note: "AWS runs 16.6, the spec asks for 16.4: an automatic minor version upgrade, or the spec was lowered; AWS never downgrades",
            },
        },
        Case {
            name: "RDS 16.3, spec 16.4: an upgrade",
            applied: same,
            aws: |o| set_db(o, "engine_version", json!("16.3")),
            spec: same,
            expect: Expect::Change {
                address: DB,
                attr: "engine_version",
                impact: Impact::BriefOutage,
                note: None,
            },
        },
        Case {
            name: "PostgreSQL 16.4 to MySQL 8.0.39: a new instance, not a downgrade",
            applied: same,
            aws: untouched,
            spec: |s| {
                s.database.engine = stackctl::spec::stack::Engine::Mysql;
                s.database.engine_version = "8.0.39".into();
            },
            expect: Expect::Replaced(DB),
        },
        Case {
            name: "Redis 7.1, spec 6.2: a major version down",
            applied: same,
            aws: |o| set_redis(o, "engine_version", json!("7.1")),
            spec: |s| s.redis.as_mut().expect("redis").engine_version = "6.2".into(),
            expect: Expect::Refused(&[
                "engine_version cannot change from \"7.1\" to \"6.2\"",
                "you cannot downgrade to an earlier engine version",
                "`redis.engine_version` to \"7.1\"",
                "new `redis.replication_group_id`",
            ]),
        },
        Case {
            name: "Redis 7.1 by automatic minor upgrade, spec 7.0",
            applied: same,
            aws: |o| set_redis(o, "engine_version", json!("7.1")),
            spec: |s| s.redis.as_mut().expect("redis").engine_version = "7.0".into(),
            expect: Expect::Noted {
                address: "replication_group.shop-staging-redis",
                attr: "engine_version",
                note: "AWS runs 7.1, the spec asks for 7.0",
            },
        },
        Case {
            name: "Redis reports 7.1.0 for a requested 7.1: a patch level, nothing to note",
            applied: same,
            aws: |o| set_redis(o, "engine_version", json!("7.1.0")),
            spec: same,
            expect: Expect::Nothing,
        },
    ]);
}

const REDIS: &str = "replication_group.shop-staging-redis";

/// A Redis engine upgrade is a failover of a few seconds with Multi-AZ, and a brief outage of
/// the primary without it; never "online".
#[test]
fn a_redis_engine_upgrade_fails_over_with_multi_az_and_is_an_outage_without() {
    check(&[
        Case {
            name: "7.0 → 7.1, Multi-AZ off",
            applied: same,
            aws: |o| set_redis(o, "engine_version", json!("7.0")),
            spec: same,
            expect: Expect::Change {
                address: REDIS,
                attr: "engine_version",
                impact: Impact::BriefOutage,
                note: Some("the primary serves no requests while it is upgraded"),
            },
        },
        Case {
            name: "7.0 → 7.1, Multi-AZ on",
            applied: |s| s.redis.as_mut().expect("redis").multi_az = true,
            aws: |o| set_redis(o, "engine_version", json!("7.0")),
            spec: same,
            expect: Expect::Change {
                address: REDIS,
                attr: "engine_version",
                impact: Impact::Failover,
                note: Some("a failover of a few seconds"),
            },
        },
        Case {
            name: "6.2 → 7.1, Multi-AZ off: a major upgrade",
            applied: same,
            aws: |o| set_redis(o, "engine_version", json!("6.2.6")),
            spec: same,
            expect: Expect::Change {
                address: REDIS,
                attr: "engine_version",
                impact: Impact::BriefOutage,
                note: None,
            },
        },
    ]);
}

/// Storage never shrinks. Under storage autoscaling, AWS's larger size is accepted (autoscaling
/// may have grown it), and the plan says so instead of nothing: the spec may have been lowered.
/// Beyond the maximum, or without autoscaling, a smaller spec is refused.
#[test]
fn storage_below_what_aws_has_is_noted_under_autoscaling_and_refused_beyond_it() {
    fn grown(o: &mut Observed) {
        set_db(o, "allocated_gib", json!(150));
    }
    check(&[
        Case {
            name: "autoscaling grew 50 to 150 (maximum 200)",
            applied: same,
            aws: grown,
            spec: same,
            expect: Expect::Noted {
                address: DB,
                attr: "allocated_gib",
                note: "150 GiB in AWS, 50 GiB in the spec: storage autoscaling grew it, or the spec was lowered; RDS storage never shrinks",
            },
        },
        Case {
            name: "150 in AWS, the spec lowered from 150 to 100",
            applied: |s| storage(s).allocated_gib = 150,
            aws: untouched,
            spec: |s| storage(s).allocated_gib = 100,
            expect: Expect::Noted {
                address: DB,
                attr: "allocated_gib",
                note: "150 GiB in AWS, 100 GiB in the spec",
            },
        },
        Case {
            name: "autoscaling grew it to exactly what the spec now says",
            applied: same,
            aws: grown,
            spec: |s| storage(s).allocated_gib = 150,
            expect: Expect::Nothing,
        },
        Case {
            name: "300 in AWS, beyond the maximum of 200",
            applied: same,
            aws: |o| set_db(o, "allocated_gib", json!(300)),
            spec: same,
            expect: Expect::Refused(&["300 GiB in AWS", "never shrink to 50 GiB"]),
        },
        Case {
            name: "150 in AWS, autoscaling off, spec 50",
            applied: |s| storage(s).max_allocated_gib = None,
            aws: grown,
            spec: same,
            expect: Expect::Refused(&["150 GiB in AWS", "never shrink to 50 GiB"]),
        },
        Case {
            name: "autoscaling grew 50 to 150, the spec raises it to 180: a change",
            applied: same,
            aws: grown,
            spec: |s| storage(s).allocated_gib = 180,
            expect: Expect::Change {
                address: DB,
                attr: "allocated_gib",
                impact: Impact::Online,
                note: None,
            },
        },
    ]);
}

fn transit_off(s: &mut Stack) {
    let r = s.redis.as_mut().expect("redis");
    r.transit_encryption = false;
    r.auth_token = stackctl::spec::stack::AuthToken::None;
}

fn transit_on(s: &mut Stack) {
    s.redis.as_mut().expect("redis").transit_encryption = true;
}

fn transit_preferred(s: &mut Stack) {
    let r = s.redis.as_mut().expect("redis");
    r.auth_token = stackctl::spec::stack::AuthToken::None;
    r.transit_encryption_mode = stackctl::spec::stack::TransitEncryptionMode::Preferred;
}

fn transit_required(s: &mut Stack) {
    s.redis.as_mut().expect("redis").transit_encryption_mode =
        stackctl::spec::stack::TransitEncryptionMode::Required;
}

fn redis_6(s: &mut Stack) {
    s.redis.as_mut().expect("redis").engine_version = "6.2".into();
}

/// Encryption in transit turned on is an update in place from Redis 7 (AWS's two steps,
/// `preferred` then `required`), never a replacement with data loss; before Redis 7 and turned
/// off, AWS documents no in-place path and the group is replaced; back from `required` is
/// refused.
#[test]
fn redis_encryption_in_transit_turned_on_in_place_where_aws_allows_it() {
    const RG: &str = "replication_group.shop-staging-redis";
    let net = NetworkIds {
        vpc_id: "vpc-0a1b2c3d".into(),
        subnet_ids: vec!["subnet-0a1b2c3d".into(), "subnet-1a1b2c3d".into()],
    };
    for (mode, calls) in [
        (transit_required as fn(&mut Stack), "then `required`"),
        (transit_preferred, "mode `preferred`"),
    ] {
        let mut s = stack("stacks/staging.yaml");
        transit_off(&mut s);
        let observed = as_applied(&s, &net);
        transit_on(&mut s);
        mode(&mut s);
        let p = plan_for(&s, &net, &observed);
        let shown = render_plan::render(&p, &Style::plain());
        assert_eq!(p.changes.len(), 1, "{shown}");
        let c = &p.changes[0];
        assert_eq!(
            (c.address.to_string().as_str(), c.action, c.impact),
            (RG, Action::Update, Impact::Online),
            "{shown}"
        );
        let names: Vec<&str> = c.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["transit_encryption", "transit_encryption_mode"]);
        let note = c.attributes[0].note.as_deref().unwrap_or_default();
        assert!(note.contains(calls), "{note}");
        assert!(
            p.steps
                .iter()
                .all(|s| s.op == stackctl::plan::StepOp::Update),
            "{shown}"
        );
    }
    check(&[
        Case {
            name: "preferred → required drops plaintext clients",
            applied: transit_preferred,
            aws: untouched,
            spec: transit_required,
            expect: Expect::Change {
                address: RG,
                attr: "transit_encryption_mode",
                impact: Impact::Online,
                note: Some("drops every plaintext connection"),
            },
        },
        Case {
            name: "required → preferred is refused",
            applied: same,
            aws: untouched,
            spec: transit_preferred,
            expect: Expect::Refused(&["documents the way from `preferred` to `required` only"]),
        },
        Case {
            name: "before Redis 7, turned on by a replacement",
            applied: |s| {
                redis_6(s);
                transit_off(s);
            },
            aws: untouched,
            spec: transit_on,
            expect: Expect::Replaced(RG),
        },
        Case {
            name: "turned off by a replacement",
            applied: same,
            aws: untouched,
            spec: transit_off,
            expect: Expect::Replaced(RG),
        },
    ]);
}

/// The staging stack without its read replica (and the replica's alarm).
fn no_replicas(s: &mut Stack) {
    rds(s).replicas.clear();
    s.alarms.retain(|a| !a.resource.contains("replica"));
}

const STACK_VPC: &str = "vpc-0a1b2c3d";

/// The instance in a DB subnet group of `vpc` that the stack does not own; the stack's group in
/// the stack's VPC, as AWS reports their VPCs.
fn moved_to(o: &mut Observed, vpc: &str) {
    set_db(o, "subnet_group", json!("shop-staging-elsewhere"));
    let db = Address::new(Kind::DbInstance, "shop-staging-db");
    let facts = &mut o.resources.get_mut(&db).expect("the instance").facts;
    facts.insert("subnet_group_vpc".into(), json!(vpc));
    let group = Address::new(Kind::DbSubnetGroup, "shop-staging-db");
    let facts = &mut o.resources.get_mut(&group).expect("the group").facts;
    facts.insert("vpc_id".into(), json!(STACK_VPC));
}

fn moved_within_the_vpc(o: &mut Observed) {
    moved_to(o, STACK_VPC);
}

fn moved_to_another_vpc(o: &mut Observed) {
    moved_to(o, "vpc-0ther");
}

/// A DB instance moves to the stack's DB subnet group in place only from another VPC, and not
/// when it is Multi-AZ or has read replicas (RDS User Guide, USER_VPC.VPC2VPC): the rest is
/// refused with AWS's reason, from the VPCs AWS reports, unless the instance is replaced anyway.
#[test]
fn a_db_instance_moves_to_the_stacks_subnet_group_only_where_aws_moves_it() {
    check(&[
        Case {
            name: "from another VPC: in place, a brief outage",
            applied: no_replicas,
            aws: moved_to_another_vpc,
            spec: same,
            expect: Expect::Change {
                address: DB,
                attr: "subnet_group",
                impact: Impact::BriefOutage,
                note: None,
            },
        },
        Case {
            name: "from another VPC, held for the window when asked",
            applied: no_replicas,
            aws: moved_to_another_vpc,
            spec: |s| s.database.apply_changes = ApplyChanges::InMaintenanceWindow,
            expect: Expect::Change {
                address: DB,
                attr: "subnet_group",
                impact: Impact::PendingMaintenance,
                note: Some("then: brief outage"),
            },
        },
        Case {
            name: "within the stack's VPC: refused",
            applied: no_replicas,
            aws: moved_within_the_vpc,
            spec: same,
            expect: Expect::Refused(&[
                "subnet_group cannot change from \"shop-staging-elsewhere\" to \"shop-staging-db\"",
                "both groups are in vpc-0a1b2c3d",
                "The new subnet group must be a subnet group in a new VPC",
            ]),
        },
        Case {
            name: "with a read replica: refused",
            applied: same,
            aws: moved_to_another_vpc,
            spec: same,
            expect: Expect::Refused(&[
                "read replicas (shop-staging-db-replica-1)",
                "remove them from `database.replicas`",
            ]),
        },
        Case {
            name: "Multi-AZ in AWS: refused",
            applied: |s| {
                no_replicas(s);
                rds(s).multi_az = true;
            },
            aws: moved_to_another_vpc,
            spec: same,
            expect: Expect::Refused(&[
                "does not move a Multi-AZ DB instance",
                "AWS runs it Multi-AZ",
            ]),
        },
        Case {
            name: "Multi-AZ turned on in the same plan: refused",
            applied: no_replicas,
            aws: moved_to_another_vpc,
            spec: |s| rds(s).multi_az = true,
            expect: Expect::Refused(&[
                "does not move a Multi-AZ DB instance",
                "the spec turns it on",
            ]),
        },
        Case {
            name: "replaced anyway: created in the stack's group",
            applied: no_replicas,
            aws: |o| {
                moved_within_the_vpc(o);
                set_db(o, "storage_encrypted", json!(false));
            },
            spec: same,
            expect: Expect::Replaced(DB),
        },
    ]);
}
