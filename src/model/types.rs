//! The vocabulary shared by every kind.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every kind of resource stackctl manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    SecurityGroup,
    DbSubnetGroup,
    CacheSubnetGroup,
    DbParameterGroup,
    CacheParameterGroup,
    Secret,
    DbInstance,
    DbReplica,
    Proxy,
    ProxyTargetGroup,
    ProxyTarget,
    ProxyEndpoint,
    ReplicationGroup,
    Alarm,
    DbClusterParameterGroup,
    DbCluster,
    DbClusterInstance,
}

impl Kind {
    /// Whether creating it again from what AWS had before undoes its deletion, losing
    /// nothing: a proxy target is only a registration (DeregisterDBProxyTargets, then
    /// RegisterDBProxyTargets of the same instance). Every other deletion is final.
    pub fn deletion_undone_by_creating_again(self) -> bool {
        matches!(self, Kind::ProxyTarget)
    }

    pub const ALL: [Kind; 17] = [
        Kind::SecurityGroup,
        Kind::DbSubnetGroup,
        Kind::CacheSubnetGroup,
        Kind::DbParameterGroup,
        Kind::CacheParameterGroup,
        Kind::Secret,
        Kind::DbInstance,
        Kind::DbReplica,
        Kind::Proxy,
        Kind::ProxyTargetGroup,
        Kind::ProxyTarget,
        Kind::ProxyEndpoint,
        Kind::ReplicationGroup,
        Kind::Alarm,
        Kind::DbClusterParameterGroup,
        Kind::DbCluster,
        Kind::DbClusterInstance,
    ];

    pub fn as_str(self) -> &'static str {
        spec_of(self).name
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource's address in a plan: `db_instance.shop-prod-db`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Address {
    pub kind: Kind,
    pub name: String,
}

impl Address {
    pub fn new(kind: Kind, name: impl Into<String>) -> Self {
        Address {
            kind,
            name: name.into(),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind, self.name)
    }
}

/// What a change costs the user, from harmless to destructive. Ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Applied online, no interruption.
    Online,
    /// Scheduled by AWS for the next maintenance window.
    PendingMaintenance,
    /// Needs a reboot to take effect (stackctl reboots when changes apply immediately).
    Reboot,
    /// A Multi-AZ failover: a minute or two of reconnects.
    Failover,
    /// A brief outage while AWS restarts or moves the resource.
    BriefOutage,
    /// The resource is deleted and created again; nothing stored in it is lost.
    Replace,
    /// The resource is deleted (it left the spec); nothing durable is lost.
    Delete,
    /// The resource is deleted and created again, and the data in it is lost.
    ReplaceDataLoss,
    /// The resource is deleted, and the data in it with it.
    DeleteDataLoss,
}

impl Impact {
    pub fn label(self) -> &'static str {
        match self {
            Impact::Online => "online",
            Impact::PendingMaintenance => "pending maintenance window",
            Impact::Reboot => "needs a reboot",
            Impact::Failover => "Multi-AZ failover",
            Impact::BriefOutage => "brief outage",
            Impact::Replace => "replacement",
            Impact::Delete => "deletion",
            Impact::ReplaceDataLoss => "replacement with data loss",
            Impact::DeleteDataLoss => "deletion with data loss",
        }
    }

    pub fn forces_replacement(self) -> bool {
        matches!(self, Impact::Replace | Impact::ReplaceDataLoss)
    }

    /// Data stored in the resource is lost.
    pub fn loses_data(self) -> bool {
        matches!(self, Impact::ReplaceDataLoss | Impact::DeleteDataLoss)
    }
}

/// How an attribute's desired value is compared with what AWS reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Equal JSON values.
    Exact,
    /// Strings equal ignoring case (AWS lower-cases windows).
    IgnoreCase,
    /// Lists equal as sets (security groups, subnets).
    Unordered,
    /// An engine version: AWS's may be a newer minor of the same major when
    /// `auto_minor_version_upgrade` is on (the resource's attribute of that name).
    MinorUpgradable,
    /// Storage grown by autoscaling: AWS's may be larger, up to `max_allocated_gib`.
    GrowsUpToMax,
    /// Numbers compared as floats (thresholds).
    Number,
    /// A KMS key: AWS reports the key's ARN where the spec may give its id.
    KmsKey,
    /// A setting of stackctl's own, not state in AWS: never a change.
    Never,
    /// AWS's state, whose desired value is the settled one (a DB instance's parameters
    /// `in-sync`): compared exactly, never shown on create.
    State,
    /// Set once when the resource is created, from its name or the stack's, and AWS has no
    /// call to change it: shown on create, never compared (no edit and no change made in AWS
    /// can make it differ, and a new wording in a later stackctl must not replace anything).
    AtCreate,
    /// Where a password comes from: `rds_managed`, `generated` or `secret_arn:<ARN>`, compared
    /// by its source alone (before the first `:`), because AWS reports whether RDS manages the
    /// password and never which secret a password it was given came from.
    PasswordSource,
}

