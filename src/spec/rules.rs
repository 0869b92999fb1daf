//! The rules AWS would otherwise enforce minutes into an apply, and warnings for what is legal
//! but unwise. They run on a structurally valid spec; every finding carries the line and column
//! of the value it is about, looked up by key path in the positioned tree.

use std::collections::{BTreeMap, BTreeSet};

use super::diag::Diagnostic;
use super::raw::{
    AuthToken, Database, Engine, EngineFamily, IamAuth, PasswordSource, Proxy, Redis, Stack,
    TargetRole,
};
use super::structure::did_you_mean;
use super::tree::{KeyPath, Node};

/// Checks a structurally valid stack. `root` is the positioned tree it was decoded from.
pub fn check(stack: &Stack, root: &Node) -> Vec<Diagnostic> {
    let mut r = Rules {
        stack,
        root,
        out: Vec::new(),
    };
    r.stack_level();
    r.network();
    r.database(&stack.database);
    if let Some(p) = &stack.proxy {
        r.proxy(p);
    }
    if let Some(redis) = &stack.redis {
        r.redis(redis);
    }
    r.alarms();
    r.warnings();
    r.out
}

/// A diagnostic just recorded, to add what is allowed and a hint to.
struct Finding<'d>(&'d mut Diagnostic);

impl Finding<'_> {
    fn allowed(self, allowed: impl Into<String>) -> Self {
        self.0.allowed = Some(allowed.into());
        self
    }
    fn hint(self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }
}

struct Rules<'a> {
    stack: &'a Stack,
    root: &'a Node,
    out: Vec<Diagnostic>,
}

/// RDS-style identifier rules: 1 to `max` letters, digits or hyphens, starting with a letter,
/// no two hyphens in a row, not ending with a hyphen.
fn identifier_problem(id: &str, max: usize) -> Option<String> {
    if id.is_empty() || id.len() > max {
        return Some(format!(
            "must be 1 to {max} characters long (it has {})",
            id.len()
        ));
    }
    if !id.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Some("must start with a letter".into());
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!(
            "must hold only letters, digits and hyphens, not `{c}`"
        ));
    }
    if id.contains("--") {
        return Some("must not contain two hyphens in a row".into());
    }
    if id.ends_with('-') {
        return Some("must not end with a hyphen".into());
    }
    None
}

/// How a kind of maintenance/backup window is written.
struct WindowShape {
    kind: &'static str,
    parse: fn(&str) -> Option<(u32, u32)>,
    format: &'static str,
    example: &'static str,
}

/// The most tags a stack may give: AWS allows 50 a resource, and stackctl adds three of its own
/// (`Name`, `stackctl:stack`, `stackctl:apply`).
pub const MAX_STACK_TAGS: usize = 47;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// A daily window `hh24:mi-hh24:mi` as (start minute of day, length in minutes).
fn parse_daily_window(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (parse_hhmm(a)?, parse_hhmm(b)?);
    Some((a, (b + 1440 - a) % 1440))
}

/// A weekly window `ddd:hh24:mi-ddd:hh24:mi` as (start minute of week, length in minutes).
fn parse_weekly_window(s: &str) -> Option<(u32, u32)> {
    let lower = s.to_ascii_lowercase();
    let (a, b) = lower.split_once('-')?;
    let point = |p: &str| -> Option<u32> {
        let (day, time) = p.split_once(':')?;
        let d = DAYS.iter().position(|x| *x == day)? as u32;
        Some(d * 1440 + parse_hhmm(time)?)
    };
    let (a, b) = (point(a)?, point(b)?);
    Some((a, (b + 10080 - a) % 10080))
}

/// Whether a daily window, repeated every day, meets a weekly window.
fn daily_meets_weekly(daily: (u32, u32), weekly: (u32, u32)) -> bool {
    let mut week = vec![false; 10080];
    for m in 0..weekly.1 {
        week[((weekly.0 + m) % 10080) as usize] = true;
    }
    (0..7).any(|d| (0..daily.1).any(|m| week[((d * 1440 + daily.0 + m) % 10080) as usize]))
}

fn is_hex_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        (h.len() == 8 || h.len() == 17)
            && h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    })
}

fn is_arn(s: &str, service: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == service
        && !parts[5].is_empty()
}

fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

fn is_class(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        let parts: Vec<&str> = rest.split('.').collect();
        parts.len() == 2
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
    })
}

fn is_cidr(s: &str) -> bool {
    let Some((ip, len)) = s.split_once('/') else {
        return false;
    };
    ip.parse::<std::net::Ipv4Addr>().is_ok() && len.parse::<u8>().is_ok_and(|l| l <= 32)
}

/// Metrics each kind of resource publishes, by CloudWatch namespace and dimension.
pub const RDS_INSTANCE_METRICS: &[&str] = &[
    "BinLogDiskUsage",
    "ConnectionAttempts",
    "BurstBalance",
    "CPUCreditBalance",
    "CPUCreditUsage",
    "CPUUtilization",
    "CheckpointLag",
    "DBLoad",
    "DBLoadCPU",
    "DBLoadNonCPU",
    "DatabaseConnections",
    "DiskQueueDepth",
    "EBSByteBalance%",
    "EBSIOBalance%",
    "FreeStorageSpace",
    "FreeableMemory",
    "MaximumUsedTransactionIDs",
    "NetworkReceiveThroughput",
    "NetworkTransmitThroughput",
    "OldestReplicationSlotLag",
    "ReadIOPS",
    "ReadLatency",
    "ReadThroughput",
    "ReplicaLag",
    "ReplicationSlotDiskUsage",
    "SwapUsage",
    "TransactionLogsDiskUsage",
    "TransactionLogsGeneration",
    "WriteIOPS",
    "WriteLatency",
    "WriteThroughput",
];

pub const RDS_PROXY_METRICS: &[&str] = &[
    "AvailabilityPercentage",
    "ClientConnections",
    "ClientConnectionsClosed",
    "ClientConnectionsNoTLS",
    "ClientConnectionsReceived",
    "ClientConnectionsSetupFailedAuth",
    "ClientConnectionsSetupSucceeded",
    "ClientConnectionsTLS",
    "DatabaseConnectionRequests",
    "DatabaseConnectionRequestsWithTLS",
    "DatabaseConnections",
    "DatabaseConnectionsBorrowLatency",
    "DatabaseConnectionsCurrentlyBorrowed",
    "DatabaseConnectionsCurrentlyInTransaction",
    "DatabaseConnectionsCurrentlySessionPinned",
    "DatabaseConnectionsSetupFailed",
    "DatabaseConnectionsSetupSucceeded",
    "DatabaseConnectionsWithTLS",
    "MaxDatabaseConnectionsAllowed",
    "QueryDatabaseResponseLatency",
    "QueryRequests",
    "QueryRequestsNoTLS",
    "QueryRequestsTLS",
    "QueryResponseLatency",
];

