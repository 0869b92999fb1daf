//! The validated stack spec: what the rest of stackctl reads. Each choice the file writes as
//! two optional keys is one sum type here (a VPC is an id or tags; the database an RDS instance
//! with its replicas or an Aurora cluster with its instances; a parameter group the stack's or
//! an existing one), and what a replica inherits from its primary is resolved. Only
//! [`super::load`] makes one, from a file that passed every rule.

use std::collections::BTreeMap;

pub use super::values::*;

/// One valid stack.
#[derive(Debug, Clone, PartialEq)]
pub struct StackSpec {
    /// The stack's name: everything it creates carries the tag `stackctl:stack=<name>`.
    pub name: String,
    pub region: String,
    /// Tags put on every resource the stack creates.
    pub tags: BTreeMap<String, String>,
    pub network: Network,
    pub database: Database,
    pub proxy: Option<Proxy>,
    pub redis: Option<Redis>,
    pub alarms: Vec<Alarm>,
}

/// Where the stack lives: looked up, never created, but for the security groups it owns.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub vpc: Vpc,
    pub subnets: Subnets,
    /// By the short name the file uses for them.
    pub security_groups: BTreeMap<String, SecurityGroup>,
}

/// The VPC, by id or by the tags that select exactly one.
#[derive(Debug, Clone, PartialEq)]
pub enum Vpc {
    Id(String),
    Tags(BTreeMap<String, String>),
}

/// The private subnets, by ids or by the tags that select them within the VPC.
#[derive(Debug, Clone, PartialEq)]
pub enum Subnets {
    Ids(Vec<String>),
    Tags(BTreeMap<String, String>),
}

/// A security group the stack references by id, or one it creates and owns.
#[derive(Debug, Clone, PartialEq)]
pub enum SecurityGroup {
    Existing {
        id: String,
    },
    Owned {
        description: Option<String>,
        ingress: Vec<Ingress>,
    },
}

/// One inbound TCP rule of an owned group.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingress {
    pub source: Source,
    pub port: u16,
    pub description: Option<String>,
}

/// Where inbound traffic comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Another security group of the file, by its short name.
    Group(String),
    /// An IPv4 CIDR block.
    Cidr(String),
}

/// The database: what an RDS instance and an Aurora cluster share, and the [`Layout`] that is
/// one or the other.
#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    /// The DB instance identifier; the DB cluster identifier on Aurora.
    pub identifier: String,
    pub engine: Engine,
    pub engine_version: String,
    /// None: the engine's default port.
    pub port: Option<u16>,
    pub database_name: Option<String>,
    pub master_user: MasterUser,
    pub backup: Backup,
    pub maintenance_window: Option<String>,
    pub deletion_protection: bool,
    pub auto_minor_version_upgrade: bool,
    pub copy_tags_to_snapshot: bool,
    pub iam_database_authentication: bool,
    pub apply_changes: ApplyChanges,
    /// Short names of security groups in `network.security_groups`.
    pub security_groups: Vec<String>,
    pub log_exports: Vec<String>,
    /// Encryption at rest: the instance's storage, or the cluster volume.
    pub encryption: Encryption,
    pub layout: Layout,
}

/// Encryption at rest, with AWS's key when `kms_key_id` is None.
#[derive(Debug, Clone, PartialEq)]
pub struct Encryption {
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
}

/// An RDS instance (`postgres`, `mysql`) or an Aurora cluster (`aurora-*`), as the engine says.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    Instance(Box<Instance>),
    Cluster(Cluster),
}

/// What only an RDS primary has.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The identifier the instance had: renamed in place.
    pub renamed_from: Option<String>,
    pub instance_class: String,
    pub storage: Storage,
    pub multi_az: bool,
    pub performance_insights: PerformanceInsights,
    pub enhanced_monitoring: EnhancedMonitoring,
    pub publicly_accessible: bool,
    pub ca_certificate_identifier: Option<String>,
    pub parameter_group: Option<ParameterGroup>,
    pub replicas: Vec<Replica>,
}

/// An RDS instance's storage.
#[derive(Debug, Clone, PartialEq)]
pub struct Storage {
    pub kind: StorageType,
    pub allocated_gib: u32,
    /// None: storage autoscaling off.
    pub max_allocated_gib: Option<u32>,
    pub iops: Option<u32>,
    pub throughput_mibps: Option<u32>,
}

/// What only an Aurora cluster has.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub serverless_v2: Option<ServerlessV2>,
    pub parameter_group: Option<ParameterGroup>,
    /// The first is the writer, the others readers.
    pub instances: Vec<ClusterInstance>,
}

