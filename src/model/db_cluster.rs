//! The Aurora DB cluster (an `aurora-*` engine) and its DB instances: the writer, the first of
//! `database.instances`, and the readers after it.

use serde_json::{Value, json};

use super::aws_docs::{
    self, AURORA_SERVERLESS_V2_ADMIN, RDS_AT_ONCE, RDS_AUTO_MINOR_UPGRADE_OUTAGE,
    RDS_INSTANCE_CLASS, RDS_MODIFY_DB_CLUSTER, RDS_NO_DOWNTIME, RDS_NO_REBOOT_IN_WINDOW,
};
use super::db_instance::IN_SYNC;
use super::desired::{Inputs, with_deps};
use super::network::db_subnet_group_name;
use super::types::{Address, AttrSpec, Compare, Cost, Impact, Kind, KindSpec, Resource, Source};
use crate::spec::stack::{ApplyChanges, Cluster};
use attr::*;

/// The cluster's and its instances' attributes, each name written once (the rows here, the
/// desired values below and the AWS side in `aws::kinds::db_cluster` name them through these).
pub mod attr {
    pub const ENGINE: &str = "engine";
    pub const ENGINE_VERSION: &str = "engine_version";
    pub const MIN_ACU: &str = "serverless_v2_min_acu";
    pub const MAX_ACU: &str = "serverless_v2_max_acu";
    pub const STORAGE_ENCRYPTED: &str = "storage_encrypted";
    pub const KMS_KEY_ID: &str = "kms_key_id";
    pub const PORT: &str = "port";
    pub const DATABASE_NAME: &str = "database_name";
    pub const MASTER_USERNAME: &str = "master_username";
    pub const MASTER_PASSWORD: &str = "master_password";
    pub const BACKUP_RETENTION_DAYS: &str = "backup_retention_days";
    pub const BACKUP_WINDOW: &str = "backup_window";
    pub const MAINTENANCE_WINDOW: &str = "maintenance_window";
    pub const DELETION_PROTECTION: &str = "deletion_protection";
    pub const COPY_TAGS_TO_SNAPSHOT: &str = "copy_tags_to_snapshot";
    pub const IAM_DATABASE_AUTHENTICATION: &str = "iam_database_authentication";
    pub const LOG_EXPORTS: &str = "log_exports";
    pub const PARAMETER_GROUP: &str = "parameter_group";
    pub const SUBNET_GROUP: &str = "subnet_group";
    pub const SECURITY_GROUPS: &str = "security_groups";
    pub const TAGS: &str = "tags";
    pub const APPLY_CHANGES: &str = "apply_changes";
    /// A cluster instance's cluster.
    pub const CLUSTER: &str = "cluster";
    pub const INSTANCE_CLASS: &str = "instance_class";
    pub const PROMOTION_TIER: &str = "promotion_tier";
    pub const PERFORMANCE_INSIGHTS: &str = "performance_insights";
    pub const PERFORMANCE_INSIGHTS_RETENTION_DAYS: &str = "performance_insights_retention_days";
    pub const PERFORMANCE_INSIGHTS_KMS_KEY_ID: &str = "performance_insights_kms_key_id";
    pub const AUTO_MINOR_VERSION_UPGRADE: &str = "auto_minor_version_upgrade";
    /// `in-sync`, or `pending-reboot`: the cluster parameter group's static parameters wait for
    /// the instance's reboot (DescribeDBClusters `DBClusterMembers[].DBClusterParameterGroupStatus`).
    pub const PARAMETER_APPLY_STATUS: &str = "parameter_apply_status";
    /// Whether AWS has it as the cluster's writer (DescribeDBClusters
    /// `DBClusterMembers[].IsClusterWriter`); desired `true` on the spec's first instance only.
    pub const WRITER: &str = "writer";
}

/// ModifyDBCluster ApplyImmediately: most changes at once or in the window, some always at once.
const CLUSTER_AT_ONCE: Source = Source::doc(
    RDS_MODIFY_DB_CLUSTER,
    "Most modifications can be applied immediately or during the next scheduled maintenance window. Some modifications, such as turning on deletion protection and changing the master password, are applied immediately—regardless of when you choose to apply them.",
);
const CLUSTER_NO_OUTAGE: Source = Source::NotDocumented(
    "AWS documents no interruption for this change of a DB cluster (ModifyDBCluster names none); stackctl sends it at once",
);

