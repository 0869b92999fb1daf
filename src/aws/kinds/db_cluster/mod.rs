//! The AWS side of the Aurora DB cluster (`db_cluster`) and its DB instances
//! (`db_cluster_instance`, in `instance.rs`): described in one filtered call each, observed row by
//! row, created from every row that sets a field on create, modified with the rows a step
//! changes, deleted (the cluster after its instances, the plan's order), and waited for.

pub(crate) mod instance;
mod rows;

use aws_sdk_rds::types::{DbCluster, Filter};

use super::AwsKind;
use super::Req;
use super::calls::Planned;
use super::secret::secret_value;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{Context, OwnedArns, arn_name, nz, observed, owned_by, tag_map};
use crate::aws::watch::{Until, Watched};
use crate::aws::write::{StepContext, rds_tags};
use crate::model::db_cluster::attr::{APPLY_CHANGES, MASTER_PASSWORD, SECURITY_GROUPS, TAGS};
use crate::model::secret::master_secret_name;
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{Call, ObservedResource, Step, StepOp};
use rows::{OnModify, row_of};

pub(crate) use rows::managed_master_secret;

const CREATE: &str = "rds:CreateDBCluster";
const MODIFY: &str = "rds:ModifyDBCluster";
const DELETE: &str = "rds:DeleteDBCluster";

/// The stack's Aurora clusters.
pub(crate) struct DbClusters;

impl AwsKind for DbClusters {
    type Answer = DbCluster;

    /// One call, filtered by the identifiers (AWS takes 100).
    async fn describe(c: &Clients, ids: Vec<String>) -> Result<Vec<DbCluster>, AwsError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for chunk in ids.chunks(100) {
            let filter = Filter::builder()
                .name("db-cluster-id")
                .set_values(Some(chunk.to_vec()))
                .build();
            let r = c
                .call(
                    "rds:DescribeDBClusters",
                    c.rds.describe_db_clusters().filters(filter).send(),
                )
                .await;
            if let Some(r) = found(r)? {
                out.extend(r.db_clusters().iter().cloned());
            }
        }
        Ok(out)
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let password = if r.str(MASTER_PASSWORD) == Some("rds_managed") {
            None
        } else {
            Some(password(cx, r).await?)
        };
        let q = Req::of(cx, r, SECURITY_GROUPS, password)?;
        let mut b = c.rds.create_db_cluster();
        for set in spec_of(a.kind)
            .attrs
            .iter()
            .filter_map(|s| row_of(s.name)?.create)
        {
            b = set(b, &q);
        }
        let b = b.db_cluster_identifier(&a.name);
        let out = c.call(CREATE, b.send()).await;
        cx.created(a, out, |o| o.db_cluster()?.db_cluster_arn())
            .await?;
        crate::aws::wait::available(cx, a, Watched::DbCluster).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let changes = |attr: &str| step.attributes.iter().any(|x| x == attr);
        let immediately = r.str(APPLY_CHANGES) != Some("in_maintenance_window");
        let password = if changes(MASTER_PASSWORD) && r.str(MASTER_PASSWORD) != Some("rds_managed")
        {
            Some(password(cx, r).await?)
        } else {
            None
        };
        let q = Req::of(cx, r, SECURITY_GROUPS, password)?;
        let mut b = c
            .rds
            .modify_db_cluster()
            .db_cluster_identifier(&a.name)
            .apply_immediately(immediately);
        let mut carried: Vec<&str> = Vec::new();
        for row in step.attributes.iter().filter_map(|n| row_of(n)) {
            if let OnModify::Field(set) = row.modify {
                b = set(b, &q);
                carried.push(row.attr);
            }
        }
        if !carried.is_empty() {
            let out = c.call(MODIFY, b.send()).await?;
            cx.sent(MODIFY, &carried);
            if let Some(arn) = out.db_cluster().and_then(managed_master_secret) {
                cx.ids.set(a, "master_user_secret_arn", arn);
            }
        }
        if changes(TAGS) {
            rds_tags(cx, &cx.arn(a)?).await?;
        }
        crate::aws::wait::until_settled(cx.clients, a, cx.wait_limit()?).await
    }

    fn calls(p: &Planned<'_>) -> Vec<Call> {
        if p.step.op != StepOp::Update {
            return p.one(CREATE, DELETE);
        }
        let fields: Vec<String> = p
            .step
            .attributes
            .iter()
            .filter_map(|n| row_of(n))
            .filter(|r| matches!(r.modify, OnModify::Field(_)))
            .map(|r| r.attr.to_owned())
            .collect();
        [p.carrying(MODIFY, fields), p.tagging()]
            .into_iter()
            .flatten()
            .collect()
    }

    /// `DeleteDBCluster`, with a final snapshot when asked. The plan switches deletion
    /// protection off by a step of its own before a delete, and deletes the instances first.
    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let snapshot = cx.final_snapshot;
        let r = c
            .call(
                DELETE,
                c.rds
                    .delete_db_cluster()
                    .db_cluster_identifier(&a.name)
                    .skip_final_snapshot(!snapshot)
                    .set_final_db_snapshot_identifier(
                        snapshot.then(|| format!("{}-final-{stamp}", a.name)),
                    )
                    .send(),
            )
            .await;
        if found(r)?.is_none() {
            return Ok(());
        }
        c.watch
            .until(
                c,
                Watched::DbCluster,
                &a.name,
                Until::Gone,
                cx.wait_limit()?,
            )
            .await?;
        Ok(())
    }
}

