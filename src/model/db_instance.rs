//! The RDS primary instance and its read replicas.

use serde_json::{Value, json};

use super::desired::{Inputs, with_deps};
use super::network::db_subnet_group_name;
use super::types::{Address, AttrSpec, Compare, Impact, Kind, KindSpec, Resource};
use crate::spec::raw::{ApplyChanges, EnhancedMonitoring, PasswordSource};

pub static DB_INSTANCE: KindSpec = KindSpec {
    kind: Kind::DbInstance,
    name: "db_instance",
    label: "RDS instance",
    stateful: true,
    loses_data: true,
    attrs: &[
        AttrSpec::online("engine").with(Impact::ReplaceDataLoss),
        AttrSpec::online("engine_version")
            .with(Impact::BriefOutage)
            .compare(Compare::MinorUpgradable)
            .deferrable(),
        AttrSpec::online("instance_class")
            .with(Impact::BriefOutage)
            .failover_when_multi_az()
            .deferrable(),
        AttrSpec::online("allocated_gib")
            .compare(Compare::GrowsUpToMax)
            .deferrable(),
        // 0: storage autoscaling off.
        AttrSpec::online("max_allocated_gib"),
        AttrSpec::online("iops").deferrable(),
        AttrSpec::online("throughput_mibps").deferrable(),
        AttrSpec::online("storage_encrypted").with(Impact::ReplaceDataLoss),
        AttrSpec::online("kms_key_id")
            .with(Impact::ReplaceDataLoss)
            .compare(Compare::KmsKey)
            .unmanaged_when_null(),
        AttrSpec::online("multi_az").deferrable(),
        AttrSpec::online("port").with(Impact::BriefOutage),
        AttrSpec::online("database_name").with(Impact::ReplaceDataLoss),
        AttrSpec::online("master_username").with(Impact::ReplaceDataLoss),
        // `rds_managed` or `generated`.
        AttrSpec::online("master_password"),
        AttrSpec::online("backup_retention_days").deferrable(),
        AttrSpec::online("backup_window")
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null(),
        AttrSpec::online("maintenance_window")
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null(),
        AttrSpec::online("performance_insights"),
        AttrSpec::online("performance_insights_retention_days").unmanaged_when_null(),
        AttrSpec::online("performance_insights_kms_key_id")
            .compare(Compare::KmsKey)
            .unmanaged_when_null(),
        AttrSpec::online("monitoring_interval_seconds"),
        AttrSpec::online("monitoring_role_arn").unmanaged_when_null(),
        AttrSpec::online("deletion_protection"),
        AttrSpec::online("publicly_accessible"),
        AttrSpec::online("auto_minor_version_upgrade"),
        AttrSpec::online("copy_tags_to_snapshot"),
        AttrSpec::online("parameter_group")
            .with(Impact::Reboot)
            .unmanaged_when_null(),
        // Named from the stack. ModifyDBInstance DBSubnetGroupName moves the instance in
        // place: "Changing the subnet group causes an outage during the change. The change is
        // applied during the next maintenance window, unless you enable ApplyImmediately."
        AttrSpec::online("subnet_group")
            .with(Impact::BriefOutage)
            .deferrable(),
        AttrSpec::online("security_groups")
            .compare(Compare::Unordered)
            .unmanaged_when_null(),
        AttrSpec::online("tags"),
        // `immediately` or `in_maintenance_window`: how deferrable changes are applied.
        AttrSpec::online("apply_changes").compare(Compare::Never),
    ],
};

pub static DB_REPLICA: KindSpec = KindSpec {
    kind: Kind::DbReplica,
    name: "db_replica",
    label: "RDS read replica",
    stateful: true,
    loses_data: false,
    attrs: &[
        // A replica's data is a copy of the primary's: replacing it loses nothing.
        AttrSpec::online("source").with(Impact::Replace),
        AttrSpec::online("instance_class")
            .with(Impact::BriefOutage)
            .deferrable(),
        AttrSpec::online("availability_zone")
            .with(Impact::Replace)
            .unmanaged_when_null(),
        AttrSpec::online("performance_insights"),
        AttrSpec::online("monitoring_interval_seconds"),
        AttrSpec::online("monitoring_role_arn").unmanaged_when_null(),
        AttrSpec::online("deletion_protection"),
        AttrSpec::online("publicly_accessible"),
        AttrSpec::online("auto_minor_version_upgrade"),
        AttrSpec::online("copy_tags_to_snapshot"),
        AttrSpec::online("parameter_group")
            .with(Impact::Reboot)
            .unmanaged_when_null(),
        AttrSpec::online("security_groups")
            .compare(Compare::Unordered)
            .unmanaged_when_null(),
        AttrSpec::online("tags"),
        // `immediately` or `in_maintenance_window`: how deferrable changes are applied.
        AttrSpec::online("apply_changes").compare(Compare::Never),
    ],
};

/// Whether gp3 storage of this size takes provisioned IOPS and throughput.
pub fn gp3_provisioned(allocated_gib: u32) -> bool {
    allocated_gib >= crate::spec::raw::GP3_PROVISIONED_MIN_GIB
}

/// The gp3 baseline for a size: (IOPS, MiB/s).
pub fn gp3_baseline(allocated_gib: u32) -> (u32, u32) {
    if gp3_provisioned(allocated_gib) {
        (12000, 500)
    } else {
        (3000, 125)
    }
}

