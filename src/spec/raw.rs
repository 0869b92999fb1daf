//! The stack spec as users write it: serde types, one per YAML mapping that holds a choice
//! (a VPC by id or by tags, an RDS instance or an Aurora cluster, a parameter group of the
//! stack's or an existing one), private to `spec`.
//!
//! These types and the values they hold ([`super::values`]) are the single source of truth for
//! the file format: the structural check (unknown keys, types, allowed values) and
//! `stackctl schema` are both derived from the JSON Schema that `schemars` generates from them.
//! Defaults here are stackctl's secure defaults. The rest of stackctl sees the validated
//! [`super::StackSpec`], never these.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::values::*;
/// One stack: an RDS primary with its replicas, an optional RDS Proxy, an optional Redis
/// replication group, and the CloudWatch alarms on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// Name of the stack. Everything stackctl creates carries the tag `stackctl:stack=<name>`,
    /// and stackctl never touches anything without it.
    pub stack: String,
    /// AWS region, e.g. `eu-west-1`.
    pub region: String,
    /// Tags put on every resource stackctl creates.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// VPC, subnets and security groups.
    pub network: Network,
    /// The RDS primary instance and its read replicas.
    pub database: Database,
    /// RDS Proxy in front of the primary.
    #[serde(default)]
    pub proxy: Option<Proxy>,
    /// ElastiCache Redis replication group.
    #[serde(default)]
    pub redis: Option<Redis>,
    /// CloudWatch alarms, addressed to resources by their names in this file.
    #[serde(default)]
    pub alarms: Vec<Alarm>,
}

/// Where the stack lives. The VPC and subnets are looked up, never created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// The VPC, by id or by tags (exactly one of the two).
    pub vpc: VpcRef,
    /// The private subnets for the DB subnet group, the cache subnet group and the proxy.
    pub subnets: SubnetsRef,
    /// Security groups, by a short name used elsewhere in this file. A group with `id` is an
    /// existing one stackctl references but does not own; any other is created and owned.
    #[serde(default)]
    pub security_groups: BTreeMap<String, SecurityGroup>,
}

/// A VPC by id or by tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcRef {
    /// VPC id, e.g. `vpc-0a1b2c3d4e5f67890`.
    #[serde(default)]
    pub id: Option<String>,
    /// Tags that select exactly one VPC, e.g. `{Name: prod}`.
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
}

/// Subnets by ids or by tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetsRef {
    /// Subnet ids, in at least two availability zones.
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    /// Tags that select the subnets within the VPC, e.g. `{tier: private}`.
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
}

/// A security group: existing (`id`) or owned by the stack (`description`, `ingress`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// Id of an existing group that stackctl references but never changes (e.g. the app's).
    #[serde(default)]
    pub id: Option<String>,
    /// Description of a group stackctl creates.
    #[serde(default)]
    pub description: Option<String>,
    /// Inbound rules of a group stackctl creates. Outbound is AWS's default (all).
    #[serde(default)]
    pub ingress: Vec<IngressRule>,
}

/// One inbound TCP rule: from another group of this file, or from a CIDR block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressRule {
    /// Short name of a security group in `network.security_groups`.
    #[serde(default)]
    pub from: Option<String>,
    /// An IPv4 CIDR block, e.g. `10.0.0.0/16`.
    #[serde(default)]
    pub cidr: Option<String>,
    /// TCP port.
    pub port: u16,
    /// What the rule is for.
    #[serde(default)]
    pub description: Option<String>,
}

