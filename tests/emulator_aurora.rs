//! The Aurora Serverless v2 stack of seed 003 (`stacks/aurora-serverless.yaml`) against the local
//! emulator: apply creates the cluster (capacity range, encryption, RDS-managed password, IAM
//! authentication, log exports, its cluster parameter group, subnet group and security group),
//! its writer and its reader, RDS Proxy with the cluster as its target and a read-only
//! endpoint, and the alarms; the next plan is empty and drift finds
//! nothing; `stackctl output` prints the writer and reader endpoints; raising `max_acu` plans one online change of the cluster and applies it; destroy
//! switches deletion protection off, deletes the instances before the cluster, and leaves
//! nothing tagged. A cluster changed behind the stack's back (backup retention, capacity range)
//! is reported by drift, exactly those attributes with AWS's and the spec's values, and apply
//! puts them back.

mod common;

use common::*;

/// The example stack under a unique name, in a VPC of its own.
async fn aurora_stack(name: &str) -> (std::path::PathBuf, String) {
    seed_network(name).await;
    let (_, text) = example("aurora-serverless.yaml", name);
    let text = text.replace("tags: {Name: orders}", &format!("tags: {{Name: {name}}}"));
    assert!(
        text.contains(&format!("Name: {name}")),
        "the example's VPC lookup moved"
    );
    (write_spec(name, &text), text)
}

async fn describe_cluster(id: &str) -> aws_sdk_rds::types::DbCluster {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    rds.describe_db_clusters()
        .db_cluster_identifier(id)
        .send()
        .await
        .expect("DescribeDBClusters")
        .db_clusters()
        .first()
        .cloned()
        .expect("the cluster")
}

