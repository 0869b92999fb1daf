//! The AWS documentation pages the attribute rows cite, and the sentences several rows share.
//! Every sentence is copied from `docs/impact-sources.md` (which says where and when it was
//! read); `tests/impacts_doc.rs` fails when one is not found there word for word.

use super::types::Source;

// RDS.
/// The RDS User Guide's "Settings for DB instances" table.
pub const RDS_SETTINGS: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ModifyInstance.Settings.html";
pub const RDS_MODIFY_DB_INSTANCE: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html";
pub const RDS_ENCRYPTION: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html";
pub const RDS_MASTER_ACCOUNTS: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html";
pub const RDS_BACKUP_RETENTION: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html";
pub const RDS_AUTOMATED_BACKUPS: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html";
pub const RDS_REBOOT: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RebootInstance.html";
pub const RDS_MULTI_AZ: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html";
pub const RDS_UPGRADE_MYSQL: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.MySQL.html";
pub const RDS_RENAME: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RenameInstance.html";
pub const RDS_VPC_TO_VPC: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.VPC2VPC.html";
pub const RDS_MODIFY_DB_PARAMETER_GROUP: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html";
pub const RDS_MODIFY_DB_CLUSTER: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html";
pub const RDS_MODIFY_DB_CLUSTER_PARAMETER_GROUP: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBClusterParameterGroup.html";
/// The Aurora User Guide's "Managing Aurora Serverless v2 DB clusters".
pub const AURORA_SERVERLESS_V2_ADMIN: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-administration.html";
pub const RDS_MODIFY_DB_SUBNET_GROUP: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBSubnetGroup.html";

// RDS Proxy.
pub const RDS_MODIFY_DB_PROXY: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBProxy.html";
pub const RDS_CONNECTION_POOL_CONFIGURATION: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ConnectionPoolConfiguration.html";
pub const RDS_MODIFY_DB_PROXY_ENDPOINT: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBProxyEndpoint.html";
/// The RDS User Guide's "Modifying an RDS Proxy".
pub const RDS_PROXY_MANAGING: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-managing.html";
pub const RDS_PROXY_SETUP: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-setup.html";

// ElastiCache.
pub const EC_MODIFY_REPLICATION_GROUP: &str = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html";
pub const EC_CREATE_REPLICATION_GROUP: &str = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html";
pub const EC_INCREASE_REPLICA_COUNT: &str = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_IncreaseReplicaCount.html";
pub const EC_DECREASE_REPLICA_COUNT: &str = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DecreaseReplicaCount.html";
pub const EC_VERSION_MANAGEMENT: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VersionManagement.html";
pub const EC_SCALING_REPLICATION_GROUPS: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Scaling.RedisReplGrps.html";
pub const EC_NODE_MIGRATION: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/CacheNodes.NodeMigration.html";
pub const EC_SCALING_CLUSTER_MODE: &str = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/scaling-redis-cluster-mode-enabled.html";
pub const EC_AT_REST_ENCRYPTION: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html";
pub const EC_IN_TRANSIT_ENCRYPTION: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html";
pub const EC_IN_TRANSIT_ENCRYPTION_ENABLE: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption-enable.html";
pub const EC_IN_TRANSIT_ENCRYPTION_PRACTICES: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/enable-python-best-practices.html";
pub const EC_AUTH: &str = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html";
pub const EC_PARAMETER_GROUPS: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Management.html";
pub const EC_PARAMETER: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_Parameter.html";
pub const EC_REBOOT_CACHE_CLUSTER: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_RebootCacheCluster.html";
pub const EC_NODES_REBOOTING: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/nodes.rebooting.html";
pub const EC_SUBNET_GROUPS_MODIFYING: &str =
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SubnetGroups.Modifying.html";

// EC2, Secrets Manager, CloudWatch.
pub const VPC_SECURITY_GROUPS: &str =
    "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_SecurityGroups.html";
pub const EC2_AUTHORIZE_SECURITY_GROUP_INGRESS: &str =
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html";
pub const SECRETS_UPDATE_SECRET: &str =
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecret.html";
pub const CW_PUT_METRIC_ALARM: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";

