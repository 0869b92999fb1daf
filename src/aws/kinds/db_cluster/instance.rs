//! The AWS side of an Aurora cluster's DB instances (`db_cluster_instance`): the writer and
//! the readers. Read by the DB instances' one filtered `DescribeDBInstances` (an instance with
//! a `DBClusterIdentifier` is a cluster's), created with `CreateDBInstance DBClusterIdentifier`,
//! modified with `ModifyDBInstance`, deleted with `DeleteDBInstance`.

use aws_sdk_rds::operation::create_db_instance::builders::CreateDBInstanceFluentBuilder as Create;
use aws_sdk_rds::operation::modify_db_instance::builders::ModifyDBInstanceFluentBuilder as Modify;
use aws_sdk_rds::types::DbInstance;
use serde_json::{Value, json};

use super::super::calls::Planned;
use super::super::db_instance::DbInstances;
use super::super::{AwsKind, Req};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{Context, nz, observed, owned_by, tag_map, with_endpoint};
use crate::aws::watch::{Until, Watched};
use crate::aws::write::{StepContext, rds_tag_list, rds_tags};
use crate::model::db_cluster::attr::*;
use crate::model::db_instance::IN_SYNC;

const PENDING_REBOOT: &str = "pending-reboot";
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{Call, ObservedResource, Step, StepOp};

const CREATE: &str = "rds:CreateDBInstance";
const MODIFY: &str = "rds:ModifyDBInstance";
const DELETE: &str = "rds:DeleteDBInstance";
const REBOOT: &str = "rds:RebootDBInstance";
const FAILOVER: &str = "rds:FailoverDBCluster";
const DESCRIBE_CLUSTERS: &str = "rds:DescribeDBClusters";

/// The rows of a step that only a reboot settles.
fn settled_by_reboot(step: &Step) -> Vec<&'static str> {
    step.attributes
        .iter()
        .filter_map(|n| row_of(n))
        .filter(|r| r.reboot)
        .map(|r| r.attr)
        .collect()
}

