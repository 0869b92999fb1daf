//! Using what already exists (seed 002, issue 13 item 6) against the local emulator: a master
//! secret the team keeps and a parameter group of the team's (a DB parameter group for the RDS
//! primary, a DB cluster parameter group for Aurora), made here with the SDK before the stack,
//! named by ARN and by name in the spec. The stack (an RDS primary and its replica behind RDS
//! Proxy, and an Aurora cluster behind RDS Proxy) applies with the password read from the
//! secret and on the group, the proxy authenticates with the secret, the next plan is empty
//! and drift finds nothing; the secret's value is never in the plan or apply's output; destroy
//! leaves the secret and the group in place, untouched: the secret's value, versions and tags,
//! the group's parameters and tags are as before (the stack must never delete what it does not
//! own). A secret or a group that does not exist, or a group of another family, stops the plan,
//! naming it; destroy does not need them.

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

/// The team's group: `cluster` a DB cluster parameter group, else a DB parameter group, with
/// one parameter set and a tag of its own.
async fn team_group(name: &str, family: &str, cluster: bool) {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let tag = aws_sdk_rds::types::Tag::builder()
        .key("owner")
        .value("team")
        .build();
    let param = aws_sdk_rds::types::Parameter::builder()
        .parameter_name("log_min_duration_statement")
        .parameter_value("250")
        .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
        .build();
    if cluster {
        rds.create_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(name)
            .db_parameter_group_family(family)
            .description("the team's")
            .tags(tag)
            .send()
            .await
            .expect("CreateDBClusterParameterGroup");
        rds.modify_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(name)
            .parameters(param)
            .send()
            .await
            .expect("ModifyDBClusterParameterGroup");
    } else {
        rds.create_db_parameter_group()
            .db_parameter_group_name(name)
            .db_parameter_group_family(family)
            .description("the team's")
            .tags(tag)
            .send()
            .await
            .expect("CreateDBParameterGroup");
        rds.modify_db_parameter_group()
            .db_parameter_group_name(name)
            .parameters(param)
            .send()
            .await
            .expect("ModifyDBParameterGroup");
    }
}