/// A parameter group of the stack's, or an existing one referenced by name (read, never
/// changed or deleted).
#[derive(Debug, Clone, PartialEq)]
pub enum ParameterGroup {
    Existing { name: String },
    Owned(OwnedGroup),
}

/// A parameter group the stack creates and owns.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedGroup {
    pub family: String,
    /// The parameters that differ from the family's defaults.
    pub parameters: BTreeMap<String, ParamValue>,
}

/// A read replica of the RDS primary, with what it inherits from the primary resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    pub identifier: String,
    pub instance_class: String,
    pub availability_zone: Option<String>,
    pub multi_az: bool,
    pub performance_insights: PerformanceInsights,
    pub enhanced_monitoring: EnhancedMonitoring,
    /// The replica's own group (the stack's or an existing one); None: the primary's.
    pub parameter_group: Option<ParameterGroup>,
    pub log_exports: Vec<String>,
}

/// The ElastiCache Redis replication group.
#[derive(Debug, Clone, PartialEq)]
pub struct Redis {
    pub replication_group_id: String,
    pub description: Option<String>,
    pub engine_version: String,
    pub node_type: String,
    pub port: u16,
    pub topology: Topology,
    pub automatic_failover: bool,
    pub multi_az: bool,
    pub at_rest_encryption: bool,
    pub kms_key_id: Option<String>,
    pub transit_encryption: bool,
    pub transit_encryption_mode: TransitEncryptionMode,
    pub auth_token: AuthToken,
    pub snapshot_retention_days: u32,
    pub snapshot_window: Option<String>,
    pub maintenance_window: Option<String>,
    /// The stack's group or an existing one; None: AWS's default for the engine.
    pub parameter_group: Option<ParameterGroup>,
    pub security_groups: Vec<String>,
}

/// Cluster mode disabled (a primary and its replicas) or enabled (shards).
#[derive(Debug, Clone, PartialEq)]
pub enum Topology {
    /// The number of nodes, a primary and its replicas.
    Nodes(u32),
    Sharded(ClusterMode),
}

impl Database {
    /// The RDS primary's own settings; None on Aurora.
    pub fn instance(&self) -> Option<&Instance> {
        match &self.layout {
            Layout::Instance(i) => Some(i),
            Layout::Cluster(_) => None,
        }
    }

    /// The Aurora cluster's own settings; None on an RDS instance.
    pub fn cluster(&self) -> Option<&Cluster> {
        match &self.layout {
            Layout::Cluster(c) => Some(c),
            Layout::Instance(_) => None,
        }
    }

    /// The RDS primary's read replicas (none on Aurora).
    pub fn replicas(&self) -> &[Replica] {
        self.instance().map_or(&[], |i| &i.replicas)
    }

    /// The Aurora cluster's instances, the writer first (none on an RDS instance).
    pub fn cluster_instances(&self) -> &[ClusterInstance] {
        self.cluster().map_or(&[], |c| &c.instances)
    }

    /// The port: the file's, or the engine's default.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(self.engine.default_port())
    }

    /// The RDS primary's settings to change (tests build variants of a stack this way).
    pub fn instance_mut(&mut self) -> Option<&mut Instance> {
        match &mut self.layout {
            Layout::Instance(i) => Some(i),
            Layout::Cluster(_) => None,
        }
    }

    /// The Aurora cluster's settings to change.
    pub fn cluster_mut(&mut self) -> Option<&mut Cluster> {
        match &mut self.layout {
            Layout::Cluster(c) => Some(c),
            Layout::Instance(_) => None,
        }
    }
}

impl ParameterGroup {
    /// The group of the stack's; None for an existing one.
    pub fn owned(&self) -> Option<&OwnedGroup> {
        match self {
            ParameterGroup::Owned(g) => Some(g),
            ParameterGroup::Existing { .. } => None,
        }
    }

    /// The existing group's name; None for one of the stack's.
    pub fn existing(&self) -> Option<&str> {
        match self {
            ParameterGroup::Existing { name } => Some(name),
            ParameterGroup::Owned(_) => None,
        }
    }
}

impl Redis {
    /// Shards and replicas with cluster mode enabled; None with it disabled.
    pub fn cluster_mode(&self) -> Option<&ClusterMode> {
        match &self.topology {
            Topology::Sharded(cm) => Some(cm),
            Topology::Nodes(_) => None,
        }
    }
}
