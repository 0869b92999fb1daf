//! What already exists and the spec names: the team's master secret (`password: {secret_arn}`,
//! DescribeSecret: its metadata, never its value) and parameter groups (`parameter_group:
//! {name}`, `cluster_parameter_group: {name}`), read to check that each exists, a group of the
//! engine's family where AWS reports one. They are referenced, never changed or deleted, and
//! never observed as resources of the stack's.

use super::super::client::Clients;
use super::super::error::{AwsError, found};
use crate::spec::StackSpec;
use crate::spec::rules::aurora::cluster_family;
use crate::spec::rules::database::db_family;

/// What is wrong with what the spec names: a secret or group missing (or being deleted), a
/// group of another family; a plan of the spec stops on it, a destroy does not need it. Only a
/// spec that names one makes a call; an error is AWS's.
pub(super) async fn check(c: &Clients, stack: &StackSpec) -> Result<Vec<String>, AwsError> {
    let db = &stack.database;
    let db_group = db
        .instance()
        .and_then(|i| i.parameter_group.as_ref())
        .and_then(|pg| pg.existing());
    let cluster_group = db
        .cluster()
        .and_then(|c| c.parameter_group.as_ref())
        .and_then(|pg| pg.existing());
    let db_check = async {
        let Some(name) = db_group else {
            return Ok(None);
        };
        let r = c
            .call(
                "rds:DescribeDBParameterGroups",
                c.rds
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(name)
                    .send(),
            )
            .await;
        let family = found(r)?.and_then(|r| {
            r.db_parameter_groups()
                .first()
                .map(|g| g.db_parameter_group_family().map(str::to_owned))
        });
        Ok::<_, AwsError>(
            judge(
                "database.parameter_group.name",
                "DB parameter group",
                name,
                family,
                db_family(db.engine, &db.engine_version),
            )
            .err(),
        )
    };
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
    let (a, b, c) = tokio::try_join!(db_check, cluster_check, secret_check)?;
    Ok([a, b, c].into_iter().flatten().collect())
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
