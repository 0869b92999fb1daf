//! What applications need to connect to an applied stack, named as environment variables: the
//! database's write and read hosts and port (an Aurora cluster's writer and reader endpoints),
//! the proxy's endpoints, Redis's primary and reader
//! hosts and port, and the ARNs of the secrets that hold the credentials (never their values).
//! Pure: from the spec and what AWS reported (each observed resource's `endpoint`, `port` and
//! `arn` ids).

use crate::model::secret::{auth_token_secret_name, master_secret_name};
use crate::model::{Address, Kind};
use crate::plan::Observed;
use crate::spec::stack::{AuthToken, PasswordSource, StackSpec, TargetRole};

/// The outputs in a fixed order: `(name, value)`. `Err` names what AWS does not have yet.
pub fn outputs(
    stack: &StackSpec,
    observed: &Observed,
) -> Result<Vec<(&'static str, String)>, String> {
    // Only what the stack owns: a resource of the same name that another team owns is never
    // where this stack's applications connect.
    let id = |kind: Kind, name: &str, key: &str| {
        observed
            .get(&Address::new(kind, name))
            .filter(|o| o.owned)
            .and_then(|o| o.ids.get(key).cloned())
    };
    let db = &stack.database;
    let mut out = if db.engine.is_aurora() {
        cluster_outputs(stack, &id)?
    } else {
        instance_outputs(stack, &id)?
    };
    if let Some(p) = &stack.proxy {
        out.push(("DB_PROXY_HOST", id(Kind::Proxy, &p.name, "endpoint")));
        let read_only = p
            .endpoints
            .iter()
            .find(|e| e.target_role == TargetRole::ReadOnly);
        out.push((
            "DB_PROXY_READ_HOST",
            read_only.and_then(|e| id(Kind::ProxyEndpoint, &e.name, "endpoint")),
        ));
    }
    if let Some(r) = &stack.redis {
        let rg = &r.replication_group_id;
        out.push(("REDIS_HOST", id(Kind::ReplicationGroup, rg, "endpoint")));
        out.push((
            "REDIS_READER_HOST",
            id(Kind::ReplicationGroup, rg, "reader_endpoint"),
        ));
        out.push(("REDIS_PORT", id(Kind::ReplicationGroup, rg, "port")));
        if r.auth_token == AuthToken::Generated {
            let name = auth_token_secret_name(&stack.name, rg);
            out.push(("REDIS_AUTH_SECRET_ARN", id(Kind::Secret, &name, "arn")));
        }
    }
    Ok(out.into_iter().filter_map(|(k, v)| Some((k, v?))).collect())
}

