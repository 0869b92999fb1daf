//! Using what already exists (seed 002, issue 13 item 6) against the local emulator: a master
//! secret the team keeps, made here with the SDK before the stack, named by ARN in the spec.
//! The stack (an RDS primary behind RDS Proxy, and an Aurora cluster behind RDS Proxy) applies
//! with the password read from it, the proxy authenticates with it, the next plan is empty and
//! drift finds nothing; the secret's value is never in the plan or apply's output; destroy
//! leaves the secret in place, untouched: its value, its versions and its tags are as before
//! (the stack must never delete what it does not own).

mod common;

use aws_sdk_secretsmanager::types::Tag;
use common::*;

/// The team's secret as seed 002 keeps it, `{username, password}`, with a tag of its own.
/// Returns its ARN and its value.
async fn team_secret(name: &str) -> (String, String) {
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config().await);
    let password = format!("Team-{}-pw-9f3Kq", unique("s"));
    let out = sm
        .create_secret()
        .name(format!("team/{name}/db-credentials"))
        .secret_string(serde_json::json!({"username": "dbadmin", "password": password}).to_string())
        .tags(Tag::builder().key("owner").value("team").build())
        .send()
        .await
        .expect("CreateSecret");
    (out.arn().expect("arn").to_owned(), password)
}

/// What AWS holds of the secret: its value, the id of each version, its tags, whether it is
/// being deleted.
async fn secret_state(arn: &str) -> (String, Vec<String>, Vec<(String, String)>, bool) {
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config().await);
    let value = sm
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .expect("GetSecretValue")
        .secret_string()
        .unwrap_or_default()
        .to_owned();
    let d = sm
        .describe_secret()
        .secret_id(arn)
        .send()
        .await
        .expect("DescribeSecret");
    let mut versions: Vec<String> = d
        .version_ids_to_stages()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    versions.sort();
    let mut tags: Vec<(String, String)> = d
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_owned(),
                t.value().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    tags.sort();
    (value, versions, tags, d.deleted_date().is_some())
}

async fn proxy_secret(proxy: &str) -> Option<String> {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    rds.describe_db_proxies()
        .db_proxy_name(proxy)
        .send()
        .await
        .expect("DescribeDBProxies")
        .db_proxies()
        .first()
        .and_then(|p| p.auth().first())
        .and_then(|a| a.secret_arn())
        .map(str::to_owned)
}

/// Applies `spec`, checks what the stack did with the team's secret, and destroys it.
async fn applies_on_the_teams_secret(spec: &std::path::Path, proxy: &str, arn: &str, pw: &str) {
    let before = secret_state(arn).await;
    let p = spec.to_str().expect("path");
    let plan = run_ok(&["plan", "--json", p], 0);
    let plan_text = String::from_utf8_lossy(&plan.stdout);
    assert!(plan_text.contains(arn), "the plan names the secret by ARN");
    assert!(!plan_text.contains(pw), "the secret's value is in the plan");
    let out = apply(spec);
    assert!(
        !text(&out).contains(pw),
        "the secret's value is in apply's output"
    );
    assert_eq!(proxy_secret(proxy).await.as_deref(), Some(arn));
    assert_plan_empty(spec);
    let drift = run_ok(&["drift", "--format", "json", p], 0);
    assert!(!text(&drift).contains(pw));
    assert_eq!(
        secret_state(arn).await,
        before,
        "apply changed the team's secret"
    );

    destroy(spec);
    let after = secret_state(arn).await;
    assert_eq!(after, before, "destroy touched the team's secret");
    assert!(!after.3, "destroy scheduled the team's secret for deletion");
}

#[tokio::test]
async fn an_rds_primary_and_its_proxy_use_the_teams_secret_which_destroy_leaves_untouched() {
    let name = unique("exr");
    seed_network(&name).await;
    let (arn, pw) = team_secret(&name).await;
    let (_, yaml) = example("staging.yaml", &name);
    let yaml = yaml.replacen(
        "    password: rds_managed",
        &format!("    password: {{secret_arn: \"{arn}\"}}"),
        1,
    );
    assert!(yaml.contains(&arn), "the example's password moved");
    let spec = write_spec(&name, &yaml);
    applies_on_the_teams_secret(&spec, &format!("{name}-proxy"), &arn, &pw).await;
}

#[tokio::test]
async fn an_aurora_cluster_and_its_proxy_use_the_teams_secret_which_destroy_leaves_untouched() {
    let name = unique("exa");
    seed_network(&name).await;
    let (arn, pw) = team_secret(&name).await;
    let (_, yaml) = example("aurora-serverless.yaml", &name);
    let yaml = yaml
        .replace("tags: {Name: orders}", &format!("tags: {{Name: {name}}}"))
        .replacen(
            "    password: rds_managed",
            &format!("    password: {{secret_arn: \"{arn}\"}}"),
            1,
        );
    assert!(yaml.contains(&arn), "the example's password moved");
    let spec = write_spec(&name, &yaml);
    applies_on_the_teams_secret(&spec, &format!("{name}-proxy"), &arn, &pw).await;
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let left = rds
        .describe_db_clusters()
        .db_cluster_identifier(&name)
        .send()
        .await;
    assert!(left.is_err(), "the cluster is gone");
}