/// The generated master password, from its secret, right before the call that sets it.
async fn password(
    cx: &StepContext<'_>,
    r: &Resource,
) -> Result<crate::aws::write::Sensitive, AwsError> {
    let from = match r
        .str(MASTER_PASSWORD)
        .and_then(|v| v.strip_prefix("secret_arn:"))
    {
        // The team's secret, by ARN: read, never changed.
        Some(arn) => arn.to_owned(),
        None => master_secret_name(cx.stack, &r.address.name),
    };
    secret_value(cx, &from, "password").await
}

/// The identifiers of the clusters the stack owns that `described` (the spec's) leaves out.
pub(in crate::aws) fn left_spec(owned: &OwnedArns, described: &[DbCluster]) -> Vec<String> {
    owned
        .keys()
        // An ElastiCache node's ARN has `:cluster:` too.
        .filter(|arn| arn.contains(":rds:") && arn.contains(":cluster:"))
        .map(|arn| arn_name(arn).to_owned())
        .filter(|id| {
            !described
                .iter()
                .any(|c| c.db_cluster_identifier() == Some(id.as_str()))
        })
        .collect()
}

/// A cluster with every row of its table that AWS reports; with its pending changes and the
/// ids the executor and `stackctl output` need (the writer and reader endpoints).
pub(in crate::aws) fn observe(cx: &Context, c: &DbCluster) -> ObservedResource {
    let id = c.db_cluster_identifier().unwrap_or_default();
    let mut resource = Resource::new(Kind::DbCluster, id);
    for spec in spec_of(Kind::DbCluster).attrs {
        if let Some(read) = row_of(spec.name).and_then(|r| r.read) {
            resource = resource.set(spec.name, read(c, cx));
        }
    }
    let tags = tag_map(c.tag_list().iter().map(|t| (t.key(), t.value())));
    let mut o = observed(
        resource,
        owned_by(&tags, cx.stack),
        c.status().unwrap_or_default(),
    );
    if let Some(p) = c.pending_modified_values() {
        for row in rows::ROWS {
            if let Some(v) = row.held.and_then(|h| h(p)) {
                o.pending.insert(row.attr.to_owned(), v);
            }
        }
    }
    let ids = [
        ("arn", c.db_cluster_arn()),
        ("master_user_secret_arn", managed_master_secret(c)),
        ("resource_id", c.db_cluster_resource_id()),
        ("endpoint", nz(c.endpoint())),
        ("reader_endpoint", nz(c.reader_endpoint())),
    ];
    for (key, v) in ids {
        if let Some(v) = v {
            o.ids.insert(key.into(), v.to_owned());
        }
    }
    if let Some(p) = c.port().filter(|p| *p > 0) {
        o.ids.insert("port".into(), p.to_string());
    }
    o
}

/// The test of the cluster's rows: they are the model's, in its order, and a row is sent on
/// modify exactly when the model changes it in place.
#[cfg(test)]
pub(super) fn rows_agree() {
    let model: Vec<&str> = spec_of(Kind::DbCluster)
        .attrs
        .iter()
        .map(|a| a.name)
        .collect();
    let aws: Vec<&str> = rows::ROWS.iter().map(|r| r.attr).collect();
    assert_eq!(model, aws, "db_cluster: the AWS rows are not the model's");
    for a in spec_of(Kind::DbCluster).attrs {
        let row = row_of(a.name).expect("row");
        let replaced = a.impact.forces_replacement()
            || a.compare == crate::model::Compare::Never
            || a.compare == crate::model::Compare::AtCreate;
        let sent = !matches!(row.modify, OnModify::Never);
        assert_eq!(sent, !replaced, "db_cluster.{}", a.name);
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::read::OwnedArns;

    #[test]
    fn only_an_rds_cluster_the_stack_owns_and_the_read_missed_has_left_the_spec() {
        let owned: OwnedArns = [
            "arn:aws:rds:us-east-1:000000000000:cluster:gone",
            "arn:aws:elasticache:us-east-1:000000000000:cluster:shop-redis-001",
            "arn:aws:rds:us-east-1:000000000000:db:shop-db",
        ]
        .into_iter()
        .map(|a| (a.to_owned(), Default::default()))
        .collect();
        assert_eq!(super::left_spec(&owned, &[]), ["gone"]);
    }

    #[test]
    fn every_row_of_the_model_has_its_aws_row_and_a_changeable_one_is_sent_on_modify() {
        super::rows_agree();
        super::instance::rows_agree();
    }
}
