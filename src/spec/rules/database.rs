//! The RDS database: the instance (its storage in `storage.rs`), backups and windows, the master user, the
//! parameter group, Performance Insights and enhanced monitoring, and the read replicas.

use super::Rules;
use super::shapes::{is_arn, is_class};
use super::stack::is_production;
use super::windows::Windows;
use crate::spec::raw::{
    Database, Engine, EnhancedMonitoring, ParameterGroup, PasswordSource, PerformanceInsights,
    Replica,
};

/// The log types each engine exports to CloudWatch Logs: CreateDBInstance
/// `EnableCloudwatchLogsExports` (RDS for PostgreSQL "postgresql | upgrade | iam-db-auth-error",
/// RDS for MySQL "audit | error | general | slowquery | iam-db-auth-error") and CreateDBCluster
/// `EnableCloudwatchLogsExports` (Aurora), RDS API Reference.
pub(super) fn log_types(engine: Engine) -> &'static [&'static str] {
    match engine {
        Engine::Postgres => &["postgresql", "upgrade", "iam-db-auth-error"],
        Engine::Mysql => &[
            "audit",
            "error",
            "general",
            "slowquery",
            "iam-db-auth-error",
        ],
        Engine::AuroraMysql => &[
            "audit",
            "error",
            "general",
            "instance",
            "slowquery",
            "iam-db-auth-error",
        ],
        Engine::AuroraPostgresql => &["instance", "postgresql", "iam-db-auth-error"],
    }
}