#[tokio::test]
async fn the_seed_s_aurora_stack_applies_replans_empty_changes_its_capacity_and_is_destroyed() {
    let name = unique("aur");
    let (spec, yaml) = aurora_stack(&name).await;
    let p = spec.to_str().expect("path");

    apply(&spec);
    let c = describe_cluster(&name).await;
    let range = c
        .serverless_v2_scaling_configuration()
        .expect("capacity range");
    assert_eq!(
        (range.min_capacity(), range.max_capacity()),
        (Some(0.5), Some(16.0))
    );
    assert_eq!(c.engine(), Some("aurora-postgresql"));
    assert_eq!(c.storage_encrypted(), Some(true));
    assert_eq!(c.deletion_protection(), Some(true));
    assert_eq!(c.iam_database_authentication_enabled(), Some(true));
    assert_eq!(c.enabled_cloudwatch_logs_exports(), ["postgresql"]);
    assert_eq!(
        c.db_cluster_parameter_group(),
        Some(format!("{name}-cluster-aurora-postgresql16").as_str())
    );
    assert_eq!(c.db_subnet_group(), Some(format!("{name}-db").as_str()));
    assert_eq!(
        c.vpc_security_groups().len(),
        1,
        "the stack's database group"
    );
    assert!(
        c.master_user_secret().is_some(),
        "RDS manages the master password"
    );
    let members: Vec<(&str, bool, Option<i32>)> = c
        .db_cluster_members()
        .iter()
        .map(|m| {
            (
                m.db_instance_identifier().unwrap_or_default(),
                m.is_cluster_writer().unwrap_or(false),
                m.promotion_tier(),
            )
        })
        .collect();
    let (writer, reader) = (format!("{name}-1"), format!("{name}-2"));
    assert!(
        members.contains(&(writer.as_str(), true, Some(0))),
        "{members:?}"
    );
    assert!(
        members.contains(&(reader.as_str(), false, Some(1))),
        "{members:?}"
    );
    // The proxy targets the cluster; its read-only endpoint routes to the readers.
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let proxy = format!("{name}-proxy");
    let targets = rds
        .describe_db_proxy_targets()
        .db_proxy_name(&proxy)
        .send()
        .await
        .expect("DescribeDBProxyTargets");
    let tracked: Vec<_> = targets
        .targets()
        .iter()
        .filter(|t| t.r#type() == Some(&aws_sdk_rds::types::TargetType::TrackedCluster))
        .map(|t| t.rds_resource_id().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(tracked, std::slice::from_ref(&name), "{targets:?}");
    let ro = rds
        .describe_db_proxy_endpoints()
        .db_proxy_endpoint_name(format!("{name}-proxy-ro"))
        .send()
        .await
        .expect("DescribeDBProxyEndpoints");
    assert_eq!(
        ro.db_proxy_endpoints()[0].target_role().map(|r| r.as_str()),
        Some("READ_ONLY")
    );
    let w = describe_instance(&writer).await;
    assert_eq!(w.db_instance_class(), Some("db.serverless"));
    assert_eq!(w.performance_insights_enabled(), Some(true));

    // Where applications connect: the writer and reader endpoints, the port, the secret's ARN.
    let out = run_ok(&["output", "--format", "env", p], 0);
    let env = String::from_utf8_lossy(&out.stdout);
    let secret = c
        .master_user_secret()
        .and_then(|m| m.secret_arn())
        .expect("secret");
    for line in [
        format!("DB_WRITE_HOST='{}'", c.endpoint().expect("writer endpoint")),
        format!(
            "DB_READ_HOST='{}'",
            c.reader_endpoint().expect("reader endpoint")
        ),
        "DB_PORT='5432'".to_owned(),
        format!("DB_SECRET_ARN='{secret}'"),
        format!(
            "DB_PROXY_READ_HOST='{}'",
            ro.db_proxy_endpoints()[0].endpoint().expect("endpoint")
        ),
    ] {
        assert!(env.contains(&line), "no {line} in:\n{env}");
    }
    assert!(
        c.reader_endpoint()
            .is_some_and(|r| r.contains(".cluster-ro-")),
        "the reader endpoint is the cluster's"
    );

    // Idempotency: nothing to do, and nothing drifted.
    assert_plan_empty(&spec);
    run_ok(&["drift", p], 0);

    // More capacity: one online change of the cluster's range, at once.
    let bigger = yaml.replace("max_acu: 16", "max_acu: 32");
    assert_ne!(bigger, yaml, "the example's max_acu moved");
    std::fs::write(&spec, &bigger).expect("write spec");
    let plan = plan_json(&spec);
    let cluster = change(&plan, &format!("db_cluster.{name}"));
    assert_eq!(cluster["impact"], "online", "{cluster:#}");
    let attrs: Vec<&str> = cluster["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(attrs, ["serverless_v2_max_acu"]);
    assert_eq!(
        plan["changes"].as_array().map(Vec::len),
        Some(1),
        "{plan:#}"
    );
    apply(&spec);
    let range = describe_cluster(&name)
        .await
        .serverless_v2_scaling_configuration()
        .and_then(|r| r.max_capacity());
    assert_eq!(range, Some(32.0));
    assert_plan_empty(&spec);

    destroy(&spec);
    let left = tagged(&name).await;
    assert!(left.is_empty(), "still tagged after destroy: {left:?}");
}

/// An engine upgrade with `apply_changes: in_maintenance_window` waits in AWS for the window
/// (ModifyDBCluster without ApplyImmediately: PendingModifiedValues.EngineVersion): apply sends
/// it once, and the next plan neither asks for it again nor says "No changes": it names what AWS
/// holds for the window.
#[tokio::test]
async fn an_engine_upgrade_held_for_the_window_waits_in_aws_and_is_not_asked_again() {
    let name = unique("auh");
    let (spec, yaml) = aurora_stack(&name).await;
    let p = spec.to_str().expect("path");
    let held = yaml.replace(
        "  deletion_protection: true\n",
        "  deletion_protection: true\n  apply_changes: in_maintenance_window\n",
    );
    assert_ne!(held, yaml, "the example's deletion_protection moved");
    std::fs::write(&spec, &held).expect("write spec");
    apply(&spec);
    assert_plan_empty(&spec);

    let upgraded = held.replace("engine_version: \"16.8\"", "engine_version: \"16.9\"");
    assert_ne!(upgraded, held, "the example's engine version moved");
    std::fs::write(&spec, &upgraded).expect("write spec");
    apply(&spec);
    let c = describe_cluster(&name).await;
    assert_eq!(
        c.engine_version(),
        Some("16.8"),
        "not upgraded before the window"
    );
    assert_eq!(
        c.pending_modified_values().and_then(|v| v.engine_version()),
        Some("16.9"),
        "held for the window"
    );
    let out = run_ok(&["plan", "--detailed-exitcode", p], 0);
    assert_stdout_has(
        &out,
        "waits for changes AWS holds for the maintenance window",
    );
    assert!(!text(&out).contains("No changes"), "{}", text(&out));
    let out = run_ok(&["plan", "--json", p], 0);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
    assert_eq!(plan["steps"].as_array().map(Vec::len), Some(0), "{plan:#}");

    destroy(&spec);
    let left = tagged(&name).await;
    assert!(left.is_empty(), "still tagged after destroy: {left:?}");
}

/// An Aurora cluster changed behind the stack's back: drift reports exactly that attribute,
/// with AWS's value and the spec's, and apply puts it back.
#[tokio::test]
async fn a_cluster_s_drifted_backup_retention_and_capacity_are_reported_and_apply_restores_them() {
    let name = unique("aud");
    let (spec, _) = aurora_stack(&name).await;
    let p = spec.to_str().expect("path");
    apply(&spec);
    assert_plan_empty(&spec);

    // Another client changes the cluster's backup retention and its capacity range.
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    rds.modify_db_cluster()
        .db_cluster_identifier(&name)
        .backup_retention_period(1)
        .serverless_v2_scaling_configuration(
            aws_sdk_rds::types::ServerlessV2ScalingConfiguration::builder()
                .min_capacity(0.5)
                .max_capacity(8.0)
                .build(),
        )
        .apply_immediately(true)
        .send()
        .await
        .expect("out-of-band edit");

    let out = run_ok(&["drift", "--format", "json", p], 2);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("drift JSON");
    assert_eq!(report["drifted"], true);
    let changes = report["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "only the cluster drifted: {report:#}");
    let attrs = changes[0]["attributes"].as_array().expect("attributes");
    let mut seen: Vec<(String, serde_json::Value, serde_json::Value)> = attrs
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap_or_default().to_owned(),
                a["live"].clone(),
                a["desired"].clone(),
            )
        })
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen,
        [
            (
                "backup_retention_days".to_owned(),
                serde_json::json!(1),
                serde_json::json!(7)
            ),
            (
                "serverless_v2_max_acu".to_owned(),
                serde_json::json!(8.0),
                serde_json::json!(16.0)
            ),
        ],
        "{report:#}"
    );
    let text_out = run_ok(&["drift", p], 2);
    assert!(
        String::from_utf8_lossy(&text_out.stdout)
            .contains("backup_retention_days: live 1, desired 7"),
        "{}",
        text(&text_out)
    );

    apply(&spec);
    let c = describe_cluster(&name).await;
    assert_eq!(c.backup_retention_period(), Some(7));
    assert_eq!(
        c.serverless_v2_scaling_configuration()
            .and_then(|r| r.max_capacity()),
        Some(16.0)
    );
    run_ok(&["drift", p], 0);
    assert_plan_empty(&spec);
    destroy(&spec);
}

/// Each instance of the cluster and whether AWS has it as the writer (`IsClusterWriter`).
async fn writers(cluster: &str) -> std::collections::BTreeMap<String, bool> {
    describe_cluster(cluster)
        .await
        .db_cluster_members()
        .iter()
        .map(|m| {
            (
                m.db_instance_identifier().unwrap_or_default().to_owned(),
                m.is_cluster_writer().unwrap_or(false),
            )
        })
        .collect()
}

fn members(list: &[(&str, bool)]) -> std::collections::BTreeMap<String, bool> {
    list.iter().map(|(n, w)| ((*n).to_owned(), *w)).collect()
}

/// Readers added and removed, the writer removed, and a failover AWS made: each plan says what
/// it costs in the words `docs/impacts.md` cites, and apply does it; a writer other than the
/// spec's first instance is named by plan and drift, and the plan fails back to the spec's
/// first with `apply_changes: immediately` (a FailoverDBCluster step) or holds it outstanding
/// with `in_maintenance_window` (never "No changes"); listing AWS's writer first accepts it.
#[tokio::test]
async fn readers_come_and_go_with_their_cost_and_a_writer_aws_moved_is_named_and_failed_back() {
    use stackctl::model::db_cluster::{READER_ADDED, READER_REMOVED, WRITER_REMOVED};
    let name = unique("auw");
    let (spec, yaml) = aurora_stack(&name).await;
    let p = spec.to_str().expect("path");
    apply(&spec);
    assert_plan_empty(&spec);
    let (w, r, third) = (
        format!("{name}-1"),
        format!("{name}-2"),
        format!("{name}-3"),
    );
    let writer_block = format!(
        "    - identifier: {w}      # the writer\n      instance_class: db.serverless\n      promotion_tier: 0\n      performance_insights: {{enabled: true, retention_days: 7}}\n"
    );
    let reader_block = format!(
        "    - identifier: {r}      # a reader, promoted first if the writer fails\n      instance_class: db.serverless\n      promotion_tier: 1\n"
    );
    let third_block = format!(
        "    - identifier: {third}\n      instance_class: db.serverless\n      promotion_tier: 2\n"
    );
    let both = format!("{writer_block}{reader_block}");
    assert!(yaml.contains(&both), "the example's instances moved");

    // A third instance: a reader added, at no interruption of the writer that AWS documents.
    let three = yaml.replace(&both, &format!("{both}{third_block}"));
    std::fs::write(&spec, &three).expect("write spec");
    let plan = plan_json(&spec);
    assert_eq!(
        plan["changes"].as_array().map(Vec::len),
        Some(1),
        "{plan:#}"
    );
    let c = change(&plan, &format!("db_cluster_instance.{third}"));
    assert_eq!(c["action"], "create");
    assert_eq!(c["note"], READER_ADDED.said(), "{c:#}");
    assert_stdout_has(&run_ok(&["plan", p], 0), &READER_ADDED.said());
    apply(&spec);
    assert_eq!(
        writers(&name).await,
        members(&[(&w, true), (&r, false), (&third, false)])
    );
    assert_plan_empty(&spec);

    // AWS fails over to the reader (another hand's FailoverDBCluster, as AWS's own when the
    // writer fails): plan and drift name both, and with `apply_changes: immediately` (the
    // example's default) the plan fails back to the spec's first: a step, with its cost.
    let failover_to = |target: String| {
        let name = name.clone();
        async move {
            aws_sdk_rds::Client::new(&sdk_config().await)
                .failover_db_cluster()
                .db_cluster_identifier(&name)
                .target_db_instance_identifier(&target)
                .send()
                .await
                .expect("FailoverDBCluster");
        }
    };
    failover_to(r.clone()).await;
    let named = format!("AWS has {r} as the writer of {name}, and the spec lists {w} first");
    let out = run_ok(&["plan", "--detailed-exitcode", p], 2);
    assert_stdout_has(
        &out,
        &format!("a failover to {w} (FailoverDBCluster): {named}"),
    );
    assert_stdout_has(&run_ok(&["drift", p], 2), &named);
    let plan = plan_json(&spec);
    let steps = plan["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 1, "{plan:#}");
    assert_eq!(steps[0]["address"]["name"], w.as_str(), "{plan:#}");
    assert_eq!(
        steps[0]["calls"],
        serde_json::json!([{"op": "rds:FailoverDBCluster", "carries": ["writer"]}]),
        "{plan:#}"
    );
    apply(&spec);
    assert_eq!(
        writers(&name).await,
        members(&[(&w, true), (&r, false), (&third, false)])
    );
    assert_plan_empty(&spec);

    // Held for the maintenance window, the same failover is outstanding: named by plan and
    // drift, never "No changes", left undone by apply (AWS never fails over in the window).
    let held = three.replace(
        "  deletion_protection: true\n",
        "  deletion_protection: true\n  apply_changes: in_maintenance_window\n",
    );
    assert_ne!(held, three, "the example's deletion_protection moved");
    std::fs::write(&spec, &held).expect("write spec");
    assert_plan_empty(&spec);
    failover_to(r.clone()).await;
    let out = run_ok(&["plan", "--detailed-exitcode", p], 2);
    assert_stdout_has(&out, &format!("outstanding: {named}"));
    assert!(!text(&out).contains("No changes"), "{}", text(&out));
    assert_stdout_has(&run_ok(&["drift", p], 2), &named);
    let report: serde_json::Value =
        serde_json::from_slice(&run_ok(&["drift", "--format", "json", p], 2).stdout)
            .expect("drift JSON");
    let drifted = &report["changes"][0];
    assert_eq!(drifted["address"], format!("db_cluster_instance.{w}"));
    assert!(
        drifted["attributes"][0]["note"]
            .as_str()
            .is_some_and(|n| n.contains(&named)),
        "{report:#}"
    );
    let out = apply(&spec);
    assert!(text(&out).contains("Left undone"), "{}", text(&out));
    assert_eq!(
        writers(&name).await,
        members(&[(&w, false), (&r, true), (&third, false)])
    );
    // Listing AWS's writer first accepts it.
    let accepted = held.replace(&both, &format!("{reader_block}{writer_block}"));
    std::fs::write(&spec, &accepted).expect("write spec");
    assert_plan_empty(&spec);

    // A reader removed: its connections end, the reader endpoint routes to the rest.
    let two = accepted.replace(&third_block, "");
    std::fs::write(&spec, &two).expect("write spec");
    let plan = plan_json(&spec);
    let c = change(&plan, &format!("db_cluster_instance.{third}"));
    assert_eq!(c["action"], "delete");
    assert_eq!(c["note"], READER_REMOVED.said(), "{c:#}");
    let out = apply_destroying(&spec);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(writers(&name).await, members(&[(&w, false), (&r, true)]));
    assert_plan_empty(&spec);

    // The writer removed (with its lag alarm): AWS fails over to the reader that remains.
    let alarm = format!("  - name: {name}-2-lag\n");
    let start = two.find(&alarm).expect("the reader's lag alarm");
    let end = start
        + two[start..]
            .find("evaluation_periods: 3\n")
            .expect("its end")
        + 22;
    let one = format!("{}{}", &two[..start], &two[end..]).replace(&reader_block, "");
    std::fs::write(&spec, &one).expect("write spec");
    let plan = plan_json(&spec);
    let c = change(&plan, &format!("db_cluster_instance.{r}"));
    assert_eq!(c["action"], "delete");
    assert_eq!(c["note"], WRITER_REMOVED.said(), "{c:#}");
    assert_stdout_has(&run_ok(&["plan", p], 0), &WRITER_REMOVED.said());
    let out = apply_destroying(&spec);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(writers(&name).await, members(&[(&w, true)]));
    assert_plan_empty(&spec);

    // A new instance listed first, applied immediately: created (AWS adds it as a reader),
    // then failed over to, in the same apply.
    let n = format!("{name}-0");
    let first = one
        .replace("  apply_changes: in_maintenance_window\n", "")
        .replace(
            &writer_block,
            &format!(
                "    - identifier: {n}\n      instance_class: db.serverless\n      promotion_tier: 0\n{writer_block}"
            ),
        );
    std::fs::write(&spec, &first).expect("write spec");
    let plan = plan_json(&spec);
    let c = change(&plan, &format!("db_cluster_instance.{n}"));
    assert!(
        c["note"].as_str().is_some_and(|t| t.starts_with(&format!(
            "{}; then a failover to {n} (FailoverDBCluster): AWS has {w} as the writer",
            READER_ADDED.said()
        ))),
        "{c:#}"
    );
    let ops: Vec<(String, serde_json::Value)> = plan["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|st| st["address"]["name"] == n.as_str())
        .map(|st| {
            (
                st["op"].as_str().unwrap_or_default().to_owned(),
                st["calls"].clone(),
            )
        })
        .collect();
    assert_eq!(ops.len(), 2, "{plan:#}");
    assert_eq!(ops[1].0, "update");
    assert_eq!(
        ops[1].1,
        serde_json::json!([{"op": "rds:FailoverDBCluster", "carries": ["writer"]}])
    );
    apply(&spec);
    assert_eq!(writers(&name).await, members(&[(&n, true), (&w, false)]));
    assert_plan_empty(&spec);

    destroy(&spec);
    let left = tagged(&name).await;
    assert!(left.is_empty(), "still tagged after destroy: {left:?}");
}