fn apply_changes_name(a: ApplyChanges) -> &'static str {
    match a {
        ApplyChanges::Immediately => "immediately",
        ApplyChanges::InMaintenanceWindow => "in_maintenance_window",
    }
}

/// The enhanced monitoring role, only while monitoring is on.
fn monitoring_role_arn(em: &EnhancedMonitoring) -> Value {
    json!(em.role_arn.clone().filter(|_| em.interval_seconds > 0))
}

/// The primary instance, after its subnet group, security groups, parameter group and
/// generated master secret.
pub(super) fn desired_instance(
    cx: &Inputs<'_>,
    parameter_group: Option<&str>,
    master_secret: Option<&str>,
) -> Resource {
    let db = &cx.stack.database;
    let subnet_group = db_subnet_group_name(cx.name());
    let (iops, throughput) = gp3_baseline(db.storage.allocated_gib);
    let pi = &db.performance_insights;
    let em = &db.enhanced_monitoring;
    let mut primary = Resource::new(Kind::DbInstance, &db.identifier)
        .set("engine", db.engine.as_str())
        .set("engine_version", db.engine_version.clone())
        .set("instance_class", db.instance_class.clone())
        .set("allocated_gib", db.storage.allocated_gib)
        .set(
            "max_allocated_gib",
            db.storage.max_allocated_gib.unwrap_or(0),
        )
        .set("iops", db.storage.iops.unwrap_or(iops))
        .set(
            "throughput_mibps",
            db.storage.throughput_mibps.unwrap_or(throughput),
        )
        .set("storage_encrypted", db.storage.encrypted)
        .set("kms_key_id", json!(db.storage.kms_key_id))
        .set("multi_az", db.multi_az)
        .set("port", db.port.unwrap_or(db.engine.default_port()))
        .set("database_name", json!(db.database_name))
        .set("master_username", db.master_user.username.clone())
        .set(
            "master_password",
            match db.master_user.password {
                PasswordSource::RdsManaged => "rds_managed",
                PasswordSource::Generated => "generated",
            },
        )
        .set("backup_retention_days", db.backup.retention_days)
        .set("backup_window", json!(db.backup.window))
        .set(
            "maintenance_window",
            json!(db.maintenance_window.as_ref().map(|w| w.to_lowercase())),
        )
        .set("performance_insights", pi.enabled)
        .set(
            "performance_insights_retention_days",
            json!(pi.enabled.then(|| pi.retention_days.unwrap_or(7))),
        )
        .set("performance_insights_kms_key_id", json!(pi.kms_key_id))
        .set("monitoring_interval_seconds", em.interval_seconds)
        .set("monitoring_role_arn", monitoring_role_arn(em))
        .set("deletion_protection", db.deletion_protection)
        .set("publicly_accessible", db.publicly_accessible)
        .set("auto_minor_version_upgrade", db.auto_minor_version_upgrade)
        .set("copy_tags_to_snapshot", db.copy_tags_to_snapshot)
        .set("parameter_group", json!(parameter_group))
        .set("subnet_group", subnet_group.clone())
        .set("security_groups", cx.sg_list(&db.security_groups))
        .set("tags", cx.tags.clone())
        .set("apply_changes", apply_changes_name(db.apply_changes))
        .after(Address::new(Kind::DbSubnetGroup, subnet_group));
    primary = with_deps(primary, cx.sg_deps(&db.security_groups));
    if let Some(pg) = parameter_group {
        primary = primary.after(Address::new(Kind::DbParameterGroup, pg));
    }
    if let Some(sec) = master_secret {
        primary = primary.after(Address::new(Kind::Secret, sec));
    }
    primary
}

/// The read replicas, each after the primary and the groups it shares with it.
pub(super) fn desired_replicas(
    cx: &Inputs<'_>,
    primary: &Address,
    parameter_group: Option<&str>,
) -> Vec<Resource> {
    let db = &cx.stack.database;
    let pi = &db.performance_insights;
    let em = &db.enhanced_monitoring;
    let mut out = Vec::new();
    for rep in &db.replicas {
        let mut r = Resource::new(Kind::DbReplica, &rep.identifier)
            .set("source", db.identifier.clone())
            .set(
                "instance_class",
                rep.instance_class
                    .clone()
                    .unwrap_or_else(|| db.instance_class.clone()),
            )
            .set("availability_zone", json!(rep.availability_zone))
            .set("performance_insights", pi.enabled)
            .set("monitoring_interval_seconds", em.interval_seconds)
            .set("monitoring_role_arn", monitoring_role_arn(em))
            .set("deletion_protection", false)
            .set("publicly_accessible", db.publicly_accessible)
            .set("auto_minor_version_upgrade", db.auto_minor_version_upgrade)
            .set("copy_tags_to_snapshot", db.copy_tags_to_snapshot)
            .set("parameter_group", json!(parameter_group))
            .set("security_groups", cx.sg_list(&db.security_groups))
            .set("tags", cx.tags.clone())
            .set("apply_changes", apply_changes_name(db.apply_changes))
            .after(primary.clone());
        r = with_deps(r, cx.sg_deps(&db.security_groups));
        if let Some(pg) = parameter_group {
            r = r.after(Address::new(Kind::DbParameterGroup, pg));
        }
        out.push(r);
    }
    out
}
