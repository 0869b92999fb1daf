//! The calls each step of a plan makes, fixed when the plan is made from the kind's rows (which
//! call carries each attribute) and the plan's own values (a replica count up or down, the
//! stages of encryption in transit, the parameters set and reset, the rules revoked and
//! authorized). Pure: nothing is sent. The plan file keeps them, and apply fails an update
//! whose calls carried anything other than what they list (`aws::write::nothing_unsent`).

use serde_json::Value;

use super::AwsKind;
use super::alarm::Alarms;
use super::cache_parameter_group::CacheParameterGroups;
use super::cache_subnet_group::CacheSubnetGroups;
use super::db_cluster::DbClusters;
use super::db_cluster::instance::DbClusterInstances;
use super::db_cluster_parameter_group::DbClusterParameterGroups;
use super::db_instance::DbInstances;
use super::db_parameter_group::DbParameterGroups;
use super::db_subnet_group::DbSubnetGroups;
use super::proxy::Proxies;
use super::proxy::endpoint::ProxyEndpoints;
use super::proxy::target::ProxyTargets;
use super::proxy::target_group::ProxyTargetGroups;
use super::replication_group::ReplicationGroups;
use super::secret::Secrets;
use super::security_group::SecurityGroups;
use crate::model::{Kind, Resource};
use crate::plan::{Call, Change, Plan, Step, StepOp};

/// One step with what the plan knows of it: the resource it makes, and the values it changes
/// from.
pub(crate) struct Planned<'a> {
    pub step: &'a Step,
    pub desired: Option<&'a Resource>,
    pub change: Option<&'a Change>,
}

impl Planned<'_> {
    /// The step changes `attr`.
    pub fn changes(&self, attr: &str) -> bool {
        self.step.attributes.iter().any(|a| a == attr)
    }

    /// The value the step sets.
    pub fn wanted(&self, attr: &str) -> &Value {
        self.desired.map_or(&Value::Null, |r| r.get(attr))
    }

    /// The value AWS has before the step: the change's old value, or the desired one where
    /// the step does not change it.
    pub fn old(&self, attr: &str) -> &Value {
        self.change
            .and_then(|c| c.attributes.iter().find(|a| a.name == attr))
            .map_or_else(|| self.wanted(attr), |a| &a.old)
    }

    /// Those of `attrs` that the step changes.
    pub fn among(&self, attrs: &[&str]) -> Vec<String> {
        attrs
            .iter()
            .filter(|a| self.changes(a))
            .map(|a| (*a).to_owned())
            .collect()
    }

    /// A call carrying `attrs`, if it carries any.
    pub fn carrying(&self, op: &str, attrs: Vec<String>) -> Option<Call> {
        (!attrs.is_empty()).then(|| Call {
            op: op.to_owned(),
            carries: attrs,
        })
    }

    /// The tagging calls, when the step changes the tags.
    pub fn tagging(&self) -> Option<Call> {
        self.changes("tags")
            .then(|| Call::new("tagging", &["tags"]))
    }

    /// The one call of a create or a delete, by the step's op.
    pub fn one(&self, create: &str, delete: &str) -> Vec<Call> {
        match self.step.op {
            StepOp::Create => vec![Call::new(create, &[])],
            StepOp::Delete => vec![Call::new(delete, &[])],
            StepOp::Update => Vec::new(),
        }
    }
}

/// The calls of each step of `plan`, written into it.
pub fn annotate(plan: &mut Plan) {
    let calls: Vec<Vec<Call>> = plan
        .steps
        .iter()
        .map(|step| {
            let p = Planned {
                step,
                desired: plan.makes(step),
                change: plan.changes.iter().find(|c| c.address == step.address),
            };
            of(&p)
        })
        .collect();
    for (step, calls) in plan.steps.iter_mut().zip(calls) {
        step.calls = calls;
    }
}

