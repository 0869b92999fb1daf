//! The values a stack spec holds that are the same in the file and in the validated spec:
//! engines, storage types, the proxy's settings, alarms and the like, each valid in any
//! combination of its fields (the rules check their ranges). The mappings that hold a choice
//! are [`super::raw`]'s in the file and [`super::stack`]'s once validated.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(super) fn yes() -> bool {
    true
}

/// Database engine: an RDS instance (`postgres`, `mysql`) or an Aurora cluster
/// (`aurora-postgresql`, `aurora-mysql`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    Postgres,
    Mysql,
    AuroraPostgresql,
    AuroraMysql,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::AuroraPostgresql => "aurora-postgresql",
            Engine::AuroraMysql => "aurora-mysql",
        }
    }
    pub fn default_port(self) -> u16 {
        if self.is_mysql() { 3306 } else { 5432 }
    }
    /// An Aurora cluster rather than an RDS instance.
    pub fn is_aurora(self) -> bool {
        matches!(self, Engine::AuroraPostgresql | Engine::AuroraMysql)
    }
    /// MySQL-compatible (RDS for MySQL or Aurora MySQL).
    pub fn is_mysql(self) -> bool {
        matches!(self, Engine::Mysql | Engine::AuroraMysql)
    }
}

/// Aurora Serverless v2 capacity range, in Aurora capacity units (ACUs, about 2 GiB of memory
/// each), in steps of 0.5.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerlessV2 {
    /// Fewest ACUs each `db.serverless` instance scales down to: 0.5 upwards, or 0 (automatic
    /// pause) on the engine versions that support it.
    pub min_acu: f64,
    /// Most ACUs each `db.serverless` instance scales up to: 1 to 256.
    pub max_acu: f64,
}

/// One DB instance of an Aurora cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterInstance {
    /// DB instance identifier, e.g. `shop-aurora-1`.
    pub identifier: String,
    /// `db.serverless` (Aurora Serverless v2) or a provisioned class such as `db.r6g.large`.
    pub instance_class: String,
    /// Failover priority, 0 (first) to 15: a reader of the lowest tier is promoted when the
    /// writer fails. AWS's default, 1, when omitted.
    #[serde(default)]
    pub promotion_tier: Option<u32>,
    /// Performance Insights on this instance.
    #[serde(default)]
    pub performance_insights: PerformanceInsights,
}

/// gp3 takes provisioned IOPS and throughput only from this size up (PostgreSQL and MySQL);
/// below it, the baseline (3000 IOPS, 125 MiB/s). The one place this AWS rule is written.
pub const GP3_PROVISIONED_MIN_GIB: u32 = 400;

/// Storage type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StorageType {
    /// General Purpose SSD: a baseline by size, IOPS and throughput provisioned from 400 GiB.
    #[default]
    Gp3,
    /// General Purpose SSD, previous generation: IOPS follow the size.
    Gp2,
    /// Provisioned IOPS SSD.
    Io1,
    /// Provisioned IOPS SSD, Block Express.
    Io2,
}

impl StorageType {
    /// AWS's name for it (`StorageType`).
    pub fn as_str(self) -> &'static str {
        match self {
            StorageType::Gp3 => "gp3",
            StorageType::Gp2 => "gp2",
            StorageType::Io1 => "io1",
            StorageType::Io2 => "io2",
        }
    }

    /// io1 and io2: IOPS are required and provisioned at any size.
    pub fn provisioned_iops(self) -> bool {
        matches!(self, StorageType::Io1 | StorageType::Io2)
    }
}

/// The master user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MasterUser {
    /// Master user name, e.g. `dbadmin`.
    pub username: String,
    /// Where the password comes from. It is never written in this file.
    #[serde(default)]
    pub password: PasswordSource,
    /// KMS key for the password's secret; the AWS-managed key when omitted.
    #[serde(default)]
    pub secret_kms_key_id: Option<String>,
}

/// Where a password comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PasswordSource {
    /// RDS generates the password, keeps it in Secrets Manager and rotates it.
    #[default]
    RdsManaged,
    /// stackctl generates the password into a Secrets Manager secret it owns.
    Generated,
    /// A Secrets Manager secret the team already keeps, by ARN (`{secret_arn: arn:...}`): a
    /// JSON object with `password` (and `username`, which RDS Proxy reads). stackctl reads its
    /// value when it creates the database and never creates, changes, tags or deletes it.
    SecretArn(String),
}

