//! Apply never destroys what it does not own: resources of the same name that another team
//! owns, plan files edited after `plan`, and the cascades AWS performs by itself. Regression
//! tests, each named after what broke. Every test that applies ends with an empty plan.

mod common;

use common::*;
use serde_json::{Value, json};

fn spec_text(name: &str, replicas: &str) -> String {
    format!(
        r#"stack: {name}
region: us-east-1
network:
  vpc: {{tags: {{Name: {name}}}}}
  subnets: {{tags: {{tier: private}}}}
  security_groups:
    database: {{ingress: [{{cidr: 10.0.0.0/8, port: 5432}}]}}
database:
  identifier: {name}-db
  engine: postgres
  engine_version: "16.4"
  instance_class: db.t4g.micro
  storage: {{allocated_gib: 20}}
  master_user: {{username: dbadmin}}
  deletion_protection: false
  security_groups: [database]
{replicas}
"#
    )
}

fn replica(name: &str) -> String {
    format!("  replicas:\n    - {{identifier: {name}-r1}}")
}

/// The foreign instance is still there, still protected.
async fn assert_untouched(id: &str) {
    let i = describe_instance(id).await;
    assert_eq!(
        i.deletion_protection(),
        Some(true),
        "{id} lost its protection"
    );
    assert!(
        i.tag_list()
            .iter()
            .all(|t| t.key() != Some("stackctl:stack")),
        "{id} was tagged"
    );
}

#[tokio::test]
async fn a_foreign_instance_named_like_a_replica_stops_the_plan_and_is_never_deleted() {
    let name = unique("fri");
    seed_network(&name).await;
    foreign_instance(&format!("{name}-r1")).await;
    let spec = write_spec(&name, &spec_text(&name, &replica(&name)));
    let p = stackctl(&["plan", spec.to_str().expect("path")]);
    assert_eq!(p.status.code(), Some(1), "{}", text(&p));
    assert_stderr_has(
        &p,
        &format!(
            "db_replica.{name}-r1: AWS already has db_instance.{name}-r1 of that name, not owned by stack `{name}`"
        ),
    );
    let a = apply_destroying(&spec);
    assert_eq!(a.status.code(), Some(1), "{}", text(&a));
    assert_untouched(&format!("{name}-r1")).await;
    assert!(tagged(&name).await.is_empty(), "nothing was created");
}

#[tokio::test]
async fn a_foreign_security_group_of_the_stacks_name_stops_the_plan() {
    use aws_sdk_ec2::types::Filter;
    let name = unique("fsg");
    seed_network(&name).await;
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config().await);
    let vpc = ec2
        .describe_vpcs()
        .filters(Filter::builder().name("tag:Name").values(&name).build())
        .send()
        .await
        .expect("vpc");
    let vpc_id = vpc.vpcs()[0].vpc_id().expect("id").to_owned();
    let group = ec2
        .create_security_group()
        .group_name(format!("{name}-database"))
        .description("another team's")
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("foreign group");
    let spec = write_spec(&name, &spec_text(&name, ""));
    let p = stackctl(&["plan", spec.to_str().expect("path")]);
    assert_eq!(p.status.code(), Some(1), "{}", text(&p));
    assert_stderr_has(&p, "not owned by stack");
    let gid = group.group_id().expect("id");
    let still = ec2
        .describe_security_groups()
        .group_ids(gid)
        .send()
        .await
        .expect("the foreign group is still there");
    assert_eq!(still.security_groups().len(), 1);
}

fn save_plan(spec: &std::path::Path, name: &str) -> (std::path::PathBuf, Value) {
    let file = std::env::temp_dir().join(format!("stackctl-tests/{name}.plan.json"));
    run_ok(
        &[
            "plan",
            "--out",
            file.to_str().expect("path"),
            spec.to_str().expect("path"),
        ],
        0,
    );
    let v = serde_json::from_str(&std::fs::read_to_string(&file).expect("plan")).expect("json");
    (file, v)
}

/// Writes an edited copy of a saved plan and applies it: refused, exit 1, with `why`.
fn assert_refused(file: &std::path::Path, edited: &Value, why: &str) {
    let copy = file.with_extension("edited.json");
    std::fs::write(&copy, serde_json::to_string_pretty(edited).expect("json")).expect("write");
    let o = apply_destroying(&copy);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(why),
        "wanted {why:?}:\n{}",
        text(&o)
    );
}