pub const REDIS_METRICS: &[&str] = &[
    "ActiveDefragHits",
    "BytesUsedForCache",
    "CPUCreditBalance",
    "CPUCreditUsage",
    "CPUUtilization",
    "CacheHitRate",
    "CacheHits",
    "CacheMisses",
    "CurrConnections",
    "CurrItems",
    "DatabaseMemoryUsagePercentage",
    "EngineCPUUtilization",
    "Evictions",
    "FreeableMemory",
    "GetTypeCmds",
    "IsMaster",
    "KeyBasedCmds",
    "MemoryFragmentationRatio",
    "NetworkBytesIn",
    "NetworkBytesOut",
    "NetworkPacketsIn",
    "NetworkPacketsOut",
    "NewConnections",
    "Reclaimed",
    "ReplicationBytes",
    "ReplicationLag",
    "SetTypeCmds",
    "StringBasedCmds",
    "SwapUsage",
];

/// What kind of resource an alarm's `resource` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Primary,
    Replica,
    Proxy,
    Redis,
}

fn is_production(stack: &Stack) -> bool {
    let prod = |v: &str| matches!(v.to_ascii_lowercase().as_str(), "prod" | "production");
    stack.tags.iter().any(|(k, v)| {
        matches!(
            k.to_ascii_lowercase().as_str(),
            "environment" | "env" | "stage"
        ) && prod(v)
    }) || stack.stack.split('-').any(prod)
}

