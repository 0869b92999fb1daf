//! The RDS primary instance and its read replicas.

use serde_json::{Value, json};

use super::aws_docs::{
    self, RDS_AT_ONCE, RDS_AUTO_MINOR_UPGRADE_OUTAGE, RDS_AUTOMATED_BACKUPS, RDS_BACKUP_RETENTION,
    RDS_ENCRYPTION, RDS_HELD_FOR_WINDOW, RDS_INSTANCE_CLASS, RDS_MASTER_ACCOUNTS,
    RDS_MODIFY_DB_INSTANCE, RDS_MULTI_AZ, RDS_NO_DOWNTIME, RDS_NO_REBOOT_IN_WINDOW,
    RDS_PARAMETER_GROUP, RDS_PUBLICLY_ACCESSIBLE, RDS_REBOOT, RDS_RENAME, RDS_REPLICA_REBOOT,
    RDS_SECURITY_GROUPS, RDS_SETTINGS, RDS_UPGRADE_MYSQL, RDS_VPC_TO_VPC,
};
use super::desired::{Inputs, with_deps};
use super::network::db_subnet_group_name;
use super::types::{Address, AttrSpec, Compare, Cost, Impact, Kind, KindSpec, Resource, Source};
use crate::spec::stack::{ApplyChanges, EnhancedMonitoring, Instance, Storage, StorageType};
use attr::*;

/// The DB instance's and replica's attributes, each name written once: a misspelt one does
/// not compile (the rows here, the desired values below and the AWS side in
/// `aws::kinds::db_instance` all name them through these).
pub mod attr {
    pub const IDENTIFIER: &str = "identifier";
    pub const RENAMED_FROM: &str = "renamed_from";
    pub const ENGINE: &str = "engine";
    pub const ENGINE_VERSION: &str = "engine_version";
    pub const INSTANCE_CLASS: &str = "instance_class";
    pub const ALLOCATED_GIB: &str = "allocated_gib";
    pub const STORAGE_TYPE: &str = "storage_type";
    pub const MAX_ALLOCATED_GIB: &str = "max_allocated_gib";
    pub const IOPS: &str = "iops";
    pub const THROUGHPUT_MIBPS: &str = "throughput_mibps";
    pub const STORAGE_ENCRYPTED: &str = "storage_encrypted";
    pub const KMS_KEY_ID: &str = "kms_key_id";
    pub const MULTI_AZ: &str = "multi_az";
    pub const PORT: &str = "port";
    pub const DATABASE_NAME: &str = "database_name";
    pub const MASTER_USERNAME: &str = "master_username";
    pub const MASTER_PASSWORD: &str = "master_password";
    pub const BACKUP_RETENTION_DAYS: &str = "backup_retention_days";
    pub const BACKUP_WINDOW: &str = "backup_window";
    pub const MAINTENANCE_WINDOW: &str = "maintenance_window";
    pub const PERFORMANCE_INSIGHTS: &str = "performance_insights";
    pub const PERFORMANCE_INSIGHTS_RETENTION_DAYS: &str = "performance_insights_retention_days";
    pub const PERFORMANCE_INSIGHTS_KMS_KEY_ID: &str = "performance_insights_kms_key_id";
    pub const MONITORING_INTERVAL_SECONDS: &str = "monitoring_interval_seconds";
    pub const MONITORING_ROLE_ARN: &str = "monitoring_role_arn";
    pub const DELETION_PROTECTION: &str = "deletion_protection";
    pub const PUBLICLY_ACCESSIBLE: &str = "publicly_accessible";
    pub const AUTO_MINOR_VERSION_UPGRADE: &str = "auto_minor_version_upgrade";
    pub const COPY_TAGS_TO_SNAPSHOT: &str = "copy_tags_to_snapshot";
    pub const IAM_DATABASE_AUTHENTICATION: &str = "iam_database_authentication";
    pub const CA_CERTIFICATE_IDENTIFIER: &str = "ca_certificate_identifier";
    pub const LOG_EXPORTS: &str = "log_exports";
    pub const PARAMETER_APPLY_STATUS: &str = "parameter_apply_status";
    pub const PARAMETER_GROUP: &str = "parameter_group";
    pub const SUBNET_GROUP: &str = "subnet_group";
    pub const SECURITY_GROUPS: &str = "security_groups";
    pub const TAGS: &str = "tags";
    pub const APPLY_CHANGES: &str = "apply_changes";
    pub const SOURCE: &str = "source";
    pub const AVAILABILITY_ZONE: &str = "availability_zone";
}

