//! Logs exported to CloudWatch Logs by a new RDS primary, against the local emulator: the create
//! enables the spec's log types (`EnableCloudwatchLogsExports`), AWS reports them, and the next
//! plan is empty whatever order the spec lists them in.

mod common;

use common::*;

#[tokio::test]
async fn a_new_primary_exports_the_spec_s_logs() {
    let name = unique("logs");
    seed_network(&name).await;
    let (_, text) = example("minimal.yaml", &name);
    let text = text.replace(
        "  engine: postgres\n",
        "  engine: postgres\n  log_exports: [upgrade, postgresql]\n",
    );
    assert!(
        text.contains("log_exports"),
        "the example has no engine line"
    );
    let spec = write_spec(&name, &text);
    apply(&spec);
    let mut logs = describe_instance(&format!("{name}-db"))
        .await
        .enabled_cloudwatch_logs_exports()
        .to_vec();
    logs.sort();
    assert_eq!(logs, ["postgresql", "upgrade"]);
    assert_plan_empty(&spec);
    let _ = stackctl(&[
        "destroy",
        "--auto-approve",
        "--allow-destroy",
        "--skip-final-snapshot",
        spec.to_str().expect("path"),
    ]);
}

/// A new replica exports the logs it names (`CreateDBInstanceReadReplica
/// EnableCloudwatchLogsExports`), not its primary's.
#[tokio::test]
async fn a_new_replica_exports_its_own_logs() {
    let name = unique("rlogs");
    seed_network(&name).await;
    let (_, text) = example("minimal.yaml", &name);
    let text = text.replace(
        "  engine: postgres\n",
        &format!(
            "  engine: postgres\n  log_exports: [postgresql]\n  replicas:\n    - {{identifier: {name}-db-r1, log_exports: [upgrade]}}\n"
        ),
    );
    assert!(text.contains("replicas"), "the example has no engine line");
    let spec = write_spec(&name, &text);
    apply(&spec);
    let logs = |id: String| async move {
        let mut l = describe_instance(&id)
            .await
            .enabled_cloudwatch_logs_exports()
            .to_vec();
        l.sort();
        l
    };
    assert_eq!(logs(format!("{name}-db-r1")).await, ["upgrade"]);
    assert_eq!(logs(format!("{name}-db")).await, ["postgresql"]);
    assert_plan_empty(&spec);
    let _ = stackctl(&[
        "destroy",
        "--auto-approve",
        "--allow-destroy",
        "--skip-final-snapshot",
        spec.to_str().expect("path"),
    ]);
}
