//! Using what already exists (seed 002, issue 13 item 6) against the local emulator: a master
//! secret the team keeps and parameter groups of the team's (DB parameter groups for the RDS
//! primary and for its replica, a cache parameter group for Redis, a DB cluster parameter group
//! for Aurora), made here with the SDK before the stack, named by ARN and by name in the spec.
//! The stack (an RDS primary and its replica behind RDS Proxy with Redis, and an Aurora cluster
//! behind RDS Proxy) applies with the password read from the secret and each on its group (as
//! AWS reports it), the proxy authenticates with the secret, the next plan is empty and drift
//! finds nothing; the secret's value is never in the plan or apply's output; apply and destroy
//! leave the secret and the groups in place, untouched: the secret's value, versions and tags,
//! each group's parameters and tags are as before (the stack must never delete what it does
//! not own). A secret or a group that does not exist, or a group of another family, stops the
//! plan (and drift), naming it at its key; destroy does not need them. They are read in the
//! same round trip as the rest of the stack (a plan with every call delayed is one call long).
//! A replica and Redis move from groups of the stack's to the team's and back: each apply ends
//! with an empty plan, each instance and node is on the group the spec names, the stack's own
//! groups are deleted after the move away and created again for the move back.

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

/// The kind of a group of the team's.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Group {
    Db,
    Cluster,
    Cache,
}

impl Group {
    /// The one parameter the team sets in its group of this kind, and its value.
    fn param(self) -> (&'static str, &'static str) {
        match self {
            Group::Db | Group::Cluster => ("log_min_duration_statement", "250"),
            Group::Cache => ("maxmemory-policy", "allkeys-lru"),
        }
    }
}