pub static DB_INSTANCE: KindSpec = KindSpec {
    kind: Kind::DbInstance,
    name: "db_instance",
    label: "RDS instance",
    stateful: true,
    loses_data: true,
    attrs: &[
        // The name AWS knows the instance by. It changes only by a rename the spec asks for
        // (`renamed_from`): the planner holds the instance under its new name
        // (`plan::rename`), and this row is then the change.
        AttrSpec::online(IDENTIFIER)
            .with(Impact::BriefOutage)
            .cases("a rename (`renamed_from`): in place, the data stays; the instance reboots and is unavailable until its new DNS name is in effect (about 10 minutes); its replicas and tags stay with it, its endpoint changes; always at once (its proxy target and alarms follow in the same apply): refused with `apply_changes: in_maintenance_window`")
            .sources(&[
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "When you change the DB instance identifier, an instance reboot occurs immediately if you enable ApplyImmediately, or will occur during the next maintenance window if you disable ApplyImmediately.",
                ),
                Source::doc(
                    RDS_RENAME,
                    "The renamed DB instance is not available until the new name becomes effective.",
                ),
                Source::doc(
                    RDS_RENAME,
                    "All read replicas associated with a DB instance remain associated with that instance after it is renamed.",
                ),
            ]),
        AttrSpec::online(RENAMED_FROM)
            .compare(Compare::Never)
            .sources(&[aws_docs::RENAMED_FROM]),
        AttrSpec::online(ENGINE)
            .with(Impact::ReplaceDataLoss)
            .sources(&[Source::doc(
                RDS_MODIFY_DB_INSTANCE,
                "Engine : The target Oracle DB engine when you convert a non-CDB to a CDB.",
            )]),
        // Up only: see `engine_version_change`.
        AttrSpec::online(ENGINE_VERSION)
            .with(Impact::BriefOutage)
            .compare(Compare::MinorUpgradable)
            .deferrable()
            .by_change(engine_version_change)
            .cases("an upgrade: brief outage (Multi-AZ does not avoid it: the primary and the standby are upgraded together), held for the maintenance window unless applied immediately; a downgrade: refused (RDS only upgrades); AWS ahead of the spec by an automatic minor upgrade: no change, a note")
            .sources(&[
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "Changing this parameter results in an outage and the change is applied during the next maintenance window unless the ApplyImmediately parameter is enabled for this request.",
                ),
                Source::doc(
                    RDS_UPGRADE_MYSQL,
                    "The primary and standby DB instances are upgraded at the same time and you will experience an outage until the upgrade is complete.",
                ),
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "The version number of the database engine to upgrade to.",
                ),
            ]),
        AttrSpec::online(INSTANCE_CLASS)
            .with(Impact::BriefOutage)
            .failover_when_multi_az()
            .deferrable()
            .sources(&[
                RDS_INSTANCE_CLASS,
                Source::doc(
                    RDS_MULTI_AZ,
                    "An RDS DB instance modification triggered a failover.",
                ),
                Source::doc(RDS_MULTI_AZ, "Failover times are typically 60–120 seconds."),
            ]),
        AttrSpec::online(ALLOCATED_GIB)
            .compare(Compare::GrowsUpToMax)
            .deferrable()
            .cases("an increase: online, held for the maintenance window unless applied immediately; a decrease: refused (storage only grows); AWS above the spec within `max_allocated_gib` (autoscaling): no change, a note")
            .sources(&[
                Source::doc(
                    RDS_SETTINGS,
                    "Downtime doesn't occur during this change. Performance might be degraded during the change.",
                ),
                RDS_HELD_FOR_WINDOW,
                Source::doc(
                    RDS_SETTINGS,
                    "You can only increase the allocated storage. You can't reduce the allocated storage.",
                ),
            ]),
        AttrSpec::online(STORAGE_TYPE)
            .with(Impact::BriefOutage)
            .deferrable()
            .cases("any change between gp2, gp3, io1 and io2: a brief downtime while it starts (the list of the changes AWS says cause it could not be read, so stackctl assumes it for each), then online while storage optimization runs; held for the maintenance window unless applied immediately")
            .sources(&[
                Source::doc(
                    RDS_SETTINGS,
                    "The following changes all result in a brief downtime while the process starts. After that, you can use your database normally while the change takes place.",
                ),
                RDS_HELD_FOR_WINDOW,
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "If you specify io1, io2, or gp3 you must also include a value for the Iops parameter.",
                ),
            ]),
        // 0: storage autoscaling off.
        AttrSpec::online(MAX_ALLOCATED_GIB).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(IOPS).deferrable().sources(&[Source::doc(
            RDS_MODIFY_DB_INSTANCE,
            "Changing this setting doesn't result in an outage and the change is applied during the next maintenance window unless the ApplyImmediately parameter is enabled for this request.",
        )]),
        AttrSpec::online(THROUGHPUT_MIBPS)
            .deferrable()
            .sources(&[RDS_NO_DOWNTIME, RDS_HELD_FOR_WINDOW]),
        AttrSpec::online(STORAGE_ENCRYPTED)
            .with(Impact::ReplaceDataLoss)
            .sources(&[
                Source::doc(
                    RDS_ENCRYPTION,
                    "You can only encrypt an Amazon RDS DB instance when you create it, not after the DB instance is created.",
                ),
                Source::doc(
                    RDS_ENCRYPTION,
                    "You can't turn off encryption on an encrypted DB instance.",
                ),
            ]),
        AttrSpec::online(KMS_KEY_ID)
            .with(Impact::ReplaceDataLoss)
            .compare(Compare::KmsKey)
            .unmanaged_when_null()
            .sources(&[Source::doc(
                RDS_ENCRYPTION,
                "Once you have created an encrypted DB instance, you can't change the KMS key used by that DB instance.",
            )]),
        AttrSpec::online(MULTI_AZ).deferrable().sources(&[Source::doc(
            RDS_MODIFY_DB_INSTANCE,
            "Changing this parameter doesn't result in an outage. The change is applied during the next maintenance window unless the ApplyImmediately parameter is enabled for this request.",
        )]),
        AttrSpec::online(PORT)
            .with(Impact::BriefOutage)
            .sources(&[Source::doc(
                RDS_MODIFY_DB_INSTANCE,
                "If you change the DBPortNumber value, your database restarts regardless of the value of the ApplyImmediately parameter.",
            )]),
        AttrSpec::online(DATABASE_NAME)
            .with(Impact::ReplaceDataLoss)
            .sources(&[Source::NotDocumented(
                "AWS documents no way to change it: ModifyDBInstance has no DBName parameter, and the rename page sends you to the DB engine's documentation",
            )]),
        AttrSpec::online(MASTER_USERNAME)
            .with(Impact::ReplaceDataLoss)
            .sources(&[Source::doc(
                RDS_MASTER_ACCOUNTS,
                "You can't change the master user name after the DB instance is created.",
            )]),
        // `rds_managed`, `generated` or `secret_arn:<ARN>` (the team's secret, compared as
        // `secret_arn`: AWS does not say which secret a password came from).
        AttrSpec::online(MASTER_PASSWORD).compare(Compare::PasswordSource).sources(&[
            Source::doc(
                RDS_SETTINGS,
                "If you are turning on or turning off automatic master user password management, the change occurs immediately. This change ignores the apply immediately setting.",
            ),
            RDS_NO_DOWNTIME,
        ]),
        // The cost depends on the change: see `backup_retention_change`.
        AttrSpec::online(BACKUP_RETENTION_DAYS)
            .deferrable()
            .by_change(backup_retention_change)
            .cases("0 → n or n → 0: brief outage (Single-AZ or Multi-AZ), held for the maintenance window unless applied immediately; n → 0 also deletes the automated backups; n → m (both non-zero): online, applied at once, never held")
            .sources(&[
                Source::doc(
                    RDS_BACKUP_RETENTION,
                    "An outage occurs if you change the backup retention period of a DB instance from 0 to a nonzero value or from a nonzero value to 0.",
                ),
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "These changes are applied during the next maintenance window unless the ApplyImmediately parameter is enabled for this request.",
                ),
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "If you change the parameter from one non-zero value to another non-zero value, the change is asynchronously applied as soon as possible.",
                ),
                Source::doc(
                    RDS_AUTOMATED_BACKUPS,
                    "Disabling automatic backups for a DB instance or Multi-AZ DB cluster deletes all existing automated backups for the database.",
                ),
            ]),
        AttrSpec::online(BACKUP_WINDOW)
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null()
            .sources(&[Source::doc(
                RDS_MODIFY_DB_INSTANCE,
                "Changing this parameter doesn't result in an outage and the change is asynchronously applied as soon as possible.",
            )]),
        AttrSpec::online(MAINTENANCE_WINDOW)
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null()
            .sources(&[Source::doc(
                RDS_SETTINGS,
                "If there are one or more pending actions that cause downtime, and the maintenance window is changed to include the current time, those pending actions are applied immediately and downtime occurs.",
            )]),
        AttrSpec::online(PERFORMANCE_INSIGHTS).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(PERFORMANCE_INSIGHTS_RETENTION_DAYS)
            .unmanaged_when_null()
            .sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(PERFORMANCE_INSIGHTS_KMS_KEY_ID)
            .compare(Compare::KmsKey)
            .unmanaged_when_null()
            .sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(MONITORING_INTERVAL_SECONDS).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(MONITORING_ROLE_ARN)
            .unmanaged_when_null()
            .sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(DELETION_PROTECTION).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(PUBLICLY_ACCESSIBLE).sources(&[RDS_PUBLICLY_ACCESSIBLE, RDS_NO_DOWNTIME]),
        AttrSpec::online(AUTO_MINOR_VERSION_UPGRADE).sources(&[
            RDS_AT_ONCE,
            RDS_NO_DOWNTIME,
            RDS_AUTO_MINOR_UPGRADE_OUTAGE,
        ]),
        AttrSpec::online(COPY_TAGS_TO_SNAPSHOT).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        // No outage; AWS holds it for the window like other settings (ModifyDBInstance
        // EnableIAMDatabaseAuthentication; PendingModifiedValues.IAMDatabaseAuthenticationEnabled).
        AttrSpec::online(IAM_DATABASE_AUTHENTICATION)
            .deferrable()
            .sources(&[RDS_NO_DOWNTIME, RDS_HELD_FOR_WINDOW]),
        // "An outage only occurs if the DB engine doesn't support rotation without restart"
        // (Settings for DB instances, Certificate authority); held for the window unless
        // applied immediately.
        AttrSpec::online(CA_CERTIFICATE_IDENTIFIER)
            .with(Impact::BriefOutage)
            .deferrable()
            .unmanaged_when_null()
            .sources(&[
                Source::doc(
                    RDS_SETTINGS,
                    "Downtime only occurs if the DB engine doesn't support rotation without restart.",
                ),
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "By default, the DB instance is restarted when you rotate your SSL/TLS certificate. The certificate is not updated until the DB instance is restarted.",
                ),
            ]),
        // The log types exported to CloudWatch Logs, sorted; empty: none. Sent as
        // CloudwatchLogsExportConfiguration (the types to enable and to disable), which AWS
        // applies at once, never in the window. Each replica has its own (`DB_REPLICA`).
        AttrSpec::online(LOG_EXPORTS)
            .compare(Compare::Unordered)
            .sources(&[
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "A change to the CloudwatchLogsExportConfiguration parameter is always applied to the DB instance immediately. Therefore, the ApplyImmediately parameter has no effect.",
                ),
                RDS_NO_DOWNTIME,
            ]),
        AttrSpec::online(PARAMETER_GROUP)
            .with(Impact::Reboot)
            .unmanaged_when_null()
            .sources(&[
                RDS_PARAMETER_GROUP,
                Source::doc(
                    RDS_REBOOT,
                    "An outage occurs for both a Single-AZ deployment and a Multi-AZ DB instance deployment, even when you reboot with a failover.",
                ),
            ]),
        // Named from the stack. ModifyDBInstance DBSubnetGroupName moves the instance in
        // place: "Changing the subnet group causes an outage during the change. The change is
        // applied during the next maintenance window, unless you enable ApplyImmediately." Only
        // to another VPC, and not for a Multi-AZ instance or one with read replicas: the
        // planner refuses the rest from AWS's state (`plan::subnet_move`).
        AttrSpec::online(SUBNET_GROUP)
            .with(Impact::BriefOutage)
            .deferrable()
            .cases("a group in another VPC: brief outage, held for the maintenance window unless applied immediately; a group in the instance's own VPC (the stack's group is in the spec's VPC), a Multi-AZ instance, or one with read replicas: refused (AWS moves an instance only to another VPC, and not these)")
            .sources(&[
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "Changing the subnet group causes an outage during the change. The change is applied during the next maintenance window, unless you enable ApplyImmediately.",
                ),
                Source::doc(
                    RDS_VPC_TO_VPC,
                    "The new subnet group must be a subnet group in a new VPC.",
                ),
                Source::doc(
                    RDS_VPC_TO_VPC,
                    "You can't change the VPC for a DB instance if the following conditions apply: The DB instance is in multiple Availability Zones.",
                ),
                Source::doc(RDS_VPC_TO_VPC, "The DB instance has one or more read replicas."),
            ]),
        // `in-sync`, or `pending-reboot`: parameters AWS applies only at a reboot, which it
        // never performs by itself ("The pending-reboot parameter groups status doesn't result
        // in an automatic reboot during the next maintenance window", RDS User Guide,
        // Rebooting a DB instance). RebootDBInstance brings it in sync.
        AttrSpec::online(PARAMETER_APPLY_STATUS)
            .with(Impact::Reboot)
            .compare(Compare::State)
            .sources(&[RDS_NO_REBOOT_IN_WINDOW]),
        AttrSpec::online(SECURITY_GROUPS)
            .compare(Compare::Unordered)
            .unmanaged_when_null()
            .sources(&[RDS_SECURITY_GROUPS, RDS_NO_DOWNTIME]),
        AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
        // `immediately` or `in_maintenance_window`: how deferrable changes are applied.
        AttrSpec::online(APPLY_CHANGES)
            .compare(Compare::Never)
            .sources(&[aws_docs::APPLY_CHANGES]),
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
        AttrSpec::online(SOURCE)
            .with(Impact::Replace)
            .sources(&[Source::NotDocumented(
                "AWS documents no change of a replica's source: ModifyDBInstance has no parameter for it, and the only way off a source is promotion",
            )]),
        AttrSpec::online(INSTANCE_CLASS)
            .with(Impact::BriefOutage)
            .deferrable()
            .sources(&[RDS_INSTANCE_CLASS]),
        // A replica of its own: "You can create a read replica as a Multi-AZ DB instance"
        // (RDS User Guide, Working with read replicas); ModifyDBInstance changes it as it
        // changes the primary's.
        AttrSpec::online(MULTI_AZ).deferrable().sources(&[Source::doc(
            RDS_MODIFY_DB_INSTANCE,
            "Changing this parameter doesn't result in an outage. The change is applied during the next maintenance window unless the ApplyImmediately parameter is enabled for this request.",
        )]),
        AttrSpec::online(AVAILABILITY_ZONE)
            .with(Impact::Replace)
            .unmanaged_when_null()
            .sources(&[Source::NotDocumented(
                "AWS documents no move of a replica to another zone: ModifyDBInstance has no AvailabilityZone parameter",
            )]),
        AttrSpec::online(PERFORMANCE_INSIGHTS).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(MONITORING_INTERVAL_SECONDS).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(MONITORING_ROLE_ARN)
            .unmanaged_when_null()
            .sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(DELETION_PROTECTION).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(PUBLICLY_ACCESSIBLE).sources(&[RDS_PUBLICLY_ACCESSIBLE, RDS_NO_DOWNTIME]),
        AttrSpec::online(AUTO_MINOR_VERSION_UPGRADE).sources(&[
            RDS_AT_ONCE,
            RDS_NO_DOWNTIME,
            RDS_AUTO_MINOR_UPGRADE_OUTAGE,
        ]),
        AttrSpec::online(COPY_TAGS_TO_SNAPSHOT).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(PARAMETER_GROUP)
            .with(Impact::Reboot)
            .unmanaged_when_null()
            .sources(&[RDS_PARAMETER_GROUP, RDS_REPLICA_REBOOT]),
        // The replica's own exports (CreateDBInstanceReadReplica EnableCloudwatchLogsExports:
        // "The list of logs that the new DB instance is to export to CloudWatch Logs"), changed
        // as the primary's are.
        AttrSpec::online(LOG_EXPORTS)
            .compare(Compare::Unordered)
            .sources(&[
                Source::doc(
                    RDS_MODIFY_DB_INSTANCE,
                    "A change to the CloudwatchLogsExportConfiguration parameter is always applied to the DB instance immediately. Therefore, the ApplyImmediately parameter has no effect.",
                ),
                RDS_NO_DOWNTIME,
            ]),
        // `in-sync`, or `pending-reboot`: parameters AWS applies only at a reboot, which it
        // never performs by itself ("The pending-reboot parameter groups status doesn't result
        // in an automatic reboot during the next maintenance window", RDS User Guide,
        // Rebooting a DB instance). RebootDBInstance brings it in sync.
        AttrSpec::online(PARAMETER_APPLY_STATUS)
            .with(Impact::Reboot)
            .compare(Compare::State)
            .sources(&[RDS_NO_REBOOT_IN_WINDOW]),
        AttrSpec::online(SECURITY_GROUPS)
            .compare(Compare::Unordered)
            .unmanaged_when_null()
            .sources(&[RDS_SECURITY_GROUPS, RDS_NO_DOWNTIME]),
        AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
        // `immediately` or `in_maintenance_window`: how deferrable changes are applied.
        AttrSpec::online(APPLY_CHANGES)
            .compare(Compare::Never)
            .sources(&[aws_docs::APPLY_CHANGES]),
    ],
};

