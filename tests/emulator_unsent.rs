//! Changes that were reported "updated" and never sent (they came back on the next plan), each
//! now checked against the calls the emulator received and the state AWS reports after. On the
//! fault-injection emulator, whose call log is the AWS side's record.

mod common;

use std::collections::BTreeMap;

use common::faults::*;
use common::*;
use serde_json::{Value, json};

/// The staging example, renamed, with `from` replaced by `to` in its text.
fn staging_with(name: &str, edits: &[(&str, &str)]) -> (std::path::PathBuf, String) {
    let (_, mut text) = example("staging.yaml", name);
    for (from, to) in edits {
        assert!(text.contains(from), "staging.yaml has {from:?}");
        text = text.replace(from, to);
    }
    (write_spec(name, &text), text)
}

/// Applies `spec` with the call log cleared first; the actions AWS received, in order.
fn apply_logged(spec: &std::path::Path, name: &str) -> Vec<String> {
    set_faults(json!({ "rules": [] }));
    let o = apply_env(spec, name, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    fault_log()
}

#[tokio::test]
async fn redis_replicas_per_shard_change_is_sent_with_increase_and_decrease_replica_count() {
    let _serial = use_fault_emulator().await;
    let name = unique("rps");
    seed_network(&name).await;
    let cluster = |n: u32| {
        (
            "  num_cache_clusters: 2\n",
            format!("  cluster_mode: {{shards: 3, replicas_per_shard: {n}}}\n"),
        )
    };
    let (from, to) = cluster(1);
    let (spec, _) = staging_with(&name, &[(from, &to)]);
    apply_logged(&spec, &name);
    let ec = aws_sdk_elasticache::Client::new(&sdk_config().await);
    for (n, action) in [(2, "IncreaseReplicaCount"), (1, "DecreaseReplicaCount")] {
        let (from, to) = cluster(n);
        staging_with(&name, &[(from, &to)]);
        let log = apply_logged(&spec, &name);
        assert!(log.iter().any(|a| a == action), "{action} in {log:?}");
        let rg = ec
            .describe_replication_groups()
            .replication_group_id(format!("{name}-redis"))
            .send()
            .await
            .expect("describe");
        for g in rg.replication_groups()[0].node_groups() {
            assert_eq!(g.node_group_members().len(), n as usize + 1, "{action}");
        }
        assert_plan_empty(&spec);
    }
}

/// AWS turns AUTH off only for a move to role-based access control ("DELETE - allowed only
/// when transitioning to RBAC", ModifyReplicationGroup AuthTokenUpdateStrategy), which
/// stackctl does not manage: `auth_token: generated → none` is refused before anything is sent,
/// and the token and its only copy, the secret, stay. (Until issue 12 this test had apply send
/// DELETE, which the emulator accepted and AWS documents as refused.)
#[tokio::test]
async fn auth_token_generated_to_none_is_refused_and_the_token_and_its_secret_stay() {
    let _serial = use_fault_emulator().await;
    let name = unique("atn");
    seed_network(&name).await;
    let (spec, _) = staging_with(&name, &[]);
    apply_logged(&spec, &name);
    let secret = format!("stackctl/{name}/{name}-redis/auth-token");
    staging_with(
        &name,
        &[(
            "  security_groups: [redis]\n",
            "  security_groups: [redis]\n  auth_token: none\n",
        )],
    );
    set_faults(json!({ "rules": [] }));
    let o = apply_env(&spec, &name, &[], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_stderr_has(&o, "allowed only when transitioning to RBAC");
    // Only the lock's own secret is written and deleted; the group is not modified.
    let log = fault_log();
    assert!(
        !log.iter().any(|a| a == "ModifyReplicationGroup"),
        "nothing is sent to the group: {log:?}"
    );
    let ec = aws_sdk_elasticache::Client::new(&sdk_config().await);
    let rg = ec
        .describe_replication_groups()
        .replication_group_id(format!("{name}-redis"))
        .send()
        .await
        .expect("describe");
    assert_eq!(rg.replication_groups()[0].auth_token_enabled(), Some(true));
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config().await);
    sm.describe_secret()
        .secret_id(&secret)
        .send()
        .await
        .expect("the token's secret stays");
    staging_with(&name, &[]);
    assert_plan_empty(&spec);
}

#[tokio::test]
async fn master_password_rds_managed_to_generated_sets_the_password_on_the_instance() {
    let _serial = use_fault_emulator().await;
    let name = unique("mpg");
    seed_network(&name).await;
    let (spec, text) = example("minimal.yaml", &name);
    apply_logged(&spec, &name);
    let managed = describe_instance(&format!("{name}-db")).await;
    assert!(
        managed.master_user_secret().is_some(),
        "RDS manages it first"
    );
    let generated = text.replace(
        "    username: dbadmin",
        "    username: dbadmin\n    password: generated",
    );
    assert_ne!(generated, text);
    std::fs::write(&spec, generated).expect("rewrite");
    let log = apply_logged(&spec, &name);
    assert!(log.iter().any(|a| a == "ModifyDBInstance"), "{log:?}");
    let after = describe_instance(&format!("{name}-db")).await;
    assert!(
        after.master_user_secret().is_none(),
        "RDS no longer manages the password"
    );
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config().await);
    let v = sm
        .get_secret_value()
        .secret_id(format!("stackctl/{name}/{name}-db/master"))
        .send()
        .await
        .expect("the generated secret");
    let doc: serde_json::Value =
        serde_json::from_str(v.secret_string().unwrap_or("{}")).expect("json");
    assert_eq!(doc["username"], json!("dbadmin"));
    assert!(doc["password"].as_str().is_some_and(|p| p.len() >= 20));
    assert_plan_empty(&spec);
}

