//! The stack's lock lease and signals, against the fault emulator (its delay rules slow an
//! apply down so that it holds the lock while another run tries): `STACKCTL_FAULTS_ENDPOINT_URL`,
//! default http://127.0.0.1:4597 (`make test` starts it). One test at a time.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::{Value, json};

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn use_fault_emulator() -> tokio::sync::MutexGuard<'static, ()> {
    let guard = SERIAL.lock().await;
    let url = std::env::var("STACKCTL_FAULTS_ENDPOINT_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:4597".into());
    let _ = ENDPOINT_OVERRIDE.set(url);
    set_faults(json!({ "rules": [] }));
    guard
}

fn set_faults(rules: Value) {
    let (status, body) = http("POST", "/_stackctl/faults", &rules.to_string());
    assert_eq!(status, 200, "setting faults: {body}");
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A stackctl command with the tests' environment, not yet started.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackctl"));
    base_env(&mut cmd, env);
    cmd.args(args);
    cmd
}

fn base_env(cmd: &mut Command, env: &[(&str, &str)]) {
    let dir = std::env::temp_dir().join("stackctl-tests/state-lock");
    cmd.env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", REGION)
        .env("NO_COLOR", "1")
        .env("STACKCTL_POLL_MAX_SECONDS", "0.5")
        .env("STACKCTL_STATE_DIR", dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
}

fn spawn_apply(spec: &std::path::Path, env: &[(&str, &str)]) -> Child {
    command(&["apply", "--auto-approve", path(spec)], env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start stackctl")
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("path")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn secrets() -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(&sdk_config().await)
}

/// The lock secret's content, if there is a lock.
async fn lock_body(name: &str) -> Option<Value> {
    let v = secrets()
        .await
        .get_secret_value()
        .secret_id(format!("stackctl/{name}/.lock"))
        .send()
        .await
        .ok()?;
    serde_json::from_str(v.secret_string()?).ok()
}

async fn journal_exists(name: &str) -> bool {
    secrets()
        .await
        .describe_secret()
        .secret_id(format!("stackctl/{name}/.journal"))
        .send()
        .await
        .is_ok()
}

/// Writes a lock as another run would (`lease_until`: unix seconds; `None`: no lease).
async fn put_lock(name: &str, holder: &str, lease_until: Option<u64>) {
    let mut body = json!({
        "operation": "apply", "user": holder, "host": "ci-runner", "pid": 4242,
        "since": now() - 600,
    });
    if let Some(u) = lease_until {
        body["lease_until"] = json!(u);
        body["lease_seconds"] = json!(120);
    }
    secrets()
        .await
        .create_secret()
        .name(format!("stackctl/{name}/.lock"))
        .secret_string(body.to_string())
        .send()
        .await
        .expect("create the lock");
}

async fn wait_for<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn new_stack(tag: &str, example_file: &str) -> (String, std::path::PathBuf) {
    let name = unique(tag);
    seed_network(&name).await;
    let (spec, _) = example(example_file, &name);
    (name, spec)
}

#[tokio::test]
async fn two_takers_of_an_expired_lock_at_the_same_moment_one_proceeds_and_nothing_of_it_is_deleted()
 {
    let _serial = use_fault_emulator().await;
    for round in 0..3 {
        let (name, spec) = new_stack("tko", "minimal.yaml").await;
        put_lock(&name, "dead", Some(now() - 5)).await;
        // Both read the expired lock before either swaps it: the first two PutSecretValue
        // calls (the two take-overs) are held back a second.
        set_faults(json!({ "rules": [
            { "action": "PutSecretValue", "nth": 1, "times": 2, "delay_ms": 1000 }
        ] }));
        let a = spawn_apply(&spec, &[]);
        let b = spawn_apply(&spec, &[]);
        let (a, b) = (
            a.wait_with_output().expect("a"),
            b.wait_with_output().expect("b"),
        );
        set_faults(json!({ "rules": [] }));
        let (winner, loser) = if a.status.code() == Some(0) {
            (a, b)
        } else {
            (b, a)
        };
        assert_eq!(
            winner.status.code(),
            Some(0),
            "round {round}: {}",
            text(&winner)
        );
        assert_eq!(
            loser.status.code(),
            Some(1),
            "round {round}: {}",
            text(&loser)
        );
        assert!(
            err(&winner).contains("Took over the stack's lock"),
            "{}",
            text(&winner)
        );
        assert!(
            err(&loser).contains("is locked: another run took over the expired lock first"),
            "round {round}: the loser lost the compare-and-swap:\n{}",
            text(&loser)
        );
        assert!(
            instance_exists(&format!("{name}-db")).await,
            "round {round}"
        );
        assert!(
            lock_body(&name).await.is_none(),
            "round {round}: lock released"
        );
        assert_plan_empty(&spec);
    }
}

#[tokio::test]
async fn an_apply_alive_in_another_pid_namespace_with_the_same_hostname_is_not_taken_over() {
    let _serial = use_fault_emulator().await;
    let (name, spec) = new_stack("pns", "minimal.yaml").await;
    set_faults(json!({ "rules": [{ "action": "CreateDBInstance", "delay_ms": 7000 }] }));
    // The holder runs in a PID namespace of its own, on the same host name, with a 2 s lease.
    let mut holder = Command::new("unshare");
    holder.args([
        "--pid",
        "--fork",
        "--mount-proc",
        env!("CARGO_BIN_EXE_stackctl"),
    ]);
    holder.args(["apply", "--auto-approve", path(&spec)]);
    base_env(&mut holder, &[("STACKCTL_LOCK_LEASE_SECONDS", "2")]);
    let holder = holder
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("unshare");
    wait_for("the holder's lock", Duration::from_secs(20), || {
        let name = name.clone();
        async move { lock_body(&name).await.is_some() }
    })
    .await;
    let first = lock_body(&name).await.expect("lock");
    // More than two lease lengths later: only renewal keeps it.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let renewed = lock_body(&name).await.expect("lock");
    assert!(
        renewed["lease_until"].as_u64() > first["lease_until"].as_u64(),
        "renewed: {first} then {renewed}"
    );
    let second = command(&["apply", "--auto-approve", path(&spec)], &[])
        .output()
        .expect("second apply");
    let holder = holder.wait_with_output().expect("holder");
    set_faults(json!({ "rules": [] }));
    assert_eq!(second.status.code(), Some(1), "{}", text(&second));
    let msg = err(&second);
    assert!(
        msg.contains("is locked") && msg.contains("lease expires at") && msg.contains("since"),
        "{msg}"
    );
    assert_eq!(holder.status.code(), Some(0), "{}", text(&holder));
    assert!(lock_body(&name).await.is_none(), "released");
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_an_unexpired_or_leaseless_one_is_not() {
    let _serial = use_fault_emulator().await;
    let (name, spec) = new_stack("exp", "minimal.yaml").await;
    for lease in [Some(now() + 600), None] {
        put_lock(&name, "busy", lease).await;
        let o = command(&["apply", "--auto-approve", path(&spec)], &[])
            .output()
            .expect("apply");
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let msg = err(&o);
        assert!(
            msg.contains("is locked: apply by busy@ci-runner (pid 4242)"),
            "{msg}"
        );
        assert!(
            msg.contains("since 20") && msg.contains("unlock FILE --force"),
            "{msg}"
        );
        let expected = if lease.is_some() {
            "lease expires at 20"
        } else {
            "never expires"
        };
        assert!(msg.contains(expected), "{msg}");
        assert_eq!(lock_body(&name).await.expect("kept")["user"], "busy");
        run_ok(&["unlock", "--force", path(&spec)], 0);
    }
    put_lock(&name, "gone", Some(now() - 1)).await;
    let o = command(&["apply", "--auto-approve", path(&spec)], &[])
        .output()
        .expect("apply");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        err(&o).contains("Took over the stack's lock, whose lease had expired: apply by gone@")
    );
    assert!(lock_body(&name).await.is_none(), "released");
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn a_holder_that_lost_its_lock_stops_and_does_not_delete_the_new_holders_lock() {
    let _serial = use_fault_emulator().await;
    let (name, spec) = new_stack("lst", "minimal.yaml").await;
    set_faults(json!({ "rules": [{ "action": "CreateDBInstance", "delay_ms": 4000 }] }));
    let a = spawn_apply(&spec, &[("STACKCTL_LOCK_LEASE_SECONDS", "3")]);
    wait_for("the apply's lock", Duration::from_secs(20), || {
        let name = name.clone();
        async move { lock_body(&name).await.is_some() }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Someone clears the lock by force and another run takes it.
    run_ok(&["unlock", "--force", path(&spec)], 0);
    put_lock(&name, "newcomer", Some(now() + 600)).await;
    let a = a.wait_with_output().expect("a");
    set_faults(json!({ "rules": [] }));
    assert_eq!(a.status.code(), Some(1), "{}", text(&a));
    let msg = err(&a);
    assert!(msg.contains("the stack's lock is no longer ours"), "{msg}");
    assert_eq!(
        lock_body(&name)
            .await
            .expect("the newcomer's lock is still there")["user"],
        "newcomer"
    );
    run_ok(&["unlock", "--force", path(&spec)], 0);
    let o = command(&["apply", "--auto-approve", path(&spec)], &[])
        .output()
        .expect("apply");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_plan_empty(&spec);
}

/// Runs stackctl on a pseudo-terminal, sends `signal` once the confirmation prompt shows,
/// and returns the exit code and everything it wrote.
fn signal_at_prompt(args: &[&str], signal: i32) -> (i32, String) {
    const PTY: &str = r#"
import os, pty, sys
sig = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
buf = b""
sent = False
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    buf += d
    if not sent and b"Only 'yes'" in buf:
        os.kill(pid, sig)
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode(errors="replace"))
sys.stdout.write("\nEXIT=%d\n" % os.waitstatus_to_exitcode(status))
"#;
    let mut cmd = Command::new("python3");
    cmd.args([
        "-c",
        PTY,
        &signal.to_string(),
        env!("CARGO_BIN_EXE_stackctl"),
    ]);
    cmd.args(args);
    base_env(&mut cmd, &[]);
    let o = cmd.output().expect("python3 pty");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let code = out
        .rsplit_once("EXIT=")
        .and_then(|(_, c)| c.trim().parse().ok())
        .unwrap_or_else(|| panic!("no exit code: {out}{}", err(&o)));
    (code, out)
}

#[tokio::test]
async fn a_signal_at_the_confirmation_prompt_releases_the_lock_and_changes_nothing() {
    let _serial = use_fault_emulator().await;
    for (signal, code) in [(2, 130), (15, 143)] {
        let (name, spec) = new_stack("prm", "minimal.yaml").await;
        let (exit, out) = signal_at_prompt(&["apply", path(&spec)], signal);
        assert_eq!(exit, code, "signal {signal}:\n{out}");
        assert!(
            out.contains("Stopped before applying: nothing was changed"),
            "{out}"
        );
        assert!(
            lock_body(&name).await.is_none(),
            "signal {signal}: lock left:\n{out}"
        );
        assert!(!journal_exists(&name).await, "signal {signal}: no journal");
        assert!(
            tagged(&name).await.is_empty(),
            "signal {signal}: nothing created"
        );
    }
}

#[tokio::test]
async fn a_sigterm_mid_apply_releases_the_lock_keeps_the_journal_and_a_rerun_converges() {
    let _serial = use_fault_emulator().await;
    let (name, spec) = new_stack("sig", "staging.yaml").await;
    set_faults(json!({ "rules": [{ "action": "CreateDBInstance", "delay_ms": 3000 }] }));
    let child = spawn_apply(&spec, &[]);
    wait_for("the journal", Duration::from_secs(30), || {
        let name = name.clone();
        async move { journal_exists(&name).await }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let o = child.wait_with_output().expect("apply");
    set_faults(json!({ "rules": [] }));
    assert_eq!(o.status.code(), Some(143), "{}", text(&o));
    let msg = err(&o);
    assert!(
        msg.contains("Interrupted:") && msg.contains("journal kept"),
        "{msg}"
    );
    assert!(msg.contains("not started"), "{msg}");
    assert!(
        msg.contains(&format!("stackctl apply {}", spec.display())),
        "{msg}"
    );
    assert!(lock_body(&name).await.is_none(), "lock released");
    assert!(journal_exists(&name).await, "journal kept");
    let rerun = command(&["apply", "--auto-approve", path(&spec)], &[])
        .output()
        .expect("rerun");
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun));
    assert!(err(&rerun).contains("did not finish"), "{}", text(&rerun));
    assert!(!journal_exists(&name).await, "journal cleared");
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn apply_into_a_closed_pipe_does_not_panic_and_leaves_no_lock() {
    let _serial = use_fault_emulator().await;
    // `| head -1` reads a line then goes; `| true` is gone before the plan is written.
    for reader in ["head -1", "true"] {
        let (name, spec) = new_stack("pip", "minimal.yaml").await;
        let script = format!(
            "'{}' apply --auto-approve '{}' | {reader}; exit ${{PIPESTATUS[0]}}",
            env!("CARGO_BIN_EXE_stackctl"),
            path(&spec)
        );
        let mut cmd = Command::new("bash");
        cmd.args(["-c", &script]);
        base_env(&mut cmd, &[]);
        let o = cmd.output().expect("bash");
        assert_eq!(o.status.code(), Some(0), "| {reader}: {}", text(&o));
        assert!(!err(&o).contains("panicked"), "{}", text(&o));
        assert!(lock_body(&name).await.is_none(), "| {reader}: lock left");
        assert_plan_empty(&spec);
    }
}

/// Runs `stackctl ARGS` with its stdout (and with `both`, its stderr too) into a pipe whose
/// reader has already gone: the command starts 0.3 s after `true` was started, so its first
/// write meets a closed pipe (EPIPE). Returns the exit code and what it wrote to stderr when
/// stderr was not in the pipe.
fn into_closed_pipe(args: &[&str], both: bool) -> (Option<i32>, String) {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let redirect = if both { "2>&1" } else { "" };
    let script = format!(
        "(sleep 0.3; exec '{}' {}) {redirect} | true; exit ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_stackctl"),
        quoted.join(" ")
    );
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &script]);
    base_env(&mut cmd, &[]);
    let o = cmd.output().expect("bash");
    (o.status.code(), err(&o))
}

#[tokio::test]
async fn every_command_into_a_closed_stdout_or_stderr_exits_as_documented_without_a_panic() {
    let _serial = use_fault_emulator().await;
    let (name, spec) = new_stack("epi", "minimal.yaml").await;
    let spec = path(&spec).to_owned();
    let s = spec.as_str();
    // The apply first, into a closed stdout and stderr (`2>&1 | head`): it carries on to the
    // end and releases its lock.
    assert_eq!(
        into_closed_pipe(&["apply", "--auto-approve", s], true).0,
        Some(0),
        "apply into a closed stderr"
    );
    assert!(lock_body(&name).await.is_none(), "apply left its lock");
    assert!(!journal_exists(&name).await, "apply left its journal");
    assert_plan_empty(std::path::Path::new(s));
    let commands: &[(&[&str], i32)] = &[
        (&["plan", s], 0),
        (&["plan", "--json", s], 0),
        (&["plan", "--detailed-exitcode", s], 0),
        (&["drift", s], 0),
        (&["drift", "--format", "json", s], 0),
        (&["drift", "--format", "markdown", s], 0),
        (&["validate", s], 0),
        (&["validate", "--format", "json", s], 0),
        (&["schema"], 0),
        (&["apply", "--auto-approve", s], 0),
        (&["rollback", "--auto-approve", s], 0),
        (&["unlock", s], 1),
        (&["unlock", "--force", s], 0),
        (&["validate", "no/such/stack.yaml"], 1),
        (&["plan", "--bogus", s], 1),
    ];
    for (args, code) in commands {
        for both in [false, true] {
            let (got, stderr) = into_closed_pipe(args, both);
            assert_eq!(
                got,
                Some(*code),
                "{args:?} (stderr closed: {both}): {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        }
    }
    assert!(lock_body(&name).await.is_none(), "a command left a lock");
    // Destroy into a closed stdout and stderr, then again (nothing left) into a closed stdout.
    let destroy = [
        "destroy",
        "--auto-approve",
        "--allow-destroy",
        "--skip-final-snapshot",
        s,
    ];
    assert_eq!(into_closed_pipe(&destroy, true).0, Some(0), "destroy");
    let (got, stderr) = into_closed_pipe(&destroy, false);
    assert_eq!(got, Some(0), "destroy again: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(lock_body(&name).await.is_none(), "destroy left its lock");
    let left = tagged(&name).await;
    assert!(left.is_empty(), "still tagged with {name}: {left:?}");
}