/// The fact (`ObservedResource::facts`) that holds the VPC of the DB subnet group an instance
/// is in (DescribeDBInstances `DBSubnetGroup.VpcId`): AWS moves an instance only to a group in
/// another VPC (`plan::subnet_move`).
pub const SUBNET_GROUP_VPC: &str = "subnet_group_vpc";

/// A DB instance's parameters as AWS reports them when nothing waits for a reboot.
pub const IN_SYNC: &str = "in-sync";

/// Backup retention from or to 0 turns automated backups on or off: "An outage occurs if you
/// change the backup retention period of a DB instance from 0 to a nonzero value or from a
/// nonzero value to 0" (RDS User Guide, "Backup retention period"; "This applies to both
/// Single-AZ and Multi-AZ DB instances", Settings for DB instances), and "These changes are
/// applied during the next maintenance window unless the ApplyImmediately parameter is enabled
/// for this request" (ModifyDBInstance BackupRetentionPeriod). Turning them off "deletes all
/// existing automated backups" (RDS User Guide, "Disabling automated backups"). Between two
/// non-zero values it is online and never held: "If you change the parameter from one non-zero
/// value to another non-zero value, the change is asynchronously applied as soon as possible"
/// (ModifyDBInstance BackupRetentionPeriod).
fn backup_retention_change(old: &Value, new: &Value, _: &Resource) -> Result<Cost, String> {
    let on = |v: &Value| v.as_i64().unwrap_or(0) > 0;
    Ok(match (on(old), on(new)) {
        (false, true) => Cost::new(Impact::BriefOutage, true),
        (true, false) => Cost::new(Impact::BriefOutage, true).noting(
            "turning backups off deletes the instance's automated backups (point-in-time recovery)",
        ),
        _ => Cost::new(Impact::Online, false),
    })
}

