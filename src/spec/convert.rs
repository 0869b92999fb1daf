//! From the file's serde types to the validated [`StackSpec`]: each pair of optional keys the
//! rules allow one of becomes the sum type, and what a replica inherits from its primary is
//! resolved. It runs only on a file the rules passed, so a missing choice here is a rule that
//! let it through: reported as an error at its key path, never a panic.

use super::raw;
use super::stack::*;

/// A key the rules should have required: its path and what is missing.
#[derive(Debug)]
pub struct Missing {
    pub path: String,
    pub what: &'static str,
}

fn missing<T>(path: &str, what: &'static str) -> Result<T, Missing> {
    Err(Missing {
        path: path.to_owned(),
        what,
    })
}

/// The validated spec of a stack that passed the rules.
pub fn stack_spec(s: raw::Stack) -> Result<StackSpec, Missing> {
    Ok(StackSpec {
        name: s.stack,
        region: s.region,
        tags: s.tags,
        network: network(s.network)?,
        database: database(s.database)?,
        proxy: s.proxy,
        redis: s.redis.map(redis),
        alarms: s.alarms,
    })
}

fn network(n: raw::Network) -> Result<Network, Missing> {
    let vpc = match (n.vpc.id, n.vpc.tags) {
        (Some(id), _) => Vpc::Id(id),
        (None, Some(tags)) => Vpc::Tags(tags),
        (None, None) => return missing("network.vpc", "`id` or `tags`"),
    };
    let subnets = match (n.subnets.ids, n.subnets.tags) {
        (Some(ids), _) => Subnets::Ids(ids),
        (None, Some(tags)) => Subnets::Tags(tags),
        (None, None) => return missing("network.subnets", "`ids` or `tags`"),
    };
    let mut security_groups = std::collections::BTreeMap::new();
    for (key, sg) in n.security_groups {
        let group = match sg.id {
            Some(id) => SecurityGroup::Existing { id },
            None => SecurityGroup::Owned {
                description: sg.description,
                ingress: ingress(&key, sg.ingress)?,
            },
        };
        security_groups.insert(key, group);
    }
    Ok(Network {
        vpc,
        subnets,
        security_groups,
    })
}

fn ingress(key: &str, rules: Vec<raw::IngressRule>) -> Result<Vec<Ingress>, Missing> {
    rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let source = match (r.from, r.cidr) {
                (Some(from), _) => Source::Group(from),
                (None, Some(cidr)) => Source::Cidr(cidr),
                (None, None) => {
                    return missing(
                        &format!("network.security_groups.{key}.ingress[{i}]"),
                        "`from` or `cidr`",
                    );
                }
            };
            Ok(Ingress {
                source,
                port: r.port,
                description: r.description,
            })
        })
        .collect()
}

fn database(mut db: raw::Database) -> Result<Database, Missing> {
    let storage = db.storage.clone().unwrap_or_default();
    let layout = if db.engine.is_aurora() {
        Layout::Cluster(Cluster {
            serverless_v2: db.serverless_v2,
            parameter_group: db.cluster_parameter_group.map(parameter_group),
            instances: db.instances,
        })
    } else {
        // The groups move, not copied: a group may hold a great many parameters.
        let group = db.parameter_group.take();
        let replicas = std::mem::take(&mut db.replicas);
        Layout::Instance(Box::new(instance(&db, &storage, group, replicas)?))
    };
    Ok(Database {
        identifier: db.identifier,
        engine: db.engine,
        engine_version: db.engine_version,
        port: db.port,
        database_name: db.database_name,
        master_user: db.master_user,
        backup: db.backup,
        maintenance_window: db.maintenance_window,
        deletion_protection: db.deletion_protection,
        auto_minor_version_upgrade: db.auto_minor_version_upgrade,
        copy_tags_to_snapshot: db.copy_tags_to_snapshot,
        iam_database_authentication: db.iam_database_authentication,
        apply_changes: db.apply_changes,
        security_groups: db.security_groups,
        log_exports: db.log_exports,
        encryption: Encryption {
            encrypted: storage.encrypted,
            kms_key_id: storage.kms_key_id,
        },
        layout,
    })
}

