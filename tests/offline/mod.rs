//! Shared by the tests of pure logic (no network): what AWS would report of a stack.

#![allow(dead_code)]

use stackctl::model::{NetworkIds, desired};
use stackctl::plan::{Observed, ObservedResource};
use stackctl::spec::raw::Stack;

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