/// The database: an RDS primary instance with its read replicas, or (with an `aurora-*`
/// engine) an Aurora cluster with its writer and reader instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// DB instance identifier, e.g. `shop-prod-db`; the DB cluster identifier on Aurora.
    pub identifier: String,
    /// The identifier the instance had: stackctl renames it in place (ModifyDBInstance
    /// NewDBInstanceIdentifier, a reboot) instead of creating a new, empty one. RDS only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// `postgres`, `mysql`, `aurora-postgresql` or `aurora-mysql`.
    pub engine: Engine,
    /// Engine version, e.g. `16.4` or `8.0.39` (Aurora: `16.8`, `8.0.mysql_aurora.3.08.0`).
    /// With `auto_minor_version_upgrade`, a newer minor version in AWS is not a change.
    pub engine_version: String,
    /// Instance class, e.g. `db.r6g.large`. RDS only: an Aurora cluster's classes are its
    /// `instances`'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<String>,
    /// gp3 storage. On Aurora only `encrypted` and `kms_key_id` (the cluster volume grows by
    /// itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// Keep a synchronous standby in another availability zone.
    #[serde(default)]
    pub multi_az: bool,
    /// Port; the engine's default (5432, 3306) when omitted.
    #[serde(default)]
    pub port: Option<u16>,
    /// Name of the initial database created in the instance.
    #[serde(default)]
    pub database_name: Option<String>,
    /// The master user. Its password lives in Secrets Manager, never in this file.
    pub master_user: MasterUser,
    /// Automated backups.
    #[serde(default)]
    pub backup: Backup,
    /// Weekly maintenance window in UTC, `ddd:hh24:mi-ddd:hh24:mi`, e.g. `sun:04:30-sun:05:30`.
    #[serde(default)]
    pub maintenance_window: Option<String>,
    /// Performance Insights.
    #[serde(default)]
    pub performance_insights: PerformanceInsights,
    /// Enhanced monitoring (OS metrics).
    #[serde(default)]
    pub enhanced_monitoring: EnhancedMonitoring,
    /// Refuse deletion of the instance in AWS.
    #[serde(default = "yes")]
    pub deletion_protection: bool,
    /// Give the instance a public DNS name. Almost always wrong for a database.
    #[serde(default)]
    pub publicly_accessible: bool,
    /// Let AWS upgrade the minor version in the maintenance window.
    #[serde(default = "yes")]
    pub auto_minor_version_upgrade: bool,
    /// Copy the instance's tags to its snapshots.
    #[serde(default = "yes")]
    pub copy_tags_to_snapshot: bool,
    /// Let IAM users and roles connect with an authentication token as well as the password.
    #[serde(default)]
    pub iam_database_authentication: bool,
    /// The certificate authority of the instance's TLS server certificate
    /// (`rds-ca-rsa2048-g1`, `rds-ca-rsa4096-g1`, `rds-ca-ecc384-g1`); AWS's default when
    /// omitted.
    #[serde(default)]
    pub ca_certificate_identifier: Option<String>,
    /// When changes that AWS can defer take effect.
    #[serde(default)]
    pub apply_changes: ApplyChanges,
    /// A DB parameter group owned by the stack, or an existing one by `name`.
    #[serde(default)]
    pub parameter_group: Option<ParameterGroup>,
    /// Short names of security groups in `network.security_groups`.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Read replicas of the primary. RDS only: an Aurora cluster's readers are its `instances`.
    #[serde(default)]
    pub replicas: Vec<Replica>,
    /// Aurora Serverless v2 capacity range of the cluster, needed by `db.serverless`
    /// instances. Aurora only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serverless_v2: Option<ServerlessV2>,
    /// A DB cluster parameter group owned by the stack, e.g. family `aurora-postgresql16`, or
    /// an existing one by `name`. Aurora only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_parameter_group: Option<ParameterGroup>,
    /// Logs the instance (or the Aurora cluster) exports to CloudWatch Logs: `postgresql`,
    /// `upgrade` (PostgreSQL); `audit`, `error`, `general`, `slowquery` (MySQL); `instance`
    /// too on Aurora; `iam-db-auth-error` on every engine. None when omitted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_exports: Vec<String>,
    /// The cluster's DB instances: the first is the writer, the others readers. Aurora only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<ClusterInstance>,
}

impl Database {
    /// The storage settings, or their defaults when `storage` is omitted (Aurora).
    pub fn storage_or_default(&self) -> Storage {
        self.storage.clone().unwrap_or_default()
    }
}

/// Storage: gp3 (the default), gp2, io1 or io2, optionally encrypted with a customer KMS key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Storage type: `gp3` (the default), `gp2`, `io1` or `io2`.
    #[serde(default, rename = "type")]
    pub kind: StorageType,
    /// Allocated storage in GiB (20 to 65536; io1 and io2 from 100). Required for RDS; not on
    /// Aurora.
    #[serde(default)]
    pub allocated_gib: Option<u32>,
    /// Ceiling for storage autoscaling in GiB; omit to turn autoscaling off.
    #[serde(default)]
    pub max_allocated_gib: Option<u32>,
    /// Provisioned IOPS: gp3 only at 400 GiB or more (below, the 3000 IOPS baseline applies);
    /// io1 and io2 require it (1000 to 256000, 0.5 to 50 per GiB); gp2 takes none.
    #[serde(default)]
    pub iops: Option<u32>,
    /// Provisioned throughput in MiB/s; gp3 only, at 400 GiB or more (below, 125 MiB/s applies).
    #[serde(default)]
    pub throughput_mibps: Option<u32>,
    /// Encrypt storage at rest.
    #[serde(default = "yes")]
    pub encrypted: bool,
    /// KMS key (id, ARN or alias) for encryption; the AWS-managed key when omitted.
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            kind: StorageType::Gp3,
            allocated_gib: None,
            max_allocated_gib: None,
            iops: None,
            throughput_mibps: None,
            encrypted: true,
            kms_key_id: None,
        }
    }
}

