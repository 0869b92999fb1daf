//! What already exists and the spec names: the team's master secret (`password: {secret_arn}`,
//! DescribeSecret: its metadata, never its value) and parameter groups (`parameter_group:
//! {name}` of the primary, of a replica or of Redis, `cluster_parameter_group: {name}`), read
//! to check that each exists, a group of the engine's family where AWS reports one (a replica's
//! is its primary's engine; Redis's the family of its version). They are referenced, never
//! changed or deleted, and never observed as resources of the stack's.

use std::collections::BTreeMap;

use futures::future::try_join_all;

use super::super::client::Clients;
use super::super::error::{AwsError, found};
use crate::spec::StackSpec;
use crate::spec::rules::aurora::cluster_family;
use crate::spec::rules::database::db_family;
use crate::spec::rules::redis::cache_family;

/// What is wrong with what the spec names: a secret or group missing (or being deleted), a
/// group of another family; a plan of the spec stops on it, a destroy does not need it. Only a
/// spec that names one makes a call, one per name, all at once; an error is AWS's.
pub(super) async fn check(c: &Clients, stack: &StackSpec) -> Result<Vec<String>, AwsError> {
    let db = &stack.database;
    // The DB parameter groups named, each with the keys that name it: the primary's and each
    // replica's own (a replica is of its primary's engine, so of its family).
    let mut db_groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    if let Some(name) = db
        .instance()
        .and_then(|i| i.parameter_group.as_ref())
        .and_then(|pg| pg.existing())
    {
        db_groups
            .entry(name)
            .or_default()
            .push("database.parameter_group.name".to_owned());
    }
    for (i, rep) in db.replicas().iter().enumerate() {
        if let Some(name) = rep.parameter_group.as_ref().and_then(|pg| pg.existing()) {
            db_groups
                .entry(name)
                .or_default()
                .push(format!("database.replicas[{i}].parameter_group.name"));
        }
    }
    let cluster_group = db
        .cluster()
        .and_then(|c| c.parameter_group.as_ref())
        .and_then(|pg| pg.existing());
    let cache_group = stack.redis.as_ref().and_then(|r| {
        let name = r.parameter_group.as_ref()?.existing()?;
        Some((name, cache_family(&r.engine_version)))
    });
    let db_checks = try_join_all(db_groups.iter().map(|(name, keys)| async move {
        let r = c
            .call(
                "rds:DescribeDBParameterGroups",
                c.rds
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(*name)
                    .send(),
            )
            .await;
        let family = found(r)?.and_then(|r| {
            r.db_parameter_groups()
                .first()
                .map(|g| g.db_parameter_group_family().map(str::to_owned))
        });
        let expected = db_family(db.engine, &db.engine_version);
        Ok::<_, AwsError>(
            keys.iter()
                .filter_map(|key| {
                    let found = family.clone();
                    judge(key, "DB parameter group", name, found, expected.clone()).err()
                })
                .collect::<Vec<_>>(),
        )
    }));
    let cluster_check = async {
        let Some(name) = cluster_group else {
            return Ok(None);
        };
        let r = c
            .call(
                "rds:DescribeDBClusterParameterGroups",
                c.rds
                    .describe_db_cluster_parameter_groups()
                    .db_cluster_parameter_group_name(name)
                    .send(),
            )
            .await;
        let family = found(r)?.and_then(|r| {
            r.db_cluster_parameter_groups()
                .first()
                .map(|g| g.db_parameter_group_family().map(str::to_owned))
        });
        Ok::<_, AwsError>(
            judge(
                "database.cluster_parameter_group.name",
                "DB cluster parameter group",
                name,
                family,
                Some(cluster_family(db.engine, &db.engine_version)),
            )
            .err(),
        )
    };
    let cache_check = async {
        let Some((name, expected)) = &cache_group else {
            return Ok(None);
        };
        let r = c
            .call(
                "elasticache:DescribeCacheParameterGroups",
                c.elasticache
                    .describe_cache_parameter_groups()
                    .cache_parameter_group_name(*name)
                    .send(),
            )
            .await;
        let family = found(r)?.and_then(|r| {
            r.cache_parameter_groups()
                .first()
                .map(|g| g.cache_parameter_group_family().map(str::to_owned))
        });
        Ok::<_, AwsError>(
            judge(
                "redis.parameter_group.name",
                "cache parameter group",
                name,
                family,
                Some(expected.clone()),
            )
            .err(),
        )
    };
    let secret_check = async {
        let Some(arn) = db.master_user.password.secret_arn() else {
            return Ok(None);
        };
        let r = c
            .call(
                "secretsmanager:DescribeSecret",
                c.secrets.describe_secret().secret_id(arn).send(),
            )
            .await;
        Ok::<_, AwsError>(match found(r)? {
            Some(d) if d.deleted_date().is_none() => None,
            _ => Some(format!(
                "database.master_user.password.secret_arn: the secret `{arn}` does not exist or is scheduled for deletion: the team's secret must be there before the stack (stackctl never creates it)"
            )),
        })
    };
    let (dbs, cluster, cache, secret) =
        tokio::try_join!(db_checks, cluster_check, cache_check, secret_check)?;
    Ok(dbs
        .into_iter()
        .flatten()
        .chain([cluster, cache, secret].into_iter().flatten())
        .collect())
}

/// `found`: `None` when AWS has no such group, `Some(None)` when it reports no family.
fn judge(
    key: &str,
    what: &str,
    name: &str,
    found: Option<Option<String>>,
    expected: Option<String>,
) -> Result<(), String> {
    let Some(family) = found else {
        return Err(format!(
            "{key}: the {what} `{name}` does not exist: create it first (stackctl only references an existing group), or give `{{family, parameters}}` for a group of the stack's"
        ));
    };
    match (family, expected) {
        (Some(f), Some(e)) if f != e => Err(format!(
            "{key}: the {what} `{name}` is of family `{f}`, the engine needs `{e}`: name a group of that family"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::judge;

    #[test]
    fn a_missing_group_or_another_family_is_refused_naming_the_group() {
        let missing = judge(
            "k",
            "DB parameter group",
            "team-pg",
            None,
            Some("postgres16".into()),
        )
        .expect_err("missing");
        assert!(
            missing.to_string().contains("`team-pg` does not exist"),
            "{missing}"
        );
        let other = judge(
            "k",
            "DB parameter group",
            "team-pg",
            Some(Some("postgres15".into())),
            Some("postgres16".into()),
        )
        .expect_err("family");
        assert!(other.contains("family `postgres15`"), "{other}");
        assert!(
            judge(
                "k",
                "g",
                "n",
                Some(Some("postgres16".into())),
                Some("postgres16".into())
            )
            .is_ok()
        );
        assert!(judge("k", "g", "n", Some(None), Some("postgres16".into())).is_ok());
    }
}
