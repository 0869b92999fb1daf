//! Shared by the tests that run the built binary against the local emulator (MiniStack from
//! localstack/, or a real LocalStack at AWS_ENDPOINT_URL). Every stack gets a unique name so
//! that tests run in parallel against one emulator and again without a reset.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use assert_cmd::Command;

pub mod faults;

pub const REGION: &str = "us-east-1";

/// The emulator's endpoint. Fails with instructions when nothing answers there.
pub fn endpoint() -> String {
    let url = ENDPOINT_OVERRIDE.get().cloned().unwrap_or_else(|| {
        std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".into())
    });
    let hostport = url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_owned();
    let addr: std::net::SocketAddr = hostport
        .parse()
        .or_else(|_| {
            use std::net::ToSocketAddrs;
            hostport
                .to_socket_addrs()
                .map_err(|e| e.to_string())
                .and_then(|mut a| a.next().ok_or_else(|| "no address".to_owned()))
        })
        .unwrap_or_else(|e| panic!("AWS_ENDPOINT_URL {url}: {e}"));
    if std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)).is_err() {
        panic!(
            "no AWS emulator answers at {url}: run the tests with `make test`, or start one with `localstack/emulator up`"
        );
    }
    url
}

/// Set once by a test binary that talks to another emulator (the fault-injection one).
pub static ENDPOINT_OVERRIDE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// A plain HTTP request to the emulator (its admin endpoints): status and body.
pub fn http(method: &str, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let url = endpoint();
    let hostport = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut s = std::net::TcpStream::connect(&hostport).expect("connect to the emulator");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    // Chunked bodies: keep the JSON between the first '{' and the last '}'.
    let body = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) if b >= a => body[a..=b].to_owned(),
        _ => body,
    };
    (status, body)
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A short unique stack name: a letter, then base-36 time and a counter.
pub fn unique(tag: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let mut x =
        (nanos / 1000) % 36u128.pow(6) + (n as u128) * 7919 + u128::from(std::process::id()) * 131;
    x %= 36u128.pow(6);
    let mut s = String::new();
    for _ in 0..6 {
        let d = (x % 36) as u32;
        s.push(std::char::from_digit(d, 36).unwrap_or('x'));
        x /= 36;
    }
    format!("t{s}{tag}")
}

/// Writes `text` to a fresh file and returns its path.
pub fn write_spec(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("stackctl-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, text).expect("write spec");
    path
}

/// An example stack from stacks/, renamed: every occurrence of its name becomes `name`.
pub fn example(file: &str, name: &str) -> (PathBuf, String) {
    let text = std::fs::read_to_string(format!("{}/stacks/{file}", env!("CARGO_MANIFEST_DIR")))
        .expect("read example");
    let old = text
        .lines()
        .find_map(|l| l.strip_prefix("stack: "))
        .expect("stack name")
        .trim()
        .to_owned();
    let renamed = text.replace(&old, name);
    (write_spec(name, &renamed), renamed)
}

/// Runs stackctl against the emulator.
pub fn stackctl(args: &[&str]) -> Output {
    stackctl_with(args, &[])
}

/// Runs stackctl against the emulator with extra environment.
pub fn stackctl_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::cargo_bin("stackctl").expect("binary");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args)
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", REGION)
        .env("NO_COLOR", "1")
        .env("STACKCTL_POLL_MAX_SECONDS", "0.5")
        .output()
        .expect("run stackctl")
}

/// A command's exit code and output, for a failed assertion: the end of stderr first (where an
/// error is), so that a log cut in the middle still shows it.
pub fn text(o: &Output) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let tail = lines[lines.len().saturating_sub(8)..].join("\n");
    format!(
        "exit {:?}\n--- stderr, its last lines\n{tail}\n--- stdout\n{}\n--- stderr\n{stderr}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
    )
}

/// Asserts that the command's stderr says `needle`, showing all of its output when not.
pub fn assert_stderr_has(o: &Output, needle: &str) {
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(needle),
        "wanted {needle:?} on stderr:\n{}",
        text(o)
    );
}

/// Asserts that the command's stdout says `needle`, showing all of its output when not.
pub fn assert_stdout_has(o: &Output, needle: &str) {
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(needle),
        "wanted {needle:?} on stdout:\n{}",
        text(o)
    );
}

/// Runs stackctl and asserts its exit code.
pub fn run_ok(args: &[&str], code: i32) -> Output {
    let o = stackctl(args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "stackctl {args:?}\n{}",
        text(&o)
    );
    o
}