/// The team's group of `kind`, with one parameter set and a tag of its own.
async fn team_group(name: &str, family: &str, kind: Group) {
    let (key, value) = kind.param();
    if kind == Group::Cache {
        let ec = aws_sdk_elasticache::Client::new(&sdk_config().await);
        ec.create_cache_parameter_group()
            .cache_parameter_group_name(name)
            .cache_parameter_group_family(family)
            .description("the team's")
            .tags(
                aws_sdk_elasticache::types::Tag::builder()
                    .key("owner")
                    .value("team")
                    .build(),
            )
            .send()
            .await
            .expect("CreateCacheParameterGroup");
        ec.modify_cache_parameter_group()
            .cache_parameter_group_name(name)
            .parameter_name_values(
                aws_sdk_elasticache::types::ParameterNameValue::builder()
                    .parameter_name(key)
                    .parameter_value(value)
                    .build(),
            )
            .send()
            .await
            .expect("ModifyCacheParameterGroup");
        return;
    }
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let tag = aws_sdk_rds::types::Tag::builder()
        .key("owner")
        .value("team")
        .build();
    let param = aws_sdk_rds::types::Parameter::builder()
        .parameter_name(key)
        .parameter_value(value)
        .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
        .build();
    if kind == Group::Cluster {
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

/// What AWS holds of the team's cache group: its description, the parameters set by someone,
/// its tags; `None` when it is gone.
async fn cache_group_state(name: &str) -> Option<(String, Vec<(String, String)>, Vec<String>)> {
    let ec = aws_sdk_elasticache::Client::new(&sdk_config().await);
    let g = ec
        .describe_cache_parameter_groups()
        .cache_parameter_group_name(name)
        .send()
        .await
        .ok()?;
    let g = g.cache_parameter_groups().first()?.clone();
    let p = ec
        .describe_cache_parameters()
        .cache_parameter_group_name(name)
        .source("user")
        .send()
        .await
        .expect("DescribeCacheParameters");
    let mut params: Vec<(String, String)> = p
        .parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_name().unwrap_or_default().to_owned(),
                p.parameter_value().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    params.sort();
    let mut tags: Vec<String> = ec
        .list_tags_for_resource()
        .resource_name(g.arn().unwrap_or_default())
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
    Some((g.description().unwrap_or_default().to_owned(), params, tags))
}

/// What AWS holds of the team's group: its description, the parameters set by someone, its
/// tags; `None` when it is gone.
async fn group_state(
    name: &str,
    kind: Group,
) -> Option<(String, Vec<(String, String)>, Vec<String>)> {
    if kind == Group::Cache {
        return cache_group_state(name).await;
    }
    let cluster = kind == Group::Cluster;
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

/// Who uses a group of the team's: a DB instance (a primary, a replica), or a replication
/// group (its nodes, as AWS reports each node's group).
enum User<'a> {
    Instance(&'a str),
    Nodes(&'a str),
}

/// The groups `user` is on, as AWS reports them.
async fn groups_of(user: &User<'_>) -> Vec<String> {
    match user {
        User::Instance(id) => describe_instance(id)
            .await
            .db_parameter_groups()
            .iter()
            .filter_map(|g| g.db_parameter_group_name().map(str::to_owned))
            .collect(),
        User::Nodes(rg) => {
            let ec = aws_sdk_elasticache::Client::new(&sdk_config().await);
            let out = ec
                .describe_cache_clusters()
                .send()
                .await
                .expect("DescribeCacheClusters");
            out.cache_clusters()
                .iter()
                .filter(|c| c.replication_group_id() == Some(*rg))
                .map(|c| {
                    c.cache_parameter_group()
                        .and_then(|g| g.cache_parameter_group_name())
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        }
    }
}

/// Applies `spec`, checks what the stack did with the team's secret and groups (each used by
/// its `User`s), and destroys it.
async fn applies_on_the_teams_secret(
    spec: &std::path::Path,
    proxy: &str,
    arn: &str,
    pw: &str,
    groups: &[(&str, Group, &[User<'_>])],
) {
    let before = secret_state(arn).await;
    let mut groups_before = Vec::new();
    for (name, kind, _) in groups {
        let state = group_state(name, *kind).await;
        let (_, params, tags) = state.clone().expect("the team's group");
        let (key, value) = kind.param();
        assert_eq!(params, [(key.to_owned(), value.to_owned())], "{name}");
        assert_eq!(tags, ["owner=team"], "{name}");
        groups_before.push(state);
    }
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
    for (name, _, users) in groups {
        for user in *users {
            let on = groups_of(user).await;
            assert!(
                !on.is_empty() && on.iter().all(|g| g == name),
                "{name}: {on:?}"
            );
        }
    }
    assert_plan_empty(spec);
    let drift = run_ok(&["drift", "--format", "json", p], 0);
    assert!(!text(&drift).contains(pw));
    assert_eq!(
        secret_state(arn).await,
        before,
        "apply changed the team's secret"
    );
    for ((name, kind, _), was) in groups.iter().zip(&groups_before) {
        assert_eq!(&group_state(name, *kind).await, was, "apply changed {name}");
    }

    destroy(spec);
    let after = secret_state(arn).await;
    assert_eq!(after, before, "destroy touched the team's secret");
    assert!(!after.3, "destroy scheduled the team's secret for deletion");
    for ((name, kind, _), was) in groups.iter().zip(&groups_before) {
        assert_eq!(
            &group_state(name, *kind).await,
            was,
            "destroy touched {name}"
        );
    }
}

#[tokio::test]
async fn an_rds_primary_and_its_proxy_use_the_teams_secret_which_destroy_leaves_untouched() {
    let name = unique("exr");
    seed_network(&name).await;
    let (arn, pw) = team_secret(&name).await;
    let group = format!("{name}-team-pg");
    team_group(&group, "postgres16", Group::Db).await;
    // The replica on a group of the team's of its own, Redis on the team's cache group.
    let replica_group = format!("{name}-team-replica-pg");
    team_group(&replica_group, "postgres16", Group::Db).await;
    let cache_group = format!("{name}-team-cache");
    team_group(&cache_group, "redis7", Group::Cache).await;
    let (_, yaml) = example("staging.yaml", &name);
    let replica = format!("{name}-db-replica-1");
    let yaml = yaml
        .replacen(
            "    password: rds_managed",
            &format!("    password: {{secret_arn: \"{arn}\"}}"),
            1,
        )
        .replace(
            "  parameter_group:\n    family: postgres16\n    parameters:\n      log_min_duration_statement: 500\n",
            "  parameter_group: {name: MISSING}\n",
        )
        .replace(
            &format!("    - identifier: {replica}\n"),
            &format!("    - identifier: {replica}\n      parameter_group: {{name: REPLICA_GROUP}}\n"),
        )
        .replace(
            "  node_type: cache.t4g.small\n",
            "  node_type: cache.t4g.small\n  parameter_group: {name: CACHE_GROUP}\n",
        );
    assert!(yaml.contains(&arn), "the example's password moved");
    for placeholder in [
        "{name: MISSING}",
        "{name: REPLICA_GROUP}",
        "{name: CACHE_GROUP}",
    ] {
        assert!(
            yaml.contains(placeholder),
            "the example's group moved: {placeholder}"
        );
    }
    let yaml = |db: &str, rep: &str, cache: &str| {
        yaml.replace("MISSING", db)
            .replace("REPLICA_GROUP", rep)
            .replace("CACHE_GROUP", cache)
    };

    // A group that does not exist stops the plan, naming it.
    let missing = write_spec(
        &name,
        &yaml(&format!("{name}-nowhere"), &replica_group, &cache_group),
    );
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
    let nowhere = write_spec(
        &name,
        &yaml(&group, &replica_group, &cache_group).replace(&arn, &gone),
    );
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
    team_group(&old, "postgres15", Group::Db).await;
    let other = write_spec(&name, &yaml(&old, &replica_group, &cache_group));
    let o = run_ok(&["plan", other.to_str().expect("path")], 1);
    assert!(
        text(&o).contains("is of family `postgres15`, the engine needs `postgres16`"),
        "{}",
        text(&o)
    );

    // The replica's and Redis's, each named at its key, in the same read: a replica's group
    // missing and a cache group of another family; then the other way round.
    let old_cache = format!("{name}-team-cache6");
    team_group(&old_cache, "redis6.x", Group::Cache).await;
    let both = write_spec(
        &name,
        &yaml(&group, &format!("{name}-replica-nowhere"), &old_cache),
    );
    let o = run_ok(&["plan", both.to_str().expect("path")], 1);
    for needed in [
        format!(
            "database.replicas[0].parameter_group.name: the DB parameter group `{name}-replica-nowhere` does not exist"
        ),
        format!(
            "redis.parameter_group.name: the cache parameter group `{old_cache}` is of family `redis6.x`, the engine needs `redis7`"
        ),
    ] {
        assert!(text(&o).contains(&needed), "{needed}\n{}", text(&o));
    }
    let both = write_spec(&name, &yaml(&group, &old, &format!("{name}-cache-nowhere")));
    let o = run_ok(&["plan", both.to_str().expect("path")], 1);
    for needed in [
        format!(
            "database.replicas[0].parameter_group.name: the DB parameter group `{old}` is of family `postgres15`, the engine needs `postgres16`"
        ),
        format!(
            "redis.parameter_group.name: the cache parameter group `{name}-cache-nowhere` does not exist"
        ),
    ] {
        assert!(text(&o).contains(&needed), "{needed}\n{}", text(&o));
    }
    // Drift stops on them too.
    let o = run_ok(&["drift", both.to_str().expect("path")], 1);
    assert!(
        text(&o).contains(&format!("`{name}-cache-nowhere` does not exist")),
        "{}",
        text(&o)
    );
    // Destroy needs neither: it does not stop on them (nothing to destroy, here).
    destroy(&both);

    let spec = write_spec(&name, &yaml(&group, &replica_group, &cache_group));
    // Each group and the secret are read in the same round trip as the rest of the stack, the
    // two DB groups (the primary's, the replica's) at once: with every call taking 150 ms, the
    // plan's longest chain of calls, each waiting on the one before, is one call.
    let (code, body) = http(
        "POST",
        "/_stackctl/faults",
        r#"{"rules": [{"action": "*", "delay_ms": 150}]}"#,
    );
    assert_eq!(code, 200, "{body}");
    let o = stackctl_with(
        &["plan", spec.to_str().expect("path")],
        &[("STACKCTL_REPORT_CALLS", "1")],
    );
    let (code, body) = http("DELETE", "/_stackctl/faults", "");
    assert_eq!(code, 200, "{body}");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("sequential round trips: 1,"),
        "{}",
        text(&o)
    );
    let primary = format!("{name}-db");
    let rg = format!("{name}-redis");
    applies_on_the_teams_secret(
        &spec,
        &format!("{name}-proxy"),
        &arn,
        &pw,
        &[
            (&group, Group::Db, &[User::Instance(&primary)]),
            (&replica_group, Group::Db, &[User::Instance(&replica)]),
            (&cache_group, Group::Cache, &[User::Nodes(&rg)]),
        ],
    )
    .await;
}

#[tokio::test]
async fn an_aurora_cluster_and_its_proxy_use_the_teams_secret_which_destroy_leaves_untouched() {
    let name = unique("exa");
    seed_network(&name).await;
    let (arn, pw) = team_secret(&name).await;
    let group = format!("{name}-team-cpg");
    team_group(&group, "aurora-postgresql16", Group::Cluster).await;
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
    applies_on_the_teams_secret(
        &spec,
        &format!("{name}-proxy"),
        &arn,
        &pw,
        &[(&group, Group::Cluster, &[])],
    )
    .await;
    let rds = aws_sdk_rds::Client::new(&sdk_config().await);
    let left = rds
        .describe_db_clusters()
        .db_cluster_identifier(&name)
        .send()
        .await;
    assert!(left.is_err(), "the cluster is gone");
}

/// Whether AWS has the DB (`cache` false) or cache parameter group `name`.
async fn group_exists(name: &str, cache: bool) -> bool {
    let kind = if cache { Group::Cache } else { Group::Db };
    group_state(name, kind).await.is_some()
}

#[tokio::test]
async fn a_replica_and_redis_move_from_the_stacks_groups_to_the_teams_and_back() {
    let name = unique("exm");
    seed_network(&name).await;
    let replica_group = format!("{name}-team-replica-pg");
    team_group(&replica_group, "postgres16", Group::Db).await;
    let cache_group = format!("{name}-team-cache");
    team_group(&cache_group, "redis7", Group::Cache).await;
    let team_before = (
        group_state(&replica_group, Group::Db).await,
        group_state(&cache_group, Group::Cache).await,
    );
    let (_, yaml) = example("staging.yaml", &name);
    let replica = format!("{name}-db-replica-1");
    let rg = format!("{name}-redis");
    let yaml = yaml
        .replace(
            &format!("    - identifier: {replica}\n"),
            &format!("    - identifier: {replica}\n      parameter_group: REPLICA_GROUP\n"),
        )
        .replace(
            "  node_type: cache.t4g.small\n",
            "  node_type: cache.t4g.small\n  parameter_group: CACHE_GROUP\n",
        );
    let own_text = yaml
        .replace(
            "REPLICA_GROUP",
            "{family: postgres16, parameters: {work_mem: 8192}}",
        )
        .replace(
            "CACHE_GROUP",
            "{family: redis7, parameters: {maxmemory-policy: volatile-lru}}",
        );
    let own = write_spec(&name, &own_text);
    let teams = yaml
        .replace("REPLICA_GROUP", &format!("{{name: {replica_group}}}"))
        .replace("CACHE_GROUP", &format!("{{name: {cache_group}}}"));
    // The stack's own groups, named from the stack (`model::parameter_group::group_name`).
    let own_replica_group = format!("{name}-replica-{replica}-postgres16");
    let own_cache_group = format!("{name}-redis-redis7");

    apply(&own);
    assert_plan_empty(&own);
    assert_eq!(
        groups_of(&User::Instance(&replica)).await,
        [own_replica_group.as_str()]
    );
    assert!(
        groups_of(&User::Nodes(&rg))
            .await
            .iter()
            .all(|g| *g == own_cache_group)
    );

    // To the team's: the replica and the nodes on them, the stack's own groups deleted.
    let teams_spec = write_spec(&name, &teams);
    apply(&teams_spec);
    assert_plan_empty(&teams_spec);
    assert_eq!(
        groups_of(&User::Instance(&replica)).await,
        [replica_group.as_str()]
    );
    let nodes = groups_of(&User::Nodes(&rg)).await;
    assert!(
        !nodes.is_empty() && nodes.iter().all(|g| *g == cache_group),
        "{nodes:?}"
    );
    assert!(
        !group_exists(&own_replica_group, false).await,
        "the stack's replica group is left"
    );
    assert!(
        !group_exists(&own_cache_group, true).await,
        "the stack's cache group is left"
    );

    // And back: the stack's groups created again, the team's untouched.
    let back = write_spec(&name, &own_text);
    apply(&back);
    assert_plan_empty(&back);
    assert_eq!(
        groups_of(&User::Instance(&replica)).await,
        [own_replica_group.as_str()]
    );
    assert!(
        groups_of(&User::Nodes(&rg))
            .await
            .iter()
            .all(|g| *g == own_cache_group)
    );
    destroy(&back);
    assert_eq!(
        (
            group_state(&replica_group, Group::Db).await,
            group_state(&cache_group, Group::Cache).await,
        ),
        team_before,
        "the team's groups were touched"
    );
}

/// Whether the secret of this name is gone or scheduled for deletion.
async fn secret_deleted(name: &str) -> bool {
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config().await);
    match sm.describe_secret().secret_id(name).send().await {
        Ok(d) => d.deleted_date().is_some(),
        Err(e) => e
            .as_service_error()
            .is_some_and(|s| s.is_resource_not_found_exception()),
    }
}

/// A stack on a generated master password moved to the team's secret (`password: {secret_arn}`):
/// the plan changes the password and deletes only the stack's generated secret; after apply the
/// proxy authenticates with the team's secret, the stack's own is deleted, the team's is as it
/// was, and the next plan is empty; destroy leaves the team's secret untouched.
#[tokio::test]
async fn a_generated_password_moved_to_the_teams_secret_deletes_only_the_stacks_own() {
    let name = unique("exg");
    seed_network(&name).await;
    let (_, yaml) = example("staging.yaml", &name);
    let generated = yaml.replacen("    password: rds_managed", "    password: generated", 1);
    assert_ne!(generated, yaml, "the example's password moved");
    let spec = write_spec(&name, &generated);
    apply(&spec);
    assert_plan_empty(&spec);
    let own = format!("stackctl/{name}/{name}-db/master");
    assert!(!secret_deleted(&own).await, "the stack's generated secret");
    let proxy = format!("{name}-proxy");
    let own_arn = proxy_secret(&proxy).await.expect("the proxy's secret");
    assert!(own_arn.contains(&format!("{name}-db/master")), "{own_arn}");

    let (arn, pw) = team_secret(&name).await;
    let before = secret_state(&arn).await;
    let team = generated.replacen(
        "    password: generated",
        &format!("    password: {{secret_arn: \"{arn}\"}}"),
        1,
    );
    std::fs::write(&spec, &team).expect("write spec");
    let p = spec.to_str().expect("path");
    let plan: serde_json::Value =
        serde_json::from_slice(&run_ok(&["plan", "--json", p], 0).stdout).expect("plan JSON");
    let deletes: Vec<String> = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["action"] == "delete")
        .map(|c| {
            let a = &c["address"];
            format!(
                "{}.{}",
                a["kind"].as_str().unwrap_or_default(),
                a["name"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(deletes, [format!("secret.{own}")], "{plan:#}");
    assert!(
        !plan.to_string().contains(&pw),
        "the secret's value is in the plan"
    );

    // The generated secret holds the password: its delete is guarded, as any loss of data.
    let o = run_ok(&["apply", "--auto-approve", p], 1);
    assert!(text(&o).contains(&format!("secret.{own}")), "{}", text(&o));
    assert_eq!(proxy_secret(&proxy).await, Some(own_arn), "nothing changed");
    let out = run_ok(&["apply", "--auto-approve", "--allow-destroy", p], 0);
    assert!(
        !text(&out).contains(&pw),
        "the secret's value is in apply's output"
    );
    assert_eq!(proxy_secret(&proxy).await.as_deref(), Some(arn.as_str()));
    assert!(secret_deleted(&own).await, "the stack's own secret is left");
    assert_eq!(
        secret_state(&arn).await,
        before,
        "apply changed the team's secret"
    );
    assert_plan_empty(&spec);

    destroy(&spec);
    let after = secret_state(&arn).await;
    assert_eq!(after, before, "destroy touched the team's secret");
    assert!(!after.3, "destroy scheduled the team's secret for deletion");
}
