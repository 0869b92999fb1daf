//! Cache parameters AWS applies only at a node reboot (`ChangeType` `requires-reboot`, read as
//! `static`): the group's change costs a reboot, and the replication group using it is left
//! outstanding with what to do, since a node's reboot loses its cache. Pure: no emulator.

mod offline;

use offline::{as_applied, plan_for, snapshot, stack};
use serde_json::json;
use stackctl::model::{Address, Impact, Kind};
use stackctl::plan::{Observed, Plan};
use stackctl::render::{plan as render_plan, style::Style};
use stackctl::spec::StackSpec as Stack;
use stackctl::spec::stack::{ClusterMode, OwnedGroup, ParamValue, ParameterGroup, Topology};

const GROUP: &str = "shop-staging-redis-redis7";
const RG: &str = "shop-staging-redis";

/// The staging stack with a cache parameter group setting `databases` to `value`.
fn with_databases(value: &str, cluster_mode: bool) -> Stack {
    let mut s = stack("stacks/staging.yaml");
    let r = s.redis.as_mut().expect("staging has Redis");
    r.parameter_group = Some(ParameterGroup::Owned(OwnedGroup {
        family: "redis7".into(),
        parameters: [("databases".to_owned(), ParamValue(value.into()))].into(),
    }));
    if cluster_mode {
        r.topology = Topology::Sharded(ClusterMode {
            shards: 2,
            replicas_per_shard: 1,
        });
    }
    s
}

/// What AWS holds once `s` is applied, the group's `databases` applied at a reboot.
fn applied(s: &Stack, change_type: &str) -> Observed {
    let (net, _) = snapshot("fixtures/observed/staging-applied.json");
    let mut o = as_applied(s, &net);
    let g = o
        .resources
        .get_mut(&Address::new(Kind::CacheParameterGroup, GROUP))
        .expect("the group");
    g.facts
        .insert("apply_types".into(), json!({"databases": change_type}));
    o
}

fn plan_of(s: &Stack, o: &Observed) -> (Plan, String) {
    let (net, _) = snapshot("fixtures/observed/staging-applied.json");
    let p = plan_for(s, &net, o);
    let shown = render_plan::render(&p, &Style::plain());
    (p, shown)
}

fn change<'p>(p: &'p Plan, kind: Kind, name: &str) -> Option<&'p stackctl::plan::Change> {
    p.changes
        .iter()
        .find(|c| c.address == Address::new(kind, name))
}

#[test]
fn a_parameter_applied_at_a_reboot_leaves_the_nodes_outstanding_with_what_to_do() {
    for cluster_mode in [false, true] {
        let observed = applied(&with_databases("16", cluster_mode), "static");
        let (p, shown) = plan_of(&with_databases("32", cluster_mode), &observed);
        let group = change(&p, Kind::CacheParameterGroup, GROUP).expect("the group changes");
        assert_eq!(group.impact, Impact::Reboot, "{shown}");
        let note = group.attributes[0].note.as_deref().unwrap_or_default();
        assert!(note.contains("need a node reboot: databases"), "{shown}");
        assert!(
            p.steps.iter().any(|s| s.address == group.address),
            "{shown}"
        );
        let rg = change(&p, Kind::ReplicationGroup, RG).expect("its nodes wait for a reboot");
        assert!(rg.outstanding(), "never rebooted by stackctl:\n{shown}");
        assert_eq!(rg.impact, Impact::Reboot, "{shown}");
        assert!(
            p.steps.iter().all(|s| s.address != rg.address),
            "no step reboots a node:\n{shown}"
        );
        let why = rg.attributes[0].note.as_deref().unwrap_or_default();
        let expected = if cluster_mode {
            "rebooting is not supported with cluster mode enabled"
        } else {
            "loses that node's cache"
        };
        assert!(why.contains(expected), "{cluster_mode}: {why}");
    }
}

#[test]
fn a_parameter_applied_at_once_costs_nothing_more() {
    let observed = applied(&with_databases("16", false), "dynamic");
    let (p, shown) = plan_of(&with_databases("32", false), &observed);
    let group = change(&p, Kind::CacheParameterGroup, GROUP).expect("the group changes");
    assert_eq!(group.impact, Impact::Online, "{shown}");
    assert!(change(&p, Kind::ReplicationGroup, RG).is_none(), "{shown}");
}

#[test]
fn nodes_aws_says_wait_for_a_reboot_are_outstanding_work_never_no_changes() {
    let s = with_databases("16", false);
    let mut observed = applied(&s, "static");
    let rg = observed
        .resources
        .get_mut(&Address::new(Kind::ReplicationGroup, RG))
        .expect("the group");
    rg.resource = rg
        .resource
        .clone()
        .set("parameter_apply_status", "pending-reboot");
    let (p, shown) = plan_of(&s, &observed);
    assert!(!p.is_empty(), "{shown}");
    let rg = change(&p, Kind::ReplicationGroup, RG).expect("outstanding");
    assert!(rg.outstanding(), "{shown}");
    assert!(shown.contains("Outstanding"), "{shown}");
}