/// One row: read from the instance, set on create, sent on modify (`None`: never, or by the
/// tagging calls for `tags`).
struct Row {
    attr: &'static str,
    read: Option<fn(&DbInstance) -> Value>,
    create: Option<fn(Create, &Req<'_>) -> Create>,
    modify: Option<fn(Modify, &Req<'_>) -> Modify>,
    /// `RebootDBInstance` settles it (AWS's state, not a field).
    reboot: bool,
}

static ROWS: &[Row] = &[
    Row {
        attr: CLUSTER,
        read: Some(|i| json!(nz(i.db_cluster_identifier()))),
        create: Some(|b, q| b.db_cluster_identifier(q.s(CLUSTER))),
        modify: None,
        reboot: false,
    },
    Row {
        attr: ENGINE,
        read: Some(|i| json!(i.engine().unwrap_or_default())),
        create: Some(|b, q| b.engine(q.s(ENGINE))),
        modify: None,
        reboot: false,
    },
    Row {
        attr: INSTANCE_CLASS,
        read: Some(|i| json!(i.db_instance_class().unwrap_or_default())),
        create: Some(|b, q| b.db_instance_class(q.s(INSTANCE_CLASS))),
        modify: Some(|b, q| b.db_instance_class(q.s(INSTANCE_CLASS))),
        reboot: false,
    },
    Row {
        attr: PROMOTION_TIER,
        read: Some(|i| json!(i.promotion_tier())),
        create: Some(|b, q| b.set_promotion_tier(q.i(PROMOTION_TIER))),
        modify: Some(|b, q| b.set_promotion_tier(q.i(PROMOTION_TIER))),
        reboot: false,
    },
    Row {
        attr: PERFORMANCE_INSIGHTS,
        read: Some(|i| json!(i.performance_insights_enabled().unwrap_or(false))),
        create: Some(|b, q| {
            b.enable_performance_insights(q.b(PERFORMANCE_INSIGHTS))
                .set_performance_insights_retention_period(q.i(PERFORMANCE_INSIGHTS_RETENTION_DAYS))
                .set_performance_insights_kms_key_id(q.opt(PERFORMANCE_INSIGHTS_KMS_KEY_ID))
        }),
        modify: Some(performance_insights),
        reboot: false,
    },
    Row {
        attr: PERFORMANCE_INSIGHTS_RETENTION_DAYS,
        read: Some(|i| {
            json!(
                i.performance_insights_retention_period()
                    .filter(|_| i.performance_insights_enabled() == Some(true))
            )
        }),
        create: None,
        modify: Some(performance_insights),
        reboot: false,
    },
    Row {
        attr: PERFORMANCE_INSIGHTS_KMS_KEY_ID,
        read: Some(|i| {
            json!(
                nz(i.performance_insights_kms_key_id())
                    .filter(|_| i.performance_insights_enabled() == Some(true))
            )
        }),
        create: None,
        modify: Some(performance_insights),
        reboot: false,
    },
    Row {
        attr: AUTO_MINOR_VERSION_UPGRADE,
        read: Some(|i| json!(i.auto_minor_version_upgrade().unwrap_or(false))),
        create: Some(|b, q| b.auto_minor_version_upgrade(q.b(AUTO_MINOR_VERSION_UPGRADE))),
        modify: Some(|b, q| b.auto_minor_version_upgrade(q.b(AUTO_MINOR_VERSION_UPGRADE))),
        reboot: false,
    },
    Row {
        attr: PARAMETER_APPLY_STATUS,
        read: None, // from the cluster's members (`observe`)
        create: None,
        modify: None,
        reboot: true,
    },
    Row {
        attr: WRITER,
        read: None, // from the cluster's members (`observe`)
        create: None,
        modify: None,
        reboot: false,
    },
    Row {
        attr: TAGS,
        read: Some(|i| json!(tag_map(i.tag_list().iter().map(|t| (t.key(), t.value()))))),
        create: Some(|b, q| b.set_tags(Some(rds_tag_list(&q.create_tags)))),
        modify: None,
        reboot: false,
    },
    Row {
        attr: APPLY_CHANGES,
        read: None,
        create: None,
        modify: None,
        reboot: false,
    },
];

fn performance_insights(b: Modify, q: &Req<'_>) -> Modify {
    b.enable_performance_insights(q.b(PERFORMANCE_INSIGHTS))
        .set_performance_insights_retention_period(q.i(PERFORMANCE_INSIGHTS_RETENTION_DAYS))
        .set_performance_insights_kms_key_id(q.opt(PERFORMANCE_INSIGHTS_KMS_KEY_ID))
}

fn row_of(attr: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.attr == attr)
}

/// The instances of the stack's Aurora cluster.
pub(crate) struct DbClusterInstances;

impl AwsKind for DbClusterInstances {
    type Answer = DbInstance;