/// An engine version goes up only. "Changing this parameter results in an outage and the change
/// is applied during the next maintenance window unless the ApplyImmediately parameter is
/// enabled for this request"; the value is "The version number of the database engine to
/// upgrade to" (ModifyDBInstance EngineVersion), and RDS refuses a lower one ("Cannot upgrade
/// postgres from 9.6.11 to 9.6.6"). A spec behind an automatic minor upgrade is not refused.
fn engine_version_change(old: &Value, new: &Value, desired: &Resource) -> Result<Cost, String> {
    if let Some((have, want)) = super::version::downgrade(old, new, desired) {
        return Err(format!(
            "RDS upgrades a DB engine but never downgrades it (ModifyDBInstance EngineVersion is \"The version number of the database engine to upgrade to\"): set `database.engine_version` to \"{have}\", the version AWS runs, or give the instance a new `database.identifier` to create one at {want} (its data does not move with it)"
        ));
    }
    Ok(Cost::new(Impact::BriefOutage, true))
}

/// Whether gp3 storage of this size takes provisioned IOPS and throughput.
pub fn gp3_provisioned(allocated_gib: u32) -> bool {
    allocated_gib >= crate::spec::stack::GP3_PROVISIONED_MIN_GIB
}

/// The gp3 baseline for a size: (IOPS, MiB/s).
pub fn gp3_baseline(allocated_gib: u32) -> (u32, u32) {
    if gp3_provisioned(allocated_gib) {
        (12000, 500)
    } else {
        (3000, 125)
    }
}

