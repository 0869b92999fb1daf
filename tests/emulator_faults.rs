//! Safe apply under injected faults, against a second emulator of its own (fault rules are
//! global to an emulator, so these tests run one at a time, away from the others):
//! `STACKCTL_FAULTS_ENDPOINT_URL`, default http://127.0.0.1:4597 (`make test` starts it).

mod common;

use common::faults::*;
use common::*;
use serde_json::{Value, json};

/// Calls that change a resource of the stack (not reads, not the lock or journal).
const MUTATING: &[&str] = &[
    "CreateSecurityGroup",
    "AuthorizeSecurityGroupIngress",
    "CreateDBSubnetGroup",
    "CreateDBParameterGroup",
    "ModifyDBParameterGroup",
    "CreateCacheSubnetGroup",
    "CreateCacheParameterGroup",
    "ModifyCacheParameterGroup",
    "CreateDBInstance",
    "CreateDBInstanceReadReplica",
    "CreateDBProxy",
    "ModifyDBProxyTargetGroup",
    "RegisterDBProxyTargets",
    "CreateDBProxyEndpoint",
    "CreateReplicationGroup",
    "PutMetricAlarm",
];

/// Words shaped like the secrets stackctl generates (40 letters and digits, both present): the
/// values a rolled-back apply deleted cannot be fetched afterwards, so output is searched for
/// their shape instead.
fn secret_shaped_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            w.len() == 40
                && w.chars().any(|c| c.is_ascii_digit())
                && w.chars().any(|c| c.is_ascii_alphabetic())
        })
        .map(str::to_owned)
        .collect()
}

fn assert_no_secret_shapes(outputs: &[&std::process::Output]) {
    for o in outputs {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            secret_shaped_words(&text).is_empty(),
            "secret-shaped words in output"
        );
    }
}

/// Every secret value of the stack, to search outputs for.
async fn secret_values(name: &str) -> Vec<String> {
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config().await);
    let list = sm.list_secrets().send().await.expect("secrets");
    let mut out = Vec::new();
    for s in list.secret_list() {
        let n = s.name().unwrap_or_default();
        if !n.starts_with(&format!("stackctl/{name}/")) || n.contains("/.") {
            continue;
        }
        let v = sm
            .get_secret_value()
            .secret_id(n)
            .send()
            .await
            .expect("value");
        let doc: Value = serde_json::from_str(v.secret_string().unwrap_or("{}")).expect("json");
        for key in ["password", "token"] {
            if let Some(x) = doc[key].as_str() {
                out.push(x.to_owned());
            }
        }
    }
    out
}

