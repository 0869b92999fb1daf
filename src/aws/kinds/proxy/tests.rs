//! The AWS rows of the proxy's kinds agree with the model's: each model row has an AWS row and
//! each AWS row a model row, and a row the model changes in place is sent on modify.

use crate::model::types::Compare;
use crate::model::{AttrSpec, Kind, spec_of};

/// Whether the model changes the row in place (not by a replacement, a refusal, or only at
/// create).
fn in_place(a: &AttrSpec) -> bool {
    !(a.impact.forces_replacement() || a.refusal.is_some() || a.compare == Compare::AtCreate)
}

/// The model's rows of `kind` and the AWS rows' attributes agree both ways.
fn same_rows(kind: Kind, aws: &[&str]) {
    let spec = spec_of(kind);
    for a in spec.attrs {
        assert!(aws.contains(&a.name), "{kind}.{} has no AWS row", a.name);
    }
    for attr in aws {
        assert!(
            spec.attr(attr).is_some(),
            "AWS row {kind}.{attr} has no model row"
        );
    }
}

#[test]
fn the_target_groups_rows_are_the_models_and_each_is_sent_whole_on_modify() {
    use super::target_group::ROWS;
    let aws: Vec<&str> = ROWS.iter().map(|r| r.attr).collect();
    same_rows(Kind::ProxyTargetGroup, &aws);
    // Every row sets its field of the pool, and the pool is sent whole: each row the model
    // changes in place reaches AWS.
    for a in spec_of(Kind::ProxyTargetGroup).attrs {
        assert!(in_place(a), "{}: the pool is only ever modified", a.name);
    }
}

#[test]
fn a_targets_rows_are_the_kinds_of_database_it_names_and_none_changes_in_place() {
    use super::target::TARGET_KINDS;
    let aws: Vec<&str> = TARGET_KINDS.iter().map(|k| k.attr).collect();
    same_rows(Kind::ProxyTarget, &aws);
    // No call changes a registered target: another database is another target.
    for a in spec_of(Kind::ProxyTarget).attrs {
        assert!(!in_place(a), "{}: a target is never modified", a.name);
    }
}

#[test]
fn the_endpoints_rows_are_the_models_and_sent_on_modify_exactly_when_changed_in_place() {
    use super::endpoint::{OnModify, ROWS, row_of};
    let aws: Vec<&str> = ROWS.iter().map(|r| r.attr).collect();
    same_rows(Kind::ProxyEndpoint, &aws);
    for a in spec_of(Kind::ProxyEndpoint).attrs {
        let Some(row) = row_of(a.name) else { continue };
        let sent = !matches!(row.modify, OnModify::Never);
        assert_eq!(sent, in_place(a), "{}", a.name);
    }
}

#[test]
fn the_proxys_rows_are_the_models_and_sent_on_modify_exactly_when_changed_in_place() {
    use super::rows::{OnModify, ROWS, row_of};
    let aws: Vec<&str> = ROWS.iter().map(|r| r.attr).collect();
    same_rows(Kind::Proxy, &aws);
    for a in spec_of(Kind::Proxy).attrs {
        let Some(row) = row_of(a.name) else { continue };
        let sent = !matches!(row.modify, OnModify::Never);
        assert_eq!(sent, in_place(a), "{}", a.name);
    }
}

#[test]
fn a_cluster_target_is_the_cluster_and_its_instances_are_not_targets_of_their_own() {
    use super::target::{Registered, observe};
    use aws_sdk_rds::types::{DbProxyTarget, TargetType};
    let registered = |ty: TargetType, id: &str, tracked: Option<&str>| Registered {
        proxy: "p".into(),
        target: DbProxyTarget::builder()
            .r#type(ty)
            .rds_resource_id(id)
            .set_tracked_cluster_id(tracked.map(str::to_owned))
            .build(),
    };
    let cluster = observe(
        &registered(TargetType::TrackedCluster, "c", Some("c")),
        true,
    )
    .expect("the cluster's target");
    assert_eq!(cluster.resource.address.name, "p/c");
    assert_eq!(cluster.resource.str("db_cluster"), Some("c"));
    assert!(cluster.resource.get("db_instance").is_null());
    // AWS lists each instance of a tracked cluster as an RDS_INSTANCE target of the cluster.
    assert!(observe(&registered(TargetType::RdsInstance, "c-1", Some("c")), true).is_none());
    let instance = observe(&registered(TargetType::RdsInstance, "db", None), true)
        .expect("an RDS instance's target");
    assert_eq!(instance.resource.str("db_instance"), Some("db"));
}