/// What one change of an attribute costs: its impact, whether AWS holds it for the maintenance
/// window when asked to (`apply_changes: in_maintenance_window`), and what a reviewer should
/// know besides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub impact: Impact,
    pub deferrable: bool,
    pub note: Option<&'static str>,
}

impl Cost {
    pub const fn new(impact: Impact, deferrable: bool) -> Self {
        Cost {
            impact,
            deferrable,
            note: None,
        }
    }
    pub const fn noting(mut self, note: &'static str) -> Self {
        self.note = Some(note);
        self
    }
}

/// The cost of a change that depends on the values it goes between: AWS's value (`old`), the
/// desired one (`new`) and the desired resource (for its other settings). `Err` is a change AWS
/// refuses: the reason, and what to do instead. Pure: no AWS, no clock.
pub type ChangeRule = fn(old: &Value, new: &Value, desired: &Resource) -> Result<Cost, String>;

/// Where a row's cost comes from: the AWS documentation page and the exact sentence that says
/// what the change costs, or what AWS does not document (and so what the row rests on). The
/// sentences are copied from `docs/impact-sources.md`, never written here; `docs/impacts.md`
/// publishes them beside each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Documented {
        /// A docs.aws.amazon.com page.
        url: &'static str,
        /// AWS's sentence, word for word.
        quote: &'static str,
    },
    /// What AWS does not document, e.g. "AWS documents no impact for tags", or why the row
    /// needs no statement (a setting of stackctl's own, an API with no parameter to change it).
    NotDocumented(&'static str),
}

impl Source {
    pub const fn doc(url: &'static str, quote: &'static str) -> Self {
        Source::Documented { url, quote }
    }
}

/// One row of a kind's table.
#[derive(Debug, Clone, Copy)]
pub struct AttrSpec {
    pub name: &'static str,
    pub compare: Compare,
    /// What changing it costs (when `by_change` has no say).
    pub impact: Impact,
    /// For a DB instance whose Multi-AZ is on, the cost becomes a failover instead.
    pub failover_when_multi_az: bool,
    /// AWS can defer the change to the maintenance window (`apply_changes:
    /// in_maintenance_window`).
    pub deferrable: bool,
    /// A DB parameter group's parameters: a change of static ones costs a reboot of each
    /// instance using the group (`plan::reboots`).
    pub reboot_when_static: bool,
    /// Never shown, logged or stored: only "(sensitive)".
    pub sensitive: bool,
    /// A desired `null` means "AWS's default": whatever AWS reports is accepted.
    pub null_is_unmanaged: bool,
    /// A change stackctl does not make to a resource that exists: the plan stops with this
    /// reason and what to do instead.
    pub refusal: Option<&'static str>,
    /// Where the cost depends on the old and new value (backup retention from or to 0, an
    /// engine version that would go down): decides it instead of `impact` and `deferrable`.
    pub by_change: Option<ChangeRule>,
    /// Why the row costs what it does: the main citation first, then any others (a `by_change`
    /// rule's other cases). Empty is a row not yet cited, which a test refuses.
    pub sources: &'static [Source],
    /// The costs of a `by_change` rule in words, case by case, for `docs/impacts.md`.
    pub cases: Option<&'static str>,
}

impl AttrSpec {
    pub const fn online(name: &'static str) -> Self {
        AttrSpec {
            name,
            compare: Compare::Exact,
            impact: Impact::Online,
            failover_when_multi_az: false,
            deferrable: false,
            reboot_when_static: false,
            sensitive: false,
            null_is_unmanaged: false,
            refusal: None,
            by_change: None,
            sources: &[],
            cases: None,
        }
    }
    /// A row of [`Compare::AtCreate`].
    pub const fn at_create(name: &'static str) -> Self {
        AttrSpec::online(name).compare(Compare::AtCreate)
    }
    pub const fn refused(mut self, reason: &'static str) -> Self {
        self.refusal = Some(reason);
        self
    }
    pub const fn unmanaged_when_null(mut self) -> Self {
        self.null_is_unmanaged = true;
        self
    }
    pub const fn with(mut self, impact: Impact) -> Self {
        self.impact = impact;
        self
    }
    pub const fn compare(mut self, compare: Compare) -> Self {
        self.compare = compare;
        self
    }
    pub const fn deferrable(mut self) -> Self {
        self.deferrable = true;
        self
    }
    pub const fn reboot_when_static(mut self) -> Self {
        self.reboot_when_static = true;
        self
    }
    pub const fn failover_when_multi_az(mut self) -> Self {
        self.failover_when_multi_az = true;
        self
    }
    pub const fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub const fn by_change(mut self, rule: ChangeRule) -> Self {
        self.by_change = Some(rule);
        self
    }
    /// The row's citations, the main one first.
    pub const fn sources(mut self, sources: &'static [Source]) -> Self {
        self.sources = sources;
        self
    }
    /// The cases of its `by_change` rule in words.
    pub const fn cases(mut self, cases: &'static str) -> Self {
        self.cases = Some(cases);
        self
    }

