//! RDS DB instances: the primary and its read replicas (and owned instances that left the
//! spec), described in batches and observed with the changes pending for the window.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_rds::types::{DbInstance, Filter};
use futures::future::try_join_all;
use serde_json::{Value, json};

use super::tagging::OwnedArns;
use super::{Context, arn_name, nz, observed, owned_by, tag_map};
use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;

/// DB instances by identifier, 100 to a call, all calls at once.
pub(super) async fn describe_instances(
    c: &Clients,
    ids: Vec<String>,
) -> Result<Vec<DbInstance>, AwsError> {
    let calls = ids.chunks(100).map(|chunk| {
        let filter = Filter::builder()
            .name("db-instance-id")
            .set_values(Some(chunk.to_vec()))
            .build();
        async move {
            let resp = c
                .call(
                    "rds:DescribeDBInstances",
                    c.rds.describe_db_instances().filters(filter).send(),
                )
                .await?;
            Ok::<_, AwsError>(resp.db_instances().to_vec())
        }
    });
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}

/// The identifiers of the DB instances the stack owns that `described` (the spec's) leaves
/// out: they left the spec.
pub(super) fn left_spec(owned: &OwnedArns, described: &[DbInstance]) -> Vec<String> {
    let known: BTreeSet<&str> = described
        .iter()
        .filter_map(|i| i.db_instance_identifier())
        .collect();
    owned
        .keys()
        .filter(|arn| arn.contains(":db:"))
        .map(|arn| arn_name(arn).to_owned())
        .filter(|id| !known.contains(id.as_str()))
        .collect()
}

/// The read replica's source instance, by identifier; `None` for a primary.
fn source(inst: &DbInstance) -> Option<String> {
    nz(inst.read_replica_source_db_instance_identifier()).map(|s| arn_name(s).to_owned())
}

/// The ARN of the master user's secret that RDS manages for a primary, if it manages one.
pub(super) fn managed_master_secret(inst: &DbInstance) -> Option<&str> {
    if source(inst).is_some() {
        return None;
    }
    inst.master_user_secret().and_then(|m| nz(m.secret_arn()))
}

/// What a primary and a replica are both observed with.
struct Common {
    id: String,
    tags: BTreeMap<String, String>,
    sgs: Vec<String>,
    pg: Option<String>,
    monitoring: i32,
    role: Option<String>,
    pi: bool,
}

impl Common {
    fn of(inst: &DbInstance) -> Self {
        let monitoring = inst.monitoring_interval().unwrap_or(0);
        Common {
            id: inst.db_instance_identifier().unwrap_or_default().to_owned(),
            tags: tag_map(inst.tag_list().iter().map(|t| (t.key(), t.value()))),
            sgs: inst
                .vpc_security_groups()
                .iter()
                .filter_map(|m| m.vpc_security_group_id().map(str::to_owned))
                .collect(),
            pg: inst
                .db_parameter_groups()
                .first()
                .and_then(|p| p.db_parameter_group_name())
                .map(str::to_owned),
            monitoring,
            role: nz(inst.monitoring_role_arn())
                .filter(|_| monitoring > 0)
                .map(str::to_owned),
            pi: inst.performance_insights_enabled().unwrap_or(false),
        }
    }
}

/// A DB instance: a replica when it has a source, else a primary; with its pending changes
/// and the ids the executor needs.
pub(super) fn observe_instance(cx: &Context, inst: &DbInstance) -> ObservedResource {
    let common = Common::of(inst);
    let owned_here = owned_by(&common.tags, cx.stack);
    let status = inst.db_instance_status().unwrap_or_default();
    let resource = match source(inst) {
        Some(src) => replica(cx, inst, common, src),
        None => primary(cx, inst, common),
    };
    let mut o = observed(resource, owned_here, status);
    o.pending = pending(inst);
    if let Some(arn) = inst.db_instance_arn() {
        o.ids.insert("arn".into(), arn.to_owned());
    }
    if let Some(arn) = inst.master_user_secret().and_then(|m| m.secret_arn()) {
        o.ids
            .insert("master_user_secret_arn".into(), arn.to_owned());
    }
    if let Some(rid) = inst.dbi_resource_id() {
        o.ids.insert("resource_id".into(), rid.to_owned());
    }
    o
}