/// A parameter group owned by the stack (`{family, parameters}`), or one that already exists,
/// by name (`{name}`: referenced, read, never changed or deleted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterGroup {
    /// An existing group, by name, instead of one of the stack's (the database's, a
    /// replica's, the Aurora cluster's, Redis's), alone: it must exist, of the engine's family
    /// (a replica's: its primary's engine; Redis's: the family of its version, e.g. `redis7`);
    /// stackctl never changes or deletes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Parameter group family, e.g. `postgres16`, `mysql8.0`, `redis7` (required without
    /// `name`).
    #[serde(default)]
    pub family: String,
    /// Parameters that differ from the family's defaults.
    #[serde(default)]
    pub parameters: BTreeMap<String, ParamValue>,
}

/// A read replica of the primary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replica {
    /// DB instance identifier of the replica.
    pub identifier: String,
    /// Instance class; the primary's when omitted.
    #[serde(default)]
    pub instance_class: Option<String>,
    /// Availability zone, e.g. `eu-west-1b`; AWS chooses when omitted.
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// Keep a synchronous standby of this replica in another availability zone.
    #[serde(default)]
    pub multi_az: bool,
    /// Performance Insights of this replica (`enabled` only); the primary's when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_insights: Option<PerformanceInsights>,
    /// Enhanced monitoring of this replica; the primary's when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhanced_monitoring: Option<EnhancedMonitoring>,
    /// This replica's own DB parameter group: a group of its own, owned by the stack, or an
    /// existing one by `name`; the primary's when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_group: Option<ParameterGroup>,
    /// The logs this replica exports to CloudWatch Logs; the primary's when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_exports: Option<Vec<String>>,
}

/// ElastiCache Redis replication group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redis {
    /// Replication group id (1 to 40 characters).
    pub replication_group_id: String,
    /// Description shown in the console.
    #[serde(default)]
    pub description: Option<String>,
    /// Redis engine version, e.g. `7.1`.
    pub engine_version: String,
    /// Node type, e.g. `cache.r6g.large`.
    pub node_type: String,
    /// Port.
    #[serde(default = "default_redis_port")]
    pub port: u16,
    /// Cluster mode disabled: the number of nodes, a primary and its replicas (1 to 6).
    #[serde(default)]
    pub num_cache_clusters: Option<u32>,
    /// Cluster mode enabled: shards and replicas per shard, instead of `num_cache_clusters`.
    #[serde(default)]
    pub cluster_mode: Option<ClusterMode>,
    /// Promote a replica when the primary fails (needs 2 or more nodes).
    #[serde(default)]
    pub automatic_failover: bool,
    /// Place replicas in other availability zones (needs automatic failover).
    #[serde(default)]
    pub multi_az: bool,
    /// Encrypt data at rest.
    #[serde(default = "yes")]
    pub at_rest_encryption: bool,
    /// KMS key for encryption at rest.
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// TLS between clients and nodes.
    #[serde(default = "yes")]
    pub transit_encryption: bool,
    /// With `transit_encryption: true`: `required` (TLS only, the default) or `preferred`
    /// (TLS and plaintext both accepted: the stage a group holds while its clients move to
    /// TLS, before `required` drops every plaintext connection).
    #[serde(default)]
    pub transit_encryption_mode: TransitEncryptionMode,
    /// The AUTH token: `generated` into a Secrets Manager secret the stack owns, or `none`.
    #[serde(default)]
    pub auth_token: AuthToken,
    /// Days to keep automatic snapshots (0 to 35; 0 turns them off).
    #[serde(default = "default_snapshot_retention")]
    pub snapshot_retention_days: u32,
    /// Daily snapshot window in UTC, `hh24:mi-hh24:mi`, e.g. `00:00-01:00`.
    #[serde(default)]
    pub snapshot_window: Option<String>,
    /// Weekly maintenance window in UTC, `ddd:hh24:mi-ddd:hh24:mi`, at least 60 minutes.
    #[serde(default)]
    pub maintenance_window: Option<String>,
    /// A cache parameter group owned by the stack, or an existing one by `name`; AWS's default
    /// for the version when omitted.
    #[serde(default)]
    pub parameter_group: Option<ParameterGroup>,
    /// Short names of security groups in `network.security_groups`.
    #[serde(default)]
    pub security_groups: Vec<String>,
}

fn default_redis_port() -> u16 {
    6379
}
fn default_snapshot_retention() -> u32 {
    1
}