fn assert_no_secret(values: &[String], outputs: &[std::process::Output], dir: &std::path::Path) {
    let mut seen = String::new();
    for o in outputs {
        seen.push_str(&String::from_utf8_lossy(&o.stdout));
        seen.push_str(&String::from_utf8_lossy(&o.stderr));
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            seen.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    for v in values {
        assert!(
            !seen.contains(v.as_str()),
            "a secret value appears in output or journal"
        );
    }
}

#[test]
fn the_secret_shape_check_finds_a_generated_value() {
    let token = "XPvzXf7ikPY5mYtZy5wKfxla65MuokNK3UhQ111p";
    assert_eq!(
        secret_shaped_words(&format!("password={token}, id=1a2b")),
        vec![token.to_owned()]
    );
    assert!(secret_shaped_words("arn:aws:rds:us-east-1:000000000000:db:shop-prod-db").is_empty());
}

#[tokio::test]
async fn failing_each_mutating_call_of_a_full_create_rolls_back_to_nothing() {
    let _serial = use_fault_emulator().await;
    // Learn the mutating calls of a full create of production.yaml.
    let probe = unique("prb");
    seed_network(&probe).await;
    let (spec, _) = example("production.yaml", &probe);
    set_faults(json!({ "rules": [] }));
    let o = apply_env(&spec, &probe, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let log = fault_log();
    let mut calls: Vec<(String, usize)> = Vec::new();
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    for a in &log {
        let n = seen.entry(a.clone()).or_default();
        *n += 1;
        if MUTATING.contains(&a.as_str()) {
            calls.push((a.clone(), *n));
        }
    }
    assert!(
        calls.len() >= 20,
        "a full create makes many calls: {calls:?}"
    );

    for (action, nth) in calls {
        let name = unique("flt");
        seed_network(&name).await;
        let (spec, _) = example("production.yaml", &name);
        set_faults(
            json!({ "rules": [{ "action": action, "nth": nth, "code": "InjectedFault", "status": 400 }] }),
        );
        let o = apply_env(&spec, &name, &[], &[]);
        set_faults(json!({ "rules": [] }));
        assert_eq!(
            o.status.code(),
            Some(1),
            "failing {action} #{nth}:\n{}",
            text(&o)
        );
        let err = String::from_utf8_lossy(&o.stderr);
        let mut everything = format!("{}{err}", String::from_utf8_lossy(&o.stdout));
        for e in std::fs::read_dir(state_dir(&name))
            .into_iter()
            .flatten()
            .flatten()
        {
            everything.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
        let leaked = secret_shaped_words(&everything);
        assert!(
            leaked.is_empty(),
            "failing {action} #{nth}: secret-shaped words in output or journal: {}",
            leaked.len()
        );
        assert!(
            err.contains("InjectedFault"),
            "failing {action} #{nth}:\n{err}"
        );
        assert!(
            err.contains("Rollback:"),
            "failing {action} #{nth} rolls back:\n{err}"
        );
        nothing_tagged_after(&name, &format!("failing {action} #{nth}:\n{err}")).await;
    }
}

#[tokio::test]
async fn with_no_rollback_the_partial_result_stays_and_a_rerun_converges() {
    let _serial = use_fault_emulator().await;
    let name = unique("nrb");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    set_faults(
        json!({ "rules": [{ "action": "CreateDBProxy", "code": "InjectedFault", "status": 400 }] }),
    );
    let failed = apply_env(&spec, &name, &["--no-rollback"], &[]);
    set_faults(json!({ "rules": [] }));
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(
        instance_exists(&format!("{name}-db")).await,
        "kept: the primary"
    );
    let journal = state_dir(&name).join(format!("{name}.journal.json"));
    let j: Value = serde_json::from_str(&std::fs::read_to_string(&journal).expect("local journal"))
        .expect("json");
    assert_eq!(j["state"], "failed");

    let rerun = apply_env(&spec, &name, &[], &[]);
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun));
    assert_stderr_has(&rerun, "did not finish");
    assert_plan_empty(&spec);
    let secrets = secret_values(&name).await;
    assert!(!secrets.is_empty());
    assert_no_secret(&secrets, &[failed, rerun], &state_dir(&name));
}

#[tokio::test]
async fn rollback_undoes_an_apply_kept_with_no_rollback() {
    let _serial = use_fault_emulator().await;
    let name = unique("rbk");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    set_faults(
        json!({ "rules": [{ "action": "PutMetricAlarm", "nth": 2, "code": "InjectedFault", "status": 400 }] }),
    );
    let failed = apply_env(&spec, &name, &["--no-rollback"], &[]);
    set_faults(json!({ "rules": [] }));
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(!tagged(&name).await.is_empty());
    let dir = state_dir(&name);
    let o = stackctl_with(
        &["rollback", "--auto-approve", spec.to_str().expect("path")],
        &[("STACKCTL_STATE_DIR", dir.to_str().expect("dir"))],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    nothing_tagged(&name).await;
    // Nothing left to roll back.
    let again = stackctl(&["rollback", "--auto-approve", spec.to_str().expect("path")]);
    assert_stdout_has(&again, "Nothing to roll back");
}

#[tokio::test]
async fn an_apply_killed_after_a_journal_write_is_resumed_without_duplicates() {
    let _serial = use_fault_emulator().await;
    for writes in [1, 2, 5, 9, 14, 20] {
        let name = unique("kil");
        seed_network(&name).await;
        let (spec, _) = example("staging.yaml", &name);
        let n = writes.to_string();
        // A short lease, which the next apply waits out with --lock-timeout.
        let killed = apply_env(
            &spec,
            &name,
            &[],
            &[
                ("STACKCTL_TEST_CRASH_AFTER_JOURNAL_WRITES", &n),
                ("STACKCTL_LOCK_LEASE_SECONDS", "2"),
            ],
        );
        assert_ne!(
            killed.status.code(),
            Some(0),
            "killed after {writes} writes:\n{}",
            text(&killed)
        );
        assert!(
            killed.status.code().is_none(),
            "it died by a signal:\n{}",
            text(&killed)
        );
        let resumed = apply_env(&spec, &name, &["--lock-timeout", "30"], &[]);
        assert_eq!(
            resumed.status.code(),
            Some(0),
            "resumed after {writes} writes:\n{}",
            text(&resumed)
        );
        assert_stderr_has(&resumed, "did not finish");
        assert_plan_empty(&spec);
        let arns = tagged(&name).await;
        let unique_arns: std::collections::BTreeSet<&String> = arns.iter().collect();
        assert_eq!(unique_arns.len(), arns.len(), "no duplicates: {arns:?}");
        let secrets = secret_values(&name).await;
        assert_no_secret(&secrets, &[killed, resumed], &state_dir(&name));
    }
}

#[tokio::test]
async fn thirty_percent_of_calls_throttled_still_converges() {
    let _serial = use_fault_emulator().await;
    let name = unique("thr");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    set_faults(json!({ "rules": [{ "throttle_percent": 30, "seed": 11 }] }));
    let o = apply_env(&spec, &name, &[], &[]);
    let (_, report) = http("GET", "/_stackctl/faults", "");
    set_faults(json!({ "rules": [] }));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_no_secret_shapes(&[&o]);
    let r: Value = serde_json::from_str(&report).expect("report");
    assert!(
        r["rules"][0]["failed"].as_u64().unwrap_or(0) > 5,
        "calls were throttled: {report}"
    );
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn of_two_concurrent_applies_one_proceeds_and_the_other_is_refused() {
    let _serial = use_fault_emulator().await;
    let name = unique("two");
    seed_network(&name).await;
    let (spec, _) = example("minimal.yaml", &name);
    // Slow the create so that the first apply holds the lock while the second starts.
    set_faults(json!({ "rules": [{ "action": "CreateDBInstance", "delay_ms": 1500 }] }));
    let a = std::thread::spawn({
        let spec = spec.clone();
        let name = name.clone();
        move || apply_env(&spec, &name, &[], &[])
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let b = apply_env(&spec, &name, &[], &[]);
    let a = a.join().expect("first apply");
    set_faults(json!({ "rules": [] }));
    let codes = [a.status.code(), b.status.code()];
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(1)),
        "one proceeds, one is refused:\n{}\n{}",
        text(&a),
        text(&b)
    );
    assert_no_secret_shapes(&[&a, &b]);
    let refused = if a.status.code() == Some(1) { &a } else { &b };
    let msg = String::from_utf8_lossy(&refused.stderr);
    assert!(msg.contains("is locked") && msg.contains("since"), "{msg}");
    assert_plan_empty(&spec);
}

/// Each instance of the cluster and whether AWS has it as the writer.
async fn cluster_writers(cluster: &str) -> Vec<(String, bool)> {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let out = rds
        .describe_db_clusters()
        .db_cluster_identifier(cluster)
        .send()
        .await
        .expect("DescribeDBClusters");
    let mut members: Vec<(String, bool)> = out.db_clusters()[0]
        .db_cluster_members()
        .iter()
        .map(|m| {
            (
                m.db_instance_identifier().unwrap_or_default().to_owned(),
                m.is_cluster_writer().unwrap_or(false),
            )
        })
        .collect();
    members.sort();
    members
}

/// A failover back to the spec's first instance is undone by the rollback of its apply: when a
/// later step fails (the writer's connections alarm, which waits for it), the writer is moved
/// off that instance again, where AWS had it; the next apply fails back and converges.
#[tokio::test]
async fn a_rollback_undoes_a_failover_back_to_the_spec_s_writer() {
    let _serial = use_fault_emulator().await;
    let name = unique("fob");
    seed_network(&name).await;
    let (spec, yaml) = example("aurora-serverless.yaml", &name);
    let yaml = yaml
        .replace("tags: {Name: orders}", &format!("tags: {{Name: {name}}}"))
        .replace(
            "  deletion_protection: true\n",
            "  deletion_protection: false\n",
        );
    std::fs::write(&spec, &yaml).expect("write spec");
    let applied = apply_env(&spec, &name, &[], &[]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    let (w, r) = (format!("{name}-1"), format!("{name}-2"));
    aws_sdk_rds::Client::new(&sdk_config().await)
        .failover_db_cluster()
        .db_cluster_identifier(&name)
        .target_db_instance_identifier(&r)
        .send()
        .await
        .expect("FailoverDBCluster");
    let edited = yaml.replace("threshold: 800", "threshold: 900");
    assert_ne!(edited, yaml, "the example's connections alarm moved");
    std::fs::write(&spec, &edited).expect("write spec");
    set_faults(
        json!({ "rules": [{ "action": "PutMetricAlarm", "code": "InjectedFault", "status": 400 }] }),
    );
    let failed = apply_env(&spec, &name, &[], &[]);
    let log = fault_log();
    set_faults(json!({ "rules": [] }));
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(
        log.iter().any(|l| l.contains("PutMetricAlarm")),
        "the alarm's step failed: {log:?}"
    );
    assert!(
        text(&failed).contains(&format!("rollback: updated db_cluster_instance.{w}")),
        "the failover was undone:\n{}",
        text(&failed)
    );
    assert_eq!(
        cluster_writers(&name).await,
        [(w.clone(), false), (r.clone(), true)]
    );
    let again = apply_env(&spec, &name, &[], &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(cluster_writers(&name).await, [(w, true), (r, false)]);
    assert_plan_empty(&spec);
    destroy(&spec);
    nothing_tagged(&name).await;
}