    /// The DB instances' one filtered call.
    async fn describe(c: &Clients, ids: Vec<String>) -> Result<Vec<DbInstance>, AwsError> {
        DbInstances::describe(c, ids).await
    }

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let q = Req::of(cx, r, "-", None)?;
        let mut b = c.rds.create_db_instance();
        for set in spec_of(a.kind)
            .attrs
            .iter()
            .filter_map(|s| row_of(s.name)?.create)
        {
            b = set(b, &q);
        }
        let b = b.db_instance_identifier(&a.name);
        let out = c.call(CREATE, b.send()).await;
        cx.created(a, out, |o| o.db_instance()?.db_instance_arn())
            .await?;
        crate::aws::wait::available(cx, a, Watched::DbInstance).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let a = &r.address;
        let c = cx.clients;
        let immediately = r.str(APPLY_CHANGES) != Some("in_maintenance_window");
        let q = Req::of(cx, r, "-", None)?;
        let mut b = c
            .rds
            .modify_db_instance()
            .db_instance_identifier(&a.name)
            .apply_immediately(immediately);
        let mut carried: Vec<&str> = Vec::new();
        for row in step.attributes.iter().filter_map(|n| row_of(n)) {
            if let Some(set) = row.modify {
                b = set(b, &q);
                carried.push(row.attr);
            }
        }
        if !carried.is_empty() {
            c.call(MODIFY, b.send()).await?;
            cx.sent(MODIFY, &carried);
        }
        if step.attributes.iter().any(|x| x == TAGS) {
            rds_tags(cx, &cx.arn(a)?).await?;
        }
        crate::aws::wait::until_settled(cx.clients, a, cx.wait_limit()?).await?;
        // The reboot that applies the cluster parameter group's static parameters.
        let settles = settled_by_reboot(step);
        if step.reboot && (immediately || !settles.is_empty()) {
            c.call(
                REBOOT,
                c.rds
                    .reboot_db_instance()
                    .db_instance_identifier(&a.name)
                    .send(),
            )
            .await?;
            cx.sent(REBOOT, &settles);
            crate::aws::wait::available(cx, a, Watched::DbInstance).await?;
        }
        if step.attributes.iter().any(|x| x == WRITER) {
            failover(cx, r, a).await?;
        }
        Ok(())
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
            .filter(|r| r.modify.is_some())
            .map(|r| r.attr.to_owned())
            .collect();
        let immediately = p.wanted(APPLY_CHANGES).as_str() != Some("in_maintenance_window");
        let settles: Vec<String> = settled_by_reboot(p.step)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let reboot = (p.step.reboot && (immediately || !settles.is_empty())).then(|| Call {
            op: REBOOT.to_owned(),
            carries: settles,
        });
        let failover = p
            .step
            .attributes
            .iter()
            .any(|x| x == WRITER)
            .then(|| Call::new(FAILOVER, &[WRITER]));
        [p.carrying(MODIFY, fields), p.tagging(), reboot, failover]
            .into_iter()
            .flatten()
            .collect()
    }

    /// An Aurora instance keeps no data of its own: no final snapshot (the cluster's is taken
    /// when the cluster is deleted).
    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let r = c
            .call(
                DELETE,
                c.rds
                    .delete_db_instance()
                    .db_instance_identifier(&a.name)
                    .skip_final_snapshot(true)
                    .send(),
            )
            .await;
        if found(r)?.is_none() {
            return Ok(());
        }
        c.watch
            .until(
                c,
                Watched::DbInstance,
                &a.name,
                Until::Gone,
                cx.wait_limit()?,
            )
            .await?;
        Ok(())
    }
}

/// The instance made its cluster's writer (`writer: true`, the spec's first instance: a
/// FailoverDBCluster to it), or, undoing that (`writer: false`), no longer the writer (a
/// FailoverDBCluster away from it, to the reader AWS promotes); then waits, within the step's
/// limit, until AWS reports the cluster available with the writer as asked. Nothing is called
/// when AWS has it so already (a resumed apply).
async fn failover(cx: &StepContext<'_>, r: &Resource, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let cluster = r.str(CLUSTER).unwrap_or_default();
    let want = r.bool(WRITER);
    let limit = cx.wait_limit()?;
    let start = std::time::Instant::now();
    let mut called = false;
    loop {
        let (status, writer) = writer_of(c, cluster, &a.name).await?;
        if status == "available" && writer == want {
            cx.sent(FAILOVER, &[WRITER]);
            return Ok(());
        }
        // Once: AWS may still report the old writer for a moment after the call.
        if status == "available" && !called {
            let mut b = c.rds.failover_db_cluster().db_cluster_identifier(cluster);
            if want {
                b = b.target_db_instance_identifier(&a.name);
            }
            c.call(FAILOVER, b.send()).await?;
            called = true;
            continue;
        }
        let delay = crate::aws::watch::interval(start.elapsed());
        if start.elapsed() + delay > limit {
            return Err(AwsError::other(
                "wait",
                format!(
                    "{cluster} did not make {} {} within {} s",
                    a.name,
                    if want { "its writer" } else { "a reader" },
                    limit.as_secs()
                ),
            ));
        }
        tokio::time::sleep(delay).await;
    }
}