/// An RDS primary: its class and size are required, and each replica takes what it leaves
/// out from the primary.
fn instance(
    db: &raw::Database,
    storage: &raw::Storage,
    group: Option<raw::ParameterGroup>,
    replicas: Vec<raw::Replica>,
) -> Result<Instance, Missing> {
    let Some(instance_class) = db.instance_class.clone() else {
        return missing("database.instance_class", "an instance class");
    };
    let Some(allocated_gib) = storage.allocated_gib else {
        return missing("database.storage.allocated_gib", "a size");
    };
    let replicas = replicas
        .into_iter()
        .map(|r| Replica {
            identifier: r.identifier,
            instance_class: r.instance_class.unwrap_or_else(|| instance_class.clone()),
            availability_zone: r.availability_zone,
            multi_az: r.multi_az,
            performance_insights: r
                .performance_insights
                .unwrap_or_else(|| db.performance_insights.clone()),
            enhanced_monitoring: r
                .enhanced_monitoring
                .unwrap_or_else(|| db.enhanced_monitoring.clone()),
            parameter_group: r.parameter_group.map(parameter_group),
            log_exports: r.log_exports.unwrap_or_else(|| db.log_exports.clone()),
        })
        .collect();
    Ok(Instance {
        renamed_from: db.renamed_from.clone(),
        instance_class,
        storage: Storage {
            kind: storage.kind,
            allocated_gib,
            max_allocated_gib: storage.max_allocated_gib,
            iops: storage.iops,
            throughput_mibps: storage.throughput_mibps,
        },
        multi_az: db.multi_az,
        performance_insights: db.performance_insights.clone(),
        enhanced_monitoring: db.enhanced_monitoring.clone(),
        publicly_accessible: db.publicly_accessible,
        ca_certificate_identifier: db.ca_certificate_identifier.clone(),
        parameter_group: group.map(parameter_group),
        replicas,
    })
}

/// An existing group when the file names one (the rules let `name` stand alone), else the
/// stack's.
fn parameter_group(pg: raw::ParameterGroup) -> ParameterGroup {
    match pg.name {
        Some(name) => ParameterGroup::Existing { name },
        None => ParameterGroup::Owned(OwnedGroup {
            family: pg.family,
            parameters: pg.parameters,
        }),
    }
}

fn redis(r: raw::Redis) -> Redis {
    let topology = match (r.cluster_mode, r.num_cache_clusters) {
        (Some(cm), _) => Topology::Sharded(cm),
        (None, n) => Topology::Nodes(n.unwrap_or(1)),
    };
    Redis {
        replication_group_id: r.replication_group_id,
        description: r.description,
        engine_version: r.engine_version,
        node_type: r.node_type,
        port: r.port,
        topology,
        automatic_failover: r.automatic_failover,
        multi_az: r.multi_az,
        at_rest_encryption: r.at_rest_encryption,
        kms_key_id: r.kms_key_id,
        transit_encryption: r.transit_encryption,
        transit_encryption_mode: r.transit_encryption_mode,
        auth_token: r.auth_token,
        snapshot_retention_days: r.snapshot_retention_days,
        snapshot_window: r.snapshot_window,
        maintenance_window: r.maintenance_window,
        parameter_group: r.parameter_group.map(parameter_group),
        security_groups: r.security_groups,
    }
}

#[cfg(test)]
mod tests {
    //! Every example stack and valid fixture: each choice of the validated spec is the one its
    //! file writes, and a replica takes from the primary exactly what it leaves out.

    use serde_yaml::Value;

    use super::*;

