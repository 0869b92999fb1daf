//! The DB instance's and replica's attribute rows on AWS's side: for each row of
//! `model::db_instance`, how it is read from `DescribeDBInstances` and which field of
//! `CreateDBInstance`, `CreateDBInstanceReadReplica` and `ModifyDBInstance` it sets. Rows that
//! AWS changes in one request field together (storage, Performance Insights, monitoring) share
//! one setter.

use aws_sdk_rds::operation::create_db_instance::builders::CreateDBInstanceFluentBuilder as Create;
use aws_sdk_rds::operation::create_db_instance_read_replica::builders::CreateDBInstanceReadReplicaFluentBuilder as Replica;
use aws_sdk_rds::operation::modify_db_instance::builders::ModifyDBInstanceFluentBuilder as Modify;
use aws_sdk_rds::types::{
    CloudwatchLogsExportConfiguration, DbInstance, PendingModifiedValues as Held,
};
use serde_json::{Value, json};

use super::super::Req;
use crate::aws::read::{Context, arn_name, nz, tag_map};
use crate::aws::write::rds_tag_list;
use crate::model::db_instance::attr::*;
use crate::model::db_instance::{IN_SYNC, takes_provisioned};

/// What a row is read from: one instance in AWS's answer, and the rest of the read.
pub(super) struct Seen<'a> {
    pub inst: &'a DbInstance,
    pub cx: &'a Context<'a>,
}

impl Seen<'_> {
    fn bool(&self, v: Option<bool>) -> Value {
        json!(v.unwrap_or(false))
    }
    fn monitoring(&self) -> i32 {
        self.inst.monitoring_interval().unwrap_or(0)
    }
    fn pi(&self) -> bool {
        self.inst.performance_insights_enabled().unwrap_or(false)
    }
    fn storage(&self) -> &str {
        self.inst.storage_type().unwrap_or_default()
    }
}

/// The read replica's source instance, by identifier; `None` for a primary.
pub(super) fn source(inst: &DbInstance) -> Option<String> {
    nz(inst.read_replica_source_db_instance_identifier()).map(|s| arn_name(s).to_owned())
}

/// The ARN of the master user's secret that RDS manages for a primary, if it manages one.
pub(crate) fn managed_master_secret(inst: &DbInstance) -> Option<&str> {
    if source(inst).is_some() {
        return None;
    }
    inst.master_user_secret().and_then(|m| nz(m.secret_arn()))
}

/// The allocated storage a request sets.
fn allocated(q: &Req<'_>) -> i32 {
    q.i(ALLOCATED_GIB).unwrap_or(20)
}

/// The storage type a request sets (gp3 in a plan written before the row existed).
fn storage_type(q: &Req<'_>) -> String {
    q.opt(STORAGE_TYPE).unwrap_or_else(|| "gp3".into())
}

/// Whether the request's storage takes the `Iops` and the `StorageThroughput` it carries
/// (`model::db_instance::takes_provisioned`).
fn provisioned(q: &Req<'_>) -> (bool, bool) {
    takes_provisioned(&storage_type(q), u32::try_from(allocated(q)).unwrap_or(0))
}

fn rds_managed(q: &Req<'_>) -> bool {
    q.r.str(MASTER_PASSWORD) == Some("rds_managed")
}

