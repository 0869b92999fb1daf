//! An Aurora database (`engine: aurora-postgresql | aurora-mysql`): the cluster's version,
//! Serverless v2 capacity range, cluster parameter group, log exports (`database::log_exports`,
//! shared with an RDS instance) and encryption; its
//! instances; the RDS-instance keys that mean nothing on a cluster, and the cluster keys that
//! mean nothing on an RDS instance.

use super::Rules;
use super::shapes::is_class;
use crate::spec::raw::{Database, Engine};

/// An Aurora engine version: what the capacity rules depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AuroraVersion {
    engine: Engine,
    /// Aurora PostgreSQL: (major, minor). Aurora MySQL: the Aurora version (3, 8) of
    /// `8.0.mysql_aurora.3.08.0`.
    version: (u32, u32),
}

/// Parses `16.8` (Aurora PostgreSQL) or `8.0.mysql_aurora.3.08.0` (Aurora MySQL).
pub(crate) fn aurora_version(engine: Engine, text: &str) -> Option<AuroraVersion> {
    let numbers = |s: &str| -> Option<Vec<u32>> { s.split('.').map(|p| p.parse().ok()).collect() };
    let version = match engine {
        Engine::AuroraPostgresql => {
            let n = numbers(text)?;
            match n.as_slice() {
                [major, minor] | [major, minor, _] => (*major, *minor),
                _ => return None,
            }
        }
        Engine::AuroraMysql => {
            let (mysql, aurora) = text.split_once(".mysql_aurora.")?;
            numbers(mysql)?;
            let n = numbers(aurora)?;
            match n.as_slice() {
                [major, minor, _] => (*major, *minor),
                _ => return None,
            }
        }
        Engine::Postgres | Engine::Mysql => return None,
    };
    Some(AuroraVersion { engine, version })
}

/// The first minor version of each Aurora PostgreSQL major that has a feature; later majors
/// have it from their first release.
fn pg_from(table: &[(u32, u32)], (major, minor): (u32, u32)) -> bool {
    let last = table.last().map_or(0, |(m, _)| *m);
    major > last
        || table
            .iter()
            .any(|(m, first)| *m == major && minor >= *first)
}

impl AuroraVersion {
    /// A minimum of 0 ACUs (automatic pause): Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 and
    /// higher; Aurora MySQL 3.08.0 and higher. Source: Aurora User Guide, "Aurora Serverless v2
    /// capacity" (aurora-serverless-v2.how-it-works.html#aurora-serverless-v2.how-it-works.capacity).
    pub(crate) fn supports_zero_min(self) -> bool {
        match self.engine {
            Engine::AuroraPostgresql => {
                pg_from(&[(13, 15), (14, 12), (15, 7), (16, 3)], self.version)
            }
            _ => self.version >= (3, 8),
        }
    }

    /// The largest maximum: 256 ACUs on Aurora PostgreSQL 13.14, 14.11, 15.6, 16.2 and higher
    /// and Aurora MySQL 3.06.0 and higher, 128 before (same source).
    pub(crate) fn largest_max(self) -> f64 {
        let recent = match self.engine {
            Engine::AuroraPostgresql => {
                pg_from(&[(13, 14), (14, 11), (15, 6), (16, 2)], self.version)
            }
            _ => self.version >= (3, 6),
        };
        if recent { 256.0 } else { 128.0 }
    }
}

/// The DB cluster parameter group family of an Aurora version: `aurora-postgresql16` for
/// 16.x, `aurora-mysql8.0` for `8.0.mysql_aurora.3.x` (Aurora User Guide, "Parameter groups
/// for Amazon Aurora": a family is the engine and its major version).
pub fn cluster_family(engine: Engine, version: &str) -> String {
    match engine {
        Engine::AuroraMysql => {
            let mysql = version.split(".mysql_aurora.").next().unwrap_or(version);
            format!("aurora-mysql{mysql}")
        }
        _ => format!(
            "aurora-postgresql{}",
            version.split('.').next().unwrap_or(version)
        ),
    }
}