/// Whether storage of this type and size takes the `Iops` and `StorageThroughput` a request
/// sends: io1 and io2 take IOPS at any size, gp3 both from its threshold, gp2 neither.
pub fn takes_provisioned(storage_type: &str, allocated_gib: u32) -> (bool, bool) {
    match storage_type {
        "io1" | "io2" => (true, false),
        "gp3" => (
            gp3_provisioned(allocated_gib),
            gp3_provisioned(allocated_gib),
        ),
        _ => (false, false),
    }
}

/// The IOPS and throughput of the spec's storage, as AWS reports them: gp3's baseline where
/// none is provisioned; io1's and io2's IOPS alone; nothing for gp2, whose IOPS follow its size.
fn performance(storage: &Storage) -> (Value, Value) {
    match storage.kind {
        StorageType::Gp3 => {
            let (iops, throughput) = gp3_baseline(storage.allocated_gib);
            (
                json!(storage.iops.unwrap_or(iops)),
                json!(storage.throughput_mibps.unwrap_or(throughput)),
            )
        }
        StorageType::Io1 | StorageType::Io2 => (json!(storage.iops), Value::Null),
        StorageType::Gp2 => (Value::Null, Value::Null),
    }
}

fn apply_changes_name(a: ApplyChanges) -> &'static str {
    match a {
        ApplyChanges::Immediately => "immediately",
        ApplyChanges::InMaintenanceWindow => "in_maintenance_window",
    }
}