/// The outputs in the making: a `None` value is left out.
type Outputs = Vec<(&'static str, Option<String>)>;

/// An id of a resource the stack owns: its kind, name and key.
type Id<'a> = dyn Fn(Kind, &str, &str) -> Option<String> + 'a;

/// An RDS primary's: its endpoint, the first replica's for reads.
fn instance_outputs(stack: &StackSpec, id: &Id<'_>) -> Result<Outputs, String> {
    let db = &stack.database;
    let Some(writer) = id(Kind::DbInstance, &db.identifier, "endpoint") else {
        return Err(format!(
            "stack {} has no db_instance.{} of its own with an endpoint in AWS yet: run `stackctl apply` first",
            stack.name, db.identifier
        ));
    };
    let replicas: Vec<String> = db
        .replicas()
        .iter()
        .filter_map(|r| id(Kind::DbReplica, &r.identifier, "endpoint"))
        .collect();
    let mut out: Outputs = vec![
        ("DB_WRITE_HOST", Some(writer.clone())),
        // Reads go to the first replica; to the writer when there is none.
        (
            "DB_READ_HOST",
            Some(replicas.first().cloned().unwrap_or(writer)),
        ),
        (
            "DB_READ_HOSTS",
            (!replicas.is_empty()).then(|| replicas.join(",")),
        ),
        ("DB_PORT", id(Kind::DbInstance, &db.identifier, "port")),
    ];
    let secret = match &db.master_user.password {
        PasswordSource::RdsManaged => {
            id(Kind::DbInstance, &db.identifier, "master_user_secret_arn")
        }
        PasswordSource::Generated => id(
            Kind::Secret,
            &master_secret_name(&stack.name, &db.identifier),
            "arn",
        ),
        // The team's own secret: its ARN is the spec's.
        PasswordSource::SecretArn(arn) => Some(arn.clone()),
    };
    out.push(("DB_SECRET_ARN", secret));
    Ok(out)
}

/// An Aurora cluster's: its writer (cluster) endpoint, its reader endpoint (AWS spreads reads
/// over the readers, or the writer when there is none), its port and master secret.
fn cluster_outputs(stack: &StackSpec, id: &Id<'_>) -> Result<Outputs, String> {
    let db = &stack.database;
    let Some(writer) = id(Kind::DbCluster, &db.identifier, "endpoint") else {
        return Err(format!(
            "stack {} has no db_cluster.{} of its own with an endpoint in AWS yet: run `stackctl apply` first",
            stack.name, db.identifier
        ));
    };
    let reader = id(Kind::DbCluster, &db.identifier, "reader_endpoint");
    let secret = match &db.master_user.password {
        PasswordSource::RdsManaged => id(Kind::DbCluster, &db.identifier, "master_user_secret_arn"),
        PasswordSource::Generated => id(
            Kind::Secret,
            &master_secret_name(&stack.name, &db.identifier),
            "arn",
        ),
        // The team's own secret: its ARN is the spec's.
        PasswordSource::SecretArn(arn) => Some(arn.clone()),
    };
    Ok(vec![
        ("DB_WRITE_HOST", Some(writer.clone())),
        ("DB_READ_HOST", Some(reader.unwrap_or(writer))),
        ("DB_PORT", id(Kind::DbCluster, &db.identifier, "port")),
        ("DB_SECRET_ARN", secret),
    ])
}

/// `NAME  value` lines, aligned.
pub fn text(outputs: &[(&str, String)]) -> String {
    let width = outputs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    outputs
        .iter()
        .map(|(k, v)| format!("{k:width$}  {v}\n"))
        .collect()
}

/// A JSON object of the outputs.
pub fn json(outputs: &[(&str, String)]) -> serde_json::Value {
    serde_json::Value::Object(
        outputs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

/// `NAME='value'` lines for a shell to source (a `'` in a value is escaped).
pub fn env(outputs: &[(&str, String)]) -> String {
    outputs
        .iter()
        .map(|(k, v)| format!("{k}='{}'\n", v.replace('\'', r"'\''")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{env, json, outputs, text};
    use crate::model::{Kind, Resource};
    use crate::plan::{Observed, ObservedResource};

    fn instance(owned: bool) -> Observed {
        let mut o = Observed::default();
        o.insert(ObservedResource {
            resource: Resource::new(Kind::DbInstance, "demo-db"),
            owned,
            status: "available".into(),
            pending: Default::default(),
            ids: [("endpoint".to_owned(), "demo-db.example".to_owned())].into(),
            facts: Default::default(),
        });
        o
    }

    #[test]
    fn only_what_the_stack_owns_is_an_output() {
        let text = include_str!("../../fixtures/invalid/ca-certificate-expired.yaml")
            .replace("  ca_certificate_identifier: rds-ca-2019\n", "");
        let stack = crate::spec::load_str("demo.yaml", &text)
            .stack
            .expect("a valid stack");
        let mine = outputs(&stack, &instance(true)).expect("outputs");
        assert!(mine.contains(&("DB_WRITE_HOST", "demo-db.example".to_owned())));
        let theirs = outputs(&stack, &instance(false)).expect_err("not the stack's");
        assert!(theirs.contains("of its own"), "{theirs}");
    }

    #[test]
    fn an_aurora_cluster_s_writer_and_reader_endpoints_and_its_secret_are_the_outputs() {
        let stack = crate::spec::load_str(
            "aurora.yaml",
            include_str!("../../stacks/aurora-serverless.yaml"),
        )
        .stack
        .expect("a valid stack");
        let mut o = Observed::default();
        let ids = [
            ("endpoint", "orders-aurora.cluster-x.example"),
            ("reader_endpoint", "orders-aurora.cluster-ro-x.example"),
            ("port", "5432"),
            ("master_user_secret_arn", "arn:secret"),
        ];
        o.insert(ObservedResource {
            resource: Resource::new(Kind::DbCluster, "orders-aurora"),
            owned: true,
            status: "available".into(),
            pending: Default::default(),
            ids: ids
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            facts: Default::default(),
        });
        let out = outputs(&stack, &o).expect("outputs");
        let want = [
            ("DB_WRITE_HOST", "orders-aurora.cluster-x.example"),
            ("DB_READ_HOST", "orders-aurora.cluster-ro-x.example"),
            ("DB_PORT", "5432"),
            ("DB_SECRET_ARN", "arn:secret"),
        ];
        let want: Vec<(&str, String)> = want.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        assert_eq!(out, want);
        let none = outputs(&stack, &Observed::default()).expect_err("not applied");
        assert!(none.contains("db_cluster.orders-aurora"), "{none}");
    }

    #[test]
    fn formats_quote_and_align() {
        let o = vec![("DB_PORT", "5432".to_owned()), ("A", "it's".to_owned())];
        assert_eq!(text(&o), "DB_PORT  5432\nA        it's\n");
        assert_eq!(env(&o), "DB_PORT='5432'\nA='it'\\''s'\n");
        assert_eq!(json(&o)["A"], "it's");
    }
}
