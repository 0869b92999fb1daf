//! The fault-injection emulator (`STACKCTL_FAULTS_ENDPOINT_URL`, default
//! http://127.0.0.1:4597, started by `make test`): its rules are global to it, so the tests of a
//! binary that uses it run one at a time.

use serde_json::{Value, json};

use super::*;

pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn use_fault_emulator() -> tokio::sync::MutexGuard<'static, ()> {
    let guard = SERIAL.lock().await;
    let url = std::env::var("STACKCTL_FAULTS_ENDPOINT_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:4597".into());
    let _ = ENDPOINT_OVERRIDE.set(url);
    set_faults(json!({ "rules": [] }));
    guard
}

pub fn set_faults(rules: Value) {
    let (status, body) = http("POST", "/_stackctl/faults", &rules.to_string());
    assert_eq!(status, 200, "setting faults: {body}");
}

pub fn fault_log() -> Vec<String> {
    let (_, body) = http("GET", "/_stackctl/faults", "");
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["log"]
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect()
}

pub async fn nothing_tagged(name: &str) {
    nothing_tagged_after(name, "").await
}

pub async fn nothing_tagged_after(name: &str, context: &str) {
    let left = tagged(name).await;
    assert!(
        left.is_empty(),
        "still tagged with {name}: {left:?}\n{context}"
    );
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config().await);
    let sgs = ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("tag:stackctl:stack")
                .values(name)
                .build(),
        )
        .send()
        .await
        .expect("SGs");
    assert!(
        sgs.security_groups().is_empty(),
        "security groups of {name} left"
    );
}

pub fn state_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("stackctl-tests/state-{name}"));
    std::fs::create_dir_all(&d).expect("state dir");
    d
}

pub fn apply_env(
    spec: &std::path::Path,
    name: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let dir = state_dir(name);
    let mut e: Vec<(&str, &str)> = vec![("STACKCTL_STATE_DIR", dir.to_str().expect("dir"))];
    e.extend_from_slice(env);
    let mut args = vec!["apply", "--auto-approve", "--allow-destroy"];
    args.extend_from_slice(extra);
    args.push(spec.to_str().expect("path"));
    stackctl_with(&args, &e)
}
