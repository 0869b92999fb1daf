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

/// A fresh file in this test binary's temporary directory.
fn write(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = tempdir().join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn minimal() -> String {
    std::fs::read_to_string("stacks/minimal.yaml").expect("read")
}

#[test]
fn a_yaml_alias_bomb_is_refused_at_its_line_in_bounded_memory() {
    // Nine levels of nine: 9^9 (387 million) strings once expanded. Seven levels took 946 MB.
    let mut text = minimal();
    text.push_str("bomb:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let refs = vec![format!("*l{}", i - 1); 9].join(", ");
        text.push_str(&format!("  l{i}: &l{i} [{refs}]\n"));
    }
    let path = write("alias-bomb.yaml", text.as_bytes());
    // Under a 200 MB address-space limit, an expansion would abort the process.
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            "ulimit -v 200000 && exec \"$0\" validate \"$1\"",
            &assert_cmd::cargo::cargo_bin("stackctl")
                .display()
                .to_string(),
            &path.display().to_string(),
        ])
        .output()
        .expect("bash");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let located = format!("{}:", path.display());
    let line = stderr
        .lines()
        .find(|l| l.contains("alias bomb"))
        .unwrap_or_else(|| panic!("no alias error: {stderr}"));
    assert!(line.starts_with(&located), "{line}");
    // The refusal is at the first alias past the limit: `l4` (9^4 · 9 nodes > 10 000).
    let lnum: usize = line[located.len()..]
        .split(':')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("line number");
    let source_line = text.lines().nth(lnum - 1).unwrap_or_default();
    assert!(source_line.contains("&l4"), "{line}: {source_line}");
}

#[test]
fn more_than_47_tags_are_refused_at_tags() {
    for (n, code) in [(47, 0), (48, 1), (51, 1)] {
        let tags: String = (0..n).map(|i| format!("  key{i}: value{i}\n")).collect();
        let text = minimal().replacen("\nstack:", &format!("\ntags:\n{tags}stack:"), 1);
        let path = write(&format!("tags-{n}.yaml"), text.as_bytes());
        let out = stackctl()
            .arg("validate")
            .arg(&path)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{n} tags: {stderr}");
        if code == 1 {
            let line = text.lines().position(|l| l == "tags:").expect("tags") + 1;
            assert!(
                stderr.contains(&format!(
                    "{}:{line}:1: error: tags: {n} tags; a stack may have at most 47",
                    path.display()
                )),
                "{stderr}"
            );
        }
    }
}

#[test]
fn diagnostics_cut_long_lines_and_escape_control_characters() {
    // A 3 MB value, and a value that would recolour the terminal and ring its bell.
    let long = format!("stack: {}\nregion: us-east-1\n", "x".repeat(3_000_000));
    let control = "stack: \u{1b}[31mred\u{7}\u{202e}\nregion: us-east-1\nunknown\u{1b}[2J: 1\n";
    for (name, text) in [("long", long.as_str()), ("control", control)] {
        let path = write(&format!("{name}.yaml"), text.as_bytes());
        for format in ["text", "json"] {
            let out = stackctl()
                .args(["validate", "--format", format])
                .arg(&path)
                .output()
                .expect("runs");
            assert_eq!(out.status.code(), Some(1));
            let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
            assert!(all.len() < 20_000, "{name} {format}: {} bytes", all.len());
            assert!(
                !all.iter().any(|b| *b == 0x1b || *b == 0x07),
                "{name} {format}: {}",
                String::from_utf8_lossy(&all)
            );
            let shown = String::from_utf8_lossy(&all);
            assert!(!shown.contains('\u{202e}'), "{shown}");
            if name == "control" && format == "text" {
                assert!(shown.contains("\\u{1b}[31mred\\u{7}"), "{shown}");
                assert!(shown.contains("unknown key `unknown\\u{1b}[2J`"), "{shown}");
            }
        }
    }
}

#[test]
fn a_missing_files_os_error_is_said_once() {
    let out = stackctl()
        .args(["validate", "no/such/stack.yaml"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn invalid_utf8_is_reported_at_its_line_and_column() {
    let mut bytes = b"stack: ok\nregion: us-\xff\xfeeast-1\n".to_vec();
    bytes.extend_from_slice(b"network: {}\n");
    let path = write("not-utf8.yaml", &bytes);
    let out = stackctl()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:2:12: error: (top level): the file is not valid UTF-8: byte 21 (0xff) at line 2, column 12",
            path.display()
        )),
        "{stderr}"
    );
}