/// `plan --json`, parsed.
pub fn plan_json(spec: &std::path::Path) -> serde_json::Value {
    let o = run_ok(&["plan", "--json", spec.to_str().expect("path")], 0);
    serde_json::from_slice(&o.stdout).expect("plan JSON")
}

/// Every apply test ends here: a new plan must be empty.
pub fn assert_plan_empty(spec: &std::path::Path) {
    let o = stackctl(&["plan", "--detailed-exitcode", spec.to_str().expect("path")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the plan after apply is not empty:\n{}",
        text(&o)
    );
}

pub fn apply(spec: &std::path::Path) -> Output {
    run_ok(
        &["apply", "--auto-approve", spec.to_str().expect("path")],
        0,
    )
}

/// `apply --auto-approve --allow-destroy FILE`, unchecked.
pub fn apply_destroying(file: &std::path::Path) -> Output {
    stackctl(&[
        "apply",
        "--auto-approve",
        "--allow-destroy",
        file.to_str().expect("path"),
    ])
}

/// AWS SDK config for assertions and out-of-band edits.
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint())
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .load()
        .await
}

/// Creates the VPC (tag Name=`name`) and three private subnets an example stack looks up.
pub async fn seed_network(name: &str) {
    use aws_sdk_ec2::types::Tag;
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config().await);
    let octet = 10 + (name.bytes().map(u32::from).sum::<u32>() % 200);
    let vpc = ec2
        .create_vpc()
        .cidr_block(format!("10.{octet}.0.0/16"))
        .send()
        .await
        .expect("create VPC");
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_owned();
    ec2.create_tags()
        .resources(&vpc_id)
        .tags(Tag::builder().key("Name").value(name).build())
        .send()
        .await
        .expect("tag VPC");
    for (i, zone) in ["a", "b", "c"].iter().enumerate() {
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("10.{octet}.{i}.0/24"))
            .availability_zone(format!("{REGION}{zone}"))
            .send()
            .await
            .expect("create subnet");
        let id = s
            .subnet()
            .and_then(|s| s.subnet_id())
            .expect("subnet id")
            .to_owned();
        ec2.create_tags()
            .resources(&id)
            .tags(Tag::builder().key("tier").value("private").build())
            .send()
            .await
            .expect("tag subnet");
    }
}

/// ARNs of everything tagged with the stack, per the tagging API.
pub async fn tagged(stack: &str) -> Vec<String> {
    use aws_sdk_resourcegroupstagging::types::TagFilter;
    let c = aws_sdk_resourcegroupstagging::Client::new(&sdk_config().await);
    let out = c
        .get_resources()
        .tag_filters(
            TagFilter::builder()
                .key("stackctl:stack")
                .values(stack)
                .build(),
        )
        .send()
        .await
        .expect("GetResources");
    out.resource_tag_mapping_list()
        .iter()
        .filter_map(|m| m.resource_arn().map(str::to_owned))
        .collect()
}

pub async fn describe_instance(id: &str) -> aws_sdk_rds::types::DbInstance {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let out = rds
        .describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("describe {id}: {e:?}"));
    out.db_instances().first().cloned().expect("instance")
}

pub async fn instance_exists(id: &str) -> bool {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    rds.describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await
        .map(|o| !o.db_instances().is_empty())
        .unwrap_or(false)
}

/// Another team's instance: no stackctl tag, deletion protection on.
pub async fn foreign_instance(id: &str) {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    rds.create_db_instance()
        .db_instance_identifier(id)
        .engine("postgres")
        .db_instance_class("db.t4g.micro")
        .allocated_storage(20)
        .master_username("other")
        .master_user_password("other-team-password-1")
        .deletion_protection(true)
        .send()
        .await
        .expect("foreign instance");
}

/// The change plan makes for one address, with its impact.
pub fn change<'p>(plan: &'p serde_json::Value, address: &str) -> &'p serde_json::Value {
    plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| {
            let a = &c["address"];
            format!(
                "{}.{}",
                a["kind"].as_str().unwrap_or(""),
                a["name"].as_str().unwrap_or("")
            ) == address
        })
        .unwrap_or_else(|| panic!("no change for {address} in {plan:#}"))
}

/// Deletes a test stack, so that the emulator's quotas (20 proxies) are not used up.
pub fn destroy(spec: &std::path::Path) {
    run_ok(
        &[
            "destroy",
            "--auto-approve",
            "--allow-destroy",
            "--skip-final-snapshot",
            spec.to_str().expect("path"),
        ],
        0,
    );
}