#[tokio::test]
async fn a_saved_plan_edited_after_plan_is_refused_and_changes_nothing() {
    let name = unique("tmp");
    seed_network(&name).await;
    let other = unique("oth");
    foreign_instance(&format!("{other}-db")).await;
    let spec = write_spec(&name, &spec_text(&name, ""));
    apply(&spec);
    assert_plan_empty(&spec);
    // A real change to review: backups kept 3 days.
    std::fs::write(&spec, spec_text(&name, "  backup: {retention_days: 3}")).expect("rewrite");
    let (file, plan) = save_plan(&spec, &name);
    let db = format!("{name}-db");

    // A delete step appended for another team's protected instance.
    let mut edited = plan.clone();
    let n = edited["steps"].as_array().expect("steps").len();
    edited["steps"].as_array_mut().expect("steps").push(json!({
        "id": n, "address": {"kind": "db_instance", "name": format!("{other}-db")},
        "op": "delete", "reboot": false, "depends_on": [], "impact": "delete_data_loss"
    }));
    assert_refused(&file, &edited, "it was edited");
    // Values edited where the display does not look.
    let mut edited = plan.clone();
    for r in edited["desired"].as_array_mut().expect("desired") {
        if r["address"]["name"] == json!(db) {
            r["attrs"]["instance_class"] = json!("db.r6g.16xlarge");
            r["attrs"]["publicly_accessible"] = json!(true);
        }
    }
    assert_refused(&file, &edited, "it was edited");
    // Another stack named in the file only.
    let mut edited = plan.clone();
    edited["stack"] = json!(other);
    assert_refused(&file, &edited, "it was edited");
    // A step that depends on itself: refused before the lock is taken.
    let mut edited = plan.clone();
    edited["steps"][0]["depends_on"] = json!([0]);
    assert_refused(&file, &edited, "not a consistent stackctl plan");

    assert_untouched(&format!("{other}-db")).await;
    let i = describe_instance(&db).await;
    assert_eq!(i.db_instance_class(), Some("db.t4g.micro"));
    assert_eq!(i.backup_retention_period(), Some(7), "nothing was applied");
    // The plan as `plan` wrote it applies.
    run_ok(
        &["apply", "--auto-approve", file.to_str().expect("path")],
        0,
    );
    assert_eq!(
        describe_instance(&db).await.backup_retention_period(),
        Some(3)
    );
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn replacing_a_primary_with_replicas_replaces_them_too_and_the_next_plan_is_empty() {
    let name = unique("rpl");
    seed_network(&name).await;
    let spec = write_spec(&name, &spec_text(&name, &replica(&name)));
    apply(&spec);
    assert_plan_empty(&spec);
    let unencrypted = spec_text(&name, &replica(&name)).replace(
        "storage: {allocated_gib: 20}",
        "storage: {allocated_gib: 20, encrypted: false}",
    );
    std::fs::write(&spec, &unencrypted).expect("rewrite");
    let plan = plan_json(&spec);
    let replaced: Vec<String> = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["action"] == json!("replace"))
        .map(|c| {
            format!(
                "{}.{}",
                c["address"]["kind"].as_str().unwrap_or(""),
                c["address"]["name"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        replaced.contains(&format!("db_replica.{name}-r1")),
        "the replica is replaced with its source: {replaced:?}"
    );
    let o = apply_destroying(&spec);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r = describe_instance(&format!("{name}-r1")).await;
    assert_eq!(
        r.read_replica_source_db_instance_identifier(),
        Some(format!("{name}-db").as_str()),
        "still a replica of the new primary"
    );
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn a_replica_promoted_by_its_sources_deletion_is_replaced_and_the_next_plan_is_empty() {
    let name = unique("prm");
    seed_network(&name).await;
    let spec = write_spec(&name, &spec_text(&name, &replica(&name)));
    apply(&spec);
    // Out of band: the source is deleted; AWS promotes the replica.
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    rds.delete_db_instance()
        .db_instance_identifier(format!("{name}-db"))
        .skip_final_snapshot(true)
        .send()
        .await
        .expect("delete the source");
    let promoted = describe_instance(&format!("{name}-r1")).await;
    assert_eq!(
        promoted
            .read_replica_source_db_instance_identifier()
            .unwrap_or(""),
        "",
        "the emulator promotes, as AWS does"
    );
    let plan = plan_json(&spec);
    let c = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["address"]["name"] == json!(format!("{name}-r1")))
        .expect("a change for the promoted replica")
        .clone();
    assert_eq!(c["action"], json!("replace"), "{c:#}");
    assert_eq!(c["replaces"]["kind"], json!("db_instance"), "{c:#}");
    let plain = run_ok(
        &["apply", "--auto-approve", spec.to_str().expect("path")],
        1,
    );
    assert!(
        String::from_utf8_lossy(&plain.stderr).contains("--allow-destroy"),
        "replacing the promoted instance loses what it wrote: guarded\n{}",
        text(&plain)
    );
    let o = apply_destroying(&spec);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r = describe_instance(&format!("{name}-r1")).await;
    assert_eq!(
        r.read_replica_source_db_instance_identifier(),
        Some(format!("{name}-db").as_str())
    );
    assert_plan_empty(&spec);
}

/// Creates, outside stackctl and without its tag, a resource of `kind` named `name` (what the
/// plan would create), in the stack's VPC and subnets. `None`: the kind has no name of its own
/// (a proxy's target group and targets belong to the proxy).
async fn intruder(kind: &str, name: &str, vpc: &str, subnets: &[String]) -> Option<()> {
    let cfg = sdk_config().await;
    let rds = aws_sdk_rds::Client::new(&cfg);
    let cache = aws_sdk_elasticache::Client::new(&cfg);
    let done = |r: Result<(), String>| r.unwrap_or_else(|e| panic!("intruder {kind}.{name}: {e}"));
    match kind {
        "security_group" => done(
            aws_sdk_ec2::Client::new(&cfg)
                .create_security_group()
                .group_name(name)
                .description("another team's")
                .vpc_id(vpc)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        "db_subnet_group" => done(
            rds.create_db_subnet_group()
                .db_subnet_group_name(name)
                .db_subnet_group_description("another team's")
                .set_subnet_ids(Some(subnets.to_vec()))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        "db_parameter_group" => done(
            rds.create_db_parameter_group()
                .db_parameter_group_name(name)
                .db_parameter_group_family("postgres16")
                .description("another team's")
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        "cache_subnet_group" => done(
            cache
                .create_cache_subnet_group()
                .cache_subnet_group_name(name)
                .cache_subnet_group_description("another team's")
                .set_subnet_ids(Some(subnets.to_vec()))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        "cache_parameter_group" => done(
            cache
                .create_cache_parameter_group()
                .cache_parameter_group_name(name)
                .cache_parameter_group_family("redis7")
                .description("another team's")
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        "secret" => done(
            aws_sdk_secretsmanager::Client::new(&cfg)
                .create_secret()
                .name(name)
                .secret_string("{}")
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        "db_instance" | "db_replica" => foreign_instance(name).await,
        "proxy" => done(
            rds.create_db_proxy()
                .db_proxy_name(name)
                .engine_family(aws_sdk_rds::types::EngineFamily::Postgresql)
                .role_arn("arn:aws:iam::123456789012:role/other")
                .set_vpc_subnet_ids(Some(subnets.to_vec()))
                .auth(
                    aws_sdk_rds::types::UserAuthConfig::builder()
                        .secret_arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:other")
                        .build(),
                )
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        "replication_group" => done(
            cache
                .create_replication_group()
                .replication_group_id(name)
                .replication_group_description("another team's")
                .engine("redis")
                .num_cache_clusters(1)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        "alarm" => done(
            aws_sdk_cloudwatch::Client::new(&cfg)
                .put_metric_alarm()
                .alarm_name(name)
                .namespace("AWS/RDS")
                .metric_name("CPUUtilization")
                .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
                .period(60)
                .evaluation_periods(1)
                .threshold(1.0)
                .comparison_operator(
                    aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold,
                )
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
        ),
        _ => return None,
    }
    Some(())
}

/// For every kind `plan` would create for `stacks/production.yaml`, one resource of that kind
/// and name, made by another team, stops the plan: the kinds come from the plan, not from a
/// hand-picked list, so a new kind without an ownership check fails here.
#[tokio::test]
async fn an_intruder_of_every_kind_the_stack_creates_stops_the_plan() {
    let probe = unique("kin");
    seed_network(&probe).await;
    let (spec, _) = example("production.yaml", &probe);
    let plan = plan_json(&spec);
    let mut kinds: std::collections::BTreeMap<String, String> = Default::default();
    for c in plan["changes"].as_array().expect("changes") {
        let kind = c["address"]["kind"].as_str().expect("kind").to_owned();
        let name = c["address"]["name"].as_str().expect("name").to_owned();
        kinds.entry(kind).or_insert(name);
    }
    let mut covered = Vec::new();
    for (kind, _) in kinds.clone() {
        // A fresh stack per kind, so that each intruder is alone.
        let name = unique("int");
        seed_network(&name).await;
        let (spec, _) = example("production.yaml", &name);
        let plan = plan_json(&spec);
        let (vpc, subnets) = network_of(&plan);
        let target = plan["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .find(|c| c["address"]["kind"] == json!(kind))
            .map(|c| c["address"]["name"].as_str().expect("name").to_owned())
            .expect("the kind is planned");
        if intruder(&kind, &target, &vpc, &subnets).await.is_none() {
            continue;
        }
        let o = stackctl(&["plan", spec.to_str().expect("path")]);
        assert_eq!(o.status.code(), Some(1), "{kind}.{target}:\n{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("not owned by stack"),
            "{kind}.{target}:\n{}",
            text(&o)
        );
        covered.push(kind);
    }
    let named: Vec<&String> = kinds
        .keys()
        .filter(|k| !matches!(k.as_str(), "proxy_target" | "proxy_target_group"))
        .collect();
    assert_eq!(
        covered.iter().collect::<Vec<_>>(),
        named,
        "every named kind"
    );
    assert!(covered.len() >= 9, "{covered:?}");
}

/// The VPC and subnets a plan's desired resources name.
fn network_of(plan: &Value) -> (String, Vec<String>) {
    let mut vpc = String::new();
    let mut subnets = Vec::new();
    for r in plan["desired"].as_array().expect("desired") {
        if let Some(v) = r["attrs"]["vpc_id"].as_str() {
            vpc = v.to_owned();
        }
        if let Some(s) = r["attrs"]["subnet_ids"].as_array()
            && subnets.is_empty()
        {
            subnets = s
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect();
        }
    }
    (vpc, subnets)
}
