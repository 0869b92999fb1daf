//! `make bench`, waits: the emulator makes each create of a DB instance, replica, replication
//! group, proxy and proxy endpoint take `TRANSITION` seconds, as AWS takes minutes; stackctl
//! applies the staging stack. Reports the apply's makespan ÷ the critical path of those
//! transitions along the plan's own dependency graph (goal: at most 1.1), and the calls spent
//! waiting (`STACKCTL_REPORT_CALLS`' "wait calls").

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

const TRANSITION: u64 = 20;

/// Kinds whose create AWS takes time over (what stackctl waits for).
const WAITED: [&str; 5] = [
    "db_instance",
    "db_replica",
    "replication_group",
    "proxy",
    "proxy_endpoint",
];

fn run(bin: &Path, endpoint: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("NO_COLOR", "1")
        .env("STACKCTL_REPORT_CALLS", "1")
        .output()
        .expect("run stackctl")
}

/// Sets the emulator's transition time for every kind (`None`: back to instant).
fn transitions(endpoint: &str, seconds: Option<u64>) {
    let hostport = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let body = format!(
        "{{\"transition_seconds\": {{\"default\": {}}}}}",
        seconds.map_or("null".to_owned(), |s| s.to_string())
    );
    let mut s = std::net::TcpStream::connect(hostport).expect("emulator");
    write!(
        s,
        "POST /_stackctl/config HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("request");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "config: {answer}");
}

/// The longest path through the plan's steps, each waited create weighing `TRANSITION`.
fn critical_path(plan: &Value) -> Duration {
    let steps = plan["steps"].as_array().expect("steps");
    let mut finish: BTreeMap<u64, u64> = BTreeMap::new();
    let mut longest = 0;
    // Steps come in an order where each follows what it depends on.
    for s in steps {
        let waited = s["op"] == "create"
            && WAITED.contains(&s["address"]["kind"].as_str().unwrap_or_default());
        let start = s["depends_on"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| finish.get(&d.as_u64().unwrap_or(0)))
            .max()
            .copied()
            .unwrap_or(0);
        let end = start + if waited { TRANSITION } else { 0 };
        finish.insert(s["id"].as_u64().expect("id"), end);
        longest = longest.max(end);
    }
    Duration::from_secs(longest)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(&root).expect("cd");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let bin = target.join("debug/stackctl");
    let endpoint =
        std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".into());
    let name = format!("bwait{}", std::process::id() % 100000);
    let seeded = Command::new("localstack/emulator")
        .args(["seed-network", &name])
        .env("AWS_ENDPOINT_URL", &endpoint)
        .status()
        .expect("seed network");
    assert!(seeded.success());
    let file = std::env::temp_dir().join(format!("{name}.yaml"));
    let spec = std::fs::read_to_string("stacks/staging.yaml").expect("staging");
    std::fs::write(&file, spec.replace("shop-staging", &name)).expect("write");
    let f = file.to_str().expect("path");

    let plan = run(&bin, &endpoint, &["plan", "--json", f]);
    let plan: Value = serde_json::from_slice(&plan.stdout).expect("plan JSON");
    let path = critical_path(&plan);
    transitions(&endpoint, Some(TRANSITION));
    let start = Instant::now();
    let out = run(&bin, &endpoint, &["apply", "--auto-approve", f]);
    let makespan = start.elapsed();
    transitions(&endpoint, None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "apply failed:\n{stderr}");
    let report = stderr
        .lines()
        .find(|l| l.starts_with("aws calls:"))
        .unwrap_or_default();
    let waits = report
        .split("wait calls:")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .map(str::trim)
        .unwrap_or("?");
    let ratio = makespan.as_secs_f64() / path.as_secs_f64();
    println!(
        "apply staging.yaml, each waited create {TRANSITION} s in the emulator: makespan {:.1} s, critical path {} s, ratio {ratio:.2} -> {} (at most 1.1); calls spent waiting: {waits}",
        makespan.as_secs_f64(),
        path.as_secs(),
        if ratio <= 1.1 { "ok" } else { "MISSED" }
    );
    let _ = run(
        &bin,
        &endpoint,
        &[
            "destroy",
            "--auto-approve",
            "--allow-destroy",
            "--skip-final-snapshot",
            f,
        ],
    );
}
