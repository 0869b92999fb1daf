//! What a person reads of a plan, without a network: the compact view shows what the spec says
//! and what changes, `--verbose` every attribute with the reason of each default, values read
//! in words, and each interrupted resource with the typical length of its downtime.

mod offline;

use offline::{set_class, stack};

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use stackctl::model::{Address, Kind, NetworkIds, desired};
use stackctl::plan::{Observed, Plan, plan};
use stackctl::render::plan::{Detail, render_detailed};
use stackctl::render::{plan_markdown, style::Style};
use stackctl::spec::StackSpec as Stack;

fn net() -> NetworkIds {
    NetworkIds {
        vpc_id: "vpc-0a1b2c3d".into(),
        subnet_ids: vec!["subnet-0a1b2c3d".into(), "subnet-1a1b2c3d".into()],
    }
}

fn first_plan(s: &Stack) -> Plan {
    plan(
        &s.name,
        &s.region,
        &desired(s, &net()),
        &Observed::default(),
    )
    .expect("plan")
}

/// What AWS reports right after applying `s`.
fn applied(s: &Stack) -> Observed {
    offline::as_applied(s, &net())
}

/// The compact text of the plan of `s` against `observed`.
fn compact(s: &Stack, observed: &Observed) -> String {
    let p = plan(&s.name, &s.region, &desired(s, &net()), observed).expect("plan");
    render_detailed(&p, &Style::plain(), Detail::Compact)
}

/// The attribute names the text view lists under each resource.
fn shown(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("  + ") {
            let address = rest.split(' ').next().unwrap_or_default().to_owned();
            out.entry(address.clone()).or_default();
            current = Some(address);
        } else if let (Some(a), Some(attr)) = (&current, line.strip_prefix("      ")) {
            if let Some((name, _)) = attr.split_once(": ") {
                out.entry(a.clone()).or_default().insert(name.to_owned());
            }
        }
    }
    out
}

#[test]
fn a_first_plan_of_a_spec_that_writes_only_required_keys_shows_those_keys() {
    let s = stack("fixtures/valid/only-required-keys.yaml");
    let text = render_detailed(&first_plan(&s), &Style::plain(), Detail::Compact);
    let seen = shown(&text);
    let expect = |pairs: &[(&str, &[&str])]| -> BTreeMap<String, BTreeSet<String>> {
        pairs
            .iter()
            .map(|(a, names)| {
                (
                    (*a).to_owned(),
                    names.iter().map(|n| (*n).to_owned()).collect(),
                )
            })
            .collect()
    };
    let alarm: &[&str] = &[
        "namespace",
        "metric",
        "dimensions",
        "evaluation_periods",
        "threshold",
        "comparison",
    ];
    assert_eq!(
        seen,
        expect(&[
            ("security_group.demo-database", &["vpc_id", "ingress"]),
            ("db_subnet_group.demo-db", &[]),
            ("db_parameter_group.demo-db-postgres16", &["family"]),
            (
                "db_instance.demo-db",
                &[
                    "engine",
                    "engine_version",
                    "instance_class",
                    "allocated_gib",
                    "master_username",
                    "parameter_group",
                    "security_groups",
                ],
            ),
            ("db_replica.demo-db-replica-1", &["source"]),
            (
                "proxy.demo-proxy",
                &["engine_family", "role_arn", "auth_secret"],
            ),
            ("proxy_target_group.demo-proxy", &[]),
            ("proxy_target.demo-proxy/demo-db", &["db_instance"]),
            ("cache_subnet_group.demo-cache", &[]),
            ("secret.stackctl/demo/demo-redis/auth-token", &["purpose"]),
            (
                "replication_group.demo-redis",
                &["engine_version", "node_type"]
            ),
            ("alarm.demo-db-cpu", alarm),
            ("alarm.demo-db-replica-1-lag", alarm),
        ]),
        "{text}"
    );
}

#[test]
fn verbose_shows_every_attribute_and_the_reason_of_each_default() {
    let s = stack("fixtures/valid/only-required-keys.yaml");
    let p = first_plan(&s);
    let text = render_detailed(&p, &Style::plain(), Detail::Verbose);
    let seen = shown(&text);
    for c in &p.changes {
        let names: BTreeSet<String> = c.attributes.iter().map(|a| a.name.clone()).collect();
        assert_eq!(seen[&c.address.to_string()], names, "{}", c.address);
    }
    assert!(!text.contains("more at their defaults"), "{text}");
    assert!(
        text.contains("iops: 3000   # the gp3 baseline for this size"),
        "{text}"
    );
    assert!(text.contains("port: 5432   # the engine's port"), "{text}");
    assert!(
        text.contains("deletion_protection: true   # stackctl's default"),
        "{text}"
    );
}

#[test]
fn no_internal_notation_reaches_a_person() {
    for file in ["stacks/production.yaml", "stacks/staging.yaml"] {
        let p = first_plan(&stack(file));
        for text in [
            render_detailed(&p, &Style::plain(), Detail::Compact),
            render_detailed(&p, &Style::plain(), Detail::Verbose),
            plan_markdown::markdown(&p),
        ] {
            for notation in [
                "master:",
                "rds_managed",
                "redis_auth_token",
                "db_master_password",
            ] {
                assert!(!text.contains(notation), "{file}: {notation} in\n{text}");
            }
        }
    }
}

#[test]
fn each_interrupted_resource_says_how_long_with_the_figure_aws_gives() {
    let mut s = stack("stacks/production.yaml");
    let mut observed = applied(&s);
    // Multi-AZ: a class change is a failover, 60–120 s by RDS's documentation, in the
    // maintenance window as production's spec asks.
    set_class(&mut s, "db.r6g.xlarge");
    let text = compact(&s, &observed);
    assert!(
        text.contains("Downtime: db_instance.shop-prod-db is interrupted once in its next maintenance window; typically 60–120 s."),
        "{text}"
    );
    // The same at once.
    s.database.apply_changes = stackctl::spec::stack::ApplyChanges::Immediately;
    let text = compact(&s, &observed);
    assert!(
        text.contains(
            "Downtime: db_instance.shop-prod-db is interrupted once; typically 60–120 s."
        ),
        "{text}"
    );
    // Another parameter group as well: its reboot is a second interruption, of no documented
    // length.
    let db = Address::new(Kind::DbInstance, "shop-prod-db");
    let r = observed.resources.get_mut(&db).expect("db");
    r.resource
        .attrs
        .insert("parameter_group".into(), json!("default.postgres16"));
    let text = compact(&s, &observed);
    assert!(
        text.contains(
            "Downtime: db_instance.shop-prod-db is interrupted 2 times; typically 60–120 s, plus 1 of a length AWS does not document."
        ),
        "{text}"
    );
    // Online changes interrupt nothing.
    let mut online = stack("stacks/production.yaml");
    online.alarms[0].threshold = 95.0;
    let text = compact(&online, &applied(&online));
    assert!(!text.contains("Downtime"), "{text}");
}