fn join_code(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Rules<'_> {
    /// An error pointing at the value at `path`.
    fn error(&mut self, path: &str, message: impl Into<String>) -> Finding<'_> {
        let kp = KeyPath::parse(path);
        let pos = self.root.locate_value(&kp);
        self.push(Diagnostic::error(pos, &kp, message))
    }

    /// A warning pointing at the key at `path`.
    fn warning(&mut self, path: &str, message: impl Into<String>) -> Finding<'_> {
        let kp = KeyPath::parse(path);
        let pos = self.root.locate(&kp);
        self.push(Diagnostic::warning(pos, &kp, message))
    }

    /// An error pointing at the key (not the value) of `kp`, for a problem with the key itself.
    fn key_error(&mut self, kp: KeyPath, message: impl Into<String>) -> Finding<'_> {
        let pos = self.root.locate(&kp);
        self.push(Diagnostic::error(pos, &kp, message))
    }

    /// The first of `paths` written in the file (a rule between two keys points at the one the
    /// user wrote), or the first when none is.
    fn written<'p>(&self, paths: &[&'p str]) -> &'p str {
        paths
            .iter()
            .find(|p| {
                let kp = KeyPath::parse(p);
                let parent = KeyPath(kp.0[..kp.0.len().saturating_sub(1)].to_vec());
                kp.0.is_empty() || self.root.locate(&kp) != self.root.locate(&parent)
            })
            .copied()
            .unwrap_or(paths[0])
    }

    fn push(&mut self, d: Diagnostic) -> Finding<'_> {
        let index = self.out.len();
        self.out.push(d);
        Finding(&mut self.out[index])
    }

    fn identifier(&mut self, path: &str, id: &str, max: usize, what: &str) {
        if let Some(problem) = identifier_problem(id, max) {
            self.error(path, format!("{what} `{id}` {problem}"))
                .allowed(format!(
                    "1 to {max} letters, digits and hyphens; a letter first; no `--`; no hyphen last"
                ))
                .hint("e.g. `shop-prod-db`");
        }
    }

    fn daily_window(&mut self, path: &str, w: &str, min_minutes: u32) -> Option<(u32, u32)> {
        let shape = WindowShape {
            kind: "daily",
            parse: parse_daily_window,
            format: "`hh24:mi-hh24:mi` in UTC",
            example: "03:00-04:00",
        };
        self.window(path, w, min_minutes, &shape)
    }

    fn weekly_window(&mut self, path: &str, w: &str, min_minutes: u32) -> Option<(u32, u32)> {
        let shape = WindowShape {
            kind: "weekly",
            parse: parse_weekly_window,
            format: "`ddd:hh24:mi-ddd:hh24:mi` in UTC, days `mon` to `sun`",
            example: "sun:04:30-sun:05:30",
        };
        self.window(path, w, min_minutes, &shape)
    }

    /// A window's format and length; `Some((start, length))` when it parses.
    fn window(
        &mut self,
        path: &str,
        w: &str,
        min_minutes: u32,
        shape: &WindowShape,
    ) -> Option<(u32, u32)> {
        let parsed = (shape.parse)(w);
        match parsed {
            None => {
                self.error(path, format!("`{w}` is not a {} window", shape.kind))
                    .allowed(shape.format)
                    .hint(format!("e.g. `{}`", shape.example));
            }
            Some((_, len)) if len < min_minutes => {
                self.error(
                    path,
                    format!("the window `{w}` lasts {len} minutes, less than {min_minutes}"),
                )
                .allowed(format!("a window of at least {min_minutes} minutes"))
                .hint(format!("widen it, e.g. `{}`", shape.example));
            }
            Some(_) => {}
        }
        parsed
    }

    fn security_group_refs(&mut self, path: &str, refs: &[String]) {
        let known: Vec<&str> = self
            .stack
            .network
            .security_groups
            .keys()
            .map(String::as_str)
            .collect();
        let mut seen = BTreeSet::new();
        for (i, name) in refs.iter().enumerate() {
            let item = format!("{path}[{i}]");
            if !seen.insert(name) {
                self.error(&item, format!("security group `{name}` is listed twice"))
                    .hint("remove the repeated entry");
            } else if !known.contains(&name.as_str()) {
                let near = did_you_mean(name, known.iter().copied());
                let d = self
                    .error(
                        &item,
                        format!("no security group `{name}` in `network.security_groups`"),
                    )
                    .allowed(if known.is_empty() {
                        "a name defined under `network.security_groups`".to_owned()
                    } else {
                        format!("one of {}", join_code(&known))
                    });
                match near {
                    Some(n) => d.hint(format!("did you mean `{n}`?")),
                    None => d.hint("define it under `network.security_groups`"),
                };
            }
        }
    }

    fn stack_level(&mut self) {
        let s = self.stack;
        self.identifier("stack", &s.stack, 40, "stack name");
        let region_ok = {
            let parts: Vec<&str> = s.region.split('-').collect();
            parts.len() >= 3
                && parts[0].len() == 2
                && parts.iter().all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
                && parts
                    .last()
                    .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
        };
        if !region_ok {
            self.error(
                "region",
                format!("`{}` is not an AWS region name", s.region),
            )
            .allowed("a region code such as `us-east-1` or `eu-west-1`")
            .hint("run `aws ec2 describe-regions` to list them");
        }
        if s.tags.len() > MAX_STACK_TAGS {
            self.key_error(
                KeyPath::root().key("tags"),
                format!("{} tags; a stack may have at most {MAX_STACK_TAGS}", s.tags.len()),
            )
            .allowed(format!("at most {MAX_STACK_TAGS} tags"))
            .hint("AWS allows 50 tags a resource, and stackctl adds `Name`, `stackctl:stack` and `stackctl:apply` to every resource it creates");
            // Each tag is not checked as well: one error says it all, in time linear in the file.
            return;
        }
        for (k, v) in &s.tags {
            let path = KeyPath::root().key("tags").key(k);
            let (klen, vlen) = (k.chars().count(), v.chars().count());
            if klen == 0 || klen > 128 {
                self.key_error(path.clone(), format!("the tag key has {klen} characters"))
                    .allowed("keys of 1 to 128 characters");
            }
            if vlen > 256 {
                let pos = self.root.locate_value(&path);
                self.push(Diagnostic::error(
                    pos,
                    &path,
                    format!("the tag value has {vlen} characters"),
                ))
                .allowed("values of up to 256 characters");
            }
            if k.starts_with("aws:") || k.starts_with("stackctl:") {
                self.key_error(path, format!("the tag key `{k}` is reserved"))
                    .allowed("a key not starting with `aws:` or `stackctl:`")
                    .hint("stackctl adds `stackctl:stack` itself");
            }
        }
    }

    fn network(&mut self) {
        let n = &self.stack.network;
        match (&n.vpc.id, &n.vpc.tags) {
            (Some(id), None) => {
                if !is_hex_id(id, "vpc-") {
                    self.error("network.vpc.id", format!("`{id}` is not a VPC id"))
                        .allowed("`vpc-` followed by 8 or 17 hex digits")
                        .hint("e.g. `vpc-0a1b2c3d4e5f67890`");
                }
            }
            (None, Some(tags)) if !tags.is_empty() => {}
            _ => {
                self.error(
                    "network.vpc",
                    "give the VPC by `id` or by `tags`, not both nor neither",
                )
                .allowed("`id: vpc-…` or `tags: {Name: …}`")
                .hint("`id` is exact; `tags` must match exactly one VPC");
            }
        }
        match (&n.subnets.ids, &n.subnets.tags) {
            (Some(ids), None) => {
                if ids.len() < 2 {
                    self.error(
                        "network.subnets.ids",
                        "a DB subnet group needs at least 2 subnets",
                    )
                    .allowed("2 or more subnet ids, in at least two availability zones")
                    .hint("RDS and ElastiCache place standbys and replicas in another zone");
                }
                let mut seen = BTreeSet::new();
                for (i, id) in ids.iter().enumerate() {
                    let path = format!("network.subnets.ids[{i}]");
                    if !is_hex_id(id, "subnet-") {
                        self.error(&path, format!("`{id}` is not a subnet id"))
                            .allowed("`subnet-` followed by 8 or 17 hex digits");
                    } else if !seen.insert(id) {
                        self.error(&path, format!("subnet `{id}` is listed twice"))
                            .hint("remove the repeated entry");
                    }
                }
            }
            (None, Some(tags)) if !tags.is_empty() => {}
            _ => {
                self.error(
                    "network.subnets",
                    "give the subnets by `ids` or by `tags`, not both nor neither",
                )
                .allowed("`ids: [subnet-…, subnet-…]` or `tags: {tier: private}`");
            }
        }
        let names: Vec<String> = n.security_groups.keys().cloned().collect();
        for (name, sg) in &n.security_groups {
            let base = format!("network.security_groups.{name}");
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                let kp = KeyPath::root()
                    .key("network")
                    .key("security_groups")
                    .key(name);
                self.key_error(kp, format!("`{name}` is not a valid security group name"))
                    .allowed("lower-case letters, digits, `-` and `_`");
            }
            if let Some(id) = &sg.id {
                if !is_hex_id(id, "sg-") {
                    self.error(
                        &format!("{base}.id"),
                        format!("`{id}` is not a security group id"),
                    )
                    .allowed("`sg-` followed by 8 or 17 hex digits");
                }
                if sg.description.is_some() || !sg.ingress.is_empty() {
                    self.error(&base, "a group given by `id` is not owned by the stack: it takes no `description` or `ingress`")
                        .hint("drop `id` to let stackctl create and own this group, or drop its rules");
                }
                continue;
            }
            for (i, rule) in sg.ingress.iter().enumerate() {
                let path = format!("{base}.ingress[{i}]");
                match (&rule.from, &rule.cidr) {
                    (Some(from), None) => {
                        if !names.contains(from) {
                            let near = did_you_mean(from, names.iter().map(String::as_str));
                            let d = self
                                .error(
                                    &format!("{path}.from"),
                                    format!(
                                        "no security group `{from}` in `network.security_groups`"
                                    ),
                                )
                                .allowed(format!(
                                    "one of {}",
                                    join_code(
                                        &names.iter().map(String::as_str).collect::<Vec<_>>()
                                    )
                                ));
                            if let Some(nm) = near {
                                d.hint(format!("did you mean `{nm}`?"));
                            }
                        }
                    }
                    (None, Some(cidr)) => {
                        if !is_cidr(cidr) {
                            self.error(
                                &format!("{path}.cidr"),
                                format!("`{cidr}` is not an IPv4 CIDR block"),
                            )
                            .allowed("`a.b.c.d/n`, e.g. `10.0.0.0/16`");
                        } else if cidr.ends_with("/0") {
                            self.warning(
                                &format!("{path}.cidr"),
                                format!("`{cidr}` opens port {} to the whole internet", rule.port),
                            )
                            .hint("allow the application's security group with `from:` instead");
                        }
                    }
                    _ => {
                        self.error(
                            &path,
                            "an ingress rule takes exactly one of `from` and `cidr`",
                        )
                        .allowed("`from: <security group name>` or `cidr: 10.0.0.0/16`");
                    }
                }
                if rule.port == 0 {
                    self.error(&format!("{path}.port"), "port 0 is not a TCP port")
                        .allowed("1 to 65535");
                }
            }
        }
    }

    fn database(&mut self, db: &Database) {
        self.identifier(
            "database.identifier",
            &db.identifier,
            63,
            "DB instance identifier",
        );
        if !is_version(&db.engine_version) {
            self.error(
                "database.engine_version",
                format!("`{}` is not an engine version", db.engine_version),
            )
            .allowed("digits and dots, e.g. `16.4` or `8.0.39`");
        }
        if !is_class(&db.instance_class, "db.") {
            self.error(
                "database.instance_class",
                format!("`{}` is not a DB instance class", db.instance_class),
            )
            .allowed("`db.<family>.<size>`, e.g. `db.r6g.large`");
        }
        self.storage(db);
        if let Some(port) = db.port
            && port < 1150
        {
            self.error("database.port", format!("port {port} is reserved"))
                .allowed("1150 to 65535")
                .hint(format!(
                    "omit it for the engine's default, {}",
                    db.engine.default_port()
                ));
        }
        if let Some(name) = &db.database_name {
            let max = if db.engine == Engine::Mysql { 64 } else { 63 };
            let ok = !name.is_empty()
                && name.len() <= max
                && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                self.error(
                    "database.database_name",
                    format!("`{name}` is not a valid database name"),
                )
                .allowed(format!(
                    "1 to {max} letters, digits and `_`, starting with a letter"
                ));
            }
        }
        let user = &db.master_user.username;
        let max_user = if db.engine == Engine::Mysql { 16 } else { 63 };
        let reserved = [
            "rdsadmin",
            "rdsrepladmin",
            "admin_role",
            "user",
            "select",
            "root",
        ];
        if user.is_empty()
            || user.len() > max_user
            || !user.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            || !user.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.error(
                "database.master_user.username",
                format!("`{user}` is not a valid master user name"),
            )
            .allowed(format!(
                "1 to {max_user} letters, digits and `_`, starting with a letter"
            ));
        } else if reserved.contains(&user.to_ascii_lowercase().as_str()) {
            self.error(
                "database.master_user.username",
                format!("`{user}` is reserved by RDS or the engine"),
            )
            .hint("e.g. `dbadmin`");
        }
        if db.master_user.secret_kms_key_id.is_some()
            && db.master_user.password == PasswordSource::RdsManaged
        {
            self.error(
                "database.master_user.secret_kms_key_id",
                "names the key of a secret stackctl generates, but with `password: rds_managed` RDS keeps the secret and stackctl does not choose its key",
            )
            .allowed("with `password: generated`")
            .hint("remove it, or set `password: generated`");
        }
        if db.backup.retention_days > 35 {
            self.error(
                "database.backup.retention_days",
                format!("{} days is more than RDS keeps", db.backup.retention_days),
            )
            .allowed("0 to 35");
        }
        if !db.replicas.is_empty() && db.backup.retention_days == 0 {
            self.error(
                "database.backup.retention_days",
                "read replicas need automated backups on the source",
            )
            .allowed("1 to 35 when `replicas` is not empty")
            .hint("set `retention_days: 7`");
        }
        let backup = db
            .backup
            .window
            .as_ref()
            .and_then(|w| self.daily_window("database.backup.window", w, 30));
        let maint = db
            .maintenance_window
            .as_ref()
            .and_then(|w| self.weekly_window("database.maintenance_window", w, 30));
        if let (Some(b), Some(m)) = (backup, maint)
            && daily_meets_weekly(b, m)
        {
            self.error(
                "database.maintenance_window",
                "the maintenance window overlaps the daily backup window",
            )
            .allowed("windows that do not meet")
            .hint(format!(
                "move one of them, e.g. backups `{}` and maintenance outside it",
                db.backup.window.as_deref().unwrap_or("")
            ));
        }
        let pi = &db.performance_insights;
        if let Some(days) = pi.retention_days {
            if !pi.enabled {
                self.error(
                    "database.performance_insights.retention_days",
                    "retention is set but Performance Insights is off",
                )
                .hint("set `enabled: true` or remove `retention_days`");
            } else if !(days == 7 || days == 731 || (days % 31 == 0 && (31..=713).contains(&days)))
            {
                self.error(
                    "database.performance_insights.retention_days",
                    format!("{days} days is not a Performance Insights retention"),
                )
                .allowed("7, a multiple of 31 from 31 to 713, or 731")
                .hint("7 days is free");
            }
        }
        if pi.kms_key_id.is_some() && !pi.enabled {
            self.error(
                "database.performance_insights.kms_key_id",
                "a KMS key is set but Performance Insights is off",
            )
            .hint("set `enabled: true` or remove `kms_key_id`");
        }
        let em = &db.enhanced_monitoring;
        if ![0, 1, 5, 10, 15, 30, 60].contains(&em.interval_seconds) {
            self.error(
                "database.enhanced_monitoring.interval_seconds",
                format!("{} is not a monitoring interval", em.interval_seconds),
            )
            .allowed("0 (off), 1, 5, 10, 15, 30 or 60");
        }
        match &em.role_arn {
            None if em.interval_seconds > 0 => {
                self.error(
                    "database.enhanced_monitoring",
                    "enhanced monitoring needs `role_arn`",
                )
                .allowed("an IAM role ARN, e.g. `arn:aws:iam::123456789012:role/rds-monitoring`")
                .hint("the role needs the AmazonRDSEnhancedMonitoringRole policy");
            }
            Some(arn) if !is_arn(arn, "iam") => {
                self.error(
                    "database.enhanced_monitoring.role_arn",
                    format!("`{arn}` is not an IAM role ARN"),
                )
                .allowed("`arn:aws:iam::<account>:role/<name>`");
            }
            _ => {}
        }
        if let Some(pg) = &db.parameter_group {
            let major = db.engine_version.split('.').collect::<Vec<_>>();
            let expected = match db.engine {
                Engine::Postgres => format!("postgres{}", major.first().copied().unwrap_or("")),
                Engine::Mysql => format!(
                    "mysql{}",
                    major.iter().take(2).copied().collect::<Vec<_>>().join(".")
                ),
            };
            if pg.family != expected {
                self.error(
                    "database.parameter_group.family",
                    format!(
                        "family `{}` does not match {} {}",
                        pg.family,
                        db.engine.as_str(),
                        db.engine_version
                    ),
                )
                .allowed(format!("`{expected}`"))
                .hint("the family follows the engine's major version");
            }
        }
        let mut ids: BTreeMap<&str, String> = BTreeMap::new();
        ids.insert(&db.identifier, "database.identifier".into());
        for (i, rep) in db.replicas.iter().enumerate() {
            let base = format!("database.replicas[{i}]");
            self.identifier(
                &format!("{base}.identifier"),
                &rep.identifier,
                63,
                "replica identifier",
            );
            if let Some(first) = ids.get(rep.identifier.as_str()) {
                let first = first.clone();
                self.error(
                    &format!("{base}.identifier"),
                    format!(
                        "identifier `{}` is already used by `{first}`",
                        rep.identifier
                    ),
                )
                .allowed("an identifier unique among the primary and its replicas");
            } else {
                ids.insert(&rep.identifier, format!("{base}.identifier"));
            }
            if let Some(class) = &rep.instance_class
                && !is_class(class, "db.")
            {
                self.error(
                    &format!("{base}.instance_class"),
                    format!("`{class}` is not a DB instance class"),
                )
                .allowed("`db.<family>.<size>`, e.g. `db.r6g.large`");
            }
            if let Some(az) = &rep.availability_zone {
                let region = &self.stack.region;
                let ok = az
                    .strip_prefix(region.as_str())
                    .is_some_and(|s| s.len() == 1 && s.chars().all(|c| c.is_ascii_lowercase()));
                if !ok {
                    self.error(
                        &format!("{base}.availability_zone"),
                        format!("`{az}` is not an availability zone of {region}"),
                    )
                    .allowed(format!("the region followed by a letter, e.g. `{region}a`"));
                }
            }
        }
        self.security_group_refs("database.security_groups", &db.security_groups);
    }

    fn storage(&mut self, db: &Database) {
        let st = &db.storage;
        let engine = db.engine.as_str();
        if !(20..=65536).contains(&st.allocated_gib) {
            self.error(
                "database.storage.allocated_gib",
                format!("{} GiB is outside gp3's range", st.allocated_gib),
            )
            .allowed("20 to 65536 GiB");
        }
        if let Some(max) = st.max_allocated_gib {
            if max <= st.allocated_gib {
                self.error(
                    "database.storage.max_allocated_gib",
                    format!(
                        "the autoscaling ceiling {max} GiB must be above allocated storage ({} GiB)",
                        st.allocated_gib
                    ),
                )
                .allowed(format!("{} to 65536 GiB", st.allocated_gib + 1))
                .hint("omit it to turn storage autoscaling off");
            } else if max > 65536 {
                self.error(
                    "database.storage.max_allocated_gib",
                    format!("the autoscaling ceiling {max} GiB is above gp3's maximum"),
                )
                .allowed(format!("{} to 65536 GiB", st.allocated_gib + 1));
            }
        }
        let small = st.allocated_gib < 400;
        if let Some(iops) = st.iops {
            if small {
                self.error("database.storage.iops", format!("gp3 IOPS can only be provisioned at 400 GiB or more for {engine} (allocated is {} GiB)", st.allocated_gib))
                    .allowed("no `iops` below 400 GiB")
                    .hint("below 400 GiB gp3 gives a baseline of 3000 IOPS and 125 MiB/s: remove `iops`, or raise `allocated_gib` to 400");
            } else if !(12000..=64000).contains(&iops) {
                self.error(
                    "database.storage.iops",
                    format!("{iops} IOPS is outside gp3's range for {engine} at 400 GiB or more"),
                )
                .allowed("12000 to 64000")
                .hint("12000 IOPS is the included baseline at 400 GiB or more");
            }
        }
        if let Some(tp) = st.throughput_mibps {
            if small {
                self.error("database.storage.throughput_mibps", format!("gp3 throughput can only be provisioned at 400 GiB or more for {engine} (allocated is {} GiB)", st.allocated_gib))
                    .allowed("no `throughput_mibps` below 400 GiB")
                    .hint("below 400 GiB gp3 gives a baseline of 125 MiB/s: remove `throughput_mibps`, or raise `allocated_gib` to 400");
            } else if !(500..=4000).contains(&tp) {
                self.error(
                    "database.storage.throughput_mibps",
                    format!("{tp} MiB/s is outside gp3's range for {engine} at 400 GiB or more"),
                )
                .allowed("500 to 4000")
                .hint("500 MiB/s is the included baseline at 400 GiB or more");
            }
        }
        if st.kms_key_id.is_some() && !st.encrypted {
            self.error(
                "database.storage.kms_key_id",
                "a KMS key is set but storage is not encrypted",
            )
            .hint("set `encrypted: true` (the default) or remove `kms_key_id`");
        }
    }

    fn proxy(&mut self, p: &Proxy) {
        let db = &self.stack.database;
        self.identifier("proxy.name", &p.name, 63, "proxy name");
        let family = match db.engine {
            Engine::Postgres => EngineFamily::Postgresql,
            Engine::Mysql => EngineFamily::Mysql,
        };
        if let Some(f) = p.engine_family
            && f != family
        {
            self.error(
                "proxy.engine_family",
                format!(
                    "engine family `{}` does not match the database engine `{}`",
                    serde_plain(&f),
                    db.engine.as_str()
                ),
            )
            .allowed(format!("`{}`", serde_plain(&family)))
            .hint("omit `engine_family` to follow the engine");
        }
        if !is_arn(&p.role_arn, "iam") {
            self.error(
                "proxy.role_arn",
                format!("`{}` is not an IAM role ARN", p.role_arn),
            )
            .allowed("`arn:aws:iam::<account>:role/<name>`")
            .hint("the role must be allowed to read the proxy's secret");
        }
        if let Some(arn) = &p.auth.secret_arn
            && !is_arn(arn, "secretsmanager")
        {
            self.error(
                "proxy.auth.secret_arn",
                format!("`{arn}` is not a Secrets Manager secret ARN"),
            )
            .allowed("`arn:aws:secretsmanager:<region>:<account>:secret:<name>`")
            .hint("omit it to use the master user's secret");
        }
        if p.auth.iam == IamAuth::Required && !p.require_tls {
            self.error("proxy.require_tls", "IAM authentication needs TLS")
                .allowed("`require_tls: true` with `auth.iam: required`");
        }
        if !(1..=28800).contains(&p.idle_client_timeout_seconds) {
            self.error(
                "proxy.idle_client_timeout_seconds",
                format!(
                    "{} seconds is outside the allowed range",
                    p.idle_client_timeout_seconds
                ),
            )
            .allowed("1 to 28800 (8 hours)");
        }
        let pool = &p.pool;
        if !(1..=100).contains(&pool.max_connections_percent) {
            self.error(
                "proxy.pool.max_connections_percent",
                format!(
                    "{}% is not a share of max_connections",
                    pool.max_connections_percent
                ),
            )
            .allowed("1 to 100");
        }
        if pool.max_idle_connections_percent > 100 {
            self.error(
                "proxy.pool.max_idle_connections_percent",
                format!(
                    "{}% is not a share of max_connections",
                    pool.max_idle_connections_percent
                ),
            )
            .allowed("0 to 100, at most `max_connections_percent`");
        } else if (1..=100).contains(&pool.max_connections_percent)
            && pool.max_idle_connections_percent > pool.max_connections_percent
        {
            self.error(
                "proxy.pool.max_idle_connections_percent",
                format!(
                    "{}% idle is more than the {}% the pool may open",
                    pool.max_idle_connections_percent, pool.max_connections_percent
                ),
            )
            .allowed(format!("0 to {}", pool.max_connections_percent));
        }
        if pool.connection_borrow_timeout_seconds > 3600 {
            self.error(
                "proxy.pool.connection_borrow_timeout_seconds",
                format!(
                    "{} seconds is outside the allowed range",
                    pool.connection_borrow_timeout_seconds
                ),
            )
            .allowed("0 to 3600");
        }
        if !pool.session_pinning_filters.is_empty() && family == EngineFamily::Postgresql {
            self.error("proxy.pool.session_pinning_filters", "session pinning filters are supported only for the MySQL engine family")
                .allowed("no `session_pinning_filters` on a PostgreSQL proxy")
                .hint("for PostgreSQL, put the SET statements your clients issue in `pool.init_query` (e.g. `SET TIME ZONE 'UTC'`) so they do not pin sessions");
        }
        if pool.max_connections_percent > 90 && pool.max_connections_percent <= 100 {
            self.warning("proxy.pool.max_connections_percent", format!("the pool may take {}% of max_connections, leaving no headroom for admin and replication connections", pool.max_connections_percent))
                .hint("75 to 90 keeps room for maintenance and failover");
        }
        if let Some(targets) = &p.targets {
            if targets.len() != 1 {
                self.error("proxy.targets", format!("a proxy for an RDS instance has exactly one target, the primary ({} given)", targets.len()))
                    .allowed(format!("`[{}]`", db.identifier));
            }
            for (i, t) in targets.iter().enumerate() {
                let path = format!("proxy.targets[{i}]");
                if t == &db.identifier {
                    continue;
                }
                if db.replicas.iter().any(|r| &r.identifier == t) {
                    self.error(&path, format!("`{t}` is a read replica; a proxy for RDS (not Aurora) can only target the primary"))
                        .allowed(format!("`{}`", db.identifier))
                        .hint("connect readers to the replica endpoints directly");
                } else {
                    let near = did_you_mean(t, std::iter::once(db.identifier.as_str()));
                    let d = self
                        .error(&path, format!("no DB instance `{t}` in this stack"))
                        .allowed(format!("`{}`", db.identifier));
                    if let Some(n) = near {
                        d.hint(format!("did you mean `{n}`?"));
                    }
                }
            }
        }
        let mut names = BTreeSet::from([p.name.as_str()]);
        for (i, ep) in p.endpoints.iter().enumerate() {
            let base = format!("proxy.endpoints[{i}]");
            self.identifier(&format!("{base}.name"), &ep.name, 63, "proxy endpoint name");
            if !names.insert(&ep.name) {
                self.error(
                    &format!("{base}.name"),
                    format!(
                        "the name `{}` is already used by the proxy or another endpoint",
                        ep.name
                    ),
                )
                .allowed("a unique endpoint name");
            }
            if ep.target_role == TargetRole::ReadOnly {
                self.error(&format!("{base}.target_role"), "read-only proxy endpoints route to Aurora reader instances; this proxy targets an RDS instance")
                    .allowed("`read_write`")
                    .hint("send reads to the read replicas' own endpoints, or use Aurora for a reader endpoint");
            }
            if let Some(sgs) = &ep.security_groups {
                self.security_group_refs(&format!("{base}.security_groups"), sgs);
            }
        }
        self.security_group_refs("proxy.security_groups", &p.security_groups);
    }

    fn redis(&mut self, r: &Redis) {
        self.identifier(
            "redis.replication_group_id",
            &r.replication_group_id,
            40,
            "replication group id",
        );
        if !is_version(&r.engine_version) {
            self.error(
                "redis.engine_version",
                format!("`{}` is not an engine version", r.engine_version),
            )
            .allowed("digits and dots, e.g. `7.1`");
        }
        if !is_class(&r.node_type, "cache.") {
            self.error(
                "redis.node_type",
                format!("`{}` is not a cache node type", r.node_type),
            )
            .allowed("`cache.<family>.<size>`, e.g. `cache.r6g.large`");
        }
        let nodes = match (&r.num_cache_clusters, &r.cluster_mode) {
            (Some(_), Some(_)) => {
                self.error("redis.cluster_mode", "give `num_cache_clusters` (cluster mode disabled) or `cluster_mode` (enabled), not both")
                    .hint("`num_cache_clusters: 3` is one primary and two replicas");
                None
            }
            (Some(n), None) => {
                if !(1..=6).contains(n) {
                    self.error(
                        "redis.num_cache_clusters",
                        format!("{n} is outside the allowed number of nodes"),
                    )
                    .allowed("1 to 6 (a primary and up to 5 replicas)")
                    .hint("for more, use `cluster_mode` with shards");
                    None
                } else {
                    Some(*n)
                }
            }
            (None, Some(cm)) => {
                if !(1..=500).contains(&cm.shards) {
                    self.error(
                        "redis.cluster_mode.shards",
                        format!("{} shards is outside the allowed range", cm.shards),
                    )
                    .allowed("1 to 500");
                }
                if cm.replicas_per_shard > 5 {
                    self.error(
                        "redis.cluster_mode.replicas_per_shard",
                        format!(
                            "{} replicas per shard is more than allowed",
                            cm.replicas_per_shard
                        ),
                    )
                    .allowed("0 to 5");
                }
                if !r.automatic_failover {
                    self.error(
                        "redis.automatic_failover",
                        "cluster mode needs automatic failover",
                    )
                    .allowed("`automatic_failover: true` with `cluster_mode`");
                }
                None
            }
            (None, None) => Some(1),
        };
        if r.automatic_failover && nodes.is_some_and(|n| n < 2) {
            self.error(
                "redis.automatic_failover",
                "automatic failover needs a replica to fail over to",
            )
            .allowed("`num_cache_clusters: 2` or more with `automatic_failover: true`")
            .hint("add a replica (`num_cache_clusters: 2`) or set `automatic_failover: false`");
        }
        if r.multi_az && !r.automatic_failover {
            self.error("redis.multi_az", "Multi-AZ needs automatic failover")
                .allowed("`multi_az: true` only with `automatic_failover: true`")
                .hint("set `automatic_failover: true` (and 2 or more nodes)");
        }
        if r.auth_token == AuthToken::Generated && !r.transit_encryption {
            let at = self.written(&["redis.auth_token", "redis.transit_encryption"]);
            self.error(at, "an AUTH token needs in-transit encryption")
                .allowed("`auth_token: none` when `transit_encryption: false`")
                .hint("set `transit_encryption: true` (the default) to keep the token off the wire in clear text");
        }
        if r.kms_key_id.is_some() && !r.at_rest_encryption {
            self.error(
                "redis.kms_key_id",
                "a KMS key is set but at-rest encryption is off",
            )
            .hint("set `at_rest_encryption: true` (the default) or remove `kms_key_id`");
        }
        if r.snapshot_retention_days > 35 {
            self.error(
                "redis.snapshot_retention_days",
                format!(
                    "{} days is more than ElastiCache keeps",
                    r.snapshot_retention_days
                ),
            )
            .allowed("0 to 35");
        }
        let snap = r
            .snapshot_window
            .as_ref()
            .and_then(|w| self.daily_window("redis.snapshot_window", w, 60));
        let maint = r
            .maintenance_window
            .as_ref()
            .and_then(|w| self.weekly_window("redis.maintenance_window", w, 60));
        if let (Some(s), Some(m)) = (snap, maint)
            && daily_meets_weekly(s, m)
        {
            self.error(
                "redis.maintenance_window",
                "the maintenance window overlaps the daily snapshot window",
            )
            .allowed("windows that do not meet")
            .hint("move one of them");
        }
        if let Some(pg) = &r.parameter_group {
            let parts: Vec<&str> = r.engine_version.split('.').collect();
            let major: u32 = parts.first().and_then(|m| m.parse().ok()).unwrap_or(0);
            let expected = match major {
                m if m >= 7 => format!("redis{m}"),
                6 => "redis6.x".to_owned(),
                _ => format!(
                    "redis{}",
                    parts.iter().take(2).copied().collect::<Vec<_>>().join(".")
                ),
            };
            if pg.family != expected {
                self.error(
                    "redis.parameter_group.family",
                    format!(
                        "family `{}` does not match Redis {}",
                        pg.family, r.engine_version
                    ),
                )
                .allowed(format!("`{expected}`"));
            }
        }
        self.security_group_refs("redis.security_groups", &r.security_groups);
    }

    fn alarm_target(&self, name: &str) -> Option<Target> {
        let s = self.stack;
        if name == s.database.identifier {
            Some(Target::Primary)
        } else if s.database.replicas.iter().any(|r| r.identifier == name) {
            Some(Target::Replica)
        } else if s.proxy.as_ref().is_some_and(|p| p.name == name) {
            Some(Target::Proxy)
        } else if s
            .redis
            .as_ref()
            .is_some_and(|r| r.replication_group_id == name)
        {
            Some(Target::Redis)
        } else {
            None
        }
    }

    fn alarms(&mut self) {
        let s = self.stack;
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        let mut resources: Vec<&str> = vec![s.database.identifier.as_str()];
        resources.extend(s.database.replicas.iter().map(|r| r.identifier.as_str()));
        resources.extend(s.proxy.iter().map(|p| p.name.as_str()));
        resources.extend(s.redis.iter().map(|r| r.replication_group_id.as_str()));
        for (i, a) in s.alarms.iter().enumerate() {
            let base = format!("alarms[{i}]");
            if a.name.is_empty()
                || a.name.chars().count() > 255
                || a.name.chars().any(char::is_control)
            {
                self.error(
                    &format!("{base}.name"),
                    "an alarm name must be 1 to 255 printable characters",
                )
                .allowed("1 to 255 characters");
            }
            if let Some(first) = names.insert(&a.name, i) {
                self.error(
                    &format!("{base}.name"),
                    format!("alarm name `{}` is already used by alarms[{first}]", a.name),
                )
                .allowed("a unique alarm name");
            }
            match self.alarm_target(&a.resource) {
                Some(target) => self.alarm_metric(&base, a, target),
                None => {
                    let near = did_you_mean(&a.resource, resources.iter().copied());
                    let d = self
                        .error(
                            &format!("{base}.resource"),
                            format!("no resource `{}` in this stack", a.resource),
                        )
                        .allowed(format!("one of {}", join_code(&resources)));
                    match near {
                        Some(n) => d.hint(format!("did you mean `{n}`?")),
                        None => d.hint("an alarm names the database, a replica, the proxy or the Redis group by its identifier in this file"),
                    };
                }
            }
            let stat = a.statistic.as_str();
            let basic = ["Average", "Sum", "Minimum", "Maximum", "SampleCount"];
            let percentile = stat.strip_prefix('p').is_some_and(|p| {
                p.parse::<f64>().is_ok_and(|v| (0.0..=100.0).contains(&v))
                    && p.chars().all(|c| c.is_ascii_digit() || c == '.')
            });
            if !basic.contains(&stat) && !percentile {
                let near = did_you_mean(stat, basic.iter().copied());
                let d = self
                    .error(&format!("{base}.statistic"), format!("`{stat}` is not a statistic"))
                    .allowed("`Average`, `Sum`, `Minimum`, `Maximum`, `SampleCount`, or a percentile like `p99` or `p99.9`");
                if let Some(n) = near {
                    d.hint(format!("did you mean `{n}`?"));
                }
            }
            let p = a.period_seconds;
            if !(p == 10 || p == 20 || p == 30 || (p > 0 && p % 60 == 0)) {
                self.error(
                    &format!("{base}.period_seconds"),
                    format!("{p} seconds is not an alarm period"),
                )
                .allowed("10, 20, 30, or a multiple of 60")
                .hint("RDS and ElastiCache publish one datapoint a minute: use 60");
            } else if p < 60 {
                self.warning(&format!("{base}.period_seconds"), format!("RDS and ElastiCache publish one datapoint a minute; a {p}-second period will often see no data"))
                    .hint("use 60 or more");
            }
            // CloudWatch looks back at most a day, or seven days for periods of an hour or more.
            let limit: u64 = if p >= 3600 { 7 * 86400 } else { 86400 };
            if a.evaluation_periods == 0 {
                self.error(
                    &format!("{base}.evaluation_periods"),
                    "an alarm evaluates at least one period",
                )
                .allowed("1 or more");
            } else if p > 0 && u64::from(p) * u64::from(a.evaluation_periods) > limit {
                let span = if p >= 3600 { "seven days" } else { "a day" };
                self.error(
                    &format!("{base}.evaluation_periods"),
                    format!(
                        "{} periods of {p} s look back more than {span}",
                        a.evaluation_periods
                    ),
                )
                .allowed(format!("at most {} periods of {p} s", limit / u64::from(p)))
                .hint("periods of an hour or more may look back seven days; shorter ones one day");
            }
            if let Some(d) = a.datapoints_to_alarm
                && (d == 0 || d > a.evaluation_periods)
            {
                self.error(
                    &format!("{base}.datapoints_to_alarm"),
                    format!(
                        "{d} datapoints out of {} evaluation periods",
                        a.evaluation_periods
                    ),
                )
                .allowed(format!("1 to {}", a.evaluation_periods.max(1)));
            }
            if !a.threshold.is_finite() {
                self.error(
                    &format!("{base}.threshold"),
                    "the threshold must be a finite number",
                )
                .allowed("a number");
            }
            for (field, list) in [("actions", &a.actions), ("ok_actions", &a.ok_actions)] {
                for (j, arn) in list.iter().enumerate() {
                    if !arn.starts_with("arn:") {
                        self.error(
                            &format!("{base}.{field}[{j}]"),
                            format!("`{arn}` is not an ARN"),
                        )
                        .allowed(
                            "an SNS topic ARN, e.g. `arn:aws:sns:eu-west-1:123456789012:db-alerts`",
                        );
                    }
                }
            }
        }
    }

    /// The metric and node of an alarm on a resource of this stack.
    fn alarm_metric(&mut self, base: &str, a: &crate::spec::raw::Alarm, target: Target) {
        let s = self.stack;
        let (namespace, metrics) = match target {
            Target::Primary | Target::Replica => ("AWS/RDS (DB instance)", RDS_INSTANCE_METRICS),
            Target::Proxy => ("AWS/RDS (proxy)", RDS_PROXY_METRICS),
            Target::Redis => ("AWS/ElastiCache", REDIS_METRICS),
        };
        if !metrics.contains(&a.metric.as_str()) {
            let near = did_you_mean(&a.metric, metrics.iter().copied());
            let d = self
                .error(
                    &format!("{base}.metric"),
                    format!("`{}` is not a metric of {namespace}", a.metric),
                )
                .allowed(format!("one of {}", join_code(metrics)));
            if let Some(n) = near {
                d.hint(format!("did you mean `{n}`?"));
            }
        } else if a.metric == "ReplicaLag" && target == Target::Primary {
            self.error(
                &format!("{base}.metric"),
                "ReplicaLag is reported by read replicas, not by the primary",
            )
            .allowed("a replica's identifier as `resource`")
            .hint("put one ReplicaLag alarm on each replica");
        }
        match (target, a.node) {
            (Target::Redis, Some(n)) => {
                let total =
                    s.redis
                        .as_ref()
                        .and_then(|r| match (&r.num_cache_clusters, &r.cluster_mode) {
                            (None, Some(cm)) => Some(cm.shards * (cm.replicas_per_shard + 1)),
                            (Some(n), None) => Some(*n),
                            (None, None) => Some(1),
                            (Some(_), Some(_)) => None,
                        });
                // A node count that is itself wrong is reported there, not again here.
                if let Some(t) = total.filter(|t| *t >= 1)
                    && (n == 0 || n > t)
                {
                    self.error(&format!("{base}.node"), format!("node {n} does not exist"))
                        .allowed(format!("1 to {t}"));
                }
            }
            (_, None) => {}
            (_, Some(_)) => {
                self.error(
                    &format!("{base}.node"),
                    "`node` applies only to Redis alarms",
                )
                .hint("remove `node`");
            }
        }
    }

    fn warnings(&mut self) {
        let s = self.stack;
        let db = &s.database;
        let prod = is_production(s);
        if db.publicly_accessible {
            self.warning(
                "database.publicly_accessible",
                "the database gets a public DNS name and address",
            )
            .hint("keep it private and reach it through the proxy or a bastion");
        }
        if prod && !db.multi_az {
            self.warning(
                "database.multi_az",
                "a production database in a single availability zone: a zone outage takes it down",
            )
            .hint("set `multi_az: true`");
        }
        if prod && !db.deletion_protection {
            self.warning(
                "database.deletion_protection",
                "a production database without deletion protection",
            )
            .hint("set `deletion_protection: true` (the default)");
        }
        if db.backup.retention_days == 0 {
            self.warning(
                "database.backup.retention_days",
                "automated backups are off: no point-in-time recovery",
            )
            .hint("keep at least 7 days");
        }
        if let Some(r) = &s.redis
            && prod
            && !r.multi_az
        {
            self.warning("redis", "a production Redis group without Multi-AZ: a zone outage loses the cache")
                .hint("set `num_cache_clusters: 2` or more, `automatic_failover: true` and `multi_az: true`");
        }
        for (i, rep) in db.replicas.iter().enumerate() {
            let has_lag_alarm = s
                .alarms
                .iter()
                .any(|a| a.resource == rep.identifier && a.metric == "ReplicaLag");
            if !has_lag_alarm {
                self.warning(
                    &format!("database.replicas[{i}]"),
                    format!(
                        "replica `{}` has no ReplicaLag alarm: it can serve stale data unnoticed",
                        rep.identifier
                    ),
                )
                .hint(format!(
                    "add an alarm with `resource: {}`, `metric: ReplicaLag`, e.g. above 60 seconds",
                    rep.identifier
                ));
            }
        }
    }
}

