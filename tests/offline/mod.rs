//! Shared by the tests of pure logic (no network): what AWS would report of a stack.

#![allow(dead_code)]

use std::path::Path;

use serde_json::{Value, json};
use stackctl::model::{NetworkIds, desired};
use stackctl::plan::{Observed, ObservedResource, Plan, plan};
use stackctl::spec::stack::{Cluster, Instance};
use stackctl::spec::{self, StackSpec as Stack};

/// What AWS would report right after applying `s`: every desired resource, owned and available.
pub fn as_applied(s: &Stack, net: &NetworkIds) -> Observed {
    let mut o = Observed::default();
    for r in desired(s, net) {
        o.insert(ObservedResource {
            resource: r,
            owned: true,
            status: "available".into(),
            pending: Default::default(),
            facts: Default::default(),
            ids: Default::default(),
        });
    }
    o
}

/// The repository, where stacks/ and fixtures/ are.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The spec in `file`, valid (the test fails with its diagnostics otherwise).
pub fn stack(file: &str) -> Stack {
    let text = std::fs::read_to_string(root().join(file)).expect("spec");
    let loaded = spec::load_str(file, &text);
    let rendered = loaded.render();
    loaded
        .stack
        .unwrap_or_else(|| panic!("{file}:\n{rendered}"))
}

/// The RDS primary's own settings, to change in a test (the spec is an RDS one).
pub fn rds(s: &mut Stack) -> &mut Instance {
    s.database.instance_mut().expect("an RDS spec")
}

/// The Aurora cluster's own settings, to change in a test (the spec is an Aurora one).
pub fn aurora(s: &mut Stack) -> &mut Cluster {
    s.database.cluster_mut().expect("an Aurora spec")
}

/// A new class for the primary and for its replicas, which take the primary's in the example
/// stacks (none gives its own).
pub fn set_class(s: &mut Stack, class: &str) {
    let inst = rds(s);
    inst.instance_class = class.into();
    for r in &mut inst.replicas {
        r.instance_class = class.into();
    }
}

/// A snapshot read from the emulator after an apply: its network and what AWS held.
pub fn snapshot(file: &str) -> (NetworkIds, Observed) {
    let text = std::fs::read_to_string(root().join(file)).expect("fixture");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    (
        serde_json::from_value(v["network"].clone()).expect("network"),
        serde_json::from_value(v["observed"].clone()).expect("observed"),
    )
}

/// The plan of `s` against `observed`.
pub fn plan_for(s: &Stack, net: &NetworkIds, observed: &Observed) -> Plan {
    plan(&s.name, &s.region, &desired(s, net), observed).expect("plan")
}

/// The id of the step `op` (`create`, `update`, `delete`) of `address`.
pub fn step_of(p: &Plan, address: &str, op: &str) -> usize {
    p.steps
        .iter()
        .find(|s| {
            s.address.to_string() == address && serde_json::to_value(s.op).expect("op") == json!(op)
        })
        .unwrap_or_else(|| panic!("no {op} step for {address}: {:#?}", p.steps))
        .id
}

/// Whether step `later` waits, directly or through others, for step `earlier`.
pub fn after(p: &Plan, later: usize, earlier: usize) -> bool {
    let mut todo = vec![later];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(s) = todo.pop() {
        for d in &p.steps[s].depends_on {
            if *d == earlier {
                return true;
            }
            if seen.insert(*d) {
                todo.push(*d);
            }
        }
    }
    false
}