impl Rules<'_> {
    pub(super) fn database(&mut self, db: &Database) {
        let aurora = db.engine.is_aurora();
        let what = if aurora {
            "DB cluster identifier"
        } else {
            "DB instance identifier"
        };
        self.identifier("database.identifier", &db.identifier, 63, what);
        if aurora {
            self.aurora(db);
        } else {
            self.engine_version(
                "database.engine_version",
                &db.engine_version,
                "`16.4` or `8.0.39`",
            );
            match &db.instance_class {
                Some(class) => self.db_instance_class("database.instance_class", class),
                None => {
                    self.missing(
                        "database",
                        "instance_class",
                        "an RDS instance needs `instance_class`",
                    )
                    .allowed("`db.<family>.<size>`, e.g. `db.r6g.large`");
                }
            }
            self.storage(db);
            self.aurora_keys_refused(db);
            self.log_exports(db);
            self.renamed_from(db);
        }
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
            let max = if db.engine.is_mysql() { 64 } else { 63 };
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
        self.master_user(db);
        self.backups(db);
        if !aurora {
            self.certificate_authority(db);
            self.monitoring(db);
            self.db_parameter_group(db);
            self.replicas(db);
        }
        self.security_group_refs("database.security_groups", &db.security_groups);
    }

    /// The logs exported to CloudWatch Logs: each a log type the engine has, none twice. The
    /// cluster's on Aurora, the instance's and each replica's own on RDS.
    pub(super) fn log_exports(&mut self, db: &Database) {
        self.log_list(db, "database.log_exports", &db.log_exports);
        for (i, rep) in db.replicas.iter().enumerate() {
            if let Some(logs) = &rep.log_exports {
                self.log_list(db, &format!("database.replicas[{i}].log_exports"), logs);
            }
        }
    }

    fn log_list(&mut self, db: &Database, at: &str, logs: &[String]) {
        let allowed = log_types(db.engine);
        for (i, log) in logs.iter().enumerate() {
            let path = format!("{at}[{i}]");
            if !allowed.contains(&log.as_str()) {
                self.error(
                    &path,
                    format!("`{log}` is not a log {} exports", db.engine.as_str()),
                )
                .allowed(allowed.join(", "));
            } else if logs[..i].contains(log) {
                self.error(&path, format!("`{log}` is listed twice"))
                    .hint("list each log type once");
            } else if log == "iam-db-auth-error" && !db.iam_database_authentication {
                self.warning(
                    &path,
                    "`iam-db-auth-error` logs failed IAM database authentications, and IAM database authentication is off: the log stays empty",
                )
                .hint("set `iam_database_authentication: true`, or drop `iam-db-auth-error`");
            }
        }
    }

    /// RDS's certificate authorities for DB server certificates ("Certificate authorities",
    /// UsingWithRDS.SSL); `rds-ca-2019` expired in August 2024.
    fn certificate_authority(&mut self, db: &Database) {
        const CAS: [&str; 3] = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];
        let Some(ca) = &db.ca_certificate_identifier else {
            return;
        };
        if !CAS.contains(&ca.as_str()) {
            self.error(
                "database.ca_certificate_identifier",
                format!("`{ca}` is not a certificate authority RDS offers"),
            )
            .allowed(CAS.join(", "))
            .hint("omit it for RDS's default, `rds-ca-rsa2048-g1`");
        }
    }

    /// The instance class of the primary or a replica.
    pub(super) fn db_instance_class(&mut self, path: &str, class: &str) {
        if !is_class(class, "db.") {
            self.error(path, format!("`{class}` is not a DB instance class"))
                .allowed("`db.<family>.<size>`, e.g. `db.r6g.large`");
        }
    }

    fn master_user(&mut self, db: &Database) {
        let user = &db.master_user.username;
        let max_user = if db.engine.is_mysql() { 16 } else { 63 };
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
        if let Some(arn) = db.master_user.password.secret_arn() {
            if !is_arn(arn, "secretsmanager") || !arn.contains(":secret:") {
                self.error(
                    "database.master_user.password.secret_arn",
                    format!("`{arn}` is not a Secrets Manager secret ARN"),
                )
                .allowed("`arn:aws:secretsmanager:<region>:<account>:secret:<name>`")
                .hint("the ARN of the secret the team keeps, a JSON object with `username` and `password`; or `password: generated`");
            }
            if db.master_user.secret_kms_key_id.is_some() {
                self.error(
                    "database.master_user.secret_kms_key_id",
                    "names the key of a secret stackctl generates, but the password is in the team's secret, which stackctl never changes",
                )
                .allowed("with `password: generated`")
                .hint("remove it: the team's secret keeps its own key");
            }
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
    }

    /// Backup retention (on when there are replicas), the backup and maintenance windows.
    fn backups(&mut self, db: &Database) {
        self.retention_days(
            "database.backup.retention_days",
            db.backup.retention_days,
            "RDS",
        );
        if db.engine.is_aurora() && db.backup.retention_days == 0 {
            // CreateDBCluster BackupRetentionPeriod: "Must be a value from 1 to 35" (RDS API
            // Reference); an Aurora cluster always keeps continuous backups.
            self.error(
                "database.backup.retention_days",
                "an Aurora cluster always keeps automated backups",
            )
            .allowed("1 to 35")
            .hint("set `retention_days: 1` for the least");
        } else if !db.replicas.is_empty() && db.backup.retention_days == 0 {
            self.error(
                "database.backup.retention_days",
                "read replicas need automated backups on the source",
            )
            .allowed("1 to 35 when `replicas` is not empty")
            .hint("set `retention_days: 7`");
        }
        self.windows(&Windows {
            daily: ("database.backup.window", db.backup.window.as_ref()),
            weekly: (
                "database.maintenance_window",
                db.maintenance_window.as_ref(),
            ),
            min_minutes: 30,
            daily_kind: "backup",
            overlap_hint: format!(
                "move one of them, e.g. backups `{}` and maintenance outside it",
                db.backup.window.as_deref().unwrap_or("")
            ),
        });
    }

    /// Performance Insights and enhanced monitoring.
    fn monitoring(&mut self, db: &Database) {
        self.performance_insights("database.performance_insights", &db.performance_insights);
        self.enhanced_monitoring("database.enhanced_monitoring", &db.enhanced_monitoring);
    }

    /// A replica's own Performance Insights (on or off: the retention and the key are the
    /// primary's settings in stackctl) and enhanced monitoring, at `base`.
    fn replica_monitoring(&mut self, base: &str, rep: &Replica) {
        if let Some(pi) = &rep.performance_insights {
            let path = format!("{base}.performance_insights");
            self.performance_insights(&path, pi);
            if pi.retention_days.is_some() || pi.kms_key_id.is_some() {
                self.error(
                    &path,
                    "a replica takes only `enabled` of Performance Insights",
                )
                .allowed("`performance_insights: {enabled: true}` or `{enabled: false}`")
                .hint("set the retention and the KMS key on the primary");
            }
        }
        if let Some(em) = &rep.enhanced_monitoring {
            self.enhanced_monitoring(&format!("{base}.enhanced_monitoring"), em);
        }
    }

    /// Enhanced monitoring at `base`: an interval AWS offers, and a role when on.
    fn enhanced_monitoring(&mut self, base: &str, em: &EnhancedMonitoring) {
        if ![0, 1, 5, 10, 15, 30, 60].contains(&em.interval_seconds) {
            self.error(
                &format!("{base}.interval_seconds"),
                format!("{} is not a monitoring interval", em.interval_seconds),
            )
            .allowed("0 (off), 1, 5, 10, 15, 30 or 60");
        }
        match &em.role_arn {
            None if em.interval_seconds > 0 => {
                self.error(base, "enhanced monitoring needs `role_arn`")
                    .allowed(
                        "an IAM role ARN, e.g. `arn:aws:iam::123456789012:role/rds-monitoring`",
                    )
                    .hint("the role needs the AmazonRDSEnhancedMonitoringRole policy");
            }
            Some(arn) if !is_arn(arn, "iam") => {
                self.error(
                    &format!("{base}.role_arn"),
                    format!("`{arn}` is not an IAM role ARN"),
                )
                .allowed("`arn:aws:iam::<account>:role/<name>`");
            }
            _ => {}
        }
    }

    /// Performance Insights of an instance, at `base`: retention only when on, and one AWS
    /// offers; a KMS key only when on.
    pub(super) fn performance_insights(&mut self, base: &str, pi: &PerformanceInsights) {
        if let Some(days) = pi.retention_days {
            if !pi.enabled {
                self.error(
                    &format!("{base}.retention_days"),
                    "retention is set but Performance Insights is off",
                )
                .hint("set `enabled: true` or remove `retention_days`");
            } else if !(days == 7 || days == 731 || (days % 31 == 0 && (31..=713).contains(&days)))
            {
                self.error(
                    &format!("{base}.retention_days"),
                    format!("{days} days is not a Performance Insights retention"),
                )
                .allowed("7, a multiple of 31 from 31 to 713, or 731")
                .hint("7 days is free");
            }
        }
        self.kms_key_needs_encryption(
            &format!("{base}.kms_key_id"),
            pi.kms_key_id.is_some(),
            pi.enabled,
            "Performance Insights is off",
            "set `enabled: true` or remove `kms_key_id`",
        );
    }

    /// The parameter group's family follows the engine's major version: the primary's, and
    /// each replica's own.
    fn db_parameter_group(&mut self, db: &Database) {
        if let Some(pg) = &db.parameter_group {
            self.parameter_group_family("database.parameter_group.family", pg, db);
        }
        for (i, rep) in db.replicas.iter().enumerate() {
            if let Some(pg) = &rep.parameter_group {
                let path = format!("database.replicas[{i}].parameter_group.family");
                self.parameter_group_family(&path, pg, db);
            }
        }
    }

    fn parameter_group_family(&mut self, path: &str, pg: &ParameterGroup, db: &Database) {
        let base = path.trim_end_matches(".family");
        if !self.existing_group(base, pg) {
            return;
        }
        // Refused on Aurora before this runs (`aurora_keys_refused`'s counterpart).
        let Some(expected) = db_family(db.engine, &db.engine_version) else {
            return;
        };
        if pg.family != expected {
            self.error(
                path,
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

    /// A group given by `name` (an existing one: AWS checks its family at plan time) or by
    /// `family`, not both. Whether the family is to be checked.
    pub(super) fn existing_group(&mut self, base: &str, pg: &ParameterGroup) -> bool {
        let Some(name) = &pg.name else {
            if pg.family.is_empty() {
                self.error(
                    &format!("{base}.family"),
                    "a parameter group needs its `family`, or the `name` of an existing group",
                )
                .allowed("`{family: <family>, parameters: {...}}` or `{name: <existing group>}`");
            }
            return !pg.family.is_empty();
        };
        let path = format!("{base}.name");
        if !pg.family.is_empty() || !pg.parameters.is_empty() {
            self.error(
                &path,
                format!("`{name}` is an existing group, which stackctl never changes: `family` and `parameters` describe a group of the stack's"),
            )
            .allowed("`{name}` alone, or `{family, parameters}` without `name`")
            .hint("remove `family` and `parameters` (AWS's family is checked at plan time), or remove `name`");
        } else if !valid_group_name(name) {
            self.error(&path, format!("`{name}` is not a valid parameter group name"))
                .allowed("1 to 255 letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with one");
        }
        false
    }

    /// The identifier the instance is renamed from: well formed, and the name of neither the
    /// instance nor one of its replicas ("You cannot use an existing DB instance name when
    /// renaming an instance", RDS User Guide, USER_RenameInstance).
    fn renamed_from(&mut self, db: &Database) {
        let Some(old) = &db.renamed_from else {
            return;
        };
        let path = "database.renamed_from";
        self.identifier(path, old, 63, "DB instance identifier");
        let taken =
            std::iter::once(&db.identifier).chain(db.replicas.iter().map(|r| &r.identifier));
        if taken.into_iter().any(|id| id == old) {
            self.error(path, format!("`{old}` is a name this spec gives an instance"))
                .allowed("the identifier the instance has in AWS now, different from every identifier of the spec")
                .hint("remove `renamed_from` once the rename is applied, or leave it: a renamed instance plans nothing");
        }
    }

    fn replicas(&mut self, db: &Database) {
        self.unique_identifiers(
            &db.identifier,
            "database.replicas",
            db.replicas.iter().map(|r| r.identifier.as_str()),
            "replica identifier",
            "the primary and its replicas",
        );
        for (i, rep) in db.replicas.iter().enumerate() {
            let base = format!("database.replicas[{i}]");
            if let Some(class) = &rep.instance_class {
                self.db_instance_class(&format!("{base}.instance_class"), class);
            }
            self.replica_monitoring(&base, rep);
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
    }

    /// What is legal but unwise for the database: public, single-AZ or unprotected in
    /// production, without backups.
    pub(super) fn database_warnings(&mut self, db: &Database) {
        let prod = is_production(self.stack);
        if db.publicly_accessible {
            self.warning(
                "database.publicly_accessible",
                "the database gets a public DNS name and address",
            )
            .hint("keep it private and reach it through the proxy or a bastion");
        }
        if prod && db.engine.is_aurora() {
            if db.instances.len() < 2 {
                self.warning(
                    "database.instances",
                    "a production Aurora cluster without a reader: when the writer fails, Aurora must create a new instance before the database is back",
                )
                .hint("add a reader instance in `instances` (failover to a reader takes about 30 seconds)");
            }
        } else if prod && !db.multi_az {
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
        if db.backup.retention_days == 0 && !db.engine.is_aurora() {
            self.warning(
                "database.backup.retention_days",
                "automated backups are off: no point-in-time recovery",
            )
            .hint("keep at least 7 days");
        }
    }
}

/// The DB parameter group family of an RDS engine and version (`postgres16`, `mysql8.0`);
/// `None` for Aurora, whose instances' family is the cluster's.
pub fn db_family(engine: Engine, version: &str) -> Option<String> {
    let major = version.split('.').collect::<Vec<_>>();
    match engine {
        Engine::Postgres => Some(format!("postgres{}", major.first().copied().unwrap_or(""))),
        Engine::Mysql => Some(format!(
            "mysql{}",
            major.iter().take(2).copied().collect::<Vec<_>>().join(".")
        )),
        Engine::AuroraPostgresql | Engine::AuroraMysql => None,
    }
}

/// A parameter group's name: 1 to 255 letters, digits and hyphens, starting with a letter,
/// without two hyphens in a row or a hyphen at the end (CreateDBParameterGroup).
fn valid_group_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.contains("--")
        && !name.ends_with('-')
}
