//! What the Aurora errors say, beyond the position and key path the fixtures pin: a metric of
//! Aurora put on an RDS instance names Aurora, and a `db.serverless` instance without a capacity
//! range says how to add one. Pure: no network.

use stackctl::spec;

fn rendered(file: &str) -> String {
    let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).expect("read fixture");
    spec::load_str(file, &source).render()
}

#[test]
fn an_aurora_metric_on_an_rds_instance_names_aurora() {
    let out = rendered("fixtures/invalid/alarm-aurora-metric-on-rds-instance.yaml");
    assert!(
        out.contains("`ServerlessDatabaseCapacity` is a metric of Aurora"),
        "{out}"
    );
    assert!(out.contains("engine: aurora-postgresql"), "{out}");
}

#[test]
fn a_serverless_instance_without_a_capacity_range_says_how_to_add_one() {
    let out = rendered("fixtures/invalid/aurora-serverless-instance-without-capacity-range.yaml");
    assert!(out.contains("needs the cluster's capacity range"), "{out}");
    assert!(out.contains("serverless_v2: {min_acu"), "{out}");
}

#[test]
fn a_zero_minimum_on_an_old_version_names_the_versions_that_allow_it() {
    let out = rendered("fixtures/invalid/aurora-acu-zero-min-on-old-version.yaml");
    assert!(out.contains("Aurora PostgreSQL 13.15"), "{out}");
}