/// The cluster's status, and whether AWS has `instance` as its writer.
async fn writer_of(c: &Clients, cluster: &str, instance: &str) -> Result<(String, bool), AwsError> {
    let out = c
        .call(
            DESCRIBE_CLUSTERS,
            c.rds
                .describe_db_clusters()
                .db_cluster_identifier(cluster)
                .send(),
        )
        .await?;
    let cl = out.db_clusters().first();
    let status = cl.and_then(|x| x.status()).unwrap_or_default().to_owned();
    let writer = cl.is_some_and(|x| {
        x.db_cluster_members().iter().any(|m| {
            m.db_instance_identifier() == Some(instance) && m.is_cluster_writer() == Some(true)
        })
    });
    Ok((status, writer))
}

/// Whether a described DB instance is an Aurora cluster's.
pub(in crate::aws) fn in_cluster(i: &DbInstance) -> bool {
    nz(i.db_cluster_identifier()).is_some()
}

/// What the cluster's member list says of one of its instances.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::aws) struct Member<'a> {
    /// Its cluster parameter group's status (`in-sync`, `pending-reboot`).
    pub parameters: Option<&'a str>,
    /// `IsClusterWriter`.
    pub writer: bool,
}

/// A cluster's instance with every row of its table, and what its cluster's member list says
/// of it.
pub(in crate::aws) fn observe(
    cx: &Context,
    i: &DbInstance,
    member: Member<'_>,
) -> ObservedResource {
    let parameters = member.parameters;
    let id = i.db_instance_identifier().unwrap_or_default();
    let mut resource = Resource::new(Kind::DbClusterInstance, id);
    for spec in spec_of(Kind::DbClusterInstance).attrs {
        if let Some(read) = row_of(spec.name).and_then(|r| r.read) {
            resource = resource.set(spec.name, read(i));
        }
    }
    resource = resource.set(
        PARAMETER_APPLY_STATUS,
        if parameters == Some(PENDING_REBOOT) {
            PENDING_REBOOT
        } else {
            IN_SYNC
        },
    );
    resource = resource.set(WRITER, member.writer);
    let tags = tag_map(i.tag_list().iter().map(|t| (t.key(), t.value())));
    let mut o = observed(
        resource,
        owned_by(&tags, cx.stack),
        i.db_instance_status().unwrap_or_default(),
    );
    if let Some(p) = i.pending_modified_values()
        && let Some(class) = p.db_instance_class()
    {
        o.pending.insert(INSTANCE_CLASS.into(), json!(class));
    }
    if let Some(arn) = i.db_instance_arn() {
        o.ids.insert("arn".into(), arn.to_owned());
    }
    let endpoint = i.endpoint();
    with_endpoint(
        endpoint.and_then(|e| e.address()),
        endpoint.and_then(|e| e.port()),
        o,
    )
}

#[cfg(test)]
pub(super) fn rows_agree() {
    let spec = spec_of(Kind::DbClusterInstance);
    let model: Vec<&str> = spec.attrs.iter().map(|a| a.name).collect();
    let aws: Vec<&str> = ROWS.iter().map(|r| r.attr).collect();
    assert_eq!(
        model, aws,
        "db_cluster_instance: the AWS rows are not the model's"
    );
    for a in spec.attrs {
        let row = row_of(a.name).expect("row");
        let replaced = a.impact.forces_replacement()
            || a.compare == crate::model::Compare::Never
            || a.compare == crate::model::Compare::AtCreate;
        // The writer is sent by FailoverDBCluster (`failover`).
        let sent = row.modify.is_some() || row.reboot || a.name == TAGS || a.name == WRITER;
        assert_eq!(sent, !replaced, "db_cluster_instance.{}", a.name);
    }
}
