//! Every broken spec in fixtures/invalid/ is rejected with exactly the diagnostics its header
//! announces (line:column and key path), and every file in stacks/ and fixtures/valid/ is valid.
//! Pure: no network.
//!
//! A fixture's header lists what it expects, one per line:
//! `# expect: LINE:COL KEY.PATH` for an error, `# expect-warning: LINE:COL KEY.PATH` for a warning.

use std::path::{Path, PathBuf};

use stackctl::spec::{self, Severity};

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("read {}: {e}", root.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

fn expectations(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| {
            if let Some(e) = l.strip_prefix("# expect: ") {
                Some(format!("error {}", e.trim()))
            } else {
                l.strip_prefix("# expect-warning: ")
                    .map(|w| format!("warning {}", w.trim()))
            }
        })
        .collect()
}

#[test]
fn every_invalid_fixture_reports_exactly_its_expected_diagnostics() {
    let files = yaml_files("fixtures/invalid");
    assert!(
        files.len() >= 20,
        "the corpus of broken specs has {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read fixture");
        let mut expected = expectations(&source);
        assert!(
            !expected.is_empty(),
            "{} has no `# expect:` header",
            file.display()
        );
        let loaded = spec::load_str(&file.display().to_string(), &source);
        let mut actual: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| {
                let level = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                format!("{level} {}:{} {}", d.line, d.column, d.path)
            })
            .collect();
        expected.sort();
        actual.sort();
        if expected != actual {
            failures.push(format!(
                "{}\n  expected: {expected:?}\n  actual:   {actual:?}\n{}",
                file.display(),
                loaded.render()
            ));
        }
        if expected.iter().any(|e| e.starts_with("error")) && loaded.stack.is_some() {
            failures.push(format!(
                "{}: an invalid spec yielded a stack",
                file.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_example_stack_and_valid_fixture_is_valid_without_warnings() {
    let mut files = yaml_files("stacks");
    files.extend(yaml_files("fixtures/valid"));
    assert!(files.len() >= 3);
    let mut failures = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read");
        let loaded = spec::load_str(&file.display().to_string(), &source);
        let expected_warnings = expectations(&source);
        let warnings: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| format!("warning {}:{} {}", d.line, d.column, d.path))
            .collect();
        if loaded.has_errors() || warnings != expected_warnings || loaded.stack.is_none() {
            failures.push(format!(
                "{}\n  expected: {expected_warnings:?}\n  actual:   {warnings:?}\n{}",
                file.display(),
                loaded.render()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
