//! The Aurora cluster's attribute rows on AWS's side: for each row of `model::db_cluster`, how
//! it is read from `DescribeDBClusters` and which field of `CreateDBCluster` and
//! `ModifyDBCluster` it sets. The capacity range's two rows share one field
//! (`ServerlessV2ScalingConfiguration`).

use aws_sdk_rds::operation::create_db_cluster::builders::CreateDBClusterFluentBuilder as Create;
use aws_sdk_rds::operation::modify_db_cluster::builders::ModifyDBClusterFluentBuilder as Modify;
use aws_sdk_rds::types::{
    CloudwatchLogsExportConfiguration, ClusterPendingModifiedValues as Held, DbCluster,
    ServerlessV2ScalingConfiguration,
};
use serde_json::{Value, json};

use super::super::Req;
use crate::aws::read::{Context, nz, sorted};
use crate::aws::write::rds_tag_list;
use crate::model::db_cluster::attr::*;

/// How a row reaches AWS when the cluster exists.
#[derive(Clone, Copy)]
pub(super) enum OnModify {
    /// Fields of `ModifyDBCluster`.
    Field(fn(Modify, &Req<'_>) -> Modify),
    /// `AddTagsToResource` and `RemoveTagsFromResource`.
    Tags,
    /// No call changes it: the model plans a replacement, or it is stackctl's own setting.
    Never,
}

/// One attribute row on AWS's side.
#[derive(Clone, Copy)]
pub(super) struct Row {
    pub attr: &'static str,
    /// From AWS's answer, in the model's form; `None` for stackctl's own settings.
    pub read: Option<fn(&DbCluster, &Context) -> Value>,
    pub create: Option<fn(Create, &Req<'_>) -> Create>,
    pub modify: OnModify,
    /// Its value in `PendingModifiedValues`, where AWS holds it for the maintenance window.
    pub held: Option<fn(&Held) -> Option<Value>>,
}

const fn row(attr: &'static str, read: fn(&DbCluster, &Context) -> Value) -> Row {
    Row {
        attr,
        read: Some(read),
        create: None,
        modify: OnModify::Never,
        held: None,
    }
}

impl Row {
    const fn create(mut self, f: fn(Create, &Req<'_>) -> Create) -> Self {
        self.create = Some(f);
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

fn rds_managed(q: &Req<'_>) -> bool {
    q.r.str(MASTER_PASSWORD) == Some("rds_managed")
}

fn f(q: &Req<'_>, a: &str) -> Option<f64> {
    q.r.get(a).as_f64()
}

/// The capacity range, both ends in one field; `None` when the spec sets none.
fn capacity(q: &Req<'_>) -> Option<ServerlessV2ScalingConfiguration> {
    let (min, max) = (f(q, MIN_ACU), f(q, MAX_ACU));
    (min.is_some() || max.is_some()).then(|| {
        ServerlessV2ScalingConfiguration::builder()
            .set_min_capacity(min)
            .set_max_capacity(max)
            .build()
    })
}

/// `CloudwatchLogsExportConfiguration` says the change: the types to enable (wanted, not
/// exported now) and to disable (exported now, not wanted).
pub(super) fn log_exports_change(q: &Req<'_>) -> CloudwatchLogsExportConfiguration {
    let want = q.r.strings(LOG_EXPORTS);
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

fn acu(c: &DbCluster, which: fn(f64, f64) -> f64) -> Value {
    let s = c.serverless_v2_scaling_configuration();
    match (
        s.and_then(|s| s.min_capacity()),
        s.and_then(|s| s.max_capacity()),
    ) {
        (Some(min), Some(max)) => json!(which(min, max)),
        _ => Value::Null,
    }
}

/// Every row of the cluster's table.
pub(super) static ROWS: &[Row] = &[
    row(ENGINE, |c, _| json!(c.engine().unwrap_or_default())).create(|b, q| b.engine(q.s(ENGINE))),
    row(ENGINE_VERSION, |c, _| {
        json!(c.engine_version().unwrap_or_default())
    })
    .create(|b, q| b.engine_version(q.s(ENGINE_VERSION)))
    .modify(|b, q| {
        b.engine_version(q.s(ENGINE_VERSION))
            .allow_major_version_upgrade(true)
    })
    .held(|p| p.engine_version().map(|v| json!(v))),
    row(MIN_ACU, |c, _| acu(c, |min, _| min))
        .create(|b, q| b.set_serverless_v2_scaling_configuration(capacity(q)))
        .modify(|b, q| b.set_serverless_v2_scaling_configuration(capacity(q))),
    row(MAX_ACU, |c, _| acu(c, |_, max| max))
        .create(|b, q| b.set_serverless_v2_scaling_configuration(capacity(q)))
        .modify(|b, q| b.set_serverless_v2_scaling_configuration(capacity(q))),
    row(STORAGE_ENCRYPTED, |c, _| {
        json!(c.storage_encrypted().unwrap_or(false))
    })
    .create(|b, q| b.storage_encrypted(q.b(STORAGE_ENCRYPTED))),
    row(KMS_KEY_ID, |c, _| json!(nz(c.kms_key_id())))
        .create(|b, q| b.set_kms_key_id(q.opt(KMS_KEY_ID))),
    row(PORT, |c, _| json!(c.port().filter(|p| *p > 0)))
        .create(|b, q| b.set_port(q.i(PORT)))
        .modify(|b, q| b.set_port(q.i(PORT))),
    row(DATABASE_NAME, |c, _| json!(nz(c.database_name())))
        .create(|b, q| b.set_database_name(q.opt(DATABASE_NAME))),
    row(MASTER_USERNAME, |c, _| {
        json!(c.master_username().unwrap_or_default())
    })
    .create(|b, q| b.master_username(q.s(MASTER_USERNAME))),
    // RDS manages it, or it is the generated secret's value (read right before the call).
    row(MASTER_PASSWORD, |c, _| {
        json!(if managed_master_secret(c).is_some() {
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
    row(BACKUP_RETENTION_DAYS, |c, _| {
        json!(c.backup_retention_period().unwrap_or(0))
    })
    .create(|b, q| b.set_backup_retention_period(q.i(BACKUP_RETENTION_DAYS)))
    .modify(|b, q| b.set_backup_retention_period(q.i(BACKUP_RETENTION_DAYS))),
    row(BACKUP_WINDOW, |c, _| json!(nz(c.preferred_backup_window())))
        .create(|b, q| b.set_preferred_backup_window(q.opt(BACKUP_WINDOW)))
        .modify(|b, q| b.set_preferred_backup_window(q.opt(BACKUP_WINDOW))),
    row(MAINTENANCE_WINDOW, |c, _| {
        json!(nz(c.preferred_maintenance_window()).map(str::to_lowercase))
    })
    .create(|b, q| b.set_preferred_maintenance_window(q.opt(MAINTENANCE_WINDOW)))
    .modify(|b, q| b.set_preferred_maintenance_window(q.opt(MAINTENANCE_WINDOW))),
    row(DELETION_PROTECTION, |c, _| {
        json!(c.deletion_protection().unwrap_or(false))
    })
    .create(|b, q| b.deletion_protection(q.b(DELETION_PROTECTION)))
    .modify(|b, q| b.deletion_protection(q.b(DELETION_PROTECTION))),
    row(COPY_TAGS_TO_SNAPSHOT, |c, _| {
        json!(c.copy_tags_to_snapshot().unwrap_or(false))
    })
    .create(|b, q| b.copy_tags_to_snapshot(q.b(COPY_TAGS_TO_SNAPSHOT)))
    .modify(|b, q| b.copy_tags_to_snapshot(q.b(COPY_TAGS_TO_SNAPSHOT))),
    row(IAM_DATABASE_AUTHENTICATION, |c, _| {
        json!(c.iam_database_authentication_enabled().unwrap_or(false))
    })
    .create(|b, q| b.enable_iam_database_authentication(q.b(IAM_DATABASE_AUTHENTICATION)))
    .modify(|b, q| b.enable_iam_database_authentication(q.b(IAM_DATABASE_AUTHENTICATION))),
    row(LOG_EXPORTS, |c, _| {
        sorted(c.enabled_cloudwatch_logs_exports().to_vec())
    })
    .create(|b, q| {
        let logs = q.r.strings(LOG_EXPORTS);
        b.set_enable_cloudwatch_logs_exports((!logs.is_empty()).then_some(logs))
    })
    .modify(|b, q| b.cloudwatch_logs_export_configuration(log_exports_change(q))),
    row(PARAMETER_GROUP, |c, _| {
        json!(nz(c.db_cluster_parameter_group()))
    })
    .create(|b, q| b.set_db_cluster_parameter_group_name(q.opt(PARAMETER_GROUP)))
    .modify(|b, q| b.set_db_cluster_parameter_group_name(q.opt(PARAMETER_GROUP))),
    row(SUBNET_GROUP, |c, _| json!(nz(c.db_subnet_group())))
        .create(|b, q| b.set_db_subnet_group_name(q.opt(SUBNET_GROUP))),
    row(SECURITY_GROUPS, |c, cx| {
        let ids: Vec<String> = c
            .vpc_security_groups()
            .iter()
            .filter_map(|g| g.vpc_security_group_id().map(str::to_owned))
            .collect();
        cx.sg_list(ids)
    })
    .create(|b, q| b.set_vpc_security_group_ids(q.sg_ids.clone()))
    .modify(|b, q| b.set_vpc_security_group_ids(q.sg_ids.clone())),
    row(TAGS, |c, _| {
        json!(crate::aws::read::tag_map(
            c.tag_list().iter().map(|t| (t.key(), t.value()))
        ))
    })
    .create(|b, q| b.set_tags(Some(rds_tag_list(&q.create_tags))))
    .by(OnModify::Tags),
    Row {
        attr: APPLY_CHANGES,
        read: None,
        create: None,
        modify: OnModify::Never,
        held: None,
    },
    // Set on each instance (`db_cluster::instance`); the cluster's is the spec's copy.
    Row {
        attr: AUTO_MINOR_VERSION_UPGRADE,
        read: None,
        create: None,
        modify: OnModify::Never,
        held: None,
    },
];

/// The row of an attribute.
pub(super) fn row_of(attr: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.attr == attr)
}

/// The ARN of the master user's secret that RDS manages for the cluster, if it manages one.
pub(crate) fn managed_master_secret(c: &DbCluster) -> Option<&str> {
    c.master_user_secret().and_then(|m| nz(m.secret_arn()))
}