fn replica(cx: &Context, inst: &DbInstance, c: Common, src: String) -> Resource {
    Resource::new(Kind::DbReplica, &c.id)
        .set("source", src)
        .set(
            "instance_class",
            inst.db_instance_class().unwrap_or_default(),
        )
        .set("availability_zone", json!(nz(inst.availability_zone())))
        .set("performance_insights", c.pi)
        .set("monitoring_interval_seconds", c.monitoring)
        .set("monitoring_role_arn", json!(c.role))
        .set(
            "deletion_protection",
            inst.deletion_protection().unwrap_or(false),
        )
        .set(
            "publicly_accessible",
            inst.publicly_accessible().unwrap_or(false),
        )
        .set(
            "auto_minor_version_upgrade",
            inst.auto_minor_version_upgrade().unwrap_or(false),
        )
        .set(
            "copy_tags_to_snapshot",
            inst.copy_tags_to_snapshot().unwrap_or(false),
        )
        .set("parameter_group", json!(c.pg))
        .set("security_groups", cx.sg_list(c.sgs))
        .set("tags", json!(c.tags))
}

fn primary(cx: &Context, inst: &DbInstance, c: Common) -> Resource {
    let pi = c.pi;
    let port = inst
        .endpoint()
        .and_then(|e| e.port())
        .or(inst.db_instance_port().filter(|p| *p > 0));
    let managed = managed_master_secret(inst);
    Resource::new(Kind::DbInstance, &c.id)
        .set("engine", inst.engine().unwrap_or_default())
        .set("engine_version", inst.engine_version().unwrap_or_default())
        .set(
            "instance_class",
            inst.db_instance_class().unwrap_or_default(),
        )
        .set("allocated_gib", inst.allocated_storage().unwrap_or(0))
        .set(
            "max_allocated_gib",
            inst.max_allocated_storage().unwrap_or(0),
        )
        .set("iops", json!(inst.iops()))
        .set("throughput_mibps", json!(inst.storage_throughput()))
        .set(
            "storage_encrypted",
            inst.storage_encrypted().unwrap_or(false),
        )
        .set("kms_key_id", json!(nz(inst.kms_key_id())))
        .set("multi_az", inst.multi_az().unwrap_or(false))
        .set("port", json!(port))
        .set("database_name", json!(nz(inst.db_name())))
        .set(
            "master_username",
            inst.master_username().unwrap_or_default(),
        )
        .set(
            "master_password",
            if managed.is_some() {
                "rds_managed"
            } else {
                "generated"
            },
        )
        .set(
            "backup_retention_days",
            inst.backup_retention_period().unwrap_or(0),
        )
        .set("backup_window", json!(nz(inst.preferred_backup_window())))
        .set(
            "maintenance_window",
            json!(nz(inst.preferred_maintenance_window()).map(str::to_lowercase)),
        )
        .set("performance_insights", pi)
        .set(
            "performance_insights_retention_days",
            json!(inst.performance_insights_retention_period().filter(|_| pi)),
        )
        .set(
            "performance_insights_kms_key_id",
            json!(nz(inst.performance_insights_kms_key_id()).filter(|_| pi)),
        )
        .set("monitoring_interval_seconds", c.monitoring)
        .set("monitoring_role_arn", json!(c.role))
        .set(
            "deletion_protection",
            inst.deletion_protection().unwrap_or(false),
        )
        .set(
            "publicly_accessible",
            inst.publicly_accessible().unwrap_or(false),
        )
        .set(
            "auto_minor_version_upgrade",
            inst.auto_minor_version_upgrade().unwrap_or(false),
        )
        .set(
            "copy_tags_to_snapshot",
            inst.copy_tags_to_snapshot().unwrap_or(false),
        )
        .set("parameter_group", json!(c.pg))
        .set(
            "subnet_group",
            json!(
                inst.db_subnet_group()
                    .and_then(|g| g.db_subnet_group_name())
            ),
        )
        .set("security_groups", cx.sg_list(c.sgs))
        .set("tags", json!(c.tags))
}

/// The changes AWS holds for the maintenance window, in the model's names.
fn pending(inst: &DbInstance) -> BTreeMap<String, Value> {
    let mut pending = BTreeMap::new();
    let Some(p) = inst.pending_modified_values() else {
        return pending;
    };
    if let Some(v) = p.db_instance_class() {
        pending.insert("instance_class".into(), json!(v));
    }
    if let Some(v) = p.allocated_storage() {
        pending.insert("allocated_gib".into(), json!(v));
    }
    if let Some(v) = p.multi_az() {
        pending.insert("multi_az".into(), json!(v));
    }
    if let Some(v) = p.engine_version() {
        pending.insert("engine_version".into(), json!(v));
    }
    if let Some(v) = p.iops() {
        pending.insert("iops".into(), json!(v));
    }
    if let Some(v) = p.storage_throughput() {
        pending.insert("throughput_mibps".into(), json!(v));
    }
    if let Some(v) = p.backup_retention_period() {
        pending.insert("backup_retention_days".into(), json!(v));
    }
    if let Some(v) = p.db_subnet_group_name() {
        pending.insert("subnet_group".into(), json!(v));
    }
    pending
}