/// The log types exported to CloudWatch Logs, sorted and each once.
fn log_exports(logs: &[String]) -> Value {
    let set: std::collections::BTreeSet<&str> = logs.iter().map(String::as_str).collect();
    json!(set)
}

/// The enhanced monitoring role, only while monitoring is on.
fn monitoring_role_arn(em: &EnhancedMonitoring) -> Value {
    json!(em.role_arn.clone().filter(|_| em.interval_seconds > 0))
}

/// The primary instance, after its subnet group, security groups, parameter group and
/// generated master secret.
pub(super) fn desired_instance(
    cx: &Inputs<'_>,
    inst: &Instance,
    parameter_group: Option<&str>,
    master_secret: Option<&str>,
) -> Resource {
    let db = &cx.stack.database;
    let subnet_group = db_subnet_group_name(cx.name());
    let storage = &inst.storage;
    let (iops, throughput) = performance(storage);
    let pi = &inst.performance_insights;
    let em = &inst.enhanced_monitoring;
    let mut primary = Resource::new(Kind::DbInstance, &db.identifier)
        .set(IDENTIFIER, db.identifier.clone())
        .set(RENAMED_FROM, json!(inst.renamed_from))
        .set(ENGINE, db.engine.as_str())
        .set(ENGINE_VERSION, db.engine_version.clone())
        .set(INSTANCE_CLASS, inst.instance_class.clone())
        .set(ALLOCATED_GIB, storage.allocated_gib)
        .set(STORAGE_TYPE, storage.kind.as_str())
        .set(MAX_ALLOCATED_GIB, storage.max_allocated_gib.unwrap_or(0))
        .set(IOPS, iops)
        .set(THROUGHPUT_MIBPS, throughput)
        .set(STORAGE_ENCRYPTED, db.encryption.encrypted)
        .set(KMS_KEY_ID, json!(db.encryption.kms_key_id))
        .set(MULTI_AZ, inst.multi_az)
        .set(PORT, db.port())
        .set(DATABASE_NAME, json!(db.database_name))
        .set(MASTER_USERNAME, db.master_user.username.clone())
        .set(MASTER_PASSWORD, db.master_user.password.row_value())
        .set(BACKUP_RETENTION_DAYS, db.backup.retention_days)
        .set(BACKUP_WINDOW, json!(db.backup.window))
        .set(
            MAINTENANCE_WINDOW,
            json!(db.maintenance_window.as_ref().map(|w| w.to_lowercase())),
        )
        .set(PERFORMANCE_INSIGHTS, pi.enabled)
        .set(
            PERFORMANCE_INSIGHTS_RETENTION_DAYS,
            json!(pi.enabled.then(|| pi.retention_days.unwrap_or(7))),
        )
        .set(PERFORMANCE_INSIGHTS_KMS_KEY_ID, json!(pi.kms_key_id))
        .set(MONITORING_INTERVAL_SECONDS, em.interval_seconds)
        .set(MONITORING_ROLE_ARN, monitoring_role_arn(em))
        .set(DELETION_PROTECTION, db.deletion_protection)
        .set(PUBLICLY_ACCESSIBLE, inst.publicly_accessible)
        .set(AUTO_MINOR_VERSION_UPGRADE, db.auto_minor_version_upgrade)
        .set(COPY_TAGS_TO_SNAPSHOT, db.copy_tags_to_snapshot)
        .set(IAM_DATABASE_AUTHENTICATION, db.iam_database_authentication)
        .set(
            CA_CERTIFICATE_IDENTIFIER,
            json!(inst.ca_certificate_identifier),
        )
        .set(LOG_EXPORTS, log_exports(&db.log_exports))
        .set(PARAMETER_GROUP, json!(parameter_group))
        .set(PARAMETER_APPLY_STATUS, IN_SYNC)
        .set(SUBNET_GROUP, subnet_group.clone())
        .set(SECURITY_GROUPS, cx.sg_list(&db.security_groups))
        .set(TAGS, cx.tags.clone())
        .set(APPLY_CHANGES, apply_changes_name(db.apply_changes))
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

/// The read replicas, each after the primary and the groups it shares with it; `groups` the
/// DB parameter group each uses, in order (its own, or the primary's).
pub(super) fn desired_replicas(
    cx: &Inputs<'_>,
    inst: &Instance,
    primary: &Address,
    groups: &[Option<String>],
) -> Vec<Resource> {
    let db = &cx.stack.database;
    let mut out = Vec::new();
    for (i, rep) in inst.replicas.iter().enumerate() {
        let rep_em = &rep.enhanced_monitoring;
        let parameter_group = groups.get(i).cloned().flatten();
        let parameter_group = parameter_group.as_deref();
        let mut r = Resource::new(Kind::DbReplica, &rep.identifier)
            .set(SOURCE, db.identifier.clone())
            .set(INSTANCE_CLASS, rep.instance_class.clone())
            .set(AVAILABILITY_ZONE, json!(rep.availability_zone))
            .set(MULTI_AZ, rep.multi_az)
            .set(PERFORMANCE_INSIGHTS, rep.performance_insights.enabled)
            .set(MONITORING_INTERVAL_SECONDS, rep_em.interval_seconds)
            .set(MONITORING_ROLE_ARN, monitoring_role_arn(rep_em))
            .set(DELETION_PROTECTION, false)
            .set(PUBLICLY_ACCESSIBLE, inst.publicly_accessible)
            .set(AUTO_MINOR_VERSION_UPGRADE, db.auto_minor_version_upgrade)
            .set(COPY_TAGS_TO_SNAPSHOT, db.copy_tags_to_snapshot)
            .set(PARAMETER_GROUP, json!(parameter_group))
            .set(PARAMETER_APPLY_STATUS, IN_SYNC)
            .set(LOG_EXPORTS, log_exports(&rep.log_exports))
            .set(SECURITY_GROUPS, cx.sg_list(&db.security_groups))
            .set(TAGS, cx.tags.clone())
            .set(APPLY_CHANGES, apply_changes_name(db.apply_changes))
            .after(primary.clone());
        r = with_deps(r, cx.sg_deps(&db.security_groups));
        if let Some(pg) = parameter_group {
            r = r.after(Address::new(Kind::DbParameterGroup, pg));
        }
        out.push(r);
    }
    out
}
