//! What happens between stackctl's read and its calls, on the fault-injection emulator: another
//! team's resource that appears in the meantime, a create whose response is lost, an apply
//! killed and resumed that then fails. Regression tests, each named after what broke.

mod common;

use common::faults::*;
use common::*;
use serde_json::{Value, json};

fn faults_report() -> Value {
    let (_, body) = http("GET", "/_stackctl/faults", "");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Waits until the first rule has seen `n` matching calls (the last is being delayed now).
fn wait_for_match(n: u64) {
    for _ in 0..600 {
        if faults_report()["rules"][0]["matched"].as_u64().unwrap_or(0) >= n {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the delayed call never came");
}

#[tokio::test]
async fn a_foreign_instance_that_appears_before_the_create_survives_the_rollback() {
    let _serial = use_fault_emulator().await;
    let name = unique("rac");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    let replica = std::fs::read_to_string(&spec)
        .expect("spec")
        .lines()
        .find_map(|l| {
            l.split("identifier: ")
                .nth(1)
                .filter(|_| l.contains("replica"))
                .map(|r| r.trim_end_matches([',', '}', ' ']).to_owned())
        })
        .expect("a replica in staging.yaml");
    // The replica's create waits 3 s; meanwhile another team creates an instance of its name.
    set_faults(json!({ "rules": [{ "action": "CreateDBInstanceReadReplica", "delay_ms": 3000 }] }));
    let run = std::thread::spawn({
        let (spec, name) = (spec.clone(), name.clone());
        move || apply_env(&spec, &name, &[], &[])
    });
    tokio::task::spawn_blocking(|| wait_for_match(1))
        .await
        .expect("wait");
    foreign_instance(&replica).await;
    let o = run.join().expect("apply");
    set_faults(json!({ "rules": [] }));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let i = describe_instance(&replica).await;
    assert_eq!(i.deletion_protection(), Some(true), "{}", text(&o));
    assert_stderr_has(&o, "left alone");
    nothing_tagged_after(&name, &text(&o)).await;
}

/// Every create call of a full production stack, in turn (each occurrence of each create
/// action a clean apply makes, the lock's and journal's secrets among them), loses its
/// response: the call takes effect, the SDK retries, AWS says it exists. The resource carries
/// this apply's mark, so the apply takes it and completes; nothing is created twice.
#[tokio::test]
async fn a_lost_create_response_is_recognised_by_its_mark_and_the_apply_completes() {
    let _serial = use_fault_emulator().await;
    let probe = unique("lsp");
    seed_network(&probe).await;
    let (probe_spec, _) = example("production.yaml", &probe);
    set_faults(json!({ "rules": [] }));
    let o = apply_env(&probe_spec, &probe, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut creates: Vec<(String, usize)> = Vec::new();
    for action in fault_log().into_iter().filter(|a| a.starts_with("Create")) {
        let n = creates.iter().filter(|(a, _)| *a == action).count();
        creates.push((action, n + 1));
    }
    assert!(creates.len() >= 12, "{creates:?}");
    for (action, nth) in &creates {
        let name = unique("lst");
        seed_network(&name).await;
        let (spec, _) = example("production.yaml", &name);
        set_faults(json!({ "rules": [{
            "action": action, "nth": nth, "code": "InternalFailure", "status": 500, "after": true
        }] }));
        let o = apply_env(&spec, &name, &[], &[]);
        let report = faults_report();
        set_faults(json!({ "rules": [] }));
        let what = format!("{action} #{nth}");
        assert_eq!(
            report["rules"][0]["failed"],
            json!(1),
            "{what}: a response was lost"
        );
        assert_eq!(o.status.code(), Some(0), "{what}:\n{}", text(&o));
        assert_plan_empty(&spec);
        let arns = tagged(&name).await;
        let distinct: std::collections::BTreeSet<&String> = arns.iter().collect();
        assert_eq!(distinct.len(), arns.len(), "{what}: no duplicates");
        destroy(&spec);
    }
    destroy(&probe_spec);
}

#[tokio::test]
async fn a_resumed_apply_that_fails_rolls_back_the_interrupted_runs_work_too() {
    let _serial = use_fault_emulator().await;
    let name = unique("rsf");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    // A short lease, which the resuming apply waits out with --lock-timeout.
    let killed = apply_env(
        &spec,
        &name,
        &[],
        &[
            ("STACKCTL_TEST_CRASH_AFTER_JOURNAL_WRITES", "6"),
            ("STACKCTL_LOCK_LEASE_SECONDS", "2"),
        ],
    );
    assert!(killed.status.code().is_none(), "{}", text(&killed));
    assert!(
        !tagged(&name).await.is_empty(),
        "the killed run created something"
    );
    // The resuming apply fails at its first alarm.
    set_faults(
        json!({ "rules": [{ "action": "PutMetricAlarm", "times": 0, "code": "ValidationError", "status": 400 }] }),
    );
    let resumed = apply_env(&spec, &name, &["--lock-timeout", "30"], &[]);
    set_faults(json!({ "rules": [] }));
    assert_eq!(resumed.status.code(), Some(1), "{}", text(&resumed));
    assert_stderr_has(&resumed, "did not finish");
    nothing_tagged_after(&name, &format!("{}\n{}", text(&killed), text(&resumed))).await;
    let again = stackctl(&["rollback", "--auto-approve", spec.to_str().expect("path")]);
    assert_stdout_has(&again, "Nothing to roll back");
}

#[tokio::test]
async fn plan_during_a_destroy_does_not_call_the_stacks_own_resources_not_owned() {
    let _serial = use_fault_emulator().await;
    let name = unique("pdd");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    let o = apply_env(&spec, &name, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Deletions take 3 s each: a plan runs while they are under way.
    let (status, body) = http(
        "POST",
        "/_stackctl/config",
        &json!({ "transition_seconds": { "default": 3 } }).to_string(),
    );
    assert_eq!(status, 200, "{body}");
    let run = std::thread::spawn({
        let spec = spec.clone();
        move || {
            stackctl(&[
                "destroy",
                "--auto-approve",
                "--allow-destroy",
                "--skip-final-snapshot",
                spec.to_str().expect("path"),
            ])
        }
    });
    let mut plans = Vec::new();
    for _ in 0..6 {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        plans.push(stackctl(&["plan", spec.to_str().expect("path")]));
    }
    let destroyed = run.join().expect("destroy");
    http(
        "POST",
        "/_stackctl/config",
        &json!({ "transition_seconds": { "default": null } }).to_string(),
    );
    assert_eq!(destroyed.status.code(), Some(0), "{}", text(&destroyed));
    for p in &plans {
        assert_eq!(p.status.code(), Some(0), "{}", text(p));
        assert!(
            !String::from_utf8_lossy(&p.stderr).contains("not owned"),
            "{}",
            text(p)
        );
    }
}

/// PutMetricAlarm overwrites an alarm of the same name silently. Another team creates one of
/// the names the plan creates after the read (the apply's second DescribeAlarms, its check
/// after confirming, is held 3 s meanwhile): the apply stops before changing anything.
#[tokio::test]
async fn an_alarm_created_by_another_hand_after_the_plan_is_not_overwritten() {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
    let _serial = use_fault_emulator().await;
    let name = unique("alm");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    set_faults(json!({ "rules": [{ "action": "DescribeAlarms", "nth": 2, "delay_ms": 3000 }] }));
    let run = std::thread::spawn({
        let (spec, name) = (spec.clone(), name.clone());
        move || apply_env(&spec, &name, &[], &[])
    });
    tokio::task::spawn_blocking(|| wait_for_match(2))
        .await
        .expect("wait");
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    let alarm = format!("{name}-db-cpu");
    cw.put_metric_alarm()
        .alarm_name(&alarm)
        .namespace("AWS/RDS")
        .metric_name("FreeStorageSpace")
        .statistic(Statistic::Minimum)
        .period(300)
        .evaluation_periods(1)
        .threshold(7.0)
        .comparison_operator(ComparisonOperator::LessThanThreshold)
        .send()
        .await
        .expect("another team's alarm");
    let o = run.join().expect("apply");
    set_faults(json!({ "rules": [] }));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_stderr_has(&o, &alarm);
    let theirs = cw
        .describe_alarms()
        .alarm_names(&alarm)
        .send()
        .await
        .expect("describe");
    let a = &theirs.metric_alarms()[0];
    assert_eq!(a.metric_name(), Some("FreeStorageSpace"), "not overwritten");
    assert_eq!(a.threshold(), Some(7.0));
    nothing_tagged_after(&name, &text(&o)).await;
}

/// A rollback used to be silent while it waited. Off a terminal it now says, every heartbeat,
/// what it is waiting for, as apply does (deletions take 2 s here; heartbeat 1 s).
#[tokio::test]
async fn a_rollback_says_what_it_waits_for_while_it_waits() {
    let _serial = use_fault_emulator().await;
    let name = unique("hbt");
    seed_network(&name).await;
    let (spec, _) = example("staging.yaml", &name);
    let (status, body) = http(
        "POST",
        "/_stackctl/config",
        &json!({ "transition_seconds": { "default": 2 } }).to_string(),
    );
    assert_eq!(status, 200, "{body}");
    set_faults(
        json!({ "rules": [{ "action": "PutMetricAlarm", "times": 0, "code": "ValidationError", "status": 400 }] }),
    );
    let o = apply_env(&spec, &name, &[], &[("STACKCTL_HEARTBEAT_SECONDS", "1")]);
    set_faults(json!({ "rules": [] }));
    http(
        "POST",
        "/_stackctl/config",
        &json!({ "transition_seconds": { "default": null } }).to_string(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    let rollback = err
        .split("Rolling back")
        .nth(1)
        .unwrap_or_else(|| panic!("no rollback:\n{}", text(&o)));
    assert!(rollback.contains("waiting for rollback of"), "{}", text(&o));
    nothing_tagged_after(&name, &text(&o)).await;
}
