//! A DB instance renamed with `database.renamed_from`, planned without a network against the
//! staging snapshot: renamed in place (ModifyDBInstance NewDBInstanceIdentifier), never
//! replaced; what follows the name (its alarm, its proxy target) follows it in order; what AWS
//! cannot make of it stops the plan.

mod offline;

use offline::{after, as_applied, plan_for, rds, snapshot, stack, step_of};
use serde_json::json;
use stackctl::model::{Address, Impact, Kind, desired};
use stackctl::plan::{Action, Change, Observed, Plan, PlanError, plan};
use stackctl::spec::stack::{ApplyChanges, PasswordSource, StackSpec as Stack};

/// The staging stack with its primary renamed: (spec, old name, new name).
fn renamed() -> (Stack, String, String) {
    let mut s = stack("stacks/staging.yaml");
    let old = s.database.identifier.clone();
    let new = format!("{old}-v2");
    s.database.identifier = new.clone();
    rds(&mut s).renamed_from = Some(old.clone());
    for a in s.alarms.iter_mut().filter(|a| a.resource == old) {
        a.resource = new.clone();
    }
    (s, old, new)
}

fn change<'a>(p: &'a Plan, address: &str) -> &'a Change {
    p.changes
        .iter()
        .find(|c| c.address.to_string() == address)
        .unwrap_or_else(|| panic!("no change for {address}: {:#?}", p.changes))
}

fn refusal(s: &Stack, observed: &Observed) -> String {
    let net = snapshot("fixtures/observed/staging-applied.json").0;
    match plan(&s.name, &s.region, &desired(s, &net), observed) {
        Err(e @ PlanError::Impossible { .. }) => e.to_string(),
        other => panic!("expected a refusal, got {other:#?}"),
    }
}

#[test]
fn a_renamed_instance_is_renamed_in_place_with_its_data() {
    let (s, old, new) = renamed();
    let (net, observed) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(&s, &net, &observed);
    let c = change(&p, &format!("db_instance.{new}"));
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.attributes.len(), 1, "{:#?}", c.attributes);
    let a = &c.attributes[0];
    assert_eq!(
        (a.name.as_str(), &a.old, &a.new, a.impact),
        ("identifier", &json!(old), &json!(new), Impact::BriefOutage)
    );
    // Nothing holding data is deleted or replaced; the replicas stay with their source.
    for c in &p.changes {
        assert!(
            !matches!(c.action, Action::Delete | Action::Replace) || !c.stateful,
            "{c:#?}"
        );
        assert_ne!(c.address.kind, Kind::DbReplica, "{c:#?}");
    }
    assert!(p.changes.iter().all(|c| c.address.name != old));
    // The proxy's secret is the one RDS manages for the instance: it stays with it.
    let kinds: Vec<Kind> = p.changes.iter().map(|c| c.address.kind).collect();
    assert!(!kinds.contains(&Kind::Proxy), "{:#?}", p.changes);
    assert_eq!(
        p.changes.len(),
        4,
        "the instance, its alarm, its proxy target out and in: {:#?}",
        p.changes
    );
}

#[test]
fn what_names_the_instance_follows_the_rename_in_order() {
    let (s, old, new) = renamed();
    let (net, observed) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(&s, &net, &observed);
    let rename = step_of(&p, &format!("db_instance.{new}"), "update");
    // The alarm on the instance is updated to the new name, after the rename.
    let alarm = change(&p, "alarm.shop-staging-db-cpu");
    let dims = alarm
        .attributes
        .iter()
        .find(|a| a.name == "dimensions")
        .expect("its dimensions");
    assert!(
        dims.new.to_string().contains(&format!("\"{new}\"")),
        "{dims:#?}"
    );
    let alarm_step = step_of(&p, &alarm.address.to_string(), "update");
    assert!(after(&p, alarm_step, rename), "{:#?}", p.steps);
    // The proxy target is deregistered before the rename, registered again after it.
    let proxy = &s.proxy.as_ref().expect("proxy").name;
    let deregister = step_of(&p, &format!("proxy_target.{proxy}/{old}"), "delete");
    let register = step_of(&p, &format!("proxy_target.{proxy}/{new}"), "create");
    assert!(after(&p, rename, deregister), "{:#?}", p.steps);
    assert!(after(&p, register, rename), "{:#?}", p.steps);
}

#[test]
fn once_aws_has_renamed_it_nothing_is_left_to_do() {
    let (s, _, _) = renamed();
    let net = snapshot("fixtures/observed/staging-applied.json").0;
    assert!(plan_for(&s, &net, &as_applied(&s, &net)).is_empty());
}

#[test]
fn a_rename_aws_holds_for_the_window_is_not_planned_again() {
    let (s, old, new) = renamed();
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    let held = observed
        .resources
        .get_mut(&Address::new(Kind::DbInstance, &old))
        .expect("the primary");
    held.pending.insert("identifier".into(), json!(new));
    let p = plan_for(&s, &net, &observed);
    assert!(
        !p.changes.iter().any(|c| c.address.kind == Kind::DbInstance),
        "{:#?}",
        p.changes
    );
}

#[test]
fn a_rename_is_refused_where_it_cannot_keep_the_data_or_the_credentials() {
    let (s, old, new) = renamed();
    let observed = snapshot("fixtures/observed/staging-applied.json").1;
    // Both names exist: which one is the instance is not the plan's to guess.
    let mut both = observed.clone();
    let mut twin = both
        .get(&Address::new(Kind::DbInstance, &old))
        .expect("primary")
        .clone();
    twin.resource.address = Address::new(Kind::DbInstance, &new);
    both.insert(twin);
    assert!(refusal(&s, &both).contains("AWS has both"));
    // The old name is not the stack's own.
    let mut foreign = observed.clone();
    foreign
        .resources
        .get_mut(&Address::new(Kind::DbInstance, &old))
        .expect("primary")
        .owned = false;
    assert!(refusal(&s, &foreign).contains("does not own"));
    // Held for the window, the new name would come after its target and alarms moved to it.
    let mut held = s.clone();
    held.database.apply_changes = ApplyChanges::InMaintenanceWindow;
    assert!(refusal(&held, &observed).contains("apply_changes: immediately"));
    // A generated password's secret is named after the instance.
    let mut generated = s.clone();
    generated.database.master_user.password = PasswordSource::Generated;
    let why = refusal(&generated, &observed);
    assert!(why.contains("rds_managed"), "{why}");
    assert!(
        why.contains(&format!("stackctl/{}/{old}/master", s.name)),
        "{why}"
    );
}

#[test]
fn without_renamed_from_a_new_identifier_is_a_new_instance_and_the_plan_says_so() {
    let (mut s, old, new) = renamed();
    rds(&mut s).renamed_from = None;
    let (net, observed) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(&s, &net, &observed);
    assert_eq!(
        change(&p, &format!("db_instance.{new}")).action,
        Action::Create
    );
    let gone = change(&p, &format!("db_instance.{old}"));
    assert_eq!(
        (gone.action, gone.impact),
        (Action::Delete, Impact::DeleteDataLoss)
    );
}