/// The calls of the security group, the parameter groups, the secret, the proxy and its
/// endpoint: each is made only by the kind's own steps (the lock's and journal's secrets are
/// created and deleted too, so the secret's create and delete are not counted).
const KINDS_CALLS: &[&str] = &[
    "CreateSecurityGroup",
    "AuthorizeSecurityGroupIngress",
    "RevokeSecurityGroupIngress",
    "DeleteSecurityGroup",
    "CreateDBParameterGroup",
    "ModifyDBParameterGroup",
    "ResetDBParameterGroup",
    "DeleteDBParameterGroup",
    "CreateCacheParameterGroup",
    "ModifyCacheParameterGroup",
    "ResetCacheParameterGroup",
    "DeleteCacheParameterGroup",
    "UpdateSecret",
    "CreateDBProxy",
    "ModifyDBProxy",
    "DeleteDBProxy",
    "CreateDBProxyEndpoint",
    "ModifyDBProxyEndpoint",
    "DeleteDBProxyEndpoint",
];

/// How often the plan of `spec` says each of [`KINDS_CALLS`] is made.
fn planned_calls(spec: &std::path::Path) -> BTreeMap<String, u64> {
    let plan = plan_json(spec);
    let mut n: BTreeMap<String, u64> = KINDS_CALLS.iter().map(|a| (a.to_string(), 0)).collect();
    let steps = plan["steps"].as_array().expect("steps");
    for call in steps
        .iter()
        .flat_map(|s| s["calls"].as_array().into_iter().flatten())
    {
        let op = call["op"].as_str().expect("op");
        if let Some(count) = op.split_once(':').and_then(|(_, a)| n.get_mut(a)) {
            *count += 1;
        }
    }
    n
}

/// Applies `spec` with the emulator's counters zeroed first; how often AWS received each of
/// [`KINDS_CALLS`].
fn apply_counted(spec: &std::path::Path, name: &str) -> BTreeMap<String, u64> {
    set_faults(json!({ "rules": [] }));
    let o = apply_env(spec, name, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let (_, body) = http("GET", "/_stackctl/faults", "");
    let state: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    KINDS_CALLS
        .iter()
        .map(|a| (a.to_string(), state["calls"][*a].as_u64().unwrap_or(0)))
        .collect()
}

/// The plan lists the calls each step of these kinds makes, as many as apply makes, on a
/// create (the rules authorized after the group, the parameters set after theirs) and on an
/// update (parameters set and reset, rules revoked and authorized, the secret's KMS key, the
/// proxy and its endpoint modified); what the calls of an update carry is checked by apply
/// itself (`NotAsPlanned`).
#[tokio::test]
async fn the_plan_lists_the_calls_apply_makes_for_the_groups_the_secret_and_the_proxy() {
    let _serial = use_fault_emulator().await;
    let name = unique("cal");
    seed_network(&name).await;
    let endpoint = format!("  endpoints: [{{name: {name}-rw}}]\n");
    let created: Vec<(&str, &str)> = vec![
        (
            "      log_min_duration_statement: 500\n",
            "      log_min_duration_statement: 500\n      shared_buffers: 32768\n",
        ),
        ("    password: rds_managed\n", "    password: generated\n"),
        (
            "  security_groups: [redis]\n",
            "  security_groups: [redis]\n  parameter_group: {family: redis7, parameters: {maxmemory-policy: allkeys-lru}}\n",
        ),
    ];
    let with_endpoint = format!("  security_groups: [proxy]\n{endpoint}");
    let mut edits = created.clone();
    edits.push(("  security_groups: [proxy]\n", &with_endpoint));
    let (spec, _) = staging_with(&name, &edits);
    let planned = planned_calls(&spec);
    assert_eq!(planned["CreateDBProxyEndpoint"], 1, "{planned:?}");
    assert_eq!(planned["ModifyDBParameterGroup"], 1, "{planned:?}");
    assert_eq!(apply_counted(&spec, &name), planned, "create");
    assert_plan_empty(&spec);

    let endpoint_sgs = endpoint.replace("-rw}", "-rw, security_groups: [proxy, redis]}");
    let updated: Vec<(&str, &str)> = vec![
        (
            "      log_min_duration_statement: 500\n      shared_buffers: 32768\n",
            "      log_min_duration_statement: 1000\n",
        ),
        (
            "    password: generated\n",
            "    password: generated\n    secret_kms_key_id: arn:aws:kms:us-east-1:000000000000:key/0b2c4d6e-1111-2222-3333-444455556666\n",
        ),
        (
            "maxmemory-policy: allkeys-lru",
            "maxmemory-policy: volatile-lru",
        ),
        (
            "        - { from: app, port: 6379, description: app to redis }\n",
            "        - { cidr: 10.1.0.0/16, port: 6379 }\n",
        ),
        ("  require_tls: true\n", "  require_tls: false\n"),
        (&endpoint, &endpoint_sgs),
        ("  team: platform\n", "  team: data\n"),
    ];
    edits.extend(updated);
    staging_with(&name, &edits);
    let planned = planned_calls(&spec);
    for call in [
        "ModifyDBParameterGroup",
        "ResetDBParameterGroup",
        "ModifyCacheParameterGroup",
        "RevokeSecurityGroupIngress",
        "AuthorizeSecurityGroupIngress",
        "UpdateSecret",
        "ModifyDBProxy",
        "ModifyDBProxyEndpoint",
    ] {
        assert_eq!(planned[call], 1, "{call}: {planned:?}");
    }
    assert_eq!(apply_counted(&spec, &name), planned, "update");
    assert_plan_empty(&spec);
}
