//! Parameter groups that already exist, named by the spec (`parameter_group: {name}`,
//! `cluster_parameter_group: {name}`): read to check that each exists and is of the engine's
//! family, where AWS reports one. They are referenced, never changed or deleted, and never
//! observed as resources of the stack's.

use super::super::client::Clients;
use super::super::error::{AwsError, found};
use crate::spec::raw::Stack;
use crate::spec::rules::aurora::cluster_family;
use crate::spec::rules::database::db_family;

/// Fails with what is wrong when a named group is missing or of another family. Only a spec
/// that names one makes a call.
pub(super) async fn check(c: &Clients, stack: &Stack) -> Result<(), AwsError> {
    let db = &stack.database;
    let db_group = db
        .parameter_group
        .as_ref()
        .and_then(|pg| pg.name.as_deref());
    let cluster_group = db
        .cluster_parameter_group
        .as_ref()
        .and_then(|pg| pg.name.as_deref());
    let db_check = async {
        let Some(name) = db_group else {
            return Ok(());
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
        judge(
            "database.parameter_group.name",
            "DB parameter group",
            name,
            family,
            db_family(db.engine, &db.engine_version),
        )
    };
    let cluster_check = async {
        let Some(name) = cluster_group else {
            return Ok(());
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
        judge(
            "database.cluster_parameter_group.name",
            "DB cluster parameter group",
            name,
            family,
            Some(cluster_family(db.engine, &db.engine_version)),
        )
    };
    tokio::try_join!(db_check, cluster_check).map(|_| ())
}

/// `found`: `None` when AWS has no such group, `Some(None)` when it reports no family.
fn judge(
    key: &str,
    what: &str,
    name: &str,
    found: Option<Option<String>>,
    expected: Option<String>,
) -> Result<(), AwsError> {
    let Some(family) = found else {
        return Err(AwsError::other(
            "plan",
            format!(
                "{key}: the {what} `{name}` does not exist: create it first (stackctl only references an existing group), or give `{{family, parameters}}` for a group of the stack's"
            ),
        ));
    };
    match (family, expected) {
        (Some(f), Some(e)) if f != e => Err(AwsError::other(
            "plan",
            format!(
                "{key}: the {what} `{name}` is of family `{f}`, the engine needs `{e}`: name a group of that family"
            ),
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
        assert!(other.to_string().contains("family `postgres15`"), "{other}");
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
