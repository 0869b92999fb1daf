//! `make bench`: plan and apply through a proxy that adds a fixed latency to every AWS call, in
//! front of the local emulator. Reports wall time, AWS API calls, and sequential round trips
//! (both wall time ÷ latency and the recorder's longest chain of calls that waited on one
//! another), which hold on a noisy machine where seconds do not.
//!
//! Targets (issue 3): a plan's calls do not grow with the number of replicas and alarms; a plan
//! takes 1 sequential round trip (every read starts before any other ends; the bench fails
//! otherwise); an apply takes no more sequential round trips than its reads plus, along the
//! longest dependency chain, each step's calls and waits.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LATENCY: Duration = Duration::from_millis(50);

/// A TCP proxy that holds each response back by `LATENCY`: the first bytes from the server after
/// the client has sent a request wait, the rest of that response flows. One HTTP/1.1 request at
/// a time per connection, as the SDK sends them.
async fn latency_proxy(upstream: String) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let pending = std::sync::Arc::new(tokio::sync::Notify::new());
                let waiting = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
                let (p2, w2) = (pending.clone(), waiting.clone());
                let up = tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        w2.store(true, std::sync::atomic::Ordering::SeqCst);
                        p2.notify_one();
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match sr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if waiting.swap(false, std::sync::atomic::Ordering::SeqCst) {
                        tokio::time::sleep(LATENCY).await;
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
                up.abort();
                let _ = pending;
            });
        }
    });
    Ok(format!("http://{addr}"))
}

struct Run {
    wall: Duration,
    /// Time from the first AWS call's start to the last one's end, as stackctl recorded it.
    span: Duration,
    calls: usize,
    chain: usize,
    /// The longest chain without the lock and journal calls.
    work_chain: usize,
    bookkeeping: usize,
    depth: Option<usize>,
}

fn stackctl(bin: &Path, endpoint: &str, args: &[&str]) -> Run {
    let start = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("NO_COLOR", "1")
        .env("STACKCTL_REPORT_CALLS", "1")
        .env("STACKCTL_POLL_MAX_SECONDS", "0.5")
        .output()
        .expect("run stackctl");
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stackctl {args:?} failed:\n{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("aws calls:"))
        .unwrap_or_else(|| panic!("no call report in:\n{stderr}"));
    let num = |key: &str| -> Option<usize> {
        line.split(key)
            .nth(1)?
            .trim()
            .split([',', ' '])
            .next()?
            .parse()
            .ok()
    };
    if let Some(chain) = stderr.lines().find(|l| l.starts_with("longest chain:")) {
        println!("  {chain}");
    }
    Run {
        wall,
        span: Duration::from_millis(num("aws span ms:").unwrap_or(0) as u64),
        calls: num("aws calls:").unwrap_or(0),
        chain: num("sequential round trips:").unwrap_or(0),
        work_chain: num("round trips without bookkeeping:").unwrap_or(0),
        bookkeeping: num("bookkeeping calls:").unwrap_or(0),
        depth: num("dependency depth:"),
    }
}

fn report(label: &str, r: &Run) {
    println!(
        "{label:<46} wall {:>5.2} s  calls {:>3}  round trips: aws time/latency {:>5.1}, longest chain {:>3}",
        r.wall.as_secs_f64(),
        r.calls,
        r.span.as_secs_f64() / LATENCY.as_secs_f64(),
        r.chain,
    );
    if let Some(d) = r.depth {
        println!(
            "{:<46} without lock/journal: longest chain {:>3}; {} lock/journal calls; dependency depth {d}",
            "", r.work_chain, r.bookkeeping
        );
    }
}

fn large_stack(name: &str) -> String {
    let mut s = format!("stack: {name}\nregion: us-east-1\n");
    s.push_str(&format!(
        "network:\n  vpc: {{tags: {{Name: {name}}}}}\n  subnets: {{tags: {{tier: private}}}}\n"
    ));
    s.push_str(&format!(
        "database:\n  identifier: {name}-db\n  engine: postgres\n  engine_version: \"16.4\"\n"
    ));
    s.push_str("  instance_class: db.r6g.large\n  storage: {allocated_gib: 100}\n");
    s.push_str("  master_user: {username: dbadmin}\n  deletion_protection: false\n  replicas:\n");
    for i in 1..=10 {
        s.push_str(&format!("    - {{identifier: {name}-r{i}}}\n"));
    }
    s.push_str("alarms:\n");
    for i in 1..=10 {
        s.push_str(&format!(
            "  - {{name: {name}-r{i}-lag, resource: {name}-r{i}, metric: ReplicaLag, threshold: 60, comparison: greater_than, evaluation_periods: 3}}\n"
        ));
    }
    for i in 1..=50 {
        s.push_str(&format!(
            "  - {{name: {name}-cpu-{i}, resource: {name}-db, metric: CPUUtilization, threshold: {i}, comparison: greater_than, evaluation_periods: 3}}\n"
        ));
    }
    s
}

/// A secret the team keeps, `{username, password}`, as a spec names it by ARN; returns the ARN.
async fn team_secret(upstream: &str, name: &str) -> String {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(format!("http://{upstream}"))
        .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new(
            "test", "test", None, None, "bench",
        ))
        .load()
        .await;
    aws_sdk_secretsmanager::Client::new(&config)
        .create_secret()
        .name(format!("team/{name}/db-credentials"))
        .secret_string(r#"{"username": "dbadmin", "password": "bench-only-9f3Kq"}"#)
        .send()
        .await
        .expect("CreateSecret")
        .arn()
        .expect("arn")
        .to_owned()
}