/// How a row reaches AWS when the resource exists.
#[derive(Clone, Copy)]
pub(super) enum OnModify {
    /// Fields of `ModifyDBInstance`.
    Field(fn(Modify, &Req<'_>) -> Modify),
    /// `AddTagsToResource` and `RemoveTagsFromResource`.
    Tags,
    /// `RebootDBInstance`: AWS's state that only a reboot settles.
    Reboot,
    /// No call changes it: the model plans a replacement, or it is stackctl's own setting.
    Never,
}

/// One attribute row on AWS's side.
#[derive(Clone, Copy)]
pub(super) struct Row {
    pub attr: &'static str,
    /// From AWS's answer, in the model's form; `None` for stackctl's own settings.
    pub read: Option<fn(&Seen<'_>) -> Value>,
    pub create: Option<fn(Create, &Req<'_>) -> Create>,
    pub replica: Option<fn(Replica, &Req<'_>) -> Replica>,
    pub modify: OnModify,
    /// Its value in `PendingModifiedValues`, where AWS holds it for the maintenance window.
    pub held: Option<fn(&Held) -> Option<Value>>,
}

const fn row(attr: &'static str, read: fn(&Seen<'_>) -> Value) -> Row {
    Row {
        attr,
        read: Some(read),
        create: None,
        replica: None,
        modify: OnModify::Never,
        held: None,
    }
}

impl Row {
    const fn create(mut self, f: fn(Create, &Req<'_>) -> Create) -> Self {
        self.create = Some(f);
        self
    }
    const fn replica(mut self, f: fn(Replica, &Req<'_>) -> Replica) -> Self {
        self.replica = Some(f);
        self
    }
    const fn modify(mut self, f: fn(Modify, &Req<'_>) -> Modify) -> Self {
        self.modify = OnModify::Field(f);
        self
    }
    const fn by(mut self, how: OnModify) -> Self {
        self.modify = how;
        self
    }
    const fn held(mut self, f: fn(&Held) -> Option<Value>) -> Self {
        self.held = Some(f);
        self
    }
}

/// The storage fields AWS takes together: size, type, and the IOPS and throughput the type
/// and size provision (AWS: "When you increase the allocated storage for a DB instance that
/// uses Provisioned IOPS (gp3, io1, or io2 storage type), you must also specify the Iops
/// parameter.").
fn storage(b: Modify, q: &Req<'_>) -> Modify {
    let (iops, throughput) = provisioned(q);
    b.allocated_storage(allocated(q))
        .storage_type(storage_type(q))
        .set_iops(q.i(IOPS).filter(|_| iops))
        .set_storage_throughput(q.i(THROUGHPUT_MIBPS).filter(|_| throughput))
}

fn performance_insights(b: Modify, q: &Req<'_>) -> Modify {
    b.enable_performance_insights(q.b(PERFORMANCE_INSIGHTS))
        .set_performance_insights_retention_period(q.i(PERFORMANCE_INSIGHTS_RETENTION_DAYS))
        .set_performance_insights_kms_key_id(q.opt(PERFORMANCE_INSIGHTS_KMS_KEY_ID))
}

fn monitoring(b: Modify, q: &Req<'_>) -> Modify {
    b.monitoring_interval(q.i(MONITORING_INTERVAL_SECONDS).unwrap_or(0))
        .set_monitoring_role_arn(q.opt(MONITORING_ROLE_ARN))
}

/// The log types to export, sorted (the model's form).
fn log_types(q: &Req<'_>) -> Vec<String> {
    q.r.strings(LOG_EXPORTS)
}

/// The log types a new instance exports, `None` for none.
fn to_enable(q: &Req<'_>) -> Option<Vec<String>> {
    let logs = log_types(q);
    (!logs.is_empty()).then_some(logs)
}

/// `CloudwatchLogsExportConfiguration` says the change, not the new list: the types to enable
/// (wanted, not exported now) and to disable (exported now, not wanted), each `None` when
/// empty. Without AWS's list (no observed instance) every wanted type is enabled.
pub(super) fn log_exports_change(q: &Req<'_>) -> CloudwatchLogsExportConfiguration {
    let want = log_types(q);
    let have = q.have.map(|h| h.strings(LOG_EXPORTS)).unwrap_or_default();
    let minus = |a: &[String], b: &[String]| -> Option<Vec<String>> {
        let out: Vec<String> = a.iter().filter(|x| !b.contains(x)).cloned().collect();
        (!out.is_empty()).then_some(out)
    };
    CloudwatchLogsExportConfiguration::builder()
        .set_enable_log_types(minus(&want, &have))
        .set_disable_log_types(minus(&have, &want))
        .build()
}

/// Every row of the primary's and the replica's tables.
pub(super) static ROWS: &[Row] = &[
    row(ENGINE, |s| json!(s.inst.engine().unwrap_or_default()))
        .create(|b, q| b.engine(q.s(ENGINE))),
    row(ENGINE_VERSION, |s| {
        json!(s.inst.engine_version().unwrap_or_default())
    })
    .create(|b, q| b.engine_version(q.s(ENGINE_VERSION)))
    .modify(|b, q| {
        b.engine_version(q.s(ENGINE_VERSION))
            .allow_major_version_upgrade(true)
    })
    .held(|p| p.engine_version().map(|v| json!(v))),
    row(INSTANCE_CLASS, |s| {
        json!(s.inst.db_instance_class().unwrap_or_default())
    })
    .create(|b, q| b.db_instance_class(q.s(INSTANCE_CLASS)))
    .replica(|b, q| b.set_db_instance_class(q.opt(INSTANCE_CLASS)))
    .modify(|b, q| b.db_instance_class(q.s(INSTANCE_CLASS)))
    .held(|p| p.db_instance_class().map(|v| json!(v))),
    row(ALLOCATED_GIB, |s| {
        json!(s.inst.allocated_storage().unwrap_or(0))
    })
    .create(|b, q| b.allocated_storage(allocated(q)))
    .modify(storage)
    .held(|p| p.allocated_storage().map(|v| json!(v))),
    row(STORAGE_TYPE, |s| {
        json!(s.inst.storage_type().unwrap_or_default())
    })
    .create(|b, q| b.storage_type(storage_type(q)))
    .modify(storage)
    .held(|p| p.storage_type().map(|v| json!(v))),
    // 0: autoscaling off. AWS turns it off when the ceiling equals the allocated storage.
    row(MAX_ALLOCATED_GIB, |s| {
        json!(s.inst.max_allocated_storage().unwrap_or(0))
    })
    .create(|b, q| b.set_max_allocated_storage(q.i(MAX_ALLOCATED_GIB).filter(|m| *m > 0)))
    .modify(|b, q| {
        let max = q.i(MAX_ALLOCATED_GIB).unwrap_or(0);
        b.max_allocated_storage(if max > 0 { max } else { allocated(q) })
    }),
    // gp2's IOPS follow its size, and only gp3 has a throughput: AWS's figure is not a setting.
    row(IOPS, |s| {
        json!(s.inst.iops().filter(|_| s.storage() != "gp2"))
    })
    .create(|b, q| b.set_iops(q.i(IOPS).filter(|_| provisioned(q).0)))
    .modify(storage)
    .held(|p| p.iops().map(|v| json!(v))),
    row(THROUGHPUT_MIBPS, |s| {
        json!(s.inst.storage_throughput().filter(|_| s.storage() == "gp3"))
    })
    .create(|b, q| b.set_storage_throughput(q.i(THROUGHPUT_MIBPS).filter(|_| provisioned(q).1)))
    .modify(storage)
    .held(|p| p.storage_throughput().map(|v| json!(v))),
    row(STORAGE_ENCRYPTED, |s| s.bool(s.inst.storage_encrypted()))
        .create(|b, q| b.storage_encrypted(q.b(STORAGE_ENCRYPTED))),
    row(KMS_KEY_ID, |s| json!(nz(s.inst.kms_key_id())))
        .create(|b, q| b.set_kms_key_id(q.opt(KMS_KEY_ID))),
    row(MULTI_AZ, |s| s.bool(s.inst.multi_az()))
        .create(|b, q| b.multi_az(q.b(MULTI_AZ)))
        .replica(|b, q| b.multi_az(q.b(MULTI_AZ)))
        .modify(|b, q| b.multi_az(q.b(MULTI_AZ)))
        .held(|p| p.multi_az().map(|v| json!(v))),
    row(PORT, |s| {
        let i = s.inst;
        json!(
            i.endpoint()
                .and_then(|e| e.port())
                .or(i.db_instance_port().filter(|p| *p > 0))
        )
    })
    .create(|b, q| b.set_port(q.i(PORT)))
    .modify(|b, q| b.set_db_port_number(q.i(PORT))),
    row(DATABASE_NAME, |s| json!(nz(s.inst.db_name())))
        .create(|b, q| b.set_db_name(q.opt(DATABASE_NAME))),
    row(MASTER_USERNAME, |s| {
        json!(s.inst.master_username().unwrap_or_default())
    })
    .create(|b, q| b.master_username(q.s(MASTER_USERNAME))),
    // RDS manages it, or it is the generated secret's value (read right before the call).
    row(MASTER_PASSWORD, |s| {
        json!(if managed_master_secret(s.inst).is_some() {
            "rds_managed"
        } else {
            "generated"
        })
    })
    .create(|b, q| {
        b.set_manage_master_user_password(rds_managed(q).then_some(true))
            .set_master_user_password(q.secret())
    })
    .modify(|b, q| {
        b.manage_master_user_password(rds_managed(q))
            .set_master_user_password(q.secret())
    }),
    row(BACKUP_RETENTION_DAYS, |s| {
        json!(s.inst.backup_retention_period().unwrap_or(0))
    })
    .create(|b, q| b.backup_retention_period(q.i(BACKUP_RETENTION_DAYS).unwrap_or(7)))
    .modify(|b, q| b.backup_retention_period(q.i(BACKUP_RETENTION_DAYS).unwrap_or(0)))
    .held(|p| p.backup_retention_period().map(|v| json!(v))),
    row(BACKUP_WINDOW, |s| {
        json!(nz(s.inst.preferred_backup_window()))
    })
    .create(|b, q| b.set_preferred_backup_window(q.opt(BACKUP_WINDOW)))
    .modify(|b, q| b.set_preferred_backup_window(q.opt(BACKUP_WINDOW))),
    row(MAINTENANCE_WINDOW, |s| {
        json!(nz(s.inst.preferred_maintenance_window()).map(str::to_lowercase))
    })
    .create(|b, q| b.set_preferred_maintenance_window(q.opt(MAINTENANCE_WINDOW)))
    .modify(|b, q| b.set_preferred_maintenance_window(q.opt(MAINTENANCE_WINDOW))),
    row(PERFORMANCE_INSIGHTS, |s| json!(s.pi()))
        .create(|b, q| b.enable_performance_insights(q.b(PERFORMANCE_INSIGHTS)))
        .replica(|b, q| b.enable_performance_insights(q.b(PERFORMANCE_INSIGHTS)))
        .modify(performance_insights),
    row(PERFORMANCE_INSIGHTS_RETENTION_DAYS, |s| {
        json!(
            s.inst
                .performance_insights_retention_period()
                .filter(|_| s.pi())
        )
    })
    .create(|b, q| {
        b.set_performance_insights_retention_period(q.i(PERFORMANCE_INSIGHTS_RETENTION_DAYS))
    })
    .modify(performance_insights),
    row(PERFORMANCE_INSIGHTS_KMS_KEY_ID, |s| {
        json!(nz(s.inst.performance_insights_kms_key_id()).filter(|_| s.pi()))
    })
    .create(|b, q| b.set_performance_insights_kms_key_id(q.opt(PERFORMANCE_INSIGHTS_KMS_KEY_ID)))
    .modify(performance_insights),
    row(MONITORING_INTERVAL_SECONDS, |s| json!(s.monitoring()))
        .create(|b, q| b.monitoring_interval(q.i(MONITORING_INTERVAL_SECONDS).unwrap_or(0)))
        .replica(|b, q| b.monitoring_interval(q.i(MONITORING_INTERVAL_SECONDS).unwrap_or(0)))
        .modify(monitoring),
    // Only while monitoring is on.
    row(MONITORING_ROLE_ARN, |s| {
        json!(nz(s.inst.monitoring_role_arn()).filter(|_| s.monitoring() > 0))
    })
    .create(|b, q| b.set_monitoring_role_arn(q.opt(MONITORING_ROLE_ARN)))
    .replica(|b, q| b.set_monitoring_role_arn(q.opt(MONITORING_ROLE_ARN)))
    .modify(monitoring),
    row(DELETION_PROTECTION, |s| {
        s.bool(s.inst.deletion_protection())
    })
    .create(|b, q| b.deletion_protection(q.b(DELETION_PROTECTION)))
    .replica(|b, q| b.deletion_protection(q.b(DELETION_PROTECTION)))
    .modify(|b, q| b.deletion_protection(q.b(DELETION_PROTECTION))),
    row(PUBLICLY_ACCESSIBLE, |s| {
        s.bool(s.inst.publicly_accessible())
    })
    .create(|b, q| b.publicly_accessible(q.b(PUBLICLY_ACCESSIBLE)))
    .replica(|b, q| b.publicly_accessible(q.b(PUBLICLY_ACCESSIBLE)))
    .modify(|b, q| b.publicly_accessible(q.b(PUBLICLY_ACCESSIBLE))),
    row(AUTO_MINOR_VERSION_UPGRADE, |s| {
        s.bool(s.inst.auto_minor_version_upgrade())
    })
    .create(|b, q| b.auto_minor_version_upgrade(q.b(AUTO_MINOR_VERSION_UPGRADE)))
    .replica(|b, q| b.auto_minor_version_upgrade(q.b(AUTO_MINOR_VERSION_UPGRADE)))
    .modify(|b, q| b.auto_minor_version_upgrade(q.b(AUTO_MINOR_VERSION_UPGRADE))),
    row(COPY_TAGS_TO_SNAPSHOT, |s| {
        s.bool(s.inst.copy_tags_to_snapshot())
    })
    .create(|b, q| b.copy_tags_to_snapshot(q.b(COPY_TAGS_TO_SNAPSHOT)))
    .replica(|b, q| b.copy_tags_to_snapshot(q.b(COPY_TAGS_TO_SNAPSHOT)))
    .modify(|b, q| b.copy_tags_to_snapshot(q.b(COPY_TAGS_TO_SNAPSHOT))),
    row(IAM_DATABASE_AUTHENTICATION, |s| {
        s.bool(s.inst.iam_database_authentication_enabled())
    })
    .create(|b, q| b.enable_iam_database_authentication(q.b(IAM_DATABASE_AUTHENTICATION)))
    .modify(|b, q| b.enable_iam_database_authentication(q.b(IAM_DATABASE_AUTHENTICATION)))
    .held(|p| p.iam_database_authentication_enabled().map(|v| json!(v))),
    row(CA_CERTIFICATE_IDENTIFIER, |s| {
        json!(nz(s.inst.ca_certificate_identifier()))
    })
    .create(|b, q| b.set_ca_certificate_identifier(q.opt(CA_CERTIFICATE_IDENTIFIER)))
    .modify(|b, q| b.set_ca_certificate_identifier(q.opt(CA_CERTIFICATE_IDENTIFIER)))
    .held(|p| p.ca_certificate_identifier().map(|v| json!(v))),
    // Sorted, as the model has it.
    row(LOG_EXPORTS, |s| {
        let mut logs = s.inst.enabled_cloudwatch_logs_exports().to_vec();
        logs.sort();
        json!(logs)
    })
    .create(|b, q| b.set_enable_cloudwatch_logs_exports(to_enable(q)))
    .replica(|b, q| b.set_enable_cloudwatch_logs_exports(to_enable(q)))
    .modify(|b, q| b.cloudwatch_logs_export_configuration(log_exports_change(q))),
    row(PARAMETER_GROUP, |s| {
        json!(
            s.inst
                .db_parameter_groups()
                .first()
                .and_then(|p| p.db_parameter_group_name())
        )
    })
    .create(|b, q| b.set_db_parameter_group_name(q.opt(PARAMETER_GROUP)))
    .replica(|b, q| b.set_db_parameter_group_name(q.opt(PARAMETER_GROUP)))
    .modify(|b, q| b.set_db_parameter_group_name(q.opt(PARAMETER_GROUP))),
    // `pending-reboot` until a reboot applies the group's parameters; anything else settles
    // by itself (`applying` becomes `in-sync`).
    row(PARAMETER_APPLY_STATUS, |s| {
        let group = s.inst.db_parameter_groups().first();
        let status = group.and_then(|g| g.parameter_apply_status());
        json!(if status == Some("pending-reboot") {
            "pending-reboot"
        } else {
            IN_SYNC
        })
    })
    .by(OnModify::Reboot),
    row(SUBNET_GROUP, |s| {
        json!(
            s.inst
                .db_subnet_group()
                .and_then(|g| g.db_subnet_group_name())
        )
    })
    .create(|b, q| b.set_db_subnet_group_name(q.opt(SUBNET_GROUP)))
    .modify(|b, q| b.set_db_subnet_group_name(q.opt(SUBNET_GROUP)))
    .held(|p| p.db_subnet_group_name().map(|v| json!(v))),
    row(SECURITY_GROUPS, |s| {
        let ids = s.inst.vpc_security_groups().iter();
        s.cx.sg_list(
            ids.filter_map(|m| m.vpc_security_group_id().map(str::to_owned))
                .collect(),
        )
    })
    .create(|b, q| b.set_vpc_security_group_ids(q.sg_ids.clone()))
    .replica(|b, q| b.set_vpc_security_group_ids(q.sg_ids.clone()))
    .modify(|b, q| b.set_vpc_security_group_ids(q.sg_ids.clone())),
    Row {
        modify: OnModify::Tags,
        ..row(TAGS, |s| {
            json!(tag_map(
                s.inst.tag_list().iter().map(|t| (t.key(), t.value()))
            ))
        })
        .create(|b, q| b.set_tags(Some(rds_tag_list(&q.create_tags))))
        .replica(|b, q| b.set_tags(Some(rds_tag_list(&q.create_tags))))
    },
    // How deferrable changes are sent (`ApplyImmediately`): stackctl's, not AWS's state.
    Row {
        read: None,
        ..row(APPLY_CHANGES, |_| Value::Null)
    },
    // The name AWS knows the instance by; a modify renames it (the call names the instance by
    // the name it has: `DbInstances::modify`).
    row(IDENTIFIER, |s| json!(nz(s.inst.db_instance_identifier())))
        .create(|b, q| b.db_instance_identifier(q.s(IDENTIFIER)))
        .modify(|b, q| b.set_new_db_instance_identifier(q.opt(IDENTIFIER)))
        .held(|p| p.db_instance_identifier().map(|v| json!(v))),
    // The name it is renamed from: stackctl's, not AWS's state.
    Row {
        read: None,
        ..row(RENAMED_FROM, |_| Value::Null)
    },
    row(SOURCE, |s| json!(source(s.inst)))
        .replica(|b, q| b.source_db_instance_identifier(q.s(SOURCE))),
    row(AVAILABILITY_ZONE, |s| json!(nz(s.inst.availability_zone())))
        .replica(|b, q| b.set_availability_zone(q.opt(AVAILABILITY_ZONE))),
];

/// The row of an attribute.
pub(super) fn row_of(attr: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.attr == attr)
}