/// The RDS-instance keys a cluster has no use for, each with where its setting lives instead.
const RDS_ONLY: [(&str, &str); 13] = [
    (
        "instance_class",
        "each instance has its class: set `instance_class` in `instances`",
    ),
    (
        "storage.allocated_gib",
        "the Aurora cluster volume grows by itself: remove it",
    ),
    (
        "storage.max_allocated_gib",
        "the Aurora cluster volume grows by itself: remove it",
    ),
    (
        "storage.iops",
        "Aurora storage is not provisioned: remove it",
    ),
    (
        "storage.throughput_mibps",
        "Aurora storage is not provisioned: remove it",
    ),
    (
        "multi_az",
        "an Aurora cluster is highly available through reader instances in other zones: add one to `instances`",
    ),
    (
        "replicas",
        "an Aurora cluster's readers are its `instances` after the first",
    ),
    (
        "parameter_group",
        "use `cluster_parameter_group` (family `aurora-postgresql16` and the like)",
    ),
    (
        "performance_insights",
        "Performance Insights is set per instance: `instances[N].performance_insights`",
    ),
    (
        "enhanced_monitoring",
        "not supported on Aurora by stackctl yet: remove it",
    ),
    (
        "publicly_accessible",
        "not supported on Aurora by stackctl yet: remove it",
    ),
    (
        "ca_certificate_identifier",
        "not supported on Aurora by stackctl yet: remove it",
    ),
    (
        "renamed_from",
        "renaming an Aurora cluster is not supported by stackctl yet: remove it",
    ),
];

/// The cluster keys an RDS instance has no use for.
const AURORA_ONLY: [(&str, &str); 3] = [
    (
        "serverless_v2",
        "Aurora Serverless v2 needs `engine: aurora-postgresql` or `aurora-mysql`",
    ),
    (
        "cluster_parameter_group",
        "an RDS instance takes `parameter_group`",
    ),
    (
        "instances",
        "an RDS instance's readers are its `replicas`; a cluster's instances need an `aurora-*` engine",
    ),
];

