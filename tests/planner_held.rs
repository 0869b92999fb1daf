//! Changes AWS holds for the maintenance window are work AWS does by itself: the plan has
//! nothing to apply for them (not asked for again), and it says so, never that the stack
//! simply matches its spec. Pure: from a snapshot, no emulator.

mod offline;

use offline::{plan_for, rds, snapshot, stack};
use serde_json::json;
use stackctl::model::{Address, Kind};
use stackctl::plan::Observed;
use stackctl::render::{drift, plan as render_plan, plan_markdown, style::Style};

const DB: &str = "shop-staging-db";

/// The staging snapshot with AWS holding `class` for the window, the instance still at its
/// applied class.
fn holding(class: &str) -> Observed {
    let (_, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    observed
        .resources
        .get_mut(&Address::new(Kind::DbInstance, DB))
        .expect("the primary")
        .pending
        .insert("instance_class".into(), json!(class));
    observed
}

#[test]
fn a_change_held_for_the_window_as_the_spec_asks_is_not_asked_again_and_is_said() {
    let mut s = stack("stacks/staging.yaml");
    // The replica keeps its class: only the primary's change is held.
    rds(&mut s).instance_class = "db.t4g.large".into();
    let (net, _) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(&s, &net, &holding("db.t4g.large"));
    assert!(p.is_empty(), "not asked for again");
    assert!(p.holds_for_the_window());
    let shown = render_plan::render(&p, &Style::plain());
    assert!(!shown.contains("No changes"), "{shown}");
    assert!(shown.contains("maintenance window"), "{shown}");
    assert!(shown.contains("instance_class"), "{shown}");
    assert!(
        !drift::text(&p).contains("No drift:"),
        "{}",
        drift::text(&p)
    );
    assert!(!plan_markdown::markdown(&p).contains("No changes"));
}

#[test]
fn a_change_aws_holds_that_the_spec_does_not_ask_for_is_said_with_what_follows() {
    let s = stack("stacks/staging.yaml");
    let (net, _) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(&s, &net, &holding("db.r6g.xlarge"));
    assert!(p.is_empty());
    let note = p
        .notes
        .iter()
        .find(|n| n.attribute == "instance_class")
        .expect("a note on the held class");
    assert_eq!(note.held, Some(json!("db.r6g.xlarge")));
    assert!(note.text.contains("does not ask for"), "{}", note.text);
    let shown = render_plan::render(&p, &Style::plain());
    assert!(!shown.contains("No changes"), "{shown}");
}

#[test]
fn without_anything_held_the_stack_matches_its_spec() {
    let s = stack("stacks/staging.yaml");
    let (net, observed) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(&s, &net, &observed);
    assert!(!p.holds_for_the_window());
    assert!(render_plan::render(&p, &Style::plain()).contains("No changes"));
}

#[test]
fn cache_nodes_with_a_change_held_for_the_window_are_said_too() {
    let s = stack("stacks/staging.yaml");
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    observed
        .resources
        .get_mut(&Address::new(Kind::ReplicationGroup, "shop-staging-redis"))
        .expect("the replication group")
        .pending
        .insert("node_type".into(), json!("cache.r7g.large"));
    let p = plan_for(&s, &net, &observed);
    assert!(p.is_empty() && p.holds_for_the_window());
    let shown = render_plan::render(&p, &Style::plain());
    assert!(shown.contains("node_type"), "{shown}");
    assert!(!shown.contains("No changes"), "{shown}");
}

#[test]
fn a_held_value_the_spec_already_has_is_not_news() {
    let s = stack("stacks/staging.yaml");
    let (net, mut observed) = snapshot("fixtures/observed/staging-applied.json");
    let db = observed
        .resources
        .get_mut(&Address::new(Kind::DbInstance, DB))
        .expect("the primary");
    // AWS ahead by an automatic minor upgrade (a note), holding the spec's own value.
    let spec_version = s.database.engine_version.clone();
    db.resource = db.resource.clone().set("engine_version", "16.9");
    db.pending
        .insert("engine_version".into(), json!(spec_version));
    let p = plan_for(&s, &net, &observed);
    assert!(p.is_empty());
    assert!(!p.holds_for_the_window(), "{:?}", p.notes);
}