/// What AWS holds of the team's group: its description, the parameters set by someone, its
/// tags; `None` when it is gone.
async fn group_state(
    name: &str,
    cluster: bool,
) -> Option<(String, Vec<(String, String)>, Vec<String>)> {
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let (arn, description, params) = if cluster {
        let g = rds
            .describe_db_cluster_parameter_groups()
            .db_cluster_parameter_group_name(name)
            .send()
            .await
            .ok()?;
        let g = g.db_cluster_parameter_groups().first()?.clone();
        let p = rds
            .describe_db_cluster_parameters()
            .db_cluster_parameter_group_name(name)
            .source("user")
            .send()
            .await
            .expect("DescribeDBClusterParameters");
        (
            g.db_cluster_parameter_group_arn()
                .unwrap_or_default()
                .to_owned(),
            g.description().unwrap_or_default().to_owned(),
            p.parameters().to_vec(),
        )
    } else {
        let g = rds
            .describe_db_parameter_groups()
            .db_parameter_group_name(name)
            .send()
            .await
            .ok()?;
        let g = g.db_parameter_groups().first()?.clone();
        let p = rds
            .describe_db_parameters()
            .db_parameter_group_name(name)
            .source("user")
            .send()
            .await
            .expect("DescribeDBParameters");
        (
            g.db_parameter_group_arn().unwrap_or_default().to_owned(),
            g.description().unwrap_or_default().to_owned(),
            p.parameters().to_vec(),
        )
    };
    let mut params: Vec<(String, String)> = params
        .iter()
        .map(|p| {
            (
                p.parameter_name().unwrap_or_default().to_owned(),
                p.parameter_value().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    params.sort();
    let mut tags: Vec<String> = rds
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .expect("ListTagsForResource")
        .tag_list()
        .iter()
        .map(|t| {
            format!(
                "{}={}",
                t.key().unwrap_or_default(),
                t.value().unwrap_or_default()
            )
        })
        .collect();
    tags.sort();
    Some((description, params, tags))
}

/// Applies `spec`, checks what the stack did with the team's secret and group, and destroys it.
async fn applies_on_the_teams_secret(
    spec: &std::path::Path,
    proxy: &str,
    arn: &str,
    pw: &str,
    group: (&str, bool),
) {
    let before = secret_state(arn).await;
    let group_before = group_state(group.0, group.1).await;
    let (_, params, tags) = group_before.clone().expect("the team's group");
    assert_eq!(
        params,
        [("log_min_duration_statement".to_owned(), "250".to_owned())]
    );
    assert_eq!(tags, ["owner=team"]);
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
    let group = format!("{name}-team-pg");
    team_group(&group, "postgres16", false).await;
    let (_, yaml) = example("staging.yaml", &name);
    let yaml = yaml
        .replacen(
            "    password: rds_managed",
            &format!("    password: {{secret_arn: \"{arn}\"}}"),
            1,
        )
        .replace(
            "  parameter_group:\n    family: postgres16\n    parameters:\n      log_min_duration_statement: 500\n",
            "  parameter_group: {name: MISSING}\n",
        );
    assert!(yaml.contains(&arn), "the example's password moved");
    assert!(
        yaml.contains("{name: MISSING}"),
        "the example's group moved"
    );

    // A group that does not exist stops the plan, naming it.
    let missing = write_spec(&name, &yaml.replace("MISSING", &format!("{name}-nowhere")));
    let o = run_ok(&["plan", missing.to_str().expect("path")], 1);
    assert!(
        text(&o).contains(&format!(
            "DB parameter group `{name}-nowhere` does not exist"
        )),
        "{}",
        text(&o)
    );

    // So does a secret that is not there.
    let gone = arn.replace("db-credentials", "db-nowhere");
    let nowhere = write_spec(&name, &yaml.replace(&arn, &gone).replace("MISSING", &group));
    let o = run_ok(&["plan", nowhere.to_str().expect("path")], 1);
    assert!(
        text(&o).contains(&format!("the secret `{gone}` does not exist")),
        "{}",
        text(&o)
    );

    // Destroy needs none of it: a spec naming what is gone still destroys (nothing, here).
    destroy(&nowhere);

    // A group of another family stops it too: AWS reports the family, the engine needs its own.
    let old = format!("{name}-team-pg15");
    team_group(&old, "postgres15", false).await;
    let other = write_spec(&name, &yaml.replace("MISSING", &old));
    let o = run_ok(&["plan", other.to_str().expect("path")], 1);
    assert!(
        text(&o).contains("is of family `postgres15`, the engine needs `postgres16`"),
        "{}",
        text(&o)
    );

    let spec = write_spec(&name, &yaml.replace("MISSING", &group));
    applies_on_the_teams_secret(&spec, &format!("{name}-proxy"), &arn, &pw, (&group, false)).await;
}

#[tokio::test]
async fn an_aurora_cluster_and_its_proxy_use_the_teams_secret_which_destroy_leaves_untouched() {
    let name = unique("exa");
    seed_network(&name).await;
    let (arn, pw) = team_secret(&name).await;
    let group = format!("{name}-team-cpg");
    team_group(&group, "aurora-postgresql16", true).await;
    let (_, yaml) = example("aurora-serverless.yaml", &name);
    let yaml = yaml
        .replace("tags: {Name: orders}", &format!("tags: {{Name: {name}}}"))
        .replacen(
            "    password: rds_managed",
            &format!("    password: {{secret_arn: \"{arn}\"}}"),
            1,
        )
        .replace(
            "  cluster_parameter_group:\n    family: aurora-postgresql16\n    parameters:\n      log_min_duration_statement: 1000\n",
            &format!("  cluster_parameter_group: {{name: {group}}}\n"),
        );
    assert!(yaml.contains(&arn), "the example's password moved");
    assert!(
        yaml.contains(&format!("{{name: {group}}}")),
        "the example's group moved"
    );
    let spec = write_spec(&name, &yaml);
    applies_on_the_teams_secret(&spec, &format!("{name}-proxy"), &arn, &pw, (&group, true)).await;
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let left = rds
        .describe_db_clusters()
        .db_cluster_identifier(&name)
        .send()
        .await;
    assert!(left.is_err(), "the cluster is gone");
}
