//! plan / apply / drift / destroy against the local emulator. Every test that applies ends
//! with a plan that must be empty.

mod common;

use common::*;
use serde_json::Value;

fn spec_text(name: &str, database_extra: &str, rest: &str) -> String {
    format!(
        r#"stack: {name}
region: us-east-1
network:
  vpc: {{tags: {{Name: {name}}}}}
  subnets: {{tags: {{tier: private}}}}
database:
  identifier: {name}-db
  engine: postgres
  engine_version: "16.4"
  instance_class: db.t4g.micro
  storage: {{allocated_gib: 20}}
  master_user: {{username: dbadmin}}
  deletion_protection: false
{database_extra}
{rest}
"#
    )
}

#[tokio::test]
async fn each_example_stack_is_created_from_nothing_and_a_second_plan_is_empty() {
    for (file, tag) in [
        ("minimal.yaml", "min"),
        ("staging.yaml", "stg"),
        ("production.yaml", "prd"),
    ] {
        let name = unique(tag);
        seed_network(&name).await;
        let (spec, _) = example(file, &name);
        let plan = plan_json(&spec);
        assert!(
            plan["changes"].as_array().is_some_and(|c| !c.is_empty()),
            "{file}: a new stack has changes"
        );
        assert!(
            plan["changes"]
                .as_array()
                .expect("changes")
                .iter()
                .all(|c| c["action"] == "create"),
            "{file}: from nothing, everything is created"
        );
        apply(&spec);
        assert_plan_empty(&spec);
        let owned = tagged(&name).await;
        assert!(
            owned.iter().any(|a| a.ends_with(&format!(":db:{name}-db"))),
            "{file}: the primary carries the stack's tag: {owned:?}"
        );
    }
}

