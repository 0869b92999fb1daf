//! The RDS primary instance and its read replicas.

use super::types::{AttrSpec, Compare, Impact, Kind, KindSpec};

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
