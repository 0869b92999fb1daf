//! The AWS rows agree with the model's: each row of the primary's and the replica's tables is
//! read, set on create, and sent on modify unless the model says AWS cannot change it.

use super::rows::{OnModify, ROWS, row_of};
use crate::model::types::Compare;
use crate::model::{Kind, spec_of};

fn model_rows() -> impl Iterator<Item = (Kind, &'static crate::model::AttrSpec)> {
    [Kind::DbInstance, Kind::DbReplica]
        .into_iter()
        .flat_map(|k| spec_of(k).attrs.iter().map(move |a| (k, a)))
}

#[test]
fn every_model_row_has_an_aws_row_and_every_aws_row_a_model_row() {
    for (kind, a) in model_rows() {
        assert!(row_of(a.name).is_some(), "{kind}.{} has no AWS row", a.name);
    }
    for row in ROWS {
        assert!(
            model_rows().any(|(_, a)| a.name == row.attr),
            "AWS row {} is in neither table",
            row.attr
        );
    }
}

#[test]
fn each_row_is_read_set_on_create_and_sent_on_modify_where_aws_can_change_it() {
    for (kind, a) in model_rows() {
        let Some(row) = row_of(a.name) else { continue };
        let own_setting = a.compare == Compare::Never;
        assert_eq!(row.read.is_none(), own_setting, "{kind}.{}: read", a.name);
        if own_setting {
            continue;
        }
        let on_create = match kind {
            Kind::DbReplica => row.replica.is_some(),
            _ => row.create.is_some(),
        };
        // A replica's copies of the primary's settings AWS takes from the primary on create.
        let from_primary = kind == Kind::DbReplica && a.name == "deletion_protection";
        // AWS's state that a reboot settles: nothing to set on create.
        let state = matches!(row.modify, OnModify::Reboot);
        assert!(
            on_create || from_primary || state,
            "{kind}.{}: not set on create",
            a.name
        );
        let replaced =
            a.impact.forces_replacement() || a.refusal.is_some() || a.compare == Compare::AtCreate;
        let sent = !matches!(row.modify, OnModify::Never);
        assert_eq!(
            sent, !replaced,
            "{kind}.{}: sent on modify exactly when the model changes it in place",
            a.name
        );
    }
}

/// The VPC of the instance's subnet group is read as a fact (AWS moves an instance only to a
/// group in another VPC), never as a row the plan compares.
#[test]
fn the_vpc_of_the_instances_subnet_group_is_a_fact() {
    use aws_sdk_rds::types::{DbInstance, DbSubnetGroup};

    use crate::aws::read::{Context, OwnedArns};
    use crate::model::db_instance::SUBNET_GROUP_VPC;

    let owned = OwnedArns::new();
    let cx = Context::for_test("shop", &owned);
    let group = DbSubnetGroup::builder()
        .db_subnet_group_name("shop-db")
        .vpc_id("vpc-1")
        .build();
    let inst = DbInstance::builder()
        .db_instance_identifier("shop-db")
        .db_subnet_group(group)
        .build();
    let o = super::observe(&cx, &inst);
    assert_eq!(
        o.facts.get(SUBNET_GROUP_VPC),
        Some(&serde_json::json!("vpc-1"))
    );
    assert_eq!(o.resource.str("subnet_group"), Some("shop-db"));
    assert!(!o.resource.attrs.contains_key(SUBNET_GROUP_VPC));
}

/// The name a modify calls the instance by, and the name a rename gives it now: a rename's
/// step renames the instance `renamed_from` to its address's name; the undo of one renames it
/// back; held for the window, nothing is renamed now; any other step renames nothing.
#[test]
fn a_modify_names_the_instance_as_aws_knows_it_now() {
    use crate::model::db_instance::attr::{IDENTIFIER, RENAMED_FROM};
    use crate::model::{Kind, Resource};

    let forward = Resource::new(Kind::DbInstance, "new-db")
        .set(IDENTIFIER, "new-db")
        .set(RENAMED_FROM, "old-db");
    let undo = Resource::new(Kind::DbInstance, "new-db").set(IDENTIFIER, "old-db");
    let some = |s: &str| Some(s.to_owned());
    let cases = [
        (&forward, true, true, ("old-db", some("new-db"))),
        (&forward, true, false, ("old-db", None)),
        (&forward, false, true, ("new-db", None)),
        (&undo, true, true, ("new-db", some("old-db"))),
        (&undo, true, false, ("new-db", None)),
    ];
    for (r, renames, immediately, (now, renamed)) in cases {
        assert_eq!(
            super::names(r, renames, immediately),
            (now.to_owned(), renamed),
            "{r:?} renames={renames} immediately={immediately}"
        );
    }
}

/// Log exports are read sorted, and a modify sends the change against AWS's list: the types to
/// enable (wanted, not exported) and to disable (exported, not wanted), none of either left
/// empty; with no list of AWS's, every wanted type is enabled.
#[test]
fn log_exports_are_read_sorted_and_sent_as_what_to_enable_and_disable() {
    use aws_sdk_rds::types::DbInstance;
    use serde_json::json;

    use crate::aws::kinds::Req;
    use crate::aws::read::{Context, OwnedArns};
    use crate::model::Resource;
    use crate::model::db_instance::attr::LOG_EXPORTS;

    let owned = OwnedArns::new();
    let cx = Context::for_test("shop", &owned);
    let inst = DbInstance::builder()
        .db_instance_identifier("shop-db")
        .enabled_cloudwatch_logs_exports("upgrade")
        .enabled_cloudwatch_logs_exports("postgresql")
        .build();
    let o = super::observe(&cx, &inst);
    assert_eq!(
        o.resource.get(LOG_EXPORTS),
        &json!(["postgresql", "upgrade"])
    );

    let logs = |l: &[&str]| Resource::new(Kind::DbInstance, "shop-db").set(LOG_EXPORTS, json!(l));
    let change = |want: &Resource, have: Option<&Resource>| {
        let q = Req {
            r: want,
            have,
            sg_ids: None,
            create_tags: Default::default(),
            secret: None,
        };
        let c = super::rows::log_exports_change(&q);
        (c.enable_log_types.clone(), c.disable_log_types.clone())
    };
    let v = |l: &[&str]| Some(l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let (want, have) = (
        logs(&["iam-db-auth-error", "upgrade"]),
        logs(&["postgresql", "upgrade"]),
    );
    assert_eq!(
        change(&want, Some(&have)),
        (v(&["iam-db-auth-error"]), v(&["postgresql"]))
    );
    assert_eq!(
        change(&logs(&[]), Some(&have)),
        (None, v(&["postgresql", "upgrade"]))
    );
    assert_eq!(
        change(&have, Some(&logs(&[]))),
        (v(&["postgresql", "upgrade"]), None)
    );
    assert_eq!(
        change(&want, None),
        (v(&["iam-db-auth-error", "upgrade"]), None)
    );
}