/// The YAML spelling of a unit enum value.
fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(identifier_problem("shop-prod-db", 63), None);
        assert!(identifier_problem("1db", 63).is_some());
        assert!(identifier_problem("db--x", 63).is_some());
        assert!(identifier_problem("db-", 63).is_some());
        assert!(identifier_problem("db_x", 63).is_some());
        assert!(identifier_problem(&"a".repeat(41), 40).is_some());
    }

    #[test]
    fn windows() {
        assert_eq!(parse_daily_window("03:00-04:00"), Some((180, 60)));
        assert_eq!(parse_daily_window("23:30-00:30"), Some((1410, 60)));
        assert_eq!(parse_daily_window("3:00-04:00"), None);
        assert_eq!(
            parse_weekly_window("Sun:04:30-sun:05:30"),
            Some((6 * 1440 + 270, 60))
        );
        assert_eq!(
            parse_weekly_window("sun:23:30-mon:00:30"),
            Some((6 * 1440 + 1410, 60))
        );
        assert_eq!(parse_weekly_window("xyz:04:30-sun:05:30"), None);
    }

    #[test]
    fn overlap_of_daily_and_weekly_windows() {
        let backup = parse_daily_window("03:00-04:00").expect("valid");
        assert!(daily_meets_weekly(
            backup,
            parse_weekly_window("sun:03:30-sun:04:30").expect("valid")
        ));
        assert!(!daily_meets_weekly(
            backup,
            parse_weekly_window("sun:04:30-sun:05:30").expect("valid")
        ));
        // A weekly window crossing the week's end still meets Monday's backup.
        assert!(daily_meets_weekly(
            backup,
            parse_weekly_window("sun:23:00-mon:03:30").expect("valid")
        ));
    }

    #[test]
    fn ids_and_arns() {
        assert!(is_hex_id("vpc-0a1b2c3d", "vpc-"));
        assert!(is_hex_id("subnet-0a1b2c3d4e5f67890", "subnet-"));
        assert!(!is_hex_id("subnet-XYZ", "subnet-"));
        assert!(is_arn("arn:aws:iam::123456789012:role/x", "iam"));
        assert!(!is_arn("arn:aws:iam:role/x", "iam"));
        assert!(is_cidr("10.0.0.0/16"));
        assert!(!is_cidr("10.0.0.0/33"));
    }
}
