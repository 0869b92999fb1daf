//! The binary's contract: exit codes, where output goes, and that it never panics. No network.

use assert_cmd::Command;

fn stackctl() -> Command {
    let mut cmd = Command::cargo_bin("stackctl").expect("binary builds");
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn validate_accepts_each_example_stack_with_exit_0() {
    for f in [
        "stacks/minimal.yaml",
        "stacks/staging.yaml",
        "stacks/production.yaml",
    ] {
        let out = stackctl().args(["validate", f]).output().expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{f}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("0 errors"), "{stderr}");
        assert!(
            out.stdout.is_empty(),
            "validate prints no data on stdout in text mode"
        );
    }
}

#[test]
fn validate_rejects_a_broken_spec_with_exit_1_and_a_located_message() {
    let out = stackctl()
        .args(["validate", "fixtures/invalid/gp3-iops-below-400.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "fixtures/invalid/gp3-iops-below-400.yaml:19:11: error: database.storage.iops:"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
    assert!(stderr.contains("allowed:"), "{stderr}");
    insta::assert_snapshot!("gp3_iops_below_400", stderr);
}

#[test]
fn validate_json_is_machine_readable_on_stdout() {
    let out = stackctl()
        .args([
            "validate",
            "--format",
            "json",
            "fixtures/invalid/gp3-iops-below-400.yaml",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"], 2);
    let first = &report["diagnostics"][0];
    assert_eq!(first["line"], 19);
    assert_eq!(first["column"], 11);
    assert_eq!(first["path"], "database.storage.iops");
    assert_eq!(first["severity"], "error");
}

#[test]
fn deny_warnings_turns_a_warning_into_exit_1() {
    let dir = tempdir();
    let path = dir.join("public.yaml");
    let text = std::fs::read_to_string("stacks/minimal.yaml")
        .expect("read")
        .replace(
            "  master_user:",
            "  publicly_accessible: true\n  master_user:",
        );
    std::fs::write(&path, text).expect("write");
    let ok = stackctl()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(ok.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&ok.stderr).contains("warning: database.publicly_accessible"));
    let denied = stackctl()
        .args(["validate", "--deny-warnings"])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let out = stackctl()
        .args(["validate", "no/such/stack.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read no/such/stack.yaml"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn schema_prints_a_json_schema_of_the_spec() {
    let out = stackctl().arg("schema").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for key in ["stack", "region", "network", "database"] {
        assert!(required.contains(&key), "{key} is required: {required:?}");
    }
    assert_eq!(schema["additionalProperties"], false);
    assert!(schema["$defs"]["Redis"]["properties"]["num_cache_clusters"].is_object());
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("stackctl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

#[test]
fn a_usage_error_exits_1_not_the_2_of_changes_present() {
    for args in [
        &["plan", "--bogus", "stacks/minimal.yaml"][..],
        &["drift", "--format", "yaml", "stacks/minimal.yaml"],
        &["drfit", "stacks/minimal.yaml"],
        &["validate"],
        &[],
    ] {
        let out = stackctl().args(args).output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error") || stderr.contains("Usage"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: usage errors go to stderr");
    }
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["plan", "--help"],
        &["help"],
    ] {
        let out = stackctl().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty(), "{args:?}: on stdout");
        assert!(out.stderr.is_empty(), "{args:?}: nothing on stderr");
    }
}

/// Runs `stackctl ARGS` into a pipe whose reader has gone (stdout, and with `both` stderr
/// too): exit code and stderr when it was not in the pipe.
fn into_closed_pipe(args: &[&str], both: bool) -> (Option<i32>, String) {
    let bin = assert_cmd::cargo::cargo_bin("stackctl");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let redirect = if both { "2>&1" } else { "" };
    let script = format!(
        "(sleep 0.3; exec '{}' {}) {redirect} | true; exit ${{PIPESTATUS[0]}}",
        bin.display(),
        quoted.join(" ")
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .env("NO_COLOR", "1")
        .output()
        .expect("bash");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn commands_without_aws_into_a_closed_pipe_exit_as_documented_without_a_panic() {
    let cases: &[(&[&str], i32)] = &[
        (&["schema"], 0),
        (&["validate", "stacks/production.yaml"], 0),
        (
            &["validate", "--format", "json", "stacks/production.yaml"],
            0,
        ),
        (&["validate", "fixtures/invalid/many-rule-errors.yaml"], 1),
        (
            &[
                "validate",
                "--format",
                "json",
                "fixtures/invalid/many-rule-errors.yaml",
            ],
            1,
        ),
        (&["validate", "no/such/stack.yaml"], 1),
        (&["--help"], 0),
        (&["--version"], 0),
        (&["--bogus"], 1),
    ];
    for (args, code) in cases {
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
}
