//! AWS that does not answer: a command ends with the endpoint named instead of hanging, and an
//! apply keeps its journal to resume. Regression tests, each named after what broke.

mod common;

use std::time::Duration;

use common::faults::*;
use common::*;
use serde_json::json;

/// Short limits, so that the tests wait seconds, not minutes.
const SHORT: [(&str, &str); 3] = [
    ("STACKCTL_CONNECT_TIMEOUT_SECONDS", "1"),
    ("STACKCTL_CALL_TIMEOUT_SECONDS", "1"),
    ("STACKCTL_CALL_BUDGET_SECONDS", "3"),
];

/// A server on 127.0.0.1 that accepts connections and never answers. It stops by itself.
fn silent_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        let until = std::time::Instant::now() + Duration::from_secs(90);
        while std::time::Instant::now() < until && held.len() < 500 {
            match listener.accept() {
                Ok((s, _)) => held.push(s),
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    format!("http://{addr}")
}

#[test]
fn plan_against_an_endpoint_that_never_answers_ends_naming_it() {
    let url = silent_server();
    let (spec, _) = example("minimal.yaml", &unique("sil"));
    let mut cmd = assert_cmd::Command::cargo_bin("stackctl").expect("binary");
    cmd.args(["plan", spec.to_str().expect("path")])
        .env("AWS_ENDPOINT_URL", &url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", REGION)
        .timeout(Duration::from_secs(60));
    for (k, v) in SHORT {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("run");
    assert_eq!(
        o.status.code(),
        Some(1),
        "it ended by itself:\n{}",
        text(&o)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{url} did not answer")) && err.contains("3 s"),
        "{}",
        text(&o)
    );
}

#[tokio::test]
async fn an_apply_whose_aws_stops_answering_keeps_its_journal_and_the_next_apply_resumes() {
    let _serial = use_fault_emulator().await;
    let name = unique("hng");
    seed_network(&name).await;
    let (spec, _) = example("minimal.yaml", &name);
    // After the read, RDS stops answering: every DescribeDBInstances hangs for 10 s.
    set_faults(
        json!({ "rules": [{ "action": "DescribeDBInstances", "nth": 2, "delay_ms": 10000 }] }),
    );
    let o = apply_env(&spec, &name, &[], &SHORT);
    set_faults(json!({ "rules": [] }));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("did not answer"), "{}", text(&o));
    assert!(
        err.contains("AWS stopped answering") && err.contains("to resume"),
        "{}",
        text(&o)
    );
    assert!(
        !err.contains("Rolling back"),
        "no rollback over a silent AWS:\n{}",
        text(&o)
    );
    let resumed = apply_env(&spec, &name, &[], &[]);
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    assert_stderr_has(&resumed, "did not finish");
    assert_plan_empty(&spec);
}