/// A DB instance setting that AWS changes at once whatever ApplyImmediately says (Settings for
/// DB instances, "When the change occurs").
/// ElastiCache's `ChangeType` of a parameter: at once, or at a node reboot.
pub const EC_CHANGE_TYPE: Source = Source::doc(
    EC_PARAMETER,
    "Indicates whether a change to the parameter is applied immediately or requires a reboot for the change to be applied. You can force a reboot or wait until the next maintenance window's reboot.",
);
/// What a cache node's reboot costs.
pub const EC_REBOOT_LOSES_CACHE: Source = Source::doc(
    EC_REBOOT_CACHE_CLUSTER,
    "The reboot causes the contents of the cache (for each cache node being rebooted) to be lost.",
);
pub const RDS_AT_ONCE: Source = Source::doc(
    RDS_SETTINGS,
    "The change occurs immediately. This setting ignores the apply immediately setting.",
);
/// Settings for DB instances, "Downtime notes".
pub const RDS_NO_DOWNTIME: Source =
    Source::doc(RDS_SETTINGS, "Downtime doesn't occur during this change.");
/// Settings for DB instances, "When the change occurs", for a setting AWS holds for the window.
pub const RDS_HELD_FOR_WINDOW: Source = Source::doc(
    RDS_SETTINGS,
    "If you choose to apply the change immediately, it occurs immediately. If you don't choose to apply the change immediately, it occurs during the next maintenance window.",
);
pub const RDS_INSTANCE_CLASS: Source = Source::doc(
    RDS_MODIFY_DB_INSTANCE,
    "If you modify the DB instance class, an outage occurs during the change. The change is applied during the next maintenance window, unless you specify ApplyImmediately in your request.",
);
pub const RDS_PARAMETER_GROUP: Source = Source::doc(
    RDS_MODIFY_DB_INSTANCE,
    "The parameter group name itself is changed immediately, but the actual parameter changes are not applied until you reboot the instance without failover. In this case, the DB instance isn't rebooted automatically, and the parameter changes aren't applied during the next maintenance window.",
);
pub const RDS_NO_REBOOT_IN_WINDOW: Source = Source::doc(
    RDS_REBOOT,
    "The pending-reboot parameter groups status doesn't result in an automatic reboot during the next maintenance window.",
);
pub const RDS_SECURITY_GROUPS: Source = Source::doc(
    RDS_MODIFY_DB_INSTANCE,
    "This change is asynchronously applied as soon as possible.",
);
pub const RDS_PUBLICLY_ACCESSIBLE: Source = Source::doc(
    RDS_MODIFY_DB_INSTANCE,
    "Changes to the PubliclyAccessible parameter are applied immediately regardless of the value of the ApplyImmediately parameter.",
);
pub const RDS_AUTO_MINOR_UPGRADE_OUTAGE: Source = Source::doc(
    RDS_MODIFY_DB_INSTANCE,
    "An outage occurs when all the following conditions are met: The automatic upgrade is enabled for the maintenance window. A newer minor version is available. RDS has enabled automatic patching for the engine version.",
);
/// A replica is a DB instance: ModifyDBInstance and the settings table apply to it row for row.
pub const RDS_REPLICA_REBOOT: Source = Source::doc(
    RDS_REBOOT,
    "For a DB instance with read replicas, you can reboot the source DB instance and its read replicas independently. After a reboot completes, replication resumes automatically.",
);

pub const TAGS: Source = Source::NotDocumented(
    "AWS documents no impact for tags (they are changed by tagging calls, not the resource's modify call)",
);
pub const APPLY_CHANGES: Source = Source::NotDocumented(
    "stackctl's own setting, not state in AWS: whether deferrable changes are sent with ApplyImmediately; never a change",
);

pub const RENAMED_FROM: Source = Source::NotDocumented(
    "stackctl's own setting, not state in AWS: the identifier an instance is renamed from; never a change (the rename is the change of `identifier`)",
);

pub const ELASTICACHE_REPLICA_COUNT: Source = Source::doc(
    EC_INCREASE_REPLICA_COUNT,
    "This operation is performed with no cluster down time.",
);
pub const ELASTICACHE_REPLICA_COUNT_DOWN: Source = Source::doc(
    EC_DECREASE_REPLICA_COUNT,
    "This operation is performed with no cluster down time.",
);

/// PutMetricAlarm replaces the whole definition: every alarm row's change.
pub const ALARM_PUT: Source = Source::doc(
    CW_PUT_METRIC_ALARM,
    "When you update an existing alarm, its state is left unchanged, but the update completely overwrites the previous configuration of the alarm.",
);
