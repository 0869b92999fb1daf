//! A DB instance renamed with `database.renamed_from`, against the fault-injecting emulator (no
//! faults unless a test sets them): AWS renames it in place (the same instance, its data and
//! replicas with it), apply needs no `--allow-destroy` because nothing is deleted but a proxy
//! target, and the next plan is empty; a failure after the rename renames it back.

mod common;

use common::faults::*;
use common::*;
use serde_json::json;

/// The staging example named `name`, its primary renamed from `{name}-db` to `{name}-dbx`.
fn renamed_text(name: &str, text: &str) -> String {
    text.replace(
        &format!("  identifier: {name}-db\n"),
        &format!("  identifier: {name}-dbx\n  renamed_from: {name}-db\n"),
    )
    .replace(
        &format!("    resource: {name}-db\n"),
        &format!("    resource: {name}-dbx\n"),
    )
}

/// Destroys the stack (which frees the emulator's proxy quota for the tests after this one)
/// and checks that nothing tagged with it is left: destroy finds the renamed instance.
/// The instances the stack's proxy targets.
async fn proxy_targets(name: &str) -> Vec<String> {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let out = rds
        .describe_db_proxy_targets()
        .db_proxy_name(format!("{name}-proxy"))
        .send()
        .await
        .expect("describe the proxy's targets");
    let mut ids: Vec<String> = out
        .targets()
        .iter()
        .filter_map(|t| t.rds_resource_id().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

async fn destroyed(spec: &std::path::Path, name: &str) {
    destroy(spec);
    let left = tagged(name).await;
    assert!(left.is_empty(), "still tagged with {name}: {left:?}");
}

#[tokio::test]
async fn a_renamed_primary_is_the_same_instance_under_its_new_name() {
    let _serial = use_fault_emulator().await;
    let name = unique("ren");
    seed_network(&name).await;
    let (spec, text) = example("staging.yaml", &name);
    apply(&spec);
    assert_plan_empty(&spec);
    let (old, new) = (format!("{name}-db"), format!("{name}-dbx"));
    let before = describe_instance(&old).await;

    // Renamed, and retagged in the same apply: the tags go to the instance's new ARN.
    let retagged = renamed_text(&name, &text).replace("  team: platform\n", "  team: data\n");
    std::fs::write(&spec, retagged).expect("rewrite");
    let plan = plan_json(&spec);
    let c = change(&plan, &format!("db_instance.{new}"));
    assert_eq!(c["action"], "update", "{plan:#}");
    assert_eq!(c["attributes"][0]["name"], "identifier", "{plan:#}");
    // Nothing that holds data is deleted: apply goes ahead without --allow-destroy.
    apply(&spec);

    assert!(!instance_exists(&old).await, "{old} is renamed away");
    let after = describe_instance(&new).await;
    assert_eq!(
        after.dbi_resource_id(),
        before.dbi_resource_id(),
        "the same instance"
    );
    let team = after.tag_list().iter().find(|t| t.key() == Some("team"));
    assert_eq!(
        team.and_then(|t| t.value()),
        Some("data"),
        "{:?}",
        after.tag_list()
    );
    let replica = describe_instance(&format!("{name}-db-replica-1")).await;
    assert_eq!(
        replica.read_replica_source_db_instance_identifier(),
        Some(new.as_str()),
        "the replica stays with its source"
    );
    assert_plan_empty(&spec);
    destroyed(&spec, &name).await;
}

/// The alarm's update after the rename fails: the rollback gives the instance its old name
/// back (the same instance), and applying again renames it and converges.
#[tokio::test]
async fn a_failure_after_the_rename_renames_it_back_and_a_rerun_converges() {
    let _serial = use_fault_emulator().await;
    let name = unique("rnb");
    seed_network(&name).await;
    let (spec, yaml) = example("staging.yaml", &name);
    let first = apply_env(&spec, &name, &[], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let (old, new) = (format!("{name}-db"), format!("{name}-dbx"));
    let before = describe_instance(&old).await;

    std::fs::write(&spec, renamed_text(&name, &yaml)).expect("rewrite");
    set_faults(
        json!({ "rules": [{ "action": "PutMetricAlarm", "code": "InjectedFault", "status": 400 }] }),
    );
    let failed = apply_env(&spec, &name, &[], &[]);
    set_faults(json!({ "rules": [] }));
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert_stderr_has(&failed, &format!("updated db_instance.{new}"));
    assert_stderr_has(&failed, "Rolling back");
    assert_stderr_has(&failed, &format!("rollback: updated db_instance.{new}"));
    assert!(!instance_exists(&new).await, "{new} is renamed back");
    let back = describe_instance(&old).await;
    assert_eq!(
        back.dbi_resource_id(),
        before.dbi_resource_id(),
        "the same instance"
    );
    assert_eq!(
        proxy_targets(&name).await,
        std::slice::from_ref(&old),
        "the proxy's target is registered again under the old name"
    );

    let rerun = apply_env(&spec, &name, &[], &[]);
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun));
    assert_eq!(
        describe_instance(&new).await.dbi_resource_id(),
        before.dbi_resource_id()
    );
    assert_plan_empty(&spec);
    destroyed(&spec, &name).await;
}
