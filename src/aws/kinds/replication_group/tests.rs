//! The AWS rows agree with the model's, and the first member is named as AWS names it.

use super::first_member_name;
use super::rows::{OnModify, ROWS, row_of, transit_stages};
use crate::model::types::Compare;
use crate::model::{Kind, spec_of};
use crate::spec::StackSpec;
use crate::spec::stack::{ClusterMode, Topology};

#[test]
fn every_model_row_has_an_aws_row_and_every_aws_row_a_model_row() {
    let spec = spec_of(Kind::ReplicationGroup);
    for a in spec.attrs {
        assert!(row_of(a.name).is_some(), "{} has no AWS row", a.name);
    }
    for row in ROWS {
        assert!(
            spec.attr(row.attr).is_some(),
            "AWS row {} has no model row",
            row.attr
        );
    }
}

#[test]
fn a_row_is_sent_on_modify_exactly_when_the_model_changes_it_in_place() {
    for a in spec_of(Kind::ReplicationGroup).attrs {
        let Some(row) = row_of(a.name) else { continue };
        // A row whose cost depends on the change may be in place for some changes.
        let in_place = a.by_change.is_some()
            || !(a.impact.forces_replacement()
                || a.refusal.is_some()
                || a.compare == Compare::AtCreate);
        let sent = !matches!(row.modify, OnModify::Never);
        assert_eq!(sent, in_place, "{}", a.name);
    }
}

#[test]
fn the_first_member_is_named_as_aws_names_it() {
    let stack: StackSpec = crate::spec::load_str(
        "staging.yaml",
        include_str!("../../../../stacks/staging.yaml"),
    )
    .stack
    .expect("the staging example is valid");
    let mut redis = stack.redis.expect("the staging example has Redis");
    redis.replication_group_id = "g".into();
    redis.topology = Topology::Nodes(2);
    assert_eq!(first_member_name(&redis), "g-001");
    redis.topology = Topology::Sharded(ClusterMode {
        shards: 2,
        replicas_per_shard: 1,
    });
    assert_eq!(first_member_name(&redis), "g-0001-001");
}

#[test]
fn encryption_in_transit_goes_on_in_aws_stages() {
    assert_eq!(
        transit_stages(false, None, Some("required")),
        ["preferred", "required"]
    );
    assert_eq!(
        transit_stages(false, None, Some("preferred")),
        ["preferred"]
    );
    assert_eq!(
        transit_stages(true, Some("preferred"), Some("required")),
        ["required"]
    );
    assert!(transit_stages(true, Some("required"), Some("required")).is_empty());
    assert!(transit_stages(true, Some("preferred"), Some("preferred")).is_empty());
    assert!(transit_stages(true, Some("required"), None).is_empty());
}