/// `rds_managed` and `generated` are words, the team's secret a map `{secret_arn: ...}` (as the
/// schema says), not a YAML tag: both ways, so that a plan's recorded spec reads back.
impl Serialize for PasswordSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            PasswordSource::RdsManaged => s.serialize_str("rds_managed"),
            PasswordSource::Generated => s.serialize_str("generated"),
            PasswordSource::SecretArn(arn) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("secret_arn", arn)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for PasswordSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Word {
            RdsManaged,
            Generated,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Existing {
            secret_arn: String,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Word(Word),
            Existing(Existing),
        }
        Ok(
            match Form::deserialize(d).map_err(|_| {
                serde::de::Error::custom(
                    "expected `rds_managed`, `generated` or `{secret_arn: <ARN>}`",
                )
            })? {
                Form::Word(Word::RdsManaged) => PasswordSource::RdsManaged,
                Form::Word(Word::Generated) => PasswordSource::Generated,
                Form::Existing(e) => PasswordSource::SecretArn(e.secret_arn),
            },
        )
    }
}

impl PasswordSource {
    /// The master password row's value: `rds_managed`, `generated`, or `secret_arn:<ARN>`.
    pub fn row_value(&self) -> String {
        match self {
            PasswordSource::RdsManaged => "rds_managed".to_owned(),
            PasswordSource::Generated => "generated".to_owned(),
            PasswordSource::SecretArn(arn) => format!("secret_arn:{arn}"),
        }
    }

    /// The ARN of the team's secret, when the password is in one.
    pub fn secret_arn(&self) -> Option<&str> {
        match self {
            PasswordSource::SecretArn(arn) => Some(arn),
            _ => None,
        }
    }
}

/// Automated backups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// Days to keep automated backups (0 to 35; 0 turns backups off).
    #[serde(default = "default_backup_retention")]
    pub retention_days: u32,
    /// Daily backup window in UTC, `hh24:mi-hh24:mi`, at least 30 minutes, e.g. `03:00-04:00`.
    #[serde(default)]
    pub window: Option<String>,
}

fn default_backup_retention() -> u32 {
    7
}

impl Default for Backup {
    fn default() -> Self {
        Backup {
            retention_days: default_backup_retention(),
            window: None,
        }
    }
}

/// Performance Insights.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerformanceInsights {
    /// Turn Performance Insights on.
    #[serde(default)]
    pub enabled: bool,
    /// Days to keep its data: 7 (free), a multiple of 31 up to 713, or 731.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// KMS key for its data.
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

/// Enhanced monitoring.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnhancedMonitoring {
    /// Seconds between OS metric samples: 0 (off), 1, 5, 10, 15, 30 or 60.
    #[serde(default)]
    pub interval_seconds: u32,
    /// IAM role that lets RDS publish to CloudWatch Logs; required when the interval is above 0.
    #[serde(default)]
    pub role_arn: Option<String>,
}

/// When changes that AWS can defer take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplyChanges {
    /// At once (a reboot or failover the change needs happens during the apply).
    #[default]
    Immediately,
    /// In the next maintenance window.
    InMaintenanceWindow,
}

/// A parameter value: written as a string, number or boolean; AWS stores it as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ParamValue(pub String);