    fn files() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in ["stacks", "fixtures/valid"] {
            for e in std::fs::read_dir(root.join(dir)).expect("dir") {
                let p = e.expect("entry").path();
                if p.extension().is_some_and(|x| x == "yaml") {
                    out.push(p);
                }
            }
        }
        assert!(out.len() > 20, "{out:?}");
        out
    }

    fn has(v: &Value, path: &[&str]) -> bool {
        let mut at = v;
        for k in path {
            match at.get(*k) {
                Some(next) => at = next,
                None => return false,
            }
        }
        !at.is_null()
    }

    fn check_network(file: &str, v: &Value, s: &StackSpec) {
        let net = &v["network"];
        assert_eq!(
            matches!(s.network.vpc, Vpc::Id(_)),
            has(net, &["vpc", "id"]),
            "{file}"
        );
        assert_eq!(
            matches!(s.network.subnets, Subnets::Ids(_)),
            has(net, &["subnets", "ids"]),
            "{file}"
        );
        for (key, sg) in &s.network.security_groups {
            let file_sg = &net["security_groups"][key.as_str()];
            assert_eq!(
                matches!(sg, SecurityGroup::Existing { .. }),
                has(file_sg, &["id"]),
                "{file}: {key}"
            );
            if let SecurityGroup::Owned { ingress, .. } = sg {
                for (i, rule) in ingress.iter().enumerate() {
                    let from = has(&file_sg["ingress"][i], &["from"]);
                    assert_eq!(matches!(rule.source, Source::Group(_)), from, "{file}");
                }
            }
        }
    }

    /// Which group the validated spec holds: none, the stack's, or an existing one.
    #[derive(Debug, PartialEq, Clone, Copy)]
    enum Choice {
        None,
        Owned,
        Existing,
    }

    fn group_choice(pg: Option<&ParameterGroup>) -> Choice {
        match pg {
            None => Choice::None,
            Some(ParameterGroup::Owned(_)) => Choice::Owned,
            Some(ParameterGroup::Existing { .. }) => Choice::Existing,
        }
    }

    /// Which group the file's mapping gives under `parameter_group`.
    fn file_choice(at: &Value) -> Choice {
        if has(at, &["parameter_group", "name"]) {
            Choice::Existing
        } else if has(at, &["parameter_group"]) {
            Choice::Owned
        } else {
            Choice::None
        }
    }

    fn check_database(file: &str, v: &Value, s: &StackSpec, replica_groups: &mut [usize; 3]) {
        let db = &v["database"];
        match &s.database.layout {
            Layout::Cluster(c) => {
                assert!(s.database.engine.is_aurora(), "{file}");
                let named = has(db, &["cluster_parameter_group", "name"]);
                let existing = c.parameter_group.as_ref().and_then(|g| g.existing());
                assert_eq!(existing.is_some(), named, "{file}");
            }
            Layout::Instance(inst) => {
                assert!(!s.database.engine.is_aurora(), "{file}");
                let named = has(db, &["parameter_group", "name"]);
                let existing = inst.parameter_group.as_ref().and_then(|g| g.existing());
                assert_eq!(existing.is_some(), named, "{file}");
                for (i, rep) in inst.replicas.iter().enumerate() {
                    let own = &db["replicas"][i];
                    replica_groups[group_choice(rep.parameter_group.as_ref()) as usize] += 1;
                    assert_eq!(
                        group_choice(rep.parameter_group.as_ref()),
                        file_choice(own),
                        "{file}: replica {i}"
                    );
                    let class = own["instance_class"].as_str();
                    let want = class.unwrap_or(&inst.instance_class);
                    assert_eq!(rep.instance_class, want, "{file}");
                    let logs = has(own, &["log_exports"]);
                    if !logs {
                        assert_eq!(rep.log_exports, s.database.log_exports, "{file}");
                    }
                    if !has(own, &["performance_insights"]) {
                        assert_eq!(rep.performance_insights, inst.performance_insights);
                    }
                    if !has(own, &["enhanced_monitoring"]) {
                        assert_eq!(rep.enhanced_monitoring, inst.enhanced_monitoring);
                    }
                }
            }
        }
    }

    #[test]
    fn each_choice_is_the_one_the_file_writes() {
        let mut clusters = 0;
        // How many replicas and Redis groups hold each choice: every one among the files.
        let (mut replica_groups, mut redis_groups) = ([0usize; 3], [0usize; 3]);
        for path in files() {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path).expect("read");
            let loaded = super::super::load_str(&file, &text);
            let s = loaded.stack.unwrap_or_else(|| panic!("{file} is valid"));
            let v: Value = serde_yaml::from_str(&text).expect("YAML");
            check_network(&file, &v, &s);
            check_database(&file, &v, &s, &mut replica_groups);
            clusters += usize::from(s.database.cluster().is_some());
            if let Some(r) = &s.redis {
                assert_eq!(
                    group_choice(r.parameter_group.as_ref()),
                    file_choice(&v["redis"]),
                    "{file}: redis"
                );
                redis_groups[group_choice(r.parameter_group.as_ref()) as usize] += 1;
                let cm = has(&v["redis"], &["cluster_mode"]);
                assert_eq!(r.cluster_mode().is_some(), cm, "{file}");
                if let Topology::Nodes(n) = r.topology {
                    let given = v["redis"]["num_cache_clusters"].as_u64();
                    assert_eq!(u64::from(n), given.unwrap_or(1), "{file}");
                }
            }
        }
        assert!(clusters > 0, "no Aurora example among the files");
        for (what, counts) in [("replica", replica_groups), ("Redis", redis_groups)] {
            assert!(
                counts.iter().all(|n| *n > 0),
                "a {what} of each choice (none, the stack's, an existing one) among the files: {counts:?}"
            );
        }
    }

    #[test]
    fn a_choice_the_rules_let_through_unmade_is_an_error_at_its_path_not_a_panic() {
        let stack: raw::Stack = serde_yaml::from_str(
            "stack: s\nregion: us-east-1\nnetwork: {vpc: {}, subnets: {ids: [a, b]}}\n\
             database: {identifier: d, engine: postgres, engine_version: '16.4', \
             master_user: {username: u}}\n",
        )
        .expect("serde accepts it; the rules would not");
        let m = stack_spec(stack).expect_err("no VPC given");
        assert_eq!(m.path, "network.vpc");
    }
}