/// `plan` shows what the spec says and counts the defaults; `plan --verbose` and
/// `apply --verbose` list every attribute, each default with its reason.
#[tokio::test]
async fn verbose_plans_list_every_default_with_its_reason_and_the_compact_one_counts_them() {
    let name = unique("vrb");
    seed_network(&name).await;
    let (spec, _) = example("minimal.yaml", &name);
    let path = spec.to_str().expect("path");
    let out = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let compact = out(&run_ok(&["plan", path], 0));
    assert!(
        compact.contains("more at their defaults (--verbose shows them)"),
        "{compact}"
    );
    assert!(!compact.contains("# the engine's port"), "{compact}");
    let verbose = out(&run_ok(&["plan", "--verbose", path], 0));
    assert!(!verbose.contains("more at their defaults"), "{verbose}");
    for line in [
        "port: 5432   # the engine's port",
        "backup_retention_days: 7   # stackctl's default",
    ] {
        assert!(verbose.contains(line), "{line:?} in:\n{verbose}");
    }
    let applied = out(&run_ok(&["apply", "--verbose", "--auto-approve", path], 0));
    assert!(
        applied.contains("port: 5432   # the engine's port"),
        "{applied}"
    );
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn a_drifted_attribute_is_reported_with_its_live_value_and_apply_reverts_it() {
    let name = unique("drf");
    seed_network(&name).await;
    let spec = write_spec(
        &name,
        &spec_text(&name, "  backup: {retention_days: 7}", ""),
    );
    apply(&spec);
    assert_plan_empty(&spec);

    // Another client changes the instance behind stackctl's back.
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    rds.modify_db_instance()
        .db_instance_identifier(format!("{name}-db"))
        .backup_retention_period(1)
        .apply_immediately(true)
        .send()
        .await
        .expect("out-of-band edit");

    let out = run_ok(
        &["drift", "--format", "json", spec.to_str().expect("path")],
        2,
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("drift JSON");
    assert_eq!(report["drifted"], true);
    let attr = report["changes"][0]["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .find(|a| a["name"] == "backup_retention_days")
        .cloned()
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(attr["live"], 1);
    assert_eq!(attr["desired"], 7);
    let text_out = run_ok(&["drift", spec.to_str().expect("path")], 2);
    assert!(
        String::from_utf8_lossy(&text_out.stdout)
            .contains("backup_retention_days: live 1, desired 7")
    );

    apply(&spec);
    assert_eq!(
        describe_instance(&format!("{name}-db"))
            .await
            .backup_retention_period(),
        Some(7)
    );
    run_ok(&["drift", spec.to_str().expect("path")], 0);
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn removing_a_replica_from_the_spec_deletes_exactly_that_replica() {
    let name = unique("rep");
    seed_network(&name).await;
    let two =
        format!("  replicas:\n    - {{identifier: {name}-r1}}\n    - {{identifier: {name}-r2}}");
    let spec = write_spec(&name, &spec_text(&name, &two, ""));
    apply(&spec);
    assert_plan_empty(&spec);

    let one = format!("  replicas:\n    - {{identifier: {name}-r1}}");
    std::fs::write(&spec, spec_text(&name, &one, "")).expect("rewrite");
    let plan = plan_json(&spec);
    let changes = plan["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{plan:#}");
    assert_eq!(
        change(&plan, &format!("db_replica.{name}-r2"))["action"],
        "delete"
    );
    // Deleting what holds data needs --allow-destroy; without it nothing changes.
    let refused = run_ok(
        &["apply", "--auto-approve", spec.to_str().expect("path")],
        1,
    );
    assert_stderr_has(&refused, "--allow-destroy");
    assert!(
        instance_exists(&format!("{name}-r2")).await,
        "refused: r2 is still there"
    );
    run_ok(
        &[
            "apply",
            "--auto-approve",
            "--allow-destroy",
            spec.to_str().expect("path"),
        ],
        0,
    );
    assert!(!instance_exists(&format!("{name}-r2")).await, "r2 is gone");
    assert!(instance_exists(&format!("{name}-r1")).await, "r1 stays");
    assert!(
        instance_exists(&format!("{name}-db")).await,
        "the primary stays"
    );
    assert_plan_empty(&spec);
}

/// Applies `text`, asserting first that the plan's change to `address` has `impact`.
fn apply_change(spec: &std::path::Path, text: &str, address: &str, impact: &str) {
    std::fs::write(spec, text).expect("rewrite");
    let plan = plan_json(spec);
    assert_eq!(change(&plan, address)["impact"], impact, "{plan:#}");
    run_ok(
        &[
            "apply",
            "--auto-approve",
            "--allow-destroy",
            spec.to_str().expect("path"),
        ],
        0,
    );
    assert_plan_empty(spec);
}

#[tokio::test]
async fn one_update_of_each_impact_class_lands_in_aws() {
    let name = unique("imp");
    seed_network(&name).await;
    let db = format!("db_instance.{name}-db");
    let alarm = |threshold: u32| {
        format!(
            "alarms:\n  - {{name: {name}-cpu, resource: {name}-db, metric: CPUUtilization, threshold: {threshold}, comparison: greater_than, evaluation_periods: 3}}"
        )
    };
    let spec = write_spec(&name, &spec_text(&name, "", &alarm(80)));
    apply(&spec);
    assert_plan_empty(&spec);

    // Online: an alarm's threshold.
    apply_change(
        &spec,
        &spec_text(&name, "", &alarm(90)),
        &format!("alarm.{name}-cpu"),
        "online",
    );
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    let alarms = cw
        .describe_alarms()
        .alarm_names(format!("{name}-cpu"))
        .send()
        .await
        .expect("alarms");
    assert_eq!(alarms.metric_alarms()[0].threshold(), Some(90.0));

    // Needs a reboot: a parameter group for the instance.
    let pg =
        "  parameter_group: {family: postgres16, parameters: {log_min_duration_statement: 250}}";
    apply_change(&spec, &spec_text(&name, pg, &alarm(90)), &db, "reboot");
    let inst = describe_instance(&format!("{name}-db")).await;
    assert_eq!(
        inst.db_parameter_groups()[0].db_parameter_group_name(),
        Some(format!("{name}-db-postgres16").as_str())
    );

    // Brief outage: a new instance class on a single-AZ instance.
    let text = spec_text(&name, pg, &alarm(90)).replace("db.t4g.micro", "db.t4g.small");
    apply_change(&spec, &text, &db, "brief_outage");
    assert_eq!(
        describe_instance(&format!("{name}-db"))
            .await
            .db_instance_class(),
        Some("db.t4g.small")
    );

    // Multi-AZ failover: a new class on a Multi-AZ instance (Multi-AZ itself is online).
    let multi = format!("{pg}\n  multi_az: true");
    let text = spec_text(&name, &multi, &alarm(90)).replace("db.t4g.micro", "db.t4g.small");
    apply_change(&spec, &text, &db, "online");
    assert_eq!(
        describe_instance(&format!("{name}-db")).await.multi_az(),
        Some(true)
    );
    let text = spec_text(&name, &multi, &alarm(90)).replace("db.t4g.micro", "db.t4g.medium");
    apply_change(&spec, &text, &db, "failover");
    assert_eq!(
        describe_instance(&format!("{name}-db"))
            .await
            .db_instance_class(),
        Some("db.t4g.medium")
    );

    // Pending the maintenance window: the change waits in AWS, and is not a change again.
    let deferred = format!(
        "{multi}\n  apply_changes: in_maintenance_window\n  maintenance_window: sun:04:30-sun:05:30"
    );
    let text = spec_text(&name, &deferred, &alarm(90)).replace("db.t4g.micro", "db.t4g.large");
    apply_change(&spec, &text, &db, "pending_maintenance");
    let inst = describe_instance(&format!("{name}-db")).await;
    assert_eq!(
        inst.db_instance_class(),
        Some("db.t4g.medium"),
        "not applied yet"
    );
    assert_eq!(
        inst.pending_modified_values()
            .and_then(|p| p.db_instance_class()),
        Some("db.t4g.large"),
        "waiting for the window"
    );

    // Replacement with data loss: encryption cannot be turned off in place.
    let text = spec_text(&name, &deferred, &alarm(90))
        .replace("db.t4g.micro", "db.t4g.large")
        .replace(
            "storage: {allocated_gib: 20}",
            "storage: {allocated_gib: 20, encrypted: false}",
        );
    apply_change(&spec, &text, &db, "replace_data_loss");
    assert_eq!(
        describe_instance(&format!("{name}-db"))
            .await
            .storage_encrypted(),
        Some(false)
    );
}

#[tokio::test]
async fn a_replica_moved_to_another_zone_is_replaced() {
    let name = unique("az");
    seed_network(&name).await;
    let rep =
        |az: &str| format!("  replicas:\n    - {{identifier: {name}-r1, availability_zone: {az}}}");
    let spec = write_spec(&name, &spec_text(&name, &rep("us-east-1a"), ""));
    apply(&spec);
    assert_plan_empty(&spec);
    apply_change(
        &spec,
        &spec_text(&name, &rep("us-east-1b"), ""),
        &format!("db_replica.{name}-r1"),
        "replace",
    );
    assert_eq!(
        describe_instance(&format!("{name}-r1"))
            .await
            .availability_zone(),
        Some("us-east-1b")
    );
}

#[tokio::test]
async fn a_saved_plan_applies_and_is_refused_once_aws_has_moved_on() {
    let name = unique("sav");
    seed_network(&name).await;
    let spec = write_spec(&name, &spec_text(&name, "", ""));
    let planfile = std::env::temp_dir().join(format!("stackctl-tests/{name}.plan.json"));
    let p = planfile.to_str().expect("path");
    run_ok(&["plan", "--out", p, spec.to_str().expect("path")], 0);
    run_ok(&["apply", "--auto-approve", p], 0);
    assert_plan_empty(&spec);

    // A plan saved now, then a change in AWS: the saved plan no longer describes the world.
    std::fs::write(&spec, spec_text(&name, "  backup: {retention_days: 3}", "")).expect("rewrite");
    run_ok(&["plan", "--out", p, spec.to_str().expect("path")], 0);
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    rds.modify_db_instance()
        .db_instance_identifier(format!("{name}-db"))
        .publicly_accessible(true)
        .apply_immediately(true)
        .send()
        .await
        .expect("out-of-band edit");
    let o = run_ok(&["apply", "--auto-approve", p], 1);
    assert_stderr_has(&o, "changed in AWS since this plan was made");
    apply(&spec);
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn apply_without_a_terminal_needs_auto_approve_and_touches_nothing() {
    let name = unique("ask");
    seed_network(&name).await;
    let spec = write_spec(&name, &spec_text(&name, "", ""));
    let o = run_ok(&["apply", spec.to_str().expect("path")], 1);
    assert_stderr_has(&o, "--auto-approve");
    assert!(tagged(&name).await.is_empty(), "nothing was created");
}

#[tokio::test]
async fn destroy_leaves_nothing_tagged_with_the_stack() {
    let name = unique("dst");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    apply(&spec);
    assert!(!tagged(&name).await.is_empty());
    let refused = run_ok(
        &["destroy", "--auto-approve", spec.to_str().expect("path")],
        1,
    );
    assert_stderr_has(&refused, "--allow-destroy");
    assert!(
        !tagged(&name).await.is_empty(),
        "refused: nothing was deleted"
    );
    let done = run_ok(
        &[
            "destroy",
            "--auto-approve",
            "--allow-destroy",
            spec.to_str().expect("path"),
        ],
        0,
    );
    assert_stderr_has(&done, "Destroy complete:");
    let left = tagged(&name).await;
    assert!(left.is_empty(), "still tagged with {name}: {left:?}");
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config().await);
    let sgs = ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("tag:stackctl:stack")
                .values(&name)
                .build(),
        )
        .send()
        .await
        .expect("SGs");
    assert!(sgs.security_groups().is_empty());
    // Destroying again finds nothing to do.
    let o = run_ok(
        &[
            "destroy",
            "--auto-approve",
            "--allow-destroy",
            spec.to_str().expect("path"),
        ],
        0,
    );
    assert_stdout_has(&o, "No changes");
}

#[tokio::test]
async fn generated_secrets_work_and_never_appear_in_output_or_plan_files() {
    let name = unique("sec");
    seed_network(&name).await;
    let extra = "  master_user: {username: dbadmin, password: generated}";
    let rest = format!(
        "proxy:\n  name: {name}-proxy\n  role_arn: arn:aws:iam::123456789012:role/proxy\n\
redis:\n  replication_group_id: {name}-redis\n  engine_version: \"7.1\"\n  node_type: cache.t4g.small\n  auth_token: generated"
    );
    let text = spec_text(&name, "", &rest).replace("  master_user: {username: dbadmin}", extra);
    let spec = write_spec(&name, &text);
    let planfile = std::env::temp_dir().join(format!("stackctl-tests/{name}.plan.json"));
    let p = spec.to_str().expect("path");
    let mut outputs = vec![run_ok(
        &["plan", "--out", planfile.to_str().expect("path"), p],
        0,
    )];
    outputs.push(run_ok(&["apply", "--auto-approve", p], 0));
    outputs.push(run_ok(&["plan", "--json", p], 0));
    outputs.push(run_ok(&["drift", "--format", "json", p], 0));
    assert_plan_empty(&spec);

    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config().await);
    let value = |id: String| {
        let sm = sm.clone();
        async move {
            let v = sm
                .get_secret_value()
                .secret_id(id)
                .send()
                .await
                .expect("secret");
            serde_json::from_str::<Value>(v.secret_string().expect("string")).expect("JSON")
        }
    };
    let master = value(format!("stackctl/{name}/{name}-db/master")).await;
    let token = value(format!("stackctl/{name}/{name}-redis/auth-token")).await;
    assert_eq!(master["username"], "dbadmin");
    let password = master["password"].as_str().expect("password").to_owned();
    let token = token["token"].as_str().expect("token").to_owned();
    assert!(password.len() >= 32 && token.len() >= 32);

    // The proxy authenticates with the generated secret.
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let proxy = rds
        .describe_db_proxies()
        .db_proxy_name(format!("{name}-proxy"))
        .send()
        .await
        .expect("proxy");
    let secret_arn = proxy.db_proxies()[0].auth()[0]
        .secret_arn()
        .expect("secret arn");
    assert!(
        secret_arn.contains(&format!("stackctl/{name}/{name}-db/master")),
        "{secret_arn}"
    );

    let mut seen = String::new();
    for o in &outputs {
        seen.push_str(&String::from_utf8_lossy(&o.stdout));
        seen.push_str(&String::from_utf8_lossy(&o.stderr));
    }
    seen.push_str(&std::fs::read_to_string(&planfile).expect("plan file"));
    assert!(!seen.contains(&password), "the master password leaked");
    assert!(!seen.contains(&token), "the AUTH token leaked");
}

#[tokio::test]
async fn changing_the_stack_tags_retags_every_resource_in_place() {
    let name = unique("tag");
    seed_network(&name).await;
    let (spec, text) = example("staging.yaml", &name);
    apply(&spec);
    let before = tagged(&name).await;
    std::fs::write(
        &spec,
        text.replace("  team: platform", "  team: data\n  cost-center: shop"),
    )
    .expect("rewrite");
    let plan = plan_json(&spec);
    let changes = plan["changes"].as_array().expect("changes");
    assert!(
        changes
            .iter()
            .all(|c| c["action"] == "update" && c["impact"] == "online"),
        "{plan:#}"
    );
    apply(&spec);
    assert_plan_empty(&spec);
    use aws_sdk_resourcegroupstagging::types::TagFilter;
    let c = aws_sdk_resourcegroupstagging::Client::new(&sdk_config().await);
    let out = c
        .get_resources()
        .tag_filters(
            TagFilter::builder()
                .key("stackctl:stack")
                .values(&name)
                .build(),
        )
        .tag_filters(TagFilter::builder().key("team").values("data").build())
        .tag_filters(
            TagFilter::builder()
                .key("cost-center")
                .values("shop")
                .build(),
        )
        .send()
        .await
        .expect("GetResources");
    assert_eq!(
        out.resource_tag_mapping_list().len(),
        before.len(),
        "every owned resource is retagged"
    );
}

#[tokio::test]
async fn a_proxy_removed_from_the_spec_is_deleted() {
    let name = unique("prx");
    seed_network(&name).await;
    let (spec, text) = example("staging.yaml", &name);
    apply(&spec);
    let start = text.find("\nproxy:\n").expect("proxy section");
    let end = text[start + 1..]
        .find("\n\n")
        .map(|e| start + 1 + e)
        .expect("end of proxy section");
    std::fs::write(&spec, format!("{}{}", &text[..start], &text[end..])).expect("rewrite");
    let plan = plan_json(&spec);
    assert_eq!(
        change(&plan, &format!("proxy.{name}-proxy"))["action"],
        "delete",
        "{plan:#}"
    );
    apply(&spec);
    assert_plan_empty(&spec);
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let gone = rds
        .describe_db_proxies()
        .db_proxy_name(format!("{name}-proxy"))
        .send()
        .await;
    assert!(gone.is_err(), "the proxy is gone");
}

#[tokio::test]
async fn the_local_journal_copy_is_removed_once_an_apply_completes() {
    let name = unique("jnl");
    seed_network(&name).await;
    let spec = write_spec(&name, &spec_text(&name, "", ""));
    let o = common::faults::apply_env(&spec, &name, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let dir = common::faults::state_dir(&name);
    let left: Vec<_> = std::fs::read_dir(&dir)
        .expect("state dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "journal copies left: {left:?}");
    assert_plan_empty(&spec);
}

/// A static parameter with `apply_changes: in_maintenance_window`: the group changes, the
/// reboot it needs is left undone and said so (apply and every later plan name it; the plan is
/// never "No changes" while the instance waits), and with `immediately` apply reboots it.
#[tokio::test]
async fn a_reboot_left_for_later_is_said_and_stays_outstanding_until_done() {
    let name = unique("rbt");
    seed_network(&name).await;
    let group = |params: &str, when: &str| {
        spec_text(
            &name,
            &format!(
                "  apply_changes: {when}\n  parameter_group: {{family: postgres16, parameters: {{{params}}}}}"
            ),
            "",
        )
    };
    let spec = write_spec(&name, &group("work_mem: 4096", "in_maintenance_window"));
    apply(&spec);
    assert_plan_empty(&spec);

    let both = "work_mem: 4096, shared_buffers: 32768";
    let spec = write_spec(&name, &group(both, "in_maintenance_window"));
    let plan = plan_json(&spec);
    let db = change(&plan, &format!("db_instance.{name}-db"));
    assert_eq!(db["impact"], "reboot", "{db:#}");
    assert_eq!(db["attributes"][0]["outstanding"], true, "{db:#}");
    let o = apply(&spec);
    assert_stderr_has(
        &o,
        &format!("Left undone, as the plan says (outstanding): db_instance.{name}-db"),
    );
    let again = stackctl(&["plan", "--detailed-exitcode", spec.to_str().expect("path")]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert_stdout_has(&again, "parameter_apply_status");

    let spec = write_spec(&name, &group(both, "immediately"));
    apply(&spec);
    assert_plan_empty(&spec);
}

/// Backup retention between two non-zero values is online and applied at once, even when the
/// stack asks for the maintenance window ("asynchronously applied as soon as possible"); from a
/// non-zero value to 0 is an outage that AWS holds for the window, and waiting there it is not
/// asked for again.
#[tokio::test]
async fn backup_retention_is_held_for_the_window_only_from_or_to_zero() {
    let name = unique("bkp");
    seed_network(&name).await;
    let with = |days: u32| {
        spec_text(
            &name,
            &format!(
                "  backup: {{retention_days: {days}}}\n  apply_changes: in_maintenance_window"
            ),
            "",
        )
    };
    let spec = write_spec(&name, &with(7));
    apply(&spec);
    assert_plan_empty(&spec);
    let db = format!("{name}-db");
    let attr = |plan: &Value| {
        change(plan, &format!("db_instance.{db}"))["attributes"]
            .as_array()
            .expect("attributes")
            .iter()
            .find(|a| a["name"] == "backup_retention_days")
            .cloned()
            .unwrap_or_else(|| panic!("{plan:#}"))
    };

    std::fs::write(&spec, with(3)).expect("write");
    let a = attr(&plan_json(&spec));
    assert_eq!(a["impact"], "online", "{a}");
    apply(&spec);
    let i = describe_instance(&db).await;
    assert_eq!(i.backup_retention_period(), Some(3));
    assert_eq!(
        i.pending_modified_values()
            .and_then(|p| p.backup_retention_period()),
        None
    );
    assert_plan_empty(&spec);

    std::fs::write(&spec, with(0)).expect("write");
    let a = attr(&plan_json(&spec));
    assert_eq!(a["impact"], "pending_maintenance", "{a}");
    assert!(
        a["note"]
            .as_str()
            .unwrap_or_default()
            .contains("then: brief outage"),
        "{a}"
    );
    apply(&spec);
    let i = describe_instance(&db).await;
    assert_eq!(i.backup_retention_period(), Some(3));
    assert_eq!(
        i.pending_modified_values()
            .and_then(|p| p.backup_retention_period()),
        Some(0)
    );
    assert_plan_empty(&spec);
}

/// Redis AUTH turned on for a group that has none: ROTATE adds the token while connections
/// without AUTH are still accepted, so apply follows it with SET, which makes the token the only
/// way in; the next plan is empty. Turning it off again is refused with AWS's reason.
#[tokio::test]
async fn redis_auth_turned_on_is_enforced_and_never_left_optional() {
    let name = unique("aut");
    seed_network(&name).await;
    let redis = |auth: &str| {
        let rest = format!(
            "redis:\n  replication_group_id: {name}-redis\n  engine_version: \"7.1\"\n  node_type: cache.t4g.small\n  auth_token: {auth}"
        );
        spec_text(&name, "", &rest)
    };
    let spec = write_spec(&name, &redis("none"));
    apply(&spec);
    assert_plan_empty(&spec);

    let spec = write_spec(&name, &redis("generated"));
    let o = stackctl_with(
        &["apply", "--auto-approve", spec.to_str().expect("path")],
        &[("STACKCTL_REPORT_CALLS", "1")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let report = text(&o);
    let rotate = report.find("elasticache:ModifyReplicationGroup ");
    let set = report.find("elasticache:ModifyReplicationGroup(SET)");
    assert!(
        matches!((rotate, set), (Some(r), Some(s)) if r < s),
        "ROTATE, then SET:\n{report}"
    );
    assert_plan_empty(&spec);

    let spec = write_spec(&name, &redis("none"));
    let o = stackctl(&["plan", spec.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_stderr_has(&o, "allowed only when transitioning to RBAC");
}

/// Redis encryption in transit turned on for a group that has none is an update in place, in
/// AWS's two calls (mode `preferred`, then `required`), never a replacement that loses the
/// cached data; the group keeps its ARN and the next plan is empty.
#[tokio::test]
async fn redis_encryption_in_transit_turned_on_in_place_in_two_calls() {
    let name = unique("tls");
    seed_network(&name).await;
    let redis = |on: bool| {
        let rest = format!(
            "redis:\n  replication_group_id: {name}-redis\n  engine_version: \"7.1\"\n  node_type: cache.t4g.small\n  auth_token: none\n  transit_encryption: {on}"
        );
        spec_text(&name, "", &rest)
    };
    let spec = write_spec(&name, &redis(false));
    apply(&spec);
    assert_plan_empty(&spec);
    let ec = aws_sdk_elasticache::Client::new(&sdk_config().await);
    let describe = || async {
        let out = ec
            .describe_replication_groups()
            .replication_group_id(format!("{name}-redis"))
            .send()
            .await
            .expect("describe the group");
        out.replication_groups()[0].clone()
    };
    let arn = describe().await.arn().map(str::to_owned);

    let spec = write_spec(&name, &redis(true));
    let plan = plan_json(&spec);
    let rg = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["address"]["kind"] == "replication_group")
        .expect("the group changes");
    assert_eq!(rg["action"], "update", "{rg:#}");
    let o = stackctl_with(
        &["apply", "--auto-approve", spec.to_str().expect("path")],
        &[("STACKCTL_REPORT_CALLS", "1")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let report = text(&o);
    let preferred = report.find("ModifyReplicationGroup(TransitEncryptionMode=preferred)");
    let required = report.find("ModifyReplicationGroup(TransitEncryptionMode=required)");
    assert!(
        matches!((preferred, required), (Some(p), Some(r)) if p < r),
        "preferred, then required:\n{report}"
    );
    assert!(!report.contains("DeleteReplicationGroup"), "{report}");
    let g = describe().await;
    assert_eq!(g.arn().map(str::to_owned), arn, "the same group");
    assert_eq!(g.transit_encryption_enabled(), Some(true));
    assert_eq!(
        g.transit_encryption_mode().map(|m| m.as_str()),
        Some("required")
    );
    assert_plan_empty(&spec);
}

/// `plan --format markdown` is the plan for a pull-request comment; `--format json` is
/// `--json`.
#[tokio::test]
async fn a_plan_prints_as_markdown_and_as_json_either_way() {
    let name = unique("pmd");
    seed_network(&name).await;
    let spec = write_spec(&name, &spec_text(&name, "", ""));
    let p = spec.to_str().expect("path");
    let md = run_ok(&["plan", "--format", "markdown", p], 0);
    let md = String::from_utf8_lossy(&md.stdout).to_string();
    assert!(
        md.starts_with(&format!("## Plan for stack `{name}`")),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "| ➕ | `db_instance.{name}-db` (RDS instance) | create |"
        )),
        "{md}"
    );
    let by_flag: Value =
        serde_json::from_slice(&run_ok(&["plan", "--json", p], 0).stdout).expect("json");
    let by_format: Value =
        serde_json::from_slice(&run_ok(&["plan", "--format", "json", p], 0).stdout).expect("json");
    assert_eq!(by_flag["changes"], by_format["changes"]);
}

/// `stackctl output` prints where applications connect, read from AWS: before an apply it says
/// there is nothing yet; after, the writer and reader hosts are the instances' endpoints, the
/// proxy's and Redis's hosts are there, the credentials are the secrets' ARNs, and no secret
/// value appears in any format.
#[tokio::test]
async fn output_prints_the_endpoints_and_the_secrets_arns_never_their_values() {
    let name = unique("out");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    let p = spec.to_str().expect("path");
    let before = stackctl(&["output", p]);
    assert_eq!(before.status.code(), Some(1), "{}", text(&before));
    assert_stderr_has(&before, "run `stackctl apply` first");

    apply(&spec);
    let env =
        String::from_utf8_lossy(&run_ok(&["output", "--format", "env", p], 0).stdout).to_string();
    let json: Value = serde_json::from_slice(&run_ok(&["output", "--format", "json", p], 0).stdout)
        .expect("json");
    for (key, id) in [
        ("DB_WRITE_HOST", format!("{name}-db")),
        ("DB_READ_HOST", format!("{name}-db-replica-1")),
    ] {
        let i = describe_instance(&id).await;
        let host = i.endpoint().and_then(|e| e.address()).expect("endpoint");
        assert_eq!(json[key], host, "{key}");
    }
    assert!(
        env.contains(&format!(
            "DB_WRITE_HOST='{}'",
            json["DB_WRITE_HOST"].as_str().unwrap_or("?")
        )),
        "{env}"
    );
    for key in ["DB_PORT", "DB_PROXY_HOST", "REDIS_HOST", "REDIS_PORT"] {
        assert!(
            json[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} in {json:#}"
        );
    }
    for key in ["DB_SECRET_ARN", "REDIS_AUTH_SECRET_ARN"] {
        assert!(
            json[key]
                .as_str()
                .is_some_and(|v| v.starts_with("arn:aws:secretsmanager:")),
            "{key} in {json:#}"
        );
    }
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config().await);
    let text_out = String::from_utf8_lossy(&run_ok(&["output", p], 0).stdout).to_string();
    for key in ["DB_SECRET_ARN", "REDIS_AUTH_SECRET_ARN"] {
        let v = sm
            .get_secret_value()
            .secret_id(json[key].as_str().unwrap_or_default())
            .send()
            .await
            .expect("secret");
        let doc: Value = serde_json::from_str(v.secret_string().unwrap_or("{}")).expect("JSON");
        for field in ["password", "token"] {
            if let Some(secret) = doc[field].as_str() {
                for shown in [&env, &text_out, &json.to_string()] {
                    assert!(!shown.contains(secret), "{key}'s {field} printed");
                }
            }
        }
    }
    assert_plan_empty(&spec);
}
