//! One attribute row of a kind whose rows are read from one answer and sent by calls of their
//! own (the parameter groups, the security group, the secret): how the row is read from AWS's
//! answer, and which calls carry it once the resource exists. A create sets every row.

use serde_json::Value;

use crate::aws::read::Context;
use crate::model::{Kind, Resource, spec_of};
use crate::plan::Step;

/// The call name of the tagging calls (`sync_tags` records them so).
pub(super) const TAGGING: &str = "tagging";

/// One attribute row on AWS's side, read from an answer `A`.
pub(super) struct Row<A: ?Sized> {
    pub attr: &'static str,
    pub read: fn(&A, &Context) -> Value,
    /// The calls that carry it to an existing resource; none when AWS cannot change it (the
    /// model sets it at create, refuses a change or replaces the resource).
    pub sent_by: &'static [&'static str],
}

/// A resource of `kind` with every row of its model table that `rows` reads from `answer`.
pub(super) fn resource<A: ?Sized>(
    kind: Kind,
    name: &str,
    rows: &[Row<A>],
    answer: &A,
    cx: &Context,
) -> Resource {
    let mut resource = Resource::new(kind, name);
    for spec in spec_of(kind).attrs {
        if let Some(row) = rows.iter().find(|r| r.attr == spec.name) {
            resource = resource.set(spec.name, (row.read)(answer, cx));
        }
    }
    resource
}

/// The attributes `step` changes that the call `op` carries.
pub(super) fn carried<A: ?Sized>(rows: &[Row<A>], step: &Step, op: &str) -> Vec<&'static str> {
    rows.iter()
        .filter(|r| r.sent_by.contains(&op))
        .filter(|r| step.attributes.iter().any(|x| x == r.attr))
        .map(|r| r.attr)
        .collect()
}

/// The test of a kind's rows: they are the model's rows, in its order, and a row is sent on
/// modify exactly when the model changes it in place (not at create only, not refused, not by
/// a replacement).
#[cfg(test)]
pub(super) fn assert_agrees<A: ?Sized>(kind: Kind, rows: &[Row<A>]) {
    use crate::model::types::Compare;
    let spec = spec_of(kind);
    let model: Vec<&str> = spec.attrs.iter().map(|a| a.name).collect();
    let aws: Vec<&str> = rows.iter().map(|r| r.attr).collect();
    assert_eq!(model, aws, "{kind}: the AWS rows are not the model's");
    for a in spec.attrs {
        let Some(row) = rows.iter().find(|r| r.attr == a.name) else {
            continue;
        };
        let replaced =
            a.impact.forces_replacement() || a.refusal.is_some() || a.compare == Compare::AtCreate;
        assert_eq!(
            row.sent_by.is_empty(),
            replaced,
            "{kind}.{}: sent on modify exactly when the model changes it in place",
            a.name
        );
    }
}