impl<'de> Deserialize<'de> for ParamValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ParamValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E>(self, v: &str) -> Result<ParamValue, E> {
                Ok(ParamValue(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<ParamValue, E> {
                Ok(ParamValue(if v { "1" } else { "0" }.to_owned()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ParamValue, E> {
                Ok(ParamValue(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ParamValue, E> {
                Ok(ParamValue(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ParamValue, E> {
                Ok(ParamValue(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for ParamValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ParamValue".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A parameter value; AWS stores it as a string.",
            "type": ["string", "number", "boolean"]
        })
    }
}

/// RDS Proxy in front of the primary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Proxy {
    /// Proxy name.
    pub name: String,
    /// `postgresql` or `mysql`; follows the database engine when omitted.
    #[serde(default)]
    pub engine_family: Option<EngineFamily>,
    /// IAM role the proxy assumes to read its secret.
    pub role_arn: String,
    /// How clients authenticate.
    #[serde(default)]
    pub auth: ProxyAuth,
    /// Refuse connections without TLS.
    #[serde(default = "yes")]
    pub require_tls: bool,
    /// Seconds an idle client connection is kept (1 to 28800).
    #[serde(default = "default_idle_client_timeout")]
    pub idle_client_timeout_seconds: u32,
    /// Log SQL statements for debugging (sensitive; off in production).
    #[serde(default)]
    pub debug_logging: bool,
    /// Short names of security groups in `network.security_groups`.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// The default target group's connection pool.
    #[serde(default)]
    pub pool: Pool,
    /// Identifiers of the DB instances behind the proxy; the primary when omitted.
    #[serde(default)]
    pub targets: Option<Vec<String>>,
    /// Extra endpoints besides the proxy's default read/write one.
    #[serde(default)]
    pub endpoints: Vec<ProxyEndpoint>,
}

fn default_idle_client_timeout() -> u32 {
    1800
}

/// RDS Proxy engine family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EngineFamily {
    Postgresql,
    Mysql,
}

/// How clients authenticate to the proxy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProxyAuth {
    /// IAM authentication: `required` or `disabled`.
    #[serde(default)]
    pub iam: IamAuth,
    /// ARN of an existing Secrets Manager secret with the database credentials; the master
    /// user's secret when omitted.
    #[serde(default)]
    pub secret_arn: Option<String>,
}

/// IAM authentication to the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IamAuth {
    Required,
    #[default]
    Disabled,
}

/// The default target group's connection pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// Share of the database's max_connections the proxy may open (1 to 100). Keep headroom
    /// for admin and replication connections.
    #[serde(default = "default_max_connections_percent")]
    pub max_connections_percent: u32,
    /// Share of max_connections the proxy may keep idle (0 to max_connections_percent).
    #[serde(default = "default_max_idle_connections_percent")]
    pub max_idle_connections_percent: u32,
    /// Seconds a client waits for a pooled connection before an error (0 to 3600).
    #[serde(default = "default_borrow_timeout")]
    pub connection_borrow_timeout_seconds: u32,
    /// Statements that do not pin a session; only `exclude_variable_sets`, MySQL only.
    #[serde(default)]
    pub session_pinning_filters: Vec<PinningFilter>,
    /// SQL run on each new database connection, e.g. `SET TIME ZONE 'UTC'`.
    #[serde(default)]
    pub init_query: Option<String>,
}

fn default_max_connections_percent() -> u32 {
    90
}
fn default_max_idle_connections_percent() -> u32 {
    50
}
fn default_borrow_timeout() -> u32 {
    120
}

impl Default for Pool {
    fn default() -> Self {
        Pool {
            max_connections_percent: default_max_connections_percent(),
            max_idle_connections_percent: default_max_idle_connections_percent(),
            connection_borrow_timeout_seconds: default_borrow_timeout(),
            session_pinning_filters: Vec::new(),
            init_query: None,
        }
    }
}

/// A session pinning filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PinningFilter {
    ExcludeVariableSets,
}

/// An extra proxy endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProxyEndpoint {
    /// Endpoint name.
    pub name: String,
    /// `read_write`, or `read_only` (Aurora reader instances only).
    #[serde(default)]
    pub target_role: TargetRole,
    /// Short names of security groups; the proxy's when omitted.
    #[serde(default)]
    pub security_groups: Option<Vec<String>>,
}

/// What a proxy endpoint routes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetRole {
    #[default]
    ReadWrite,
    ReadOnly,
}

/// Cluster mode enabled: shards × replicas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterMode {
    /// Number of shards (node groups), 1 to 500.
    pub shards: u32,
    /// Replicas in each shard, 0 to 5.
    pub replicas_per_shard: u32,
}

/// Where the Redis AUTH token comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthToken {
    /// stackctl generates a token into a Secrets Manager secret it owns.
    #[default]
    Generated,
    /// No AUTH token.
    None,
}

/// Which connections a group with in-transit encryption accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransitEncryptionMode {
    /// TLS only.
    #[default]
    Required,
    /// TLS and plaintext both.
    Preferred,
}

impl TransitEncryptionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TransitEncryptionMode::Required => "required",
            TransitEncryptionMode::Preferred => "preferred",
        }
    }
}

/// A CloudWatch alarm on one resource of the stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    /// Alarm name, unique in the account and region.
    pub name: String,
    /// What the alarm is for.
    #[serde(default)]
    pub description: Option<String>,
    /// The resource, by its name in this file: the database or a replica identifier, the
    /// proxy name, or the Redis replication group id.
    pub resource: String,
    /// For a Redis alarm: which node (1 = `<group>-001`); 1 when omitted.
    #[serde(default)]
    pub node: Option<u32>,
    /// Metric name in the resource's namespace, e.g. `CPUUtilization`.
    pub metric: String,
    /// `Average`, `Sum`, `Minimum`, `Maximum`, `SampleCount`, or a percentile such as `p99`.
    #[serde(default = "default_statistic")]
    pub statistic: String,
    /// Seconds per datapoint: 10, 20, 30 or a multiple of 60.
    #[serde(default = "default_period")]
    pub period_seconds: u32,
    /// Datapoints to evaluate.
    pub evaluation_periods: u32,
    /// Datapoints out of `evaluation_periods` that must breach; all of them when omitted.
    #[serde(default)]
    pub datapoints_to_alarm: Option<u32>,
    /// Threshold, in the metric's unit.
    pub threshold: f64,
    /// How the statistic compares with the threshold.
    pub comparison: Comparison,
    /// How missing datapoints count.
    #[serde(default)]
    pub treat_missing_data: MissingData,
    /// ARNs notified when the alarm fires (SNS topics).
    #[serde(default)]
    pub actions: Vec<String>,
    /// ARNs notified when the alarm returns to OK.
    #[serde(default)]
    pub ok_actions: Vec<String>,
}

fn default_statistic() -> String {
    "Average".to_owned()
}
fn default_period() -> u32 {
    60
}

/// Comparison of the statistic with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}

/// How missing datapoints count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingData {
    #[default]
    Missing,
    NotBreaching,
    Breaching,
    Ignore,
}