fn seed(name: &str) {
    let status = Command::new("localstack/emulator")
        .args(["seed-network", name])
        .status()
        .expect("seed network");
    assert!(status.success());
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(&root).expect("cd");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let bin = target.join("debug/stackctl");
    let upstream = std::env::var("AWS_ENDPOINT_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:4566".into())
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let endpoint = rt.block_on(latency_proxy(upstream.clone())).expect("proxy");
    let _guard = rt.enter();
    let suffix = std::process::id() % 100000;
    let dir = std::env::temp_dir().join("stackctl-bench");
    std::fs::create_dir_all(&dir).expect("dir");

    println!(
        "latency injected per AWS call: {} ms\n",
        LATENCY.as_millis()
    );

    let prod = format!("bprod{suffix}");
    seed(&prod);
    let prod_file = dir.join(format!("{prod}.yaml"));
    std::fs::write(
        &prod_file,
        std::fs::read_to_string("stacks/production.yaml")
            .expect("production")
            .replace("shop-prod", &prod),
    )
    .expect("write");
    let large = format!("blarge{suffix}");
    seed(&large);
    let large_file = dir.join(format!("{large}.yaml"));
    std::fs::write(&large_file, large_stack(&large)).expect("write");

    // Production with the team's master secret, by ARN: what already exists is read in the
    // same round trip as the rest.
    let arn = rt.block_on(team_secret(&upstream, &prod));
    let team_file = dir.join(format!("{prod}-team-secret.yaml"));
    std::fs::write(
        &team_file,
        std::fs::read_to_string(&prod_file)
            .expect("production")
            .replace(
                "password: rds_managed",
                &format!("password: {{secret_arn: {arn}}}"),
            ),
    )
    .expect("write");

    let p = |f: &Path| f.to_str().expect("path").to_owned();
    let plan_prod = stackctl(&bin, &endpoint, &["plan", &p(&prod_file)]);
    report("plan production.yaml (empty AWS)", &plan_prod);
    let plan_team = stackctl(&bin, &endpoint, &["plan", &p(&team_file)]);
    report("plan production, the team's secret (empty AWS)", &plan_team);
    let plan_large = stackctl(&bin, &endpoint, &["plan", &p(&large_file)]);
    report(
        "plan large (10 replicas, 60 alarms, empty AWS)",
        &plan_large,
    );
    let apply_prod = stackctl(
        &bin,
        &endpoint,
        &["apply", "--auto-approve", &p(&prod_file)],
    );
    report("apply production.yaml from empty", &apply_prod);
    let apply_large = stackctl(
        &bin,
        &endpoint,
        &["apply", "--auto-approve", &p(&large_file)],
    );
    report("apply large from empty", &apply_large);
    let replan_prod = stackctl(&bin, &endpoint, &["plan", &p(&prod_file)]);
    report("plan production.yaml (applied, no changes)", &replan_prod);
    let replan_large = stackctl(&bin, &endpoint, &["plan", &p(&large_file)]);
    report("plan large (applied, no changes)", &replan_large);

    println!();
    let ok = |b: bool| if b { "ok" } else { "MISSED" };
    println!(
        "plan calls, production vs large: {} vs {} -> {} (calls do not grow with replicas and alarms)",
        replan_prod.calls,
        replan_large.calls,
        ok(replan_large.calls <= replan_prod.calls + 2)
    );
    let worst = [
        &plan_prod,
        &plan_team,
        &plan_large,
        &replan_prod,
        &replan_large,
    ]
    .iter()
    .map(|r| r.chain)
    .max()
    .unwrap_or(0);
    println!(
        "plan sequential round trips, worst: {worst} -> {} (at most 1)",
        ok(worst <= 1)
    );
    let plans_in_one_round_trip = worst <= 1;
    for (label, r) in [("production", &apply_prod), ("large", &apply_large)] {
        let depth = r.depth.unwrap_or(0);
        // Reads take 1 (2 when something left the spec); each level of the dependency graph
        // costs a create and the waiter's look, and at most one describe more when a step waits
        // for settling.
        let work_bound = 2 + depth * 3;
        // The lock (take, release), the journal (look, first write, completion, removal) and,
        // per level, a write before and after the step: durable intent has a price.
        let bound = work_bound + 6 + depth * 2;
        println!(
            "apply {label}: {} sequential round trips without lock/journal for depth {depth} (bound 2 + 3 x depth = {work_bound}) -> {}",
            r.work_chain,
            ok(r.work_chain <= work_bound)
        );
        println!(
            "apply {label}: {} sequential round trips in all (bound {work_bound} + 6 + 2 x depth = {bound}) -> {}",
            r.chain,
            ok(r.chain <= bound)
        );
    }
    for f in [&prod_file, &large_file] {
        let _ = Command::new(&bin)
            .args([
                "destroy",
                "--auto-approve",
                "--allow-destroy",
                "--skip-final-snapshot",
                &p(f),
            ])
            .env(
                "AWS_ENDPOINT_URL",
                std::env::var("AWS_ENDPOINT_URL")
                    .unwrap_or_else(|_| "http://127.0.0.1:4566".into()),
            )
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .output();
    }
    assert!(
        plans_in_one_round_trip,
        "a plan took more than 1 sequential round trip: some read waits on another's answer"
    );
}