    /// What changing it from `old` (AWS's) to `new` (the desired value of `desired`) costs, or
    /// why AWS refuses that change; before the Multi-AZ failover and the maintenance window
    /// (the planner applies those).
    pub fn cost(&self, old: &Value, new: &Value, desired: &Resource) -> Result<Cost, String> {
        match self.by_change {
            Some(rule) => rule(old, new, desired),
            None => Ok(Cost::new(self.impact, self.deferrable)),
        }
    }
}

/// A kind's table.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    pub kind: Kind,
    /// Its name in addresses.
    pub name: &'static str,
    /// What a person calls it.
    pub label: &'static str,
    /// Holds data: replacing or deleting it needs care (and, later, `--allow-destroy`).
    pub stateful: bool,
    /// Deleting it loses data that exists nowhere else (a replica's is a copy).
    pub loses_data: bool,
    pub attrs: &'static [AttrSpec],
}

impl KindSpec {
    pub fn attr(&self, name: &str) -> Option<&'static AttrSpec> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// Every attribute row of every kind's table: what a change to a stack can touch.
pub fn attribute_rows() -> Vec<(Kind, &'static AttrSpec)> {
    Kind::ALL
        .iter()
        .flat_map(|k| spec_of(*k).attrs.iter().map(move |a| (*k, a)))
        .collect()
}

/// The table of a kind.
pub fn spec_of(kind: Kind) -> &'static KindSpec {
    use super::*;
    match kind {
        Kind::SecurityGroup => &network::SECURITY_GROUP,
        Kind::DbSubnetGroup => &network::DB_SUBNET_GROUP,
        Kind::CacheSubnetGroup => &network::CACHE_SUBNET_GROUP,
        Kind::DbParameterGroup => &parameter_group::DB_PARAMETER_GROUP,
        Kind::CacheParameterGroup => &parameter_group::CACHE_PARAMETER_GROUP,
        Kind::Secret => &secret::SECRET,
        Kind::DbInstance => &db_instance::DB_INSTANCE,
        Kind::DbReplica => &db_instance::DB_REPLICA,
        Kind::Proxy => &proxy::PROXY,
        Kind::ProxyTargetGroup => &proxy::PROXY_TARGET_GROUP,
        Kind::ProxyTarget => &proxy::PROXY_TARGET,
        Kind::ProxyEndpoint => &proxy::PROXY_ENDPOINT,
        Kind::ReplicationGroup => &redis::REPLICATION_GROUP,
        Kind::Alarm => &alarm::ALARM,
        Kind::DbClusterParameterGroup => &parameter_group::DB_CLUSTER_PARAMETER_GROUP,
        Kind::DbCluster => &db_cluster::DB_CLUSTER,
        Kind::DbClusterInstance => &db_cluster::DB_CLUSTER_INSTANCE,
    }
}

/// A resource, desired (from the spec) or observed (from AWS), in the same normal form: the
/// spec's own names and units, never AWS API shapes. A `null` desired value means "AWS's
/// default; not managed".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub address: Address,
    pub attrs: BTreeMap<String, Value>,
    /// Resources that must exist before this one (desired only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Address>,
}

impl Resource {
    pub fn new(kind: Kind, name: impl Into<String>) -> Self {
        Resource {
            address: Address::new(kind, name),
            attrs: BTreeMap::new(),
            depends_on: Vec::new(),
        }
    }

    pub fn set(mut self, name: &str, value: impl Into<Value>) -> Self {
        debug_assert!(
            spec_of(self.address.kind).attr(name).is_some(),
            "{} has no attribute {name} in its table",
            self.address.kind
        );
        self.attrs.insert(name.to_owned(), value.into());
        self
    }

    pub fn after(mut self, dep: Address) -> Self {
        if !self.depends_on.contains(&dep) {
            self.depends_on.push(dep);
        }
        self
    }

    pub fn get(&self, name: &str) -> &Value {
        self.attrs.get(name).unwrap_or(&Value::Null)
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).as_str()
    }

    pub fn bool(&self, name: &str) -> bool {
        self.get(name).as_bool().unwrap_or(false)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).as_i64()
    }

    pub fn strings(&self, name: &str) -> Vec<String> {
        self.get(name)
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}