pub static DB_CLUSTER: KindSpec = KindSpec {
    kind: Kind::DbCluster,
    name: "db_cluster",
    label: "Aurora DB cluster",
    stateful: true,
    loses_data: true,
    attrs: &[
        AttrSpec::online(ENGINE)
            .with(Impact::ReplaceDataLoss)
            .sources(&[Source::NotDocumented(
                "AWS documents no change of an Aurora cluster's engine in place: ModifyDBCluster has no Engine parameter for it, so another engine is another cluster",
            )]),
        // Up only: see `engine_version_change`.
        AttrSpec::online(ENGINE_VERSION)
            .with(Impact::BriefOutage)
            .compare(Compare::MinorUpgradable)
            .deferrable()
            .by_change(engine_version_change)
            .cases("an upgrade: brief outage of the cluster (writer and readers), held for the maintenance window unless applied immediately; a downgrade: refused (Aurora only upgrades)")
            .sources(&[Source::doc(
                RDS_MODIFY_DB_CLUSTER,
                "The version number of the database engine to which you want to upgrade. Changing this parameter results in an outage. The change is applied during the next maintenance window unless ApplyImmediately is enabled.",
            )]),
        // The Serverless v2 capacity range (ModifyDBCluster ServerlessV2ScalingConfiguration).
        AttrSpec::online(MIN_ACU)
            .compare(Compare::Number)
            .unmanaged_when_null()
            .sources(&[AURORA_SERVERLESS_V2_RANGE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(MAX_ACU)
            .compare(Compare::Number)
            .unmanaged_when_null()
            .sources(&[AURORA_SERVERLESS_V2_RANGE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(STORAGE_ENCRYPTED)
            .with(Impact::ReplaceDataLoss)
            .sources(&[Source::NotDocumented(
                "AWS has no call to encrypt or decrypt an existing Aurora cluster: ModifyDBCluster has no StorageEncrypted parameter",
            )]),
        AttrSpec::online(KMS_KEY_ID)
            .with(Impact::ReplaceDataLoss)
            .compare(Compare::KmsKey)
            .unmanaged_when_null()
            .sources(&[Source::NotDocumented(
                "AWS has no call to change an Aurora cluster's KMS key: ModifyDBCluster has no KmsKeyId parameter",
            )]),
        AttrSpec::online(PORT)
            .with(Impact::BriefOutage)
            .sources(&[Source::NotDocumented(
                "AWS documents no interruption for ModifyDBCluster Port; stackctl assumes the instances restart on the new port, as an RDS instance does (\"your database restarts regardless of the value of the ApplyImmediately parameter\")",
            )]),
        AttrSpec::online(DATABASE_NAME)
            .with(Impact::ReplaceDataLoss)
            .sources(&[Source::NotDocumented(
                "AWS has no call to change it: ModifyDBCluster has no DatabaseName parameter",
            )]),
        AttrSpec::online(MASTER_USERNAME)
            .with(Impact::ReplaceDataLoss)
            .sources(&[Source::NotDocumented(
                "AWS has no call to change it: ModifyDBCluster has no MasterUsername parameter",
            )]),
        // `rds_managed` or `generated`.
        // As the DB instance's: compared by its source (`Compare::PasswordSource`).
        AttrSpec::online(MASTER_PASSWORD)
            .compare(Compare::PasswordSource)
            .sources(&[CLUSTER_AT_ONCE]),
        AttrSpec::online(BACKUP_RETENTION_DAYS).sources(&[CLUSTER_AT_ONCE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(BACKUP_WINDOW)
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null()
            .sources(&[CLUSTER_AT_ONCE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(MAINTENANCE_WINDOW)
            .compare(Compare::IgnoreCase)
            .unmanaged_when_null()
            .sources(&[CLUSTER_AT_ONCE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(DELETION_PROTECTION).sources(&[CLUSTER_AT_ONCE]),
        AttrSpec::online(COPY_TAGS_TO_SNAPSHOT).sources(&[CLUSTER_AT_ONCE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(IAM_DATABASE_AUTHENTICATION)
            .sources(&[CLUSTER_AT_ONCE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(LOG_EXPORTS)
            .compare(Compare::Unordered)
            .sources(&[CLUSTER_AT_ONCE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(PARAMETER_GROUP)
            .unmanaged_when_null()
            .sources(&[CLUSTER_AT_ONCE, CLUSTER_NO_OUTAGE]),
        // The stack's DB subnet group, named after the stack: no edit of the spec changes it.
        AttrSpec::at_create(SUBNET_GROUP).sources(&[Source::NotDocumented(
                "AWS has no call to move an Aurora cluster to another DB subnet group: ModifyDBCluster has no DBSubnetGroupName parameter",
            )]),
        AttrSpec::online(SECURITY_GROUPS)
            .compare(Compare::Unordered)
            .unmanaged_when_null()
            .sources(&[CLUSTER_AT_ONCE, CLUSTER_NO_OUTAGE]),
        AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
        AttrSpec::online(APPLY_CHANGES)
            .compare(Compare::Never)
            .sources(&[aws_docs::APPLY_CHANGES]),
        // `database.auto_minor_version_upgrade`, which AWS keeps on each instance
        // (`db_cluster_instance.auto_minor_version_upgrade`): here it says whether AWS may run a
        // later minor version than the spec's (`Compare::MinorUpgradable`).
        AttrSpec::online(AUTO_MINOR_VERSION_UPGRADE)
            .compare(Compare::Never)
            .sources(&[Source::NotDocumented(
                "stackctl's copy of the instances' setting, not state of the cluster in AWS: it decides whether a later minor engine version in AWS is a change; never a change itself",
            )]),
    ],
};

/// The capacity range is the cluster's, for every Serverless v2 instance in it.
const AURORA_SERVERLESS_V2_RANGE: Source = Source::doc(
    AURORA_SERVERLESS_V2_ADMIN,
    "This setting is managed at the cluster level. The same minimum and maximum ACU values apply to each Aurora Serverless v2 DB instance in the cluster.",
);

pub static DB_CLUSTER_INSTANCE: KindSpec = KindSpec {
    kind: Kind::DbClusterInstance,
    name: "db_cluster_instance",
    label: "Aurora DB instance",
    stateful: true,
    // The data is the cluster's: an instance holds none of its own.
    loses_data: false,
    attrs: &[
        AttrSpec::online(CLUSTER)
            .with(Impact::Replace)
            .sources(&[Source::NotDocumented(
                "AWS has no call to move a DB instance to another cluster: ModifyDBInstance has no DBClusterIdentifier parameter",
            )]),
        // The cluster's engine, which CreateDBInstance names again.
        AttrSpec::at_create(ENGINE).sources(&[Source::NotDocumented(
            "the cluster's engine, named again by CreateDBInstance; it changes with the cluster",
        )]),
        AttrSpec::online(INSTANCE_CLASS)
            .with(Impact::BriefOutage)
            .deferrable()
            .sources(&[RDS_INSTANCE_CLASS]),
        AttrSpec::online(PROMOTION_TIER).sources(&[Source::NotDocumented(
            "AWS documents no interruption for ModifyDBInstance PromotionTier (the order in which readers are promoted); stackctl sends it at once",
        )]),
        AttrSpec::online(PERFORMANCE_INSIGHTS).sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(PERFORMANCE_INSIGHTS_RETENTION_DAYS)
            .unmanaged_when_null()
            .sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        AttrSpec::online(PERFORMANCE_INSIGHTS_KMS_KEY_ID)
            .compare(Compare::KmsKey)
            .unmanaged_when_null()
            .sources(&[RDS_AT_ONCE, RDS_NO_DOWNTIME]),
        // `database.auto_minor_version_upgrade`, on each instance (Aurora upgrades minor
        // versions instance by instance in the window).
        AttrSpec::online(AUTO_MINOR_VERSION_UPGRADE).sources(&[
            RDS_AT_ONCE,
            RDS_NO_DOWNTIME,
            RDS_AUTO_MINOR_UPGRADE_OUTAGE,
        ]),
        // AWS's state, settled by RebootDBInstance (`plan::reboots`).
        AttrSpec::online(PARAMETER_APPLY_STATUS)
            .with(Impact::Reboot)
            .compare(Compare::State)
            .sources(&[RDS_NO_REBOOT_IN_WINDOW]),
        // AWS's state, compared on the spec's first instance only; sent by FailoverDBCluster
        // (`plan::members` names AWS's writer, and holds it outstanding in the window).
        AttrSpec::online(WRITER)
            .with(Impact::BriefOutage)
            .compare(Compare::State)
            .unmanaged_when_null()
            .cases("compared on the spec's first instance only (the writer AWS makes of the first instance it creates): when AWS has another instance as the writer (it failed over to it, or the spec lists another first), a failover to the spec's first (FailoverDBCluster), naming both: the old writer becomes a reader, the writer's connections are cut and must be made again, for a length AWS does not document; made by apply with `apply_changes: immediately` (before any delete of the old writer), outstanding with `in_maintenance_window` (AWS never makes it, in the window or otherwise); to keep AWS's writer, list it first in `database.instances`")
            .sources(&[
                AURORA_IS_CLUSTER_WRITER,
                AURORA_FAILOVER_PROMOTES,
                AURORA_FAILOVER_RECONNECT,
                AURORA_FAILOVER_LENGTH,
            ]),
        AttrSpec::online(TAGS).sources(&[aws_docs::TAGS]),
        AttrSpec::online(APPLY_CHANGES)
            .compare(Compare::Never)
            .sources(&[aws_docs::APPLY_CHANGES]),
    ],
};

const AURORA_IS_CLUSTER_WRITER: Source = Source::doc(
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-reboot-cluster.html",
    "The DBClusterMembers element representing the writer DB instance has a value of true for the IsClusterWriter field.",
);
const FAILOVER_DB_CLUSTER: &str = "https://docs.aws.amazon.com/goto/WebAPI/rds/FailoverDBCluster";
const AURORA_FAILOVER_PROMOTES: Source = Source::doc(
    FAILOVER_DB_CLUSTER,
    "For an Aurora DB cluster, failover for a DB cluster promotes one of the Aurora Replicas (read-only instances) in the DB cluster to be the primary DB instance (the cluster writer).",
);
const AURORA_FAILOVER_AUTOMATIC: Source = Source::doc(
    FAILOVER_DB_CLUSTER,
    "An Amazon Aurora DB cluster automatically fails over to an Aurora Replica, if one exists, when the primary DB instance fails.",
);
const AURORA_FAILOVER_RECONNECT: Source = Source::doc(
    FAILOVER_DB_CLUSTER,
    "Because each instance in a DB cluster has its own endpoint address, make sure to clean up and re-establish any existing connections that use those endpoint addresses when the failover is complete.",
);
const AURORA_FAILOVER_LENGTH: Source = Source::NotDocumented(
    "how long an Aurora failover takes (FailoverDBCluster's \"Failover times are typically less than 35 seconds.\" is said of a Multi-AZ DB cluster, not of Aurora)",
);
const AURORA_REPLICAS_ADDING: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-replicas-adding.html";
const AURORA_DELETE_INSTANCE: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteInstance.html";
const AURORA_READER_ENDPOINT: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Endpoints.Reader.html";
const READER_ENDPOINT_BALANCES: Source = Source::doc(
    AURORA_READER_ENDPOINT,
    "If the cluster contains one or more Aurora Replicas, the reader endpoint balances each connection request among the Aurora Replicas.",
);
const READER_ENDPOINT_WITHOUT_READERS: Source = Source::doc(
    AURORA_READER_ENDPOINT,
    "If the cluster only contains a primary instance and no Aurora Replicas, the reader endpoint connects to the primary instance.",
);

/// What adding or removing one of an Aurora cluster's instances costs. Not an attribute row:
/// the plan creates or deletes a `db_cluster_instance`, and `plan::members` puts the case's
/// words on that change (`Change::note`); `docs/impacts.md` lists each case with its sources.
#[derive(Debug)]
pub struct Membership {
    /// When it applies.
    pub case: &'static str,
    /// What it costs, as the plan says it.
    pub words: &'static str,
    /// Why: AWS's sentences, or what AWS does not document.
    pub sources: &'static [Source],
}

impl Membership {
    /// What the plan says: its words and the AWS pages they rest on (`docs/impacts.md` quotes
    /// them), e.g. `... [AWS: aurora-replicas-adding, Aurora.Replication]`.
    pub fn said(&self) -> String {
        let mut pages: Vec<&str> = Vec::new();
        for s in self.sources {
            if let Source::Documented { url, .. } = s {
                let page = url.rsplit('/').next().unwrap_or(url);
                let page = page.trim_end_matches(".html").trim_end_matches(".md");
                if !pages.contains(&page) {
                    pages.push(page);
                }
            }
        }
        format!("{} [AWS: {}]", self.words, pages.join(", "))
    }
}

/// A reader added to a cluster that exists.
pub static READER_ADDED: Membership = Membership {
    case: "an instance added to a cluster that exists (AWS adds it as a reader)",
    words: "a reader added to the cluster: AWS documents no interruption of the writer",
    sources: &[
        Source::doc(
            AURORA_REPLICAS_ADDING,
            "Aurora Replicas connect to the same storage volume as the primary DB instance, but support read operations only.",
        ),
        Source::doc(
            "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Replication.md",
            "When you create a second, third, and so on DB instance in an Aurora provisioned DB cluster, Aurora automatically sets up replication from the writer DB instance to all the other DB instances.",
        ),
        Source::NotDocumented(
            "whether adding a reader interrupts the writer or its connections, and how long it takes",
        ),
    ],
};

/// A reader deleted from a cluster that stays.
pub static READER_REMOVED: Membership = Membership {
    case: "a reader deleted from a cluster that stays",
    words: "a reader removed from the cluster: the connections to it end; the reader endpoint balances new connections among the readers that remain (or connects them to the writer when none remains); AWS says it only reduces the cluster's computation capacity",
    sources: &[
        Source::doc(
            AURORA_DELETE_INSTANCE,
            "If the cluster has any reader instances, deleting one of the instances only reduces the computation capacity of the cluster.",
        ),
        READER_ENDPOINT_BALANCES,
        READER_ENDPOINT_WITHOUT_READERS,
    ],
};

/// The writer deleted (or replaced) while other instances of its cluster remain.
pub static WRITER_REMOVED: Membership = Membership {
    case: "the writer deleted or replaced while other instances of its cluster remain",
    words: "the cluster's writer: deleting it makes AWS fail over to a reader, which becomes the writer; the connections to the old writer are cut and must be made again; AWS does not document how long an Aurora failover takes",
    sources: &[
        Source::doc(
            AURORA_DELETE_INSTANCE,
            "Deleting the reader instances first ensures that the cluster remains available throughout the procedure and doesn't perform unnecessary failover operations.",
        ),
        AURORA_FAILOVER_AUTOMATIC,
        AURORA_FAILOVER_RECONNECT,
        AURORA_FAILOVER_LENGTH,
    ],
};

/// The writer deleted after this plan's failover to the spec's first instance made it a
/// reader.
pub static WRITER_FAILED_OVER_AND_REMOVED: Membership = Membership {
    case: "the writer deleted after the plan's failover to the spec's first instance (`apply_changes: immediately`)",
    words: "the cluster's writer until this plan's failover to the spec's first instance, which runs before this delete and cuts the writer's connections; then a reader removed: the connections to it end, and the reader endpoint balances new connections among the readers that remain",
    sources: &[
        AURORA_FAILOVER_PROMOTES,
        AURORA_FAILOVER_RECONNECT,
        Source::doc(
            AURORA_DELETE_INSTANCE,
            "If the cluster has any reader instances, deleting one of the instances only reduces the computation capacity of the cluster.",
        ),
        READER_ENDPOINT_BALANCES,
    ],
};

/// The writer deleted (or replaced) with no other instance of its cluster to fail over to.
pub static WRITER_REMOVED_ALONE: Membership = Membership {
    case: "the writer deleted or replaced with no other instance of its cluster remaining",
    words: "the cluster's writer, with no reader to fail over to: its connections end, and the cluster has no DB instance to connect to until a new one is available",
    sources: &[
        AURORA_FAILOVER_AUTOMATIC,
        Source::NotDocumented(
            "how long a cluster without a DB instance takes to get one back: that is the new instance's create",
        ),
    ],
};

/// Every case, in the order `docs/impacts.md` lists them.
pub static MEMBERSHIP: [&Membership; 5] = [
    &READER_ADDED,
    &READER_REMOVED,
    &WRITER_REMOVED,
    &WRITER_FAILED_OVER_AND_REMOVED,
    &WRITER_REMOVED_ALONE,
];

/// An Aurora engine version goes up only ("The version number of the database engine to which
/// you want to upgrade", ModifyDBCluster EngineVersion).
fn engine_version_change(old: &Value, new: &Value, desired: &Resource) -> Result<Cost, String> {
    if let Some((have, want)) = super::version::downgrade(old, new, desired) {
        return Err(format!(
            "Aurora upgrades a DB cluster's engine but never downgrades it (ModifyDBCluster EngineVersion is \"The version number of the database engine to which you want to upgrade\"): set `database.engine_version` to \"{have}\", the version AWS runs, or give the cluster a new `database.identifier` to create one at {want} (its data does not move with it)"
        ));
    }
    Ok(Cost::new(Impact::BriefOutage, true))
}

fn apply_changes_name(a: ApplyChanges) -> &'static str {
    match a {
        ApplyChanges::Immediately => "immediately",
        ApplyChanges::InMaintenanceWindow => "in_maintenance_window",
    }
}

/// The Aurora cluster, after its subnet group, security groups, cluster parameter group and
/// generated master secret.
pub(super) fn desired_cluster(
    cx: &Inputs<'_>,
    cl: &Cluster,
    parameter_group: Option<&str>,
    master_secret: Option<&str>,
) -> Resource {
    let db = &cx.stack.database;
    let subnet_group = db_subnet_group_name(cx.name());
    let logs: std::collections::BTreeSet<&str> =
        db.log_exports.iter().map(String::as_str).collect();
    let sv2 = cl.serverless_v2;
    let mut r = Resource::new(Kind::DbCluster, &db.identifier)
        .set(ENGINE, db.engine.as_str())
        .set(ENGINE_VERSION, db.engine_version.clone())
        .set(MIN_ACU, json!(sv2.map(|s| s.min_acu)))
        .set(MAX_ACU, json!(sv2.map(|s| s.max_acu)))
        .set(STORAGE_ENCRYPTED, db.encryption.encrypted)
        .set(KMS_KEY_ID, json!(db.encryption.kms_key_id))
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
        .set(DELETION_PROTECTION, db.deletion_protection)
        .set(COPY_TAGS_TO_SNAPSHOT, db.copy_tags_to_snapshot)
        .set(IAM_DATABASE_AUTHENTICATION, db.iam_database_authentication)
        .set(LOG_EXPORTS, json!(logs))
        .set(PARAMETER_GROUP, json!(parameter_group))
        .set(SUBNET_GROUP, subnet_group.clone())
        .set(SECURITY_GROUPS, cx.sg_list(&db.security_groups))
        .set(TAGS, cx.tags.clone())
        .set(APPLY_CHANGES, apply_changes_name(db.apply_changes))
        .set(AUTO_MINOR_VERSION_UPGRADE, db.auto_minor_version_upgrade)
        .after(Address::new(Kind::DbSubnetGroup, subnet_group));
    r = with_deps(r, cx.sg_deps(&db.security_groups));
    if let Some(pg) = parameter_group {
        r = r.after(Address::new(Kind::DbClusterParameterGroup, pg));
    }
    if let Some(sec) = master_secret {
        r = r.after(Address::new(Kind::Secret, sec));
    }
    r
}

/// The cluster's instances, each after the cluster and its cluster parameter group (a reboot
/// for its static parameters follows their change); the readers after the writer, so that the
/// first instance created (the writer AWS makes of it) is the spec's first.
pub(super) fn desired_cluster_instances(
    cx: &Inputs<'_>,
    cl: &Cluster,
    cluster: &Address,
    parameter_group: Option<&str>,
) -> Vec<Resource> {
    let db = &cx.stack.database;
    let writer = cl
        .instances
        .first()
        .map(|i| Address::new(Kind::DbClusterInstance, &i.identifier));
    cl.instances
        .iter()
        .map(|i| {
            let is_writer = writer.as_ref().is_some_and(|w| w.name == i.identifier);
            let pi = &i.performance_insights;
            let mut r = Resource::new(Kind::DbClusterInstance, &i.identifier)
                .set(CLUSTER, db.identifier.clone())
                .set(ENGINE, db.engine.as_str())
                .set(INSTANCE_CLASS, i.instance_class.clone())
                .set(PROMOTION_TIER, i.promotion_tier.unwrap_or(1))
                .set(PERFORMANCE_INSIGHTS, pi.enabled)
                .set(
                    PERFORMANCE_INSIGHTS_RETENTION_DAYS,
                    json!(pi.enabled.then(|| pi.retention_days.unwrap_or(7))),
                )
                .set(PERFORMANCE_INSIGHTS_KMS_KEY_ID, json!(pi.kms_key_id))
                .set(AUTO_MINOR_VERSION_UPGRADE, db.auto_minor_version_upgrade)
                .set(PARAMETER_APPLY_STATUS, IN_SYNC)
                .set(WRITER, json!(is_writer.then_some(true)))
                .set(TAGS, cx.tags.clone())
                .set(APPLY_CHANGES, apply_changes_name(db.apply_changes))
                .after(cluster.clone());
            if let Some(w) = writer.as_ref().filter(|w| w.name != i.identifier) {
                r = r.after(w.clone());
            }
            if let Some(pg) = parameter_group {
                r = r.after(Address::new(Kind::DbClusterParameterGroup, pg));
            }
            r
        })
        .collect()
}