/// The calls of one step, by its kind: every kind's AWS side is one definition, and lists
/// them.
fn of(p: &Planned<'_>) -> Vec<Call> {
    match p.step.address.kind {
        Kind::SecurityGroup => SecurityGroups::calls(p),
        Kind::DbSubnetGroup => DbSubnetGroups::calls(p),
        Kind::CacheSubnetGroup => CacheSubnetGroups::calls(p),
        Kind::DbParameterGroup => DbParameterGroups::calls(p),
        Kind::CacheParameterGroup => CacheParameterGroups::calls(p),
        Kind::Secret => Secrets::calls(p),
        Kind::DbInstance | Kind::DbReplica => DbInstances::calls(p),
        Kind::Proxy => Proxies::calls(p),
        Kind::ProxyTargetGroup => ProxyTargetGroups::calls(p),
        Kind::ProxyTarget => ProxyTargets::calls(p),
        Kind::ProxyEndpoint => ProxyEndpoints::calls(p),
        Kind::ReplicationGroup => ReplicationGroups::calls(p),
        Kind::Alarm => Alarms::calls(p),
        Kind::DbClusterParameterGroup => DbClusterParameterGroups::calls(p),
        Kind::DbCluster => DbClusters::calls(p),
        Kind::DbClusterInstance => DbClusterInstances::calls(p),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Planned, of};
    use crate::model::{Impact, Kind, Resource};
    use crate::plan::{Action, AttrChange, Call, Change, Step, StepOp};

    /// The calls of a step `op` making `desired`, which changes each attribute of `old` from
    /// the value given there (on a create, from none).
    fn calls(op: StepOp, desired: &Resource, old: &[(&str, Value)]) -> Vec<Call> {
        let address = desired.address.clone();
        let step = Step {
            id: 0,
            address: address.clone(),
            op,
            attributes: match op {
                StepOp::Update => old.iter().map(|(n, _)| (*n).to_owned()).collect(),
                _ => Vec::new(),
            },
            reboot: false,
            depends_on: Vec::new(),
            impact: Impact::Online,
            resource: None,
            calls: Vec::new(),
            undo: None,
            wait: None,
        };
        let change = Change {
            address,
            action: match op {
                StepOp::Create => Action::Create,
                StepOp::Update => Action::Update,
                StepOp::Delete => Action::Delete,
            },
            impact: Impact::Online,
            stateful: false,
            attributes: old
                .iter()
                .map(|(n, v)| AttrChange {
                    name: (*n).to_owned(),
                    old: v.clone(),
                    new: desired.get(n).clone(),
                    impact: Impact::Online,
                    forces_replacement: false,
                    note: None,
                    outstanding: false,
                    in_window: None,
                })
                .collect(),
            replaces: None,
            note: None,
        };
        of(&Planned {
            step: &step,
            desired: Some(desired),
            change: Some(&change),
        })
    }

    fn params(n: usize) -> Value {
        let all = (0..n).map(|i| (format!("p{i}"), json!("1")));
        Value::Object(all.collect())
    }

    #[test]
    fn every_kind_lists_the_calls_of_its_create_and_its_delete() {
        for kind in Kind::ALL {
            let r = Resource::new(kind, "shop-x/shop-db");
            assert!(!calls(StepOp::Create, &r, &[]).is_empty(), "{kind} create");
            // AWS deletes a proxy's target group with the proxy: no call of its own.
            let delete = calls(StepOp::Delete, &r, &[]);
            assert_eq!(
                delete.is_empty(),
                kind == Kind::ProxyTargetGroup,
                "{kind} delete"
            );
        }
    }

    #[test]
    fn a_parameter_group_sets_20_parameters_a_call_and_resets_those_the_spec_dropped() {
        let db =
            |p: Value| Resource::new(Kind::DbParameterGroup, "shop-db-pg").set("parameters", p);
        let created = calls(
            StepOp::Create,
            &db(params(21)),
            &[("parameters", Value::Null)],
        );
        assert_eq!(
            created,
            [
                Call::new("rds:CreateDBParameterGroup", &[]),
                Call::new("rds:ModifyDBParameterGroup", &[]),
                Call::new("rds:ModifyDBParameterGroup", &[]),
            ]
        );
        // p0 changes, p1 stays, p2 is dropped; the tags change too.
        let want = db(json!({"p0": "2", "p1": "1"})).set("tags", json!({"team": "b"}));
        let old = [
            ("parameters", json!({"p0": "1", "p1": "1", "p2": "1"})),
            ("tags", json!({"team": "a"})),
        ];
        assert_eq!(
            calls(StepOp::Update, &want, &old),
            [
                Call::new("tagging", &["tags"]),
                Call::new("rds:ModifyDBParameterGroup", &["parameters"]),
                Call::new("rds:ResetDBParameterGroup", &["parameters"]),
            ]
        );
        // ElastiCache resets every dropped parameter in one call; nothing is left to set.
        let cache =
            Resource::new(Kind::CacheParameterGroup, "shop-redis-pg").set("parameters", json!({}));
        assert_eq!(
            calls(StepOp::Update, &cache, &[("parameters", params(21))]),
            [Call::new(
                "elasticache:ResetCacheParameterGroup",
                &["parameters"]
            )]
        );
    }

    #[test]
    fn a_security_group_revokes_the_rules_the_spec_dropped_and_authorizes_the_new_ones() {
        let sg = |rules: Value| Resource::new(Kind::SecurityGroup, "shop-db").set("ingress", rules);
        let from_app = json!(["tcp/5432 from shop-app"]);
        assert_eq!(
            calls(
                StepOp::Create,
                &sg(from_app.clone()),
                &[("ingress", Value::Null)]
            ),
            [
                Call::new("ec2:CreateSecurityGroup", &[]),
                Call::new("ec2:AuthorizeSecurityGroupIngress", &[]),
            ]
        );
        assert_eq!(
            calls(StepOp::Create, &sg(json!([])), &[("ingress", Value::Null)]),
            [Call::new("ec2:CreateSecurityGroup", &[])]
        );
        let both = json!(["tcp/5432 from 10.0.0.0/16", "tcp/5432 from shop-app"]);
        assert_eq!(
            calls(
                StepOp::Update,
                &sg(both.clone()),
                &[("ingress", from_app.clone())]
            ),
            [Call::new("ec2:AuthorizeSecurityGroupIngress", &["ingress"])]
        );
        assert_eq!(
            calls(StepOp::Update, &sg(from_app), &[("ingress", both)]),
            [Call::new("ec2:RevokeSecurityGroupIngress", &["ingress"])]
        );
    }

    #[test]
    fn a_secret_and_a_proxy_and_its_endpoint_send_the_rows_a_step_changes() {
        let secret = Resource::new(Kind::Secret, "stackctl/shop/db/master").set("kms_key_id", "k2");
        assert_eq!(
            calls(StepOp::Update, &secret, &[("kms_key_id", json!("k1"))]),
            [Call::new("secretsmanager:UpdateSecret", &["kms_key_id"])]
        );
        let proxy = Resource::new(Kind::Proxy, "shop-proxy")
            .set("require_tls", false)
            .set("tags", json!({"team": "b"}));
        let old = [("require_tls", json!(true)), ("tags", json!({"team": "a"}))];
        assert_eq!(
            calls(StepOp::Update, &proxy, &old),
            [
                Call::new("rds:ModifyDBProxy", &["require_tls"]),
                Call::new("tagging", &["tags"]),
            ]
        );
        let endpoint = Resource::new(Kind::ProxyEndpoint, "shop-rw")
            .set("security_groups", json!(["shop-proxy"]));
        assert_eq!(
            calls(
                StepOp::Update,
                &endpoint,
                &[("security_groups", json!(["shop-db"]))]
            ),
            [Call::new("rds:ModifyDBProxyEndpoint", &["security_groups"])]
        );
    }
}
