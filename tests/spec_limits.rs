//! Input that would exhaust the machine: validation is linear in the size of a mapping.
//! Timings are compared with each other (the fastest of three runs each), never with a clock
//! bound, so that a busy machine does not fail the test.

use std::time::{Duration, Instant};

use stackctl::spec;

fn minimal() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/stacks/minimal.yaml"))
        .expect("spec")
}

/// The fastest of three validations of `text`.
fn fastest(text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let loaded = spec::load_str("big.yaml", text);
            let took = start.elapsed();
            assert!(loaded.has_errors());
            std::hint::black_box(loaded.render());
            took
        })
        .min()
        .unwrap_or_default()
}

/// Validating 4N keys takes less than 8 times as long as N keys: 4 when linear, 16 when
/// quadratic, as it was (80k keys took 35 s). A factor of 4 keeps both a factor of 2 away from
/// the bound, so a noisy machine does not tip a linear run over it.
fn assert_linear(shape: &str, make: impl Fn(usize) -> String) {
    let n = 10_000;
    let (small, large) = (make(n), make(4 * n));
    let (t1, t2) = (fastest(&small), fastest(&large));
    let ratio = t2.as_secs_f64() / t1.as_secs_f64().max(1e-6);
    eprintln!(
        "{shape}: {n} keys {t1:?}, {} keys {t2:?}: ratio {ratio:.2}",
        4 * n
    );
    assert!(
        ratio < 8.0,
        "{shape}: {n} keys took {t1:?}, {} keys {t2:?}: ratio {ratio:.2}",
        4 * n
    );
}

#[test]
fn a_large_mapping_validates_in_linear_time() {
    let base = minimal();
    // Unknown keys at the top level: one error each (the first 200 are reported).
    assert_linear("unknown keys", |n| {
        let mut t = base.clone();
        for i in 0..n {
            t.push_str(&format!("unknown_{i}: v\n"));
        }
        t
    });
    // A stack's tags: one error for too many.
    assert_linear("tags", |n| {
        let tags: String = (0..n).map(|i| format!("  k{i}: v{i}\n")).collect();
        base.replacen("\nstack:", &format!("\ntags:\n{tags}stack:"), 1)
    });
    // The same key again and again: a duplicate-key error each.
    assert_linear("duplicate keys", |n| {
        let mut t = base.clone();
        t.push_str("tags:\n");
        for _ in 0..n {
            t.push_str("  same: v\n");
        }
        t
    });
}

#[test]
fn at_most_200_diagnostics_are_reported_and_the_rest_counted() {
    let mut t = minimal();
    for i in 0..1000 {
        t.push_str(&format!("unknown_{i}: v\n"));
    }
    let loaded = spec::load_str("big.yaml", &t);
    assert_eq!(loaded.diagnostics.len(), spec::MAX_DIAGNOSTICS + 1);
    let last = loaded.diagnostics.last().map(|d| d.message.clone());
    assert_eq!(
        last.as_deref(),
        Some("800 more problems in the file are not shown")
    );
}