impl Rules<'_> {
    /// The Aurora cluster and its instances.
    pub(super) fn aurora(&mut self, db: &Database) {
        let st = db.storage_or_default();
        let set = [
            db.instance_class.is_some(),
            st.allocated_gib.is_some(),
            st.max_allocated_gib.is_some(),
            st.iops.is_some(),
            st.throughput_mibps.is_some(),
            db.multi_az,
            !db.replicas.is_empty(),
            db.parameter_group.is_some(),
            db.performance_insights != Default::default(),
            db.enhanced_monitoring != Default::default(),
            db.publicly_accessible,
            db.ca_certificate_identifier.is_some(),
            db.renamed_from.is_some(),
        ];
        // By value, not by what the file writes: a saved plan records the spec with its
        // defaults, and must revalidate.
        for ((key, hint), _) in RDS_ONLY.into_iter().zip(set).filter(|(_, on)| *on) {
            let path = format!("database.{key}");
            {
                self.key_error(
                    crate::spec::tree::KeyPath::parse(&path),
                    format!("`{key}` is a setting of an RDS instance, not of an Aurora cluster"),
                )
                .hint(hint);
            }
        }
        let version = aurora_version(db.engine, &db.engine_version);
        if version.is_none() {
            let example = if db.engine == Engine::AuroraMysql {
                "`8.0.mysql_aurora.3.08.0`"
            } else {
                "`16.8`"
            };
            self.error(
                "database.engine_version",
                format!(
                    "`{}` is not an {} version",
                    db.engine_version,
                    db.engine.as_str()
                ),
            )
            .allowed(format!("e.g. {example}"));
        }
        if let Some(st) = &db.storage {
            self.kms_key_needs_encryption(
                "database.storage.kms_key_id",
                st.kms_key_id.is_some(),
                st.encrypted,
                "storage is not encrypted",
                "set `encrypted: true` (the default) or remove `kms_key_id`",
            );
        }
        if let (Some(range), Some(v)) = (db.serverless_v2, version) {
            self.capacity_range(range.min_acu, range.max_acu, v, &db.engine_version);
        }
        self.cluster_parameter_group(db);
        self.log_exports(db);
        self.cluster_instances(db);
    }

    /// Aurora-only keys on an RDS instance.
    pub(super) fn aurora_keys_refused(&mut self, db: &Database) {
        let set = [
            db.serverless_v2.is_some(),
            db.cluster_parameter_group.is_some(),
            !db.instances.is_empty(),
        ];
        for ((key, hint), _) in AURORA_ONLY.into_iter().zip(set).filter(|(_, on)| *on) {
            let path = format!("database.{key}");
            {
                self.key_error(
                    crate::spec::tree::KeyPath::parse(&path),
                    format!(
                        "`{key}` is a setting of an Aurora cluster, not of an RDS instance (engine `{}`)",
                        db.engine.as_str()
                    ),
                )
                .hint(hint);
            }
        }
    }

    /// ServerlessV2ScalingConfiguration: half-ACU steps, a maximum from 1 to 256 (128 on older
    /// versions), a minimum of 0.5 or more (0 where automatic pause exists), the minimum not
    /// above the maximum. Sources: RDS API Reference, ServerlessV2ScalingConfiguration; Aurora
    /// User Guide, "Aurora Serverless v2 capacity".
    fn capacity_range(&mut self, min: f64, max: f64, v: AuroraVersion, version: &str) {
        let (min_path, max_path) = (
            "database.serverless_v2.min_acu",
            "database.serverless_v2.max_acu",
        );
        let half_steps = |x: f64| (x * 2.0).fract() == 0.0;
        let mut ok = true;
        for (path, value) in [(min_path, min), (max_path, max)] {
            if !half_steps(value) {
                ok = false;
                self.error(path, format!("{value} ACUs is not a multiple of 0.5"))
                    .allowed("0.5-ACU steps, e.g. 0.5, 1, 1.5, 2")
                    .hint("Aurora Serverless v2 capacity is set in half-ACU increments");
            }
        }
        let ceiling = v.largest_max();
        if max < 1.0 || max > ceiling {
            ok = false;
            self.error(
                max_path,
                format!("{max} ACUs is outside the maximum's range"),
            )
            .allowed(format!("1 to {ceiling}"))
            .hint(if ceiling < 256.0 {
                "256 ACUs needs a newer engine version (Aurora PostgreSQL 16.2, 15.6, 14.11, 13.14 or Aurora MySQL 3.06.0 and higher)"
            } else {
                "each ACU is about 2 GiB of memory"
            });
        }
        let floor_zero = v.supports_zero_min();
        if min < 0.0 || (min < 0.5 && !(min == 0.0 && floor_zero)) {
            ok = false;
            let finding = self
                .error(min_path, format!("{min} ACUs is below the minimum's range"))
                .allowed(if floor_zero {
                    "0 (automatic pause) or 0.5 upwards"
                } else {
                    "0.5 upwards"
                });
            if min == 0.0 {
                finding.hint(format!(
                    "0 ACUs (automatic pause) needs Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 or Aurora MySQL 3.08.0 and higher; {version} is older"
                ));
            }
        }
        if ok && min > max {
            self.error(
                min_path,
                format!("the minimum, {min} ACUs, is above the maximum, {max} ACUs"),
            )
            .allowed(format!("0.5 to {max}"))
            .hint("raise `max_acu` or lower `min_acu`");
        }
    }

    fn cluster_parameter_group(&mut self, db: &Database) {
        let Some(pg) = &db.cluster_parameter_group else {
            return;
        };
        if !self.existing_group("database.cluster_parameter_group", pg) {
            return;
        }
        let expected = cluster_family(db.engine, &db.engine_version);
        if pg.family != expected {
            self.error(
                "database.cluster_parameter_group.family",
                format!(
                    "family `{}` does not match {} {}",
                    pg.family,
                    db.engine.as_str(),
                    db.engine_version
                ),
            )
            .allowed(format!("`{expected}`"))
            .hint("a DB cluster parameter group's family follows the engine's major version");
        }
    }

    /// The writer and readers: identifiers unique with the cluster's, a class, `db.serverless`
    /// only with a capacity range, promotion tiers 0 to 15, Performance Insights.
    fn cluster_instances(&mut self, db: &Database) {
        if db.instances.is_empty() {
            self.missing(
                "database",
                "instances",
                "an Aurora cluster needs at least one instance, its writer",
            )
            .allowed("a list of instances, the first the writer")
            .hint("e.g. `instances: [{identifier: shop-db-1, instance_class: db.serverless}]`");
        }
        self.unique_identifiers(
            &db.identifier,
            "database.instances",
            db.instances.iter().map(|i| i.identifier.as_str()),
            "DB instance identifier",
            "the cluster and its instances",
        );
        for (i, inst) in db.instances.iter().enumerate() {
            let base = format!("database.instances[{i}]");
            let class_path = format!("{base}.instance_class");
            if inst.instance_class == "db.serverless" {
                // "Clusters that use Aurora Serverless v2 must have a capacity range specified"
                // (Aurora User Guide, "Requirements and limitations for Aurora Serverless v2").
                if db.serverless_v2.is_none() {
                    self.error(
                        &class_path,
                        "a `db.serverless` instance needs the cluster's capacity range",
                    )
                    .allowed("a provisioned class, or `db.serverless` with `serverless_v2`")
                    .hint("add `serverless_v2: {min_acu: 0.5, max_acu: 16}` to `database`");
                }
            } else if !is_class(&inst.instance_class, "db.") {
                self.error(
                    &class_path,
                    format!("`{}` is not a DB instance class", inst.instance_class),
                )
                .allowed("`db.serverless` or `db.<family>.<size>`, e.g. `db.r6g.large`");
            }
            if let Some(tier) = inst.promotion_tier
                && tier > 15
            {
                // CreateDBInstance PromotionTier: "Valid Values: 0 - 15" (RDS API Reference).
                self.error(
                    &format!("{base}.promotion_tier"),
                    format!("promotion tier {tier} is out of range"),
                )
                .allowed("0 (promoted first) to 15")
                .hint("omit it for AWS's default, 1");
            }
            self.performance_insights(
                &format!("{base}.performance_insights"),
                &inst.performance_insights,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_minimum_and_256_maximum_follow_the_documented_versions() {
        let pg = |v| aurora_version(Engine::AuroraPostgresql, v);
        let my = |v| aurora_version(Engine::AuroraMysql, v);
        let zero = |v: Option<AuroraVersion>| v.is_some_and(|v| v.supports_zero_min());
        assert!(zero(pg("16.3")) && zero(pg("13.15")) && zero(pg("17.4")));
        assert!(!zero(pg("16.2")) && !zero(pg("13.9")) && !zero(pg("12.22")));
        assert!(zero(my("8.0.mysql_aurora.3.08.0")));
        assert!(!zero(my("8.0.mysql_aurora.3.07.1")));
        assert_eq!(pg("15.6").map(|v| v.largest_max()), Some(256.0));
        assert_eq!(pg("15.5").map(|v| v.largest_max()), Some(128.0));
        assert_eq!(
            my("8.0.mysql_aurora.3.05.2").map(|v| v.largest_max()),
            Some(128.0)
        );
        assert_eq!(pg("sixteen"), None);
        assert_eq!(my("8.0.36"), None);
    }

    #[test]
    fn cluster_families() {
        assert_eq!(
            cluster_family(Engine::AuroraPostgresql, "16.8"),
            "aurora-postgresql16"
        );
        assert_eq!(
            cluster_family(Engine::AuroraMysql, "8.0.mysql_aurora.3.08.0"),
            "aurora-mysql8.0"
        );
    }
}
