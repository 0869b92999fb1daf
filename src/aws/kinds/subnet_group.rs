//! What the DB and the cache subnet group share on AWS's side: their rows (a description, the
//! subnets, the tags), read from either service's answer through [`Answer`], and the rows one
//! modify call sends (both services take the description and the subnets together).

use serde_json::{Value, json};

use super::calls::Planned;
use crate::aws::read::{Context, nz, observed, with_arn};
use crate::model::network::VPC_FACT;
use crate::model::network::attr::{DESCRIPTION, SUBNET_IDS, TAGS};
use crate::model::{Kind, Resource, spec_of};
use crate::plan::{Call, ObservedResource, Step, StepOp};

/// A subnet group as either service describes it.
pub(super) trait Answer {
    fn name(&self) -> &str;
    fn description(&self) -> &str;
    fn subnet_ids(&self) -> Vec<&str>;
    fn arn(&self) -> Option<&str>;
    /// The VPC its subnets are in.
    fn vpc_id(&self) -> Option<&str>;
}

/// One attribute row: how it is read from the answer.
struct Row {
    attr: &'static str,
    read: fn(&dyn Answer, &Context) -> Value,
}

static ROWS: &[Row] = &[
    Row {
        attr: DESCRIPTION,
        read: |g, _| json!(g.description()),
    },
    Row {
        attr: SUBNET_IDS,
        read: |g, _| {
            let mut ids = g.subnet_ids();
            ids.sort_unstable();
            json!(ids)
        },
    },
    Row {
        attr: TAGS,
        read: |g, cx| cx.arn_tags(g.arn()),
    },
];

/// The rows the modify call sends (both at once: the DB service requires the subnets).
const MODIFIED: [&str; 2] = [DESCRIPTION, SUBNET_IDS];

/// The calls of a step on a subnet group whose service names them `create`, `modify`, `delete`:
/// the modify call carries the rows it sends, the tagging calls the tags.
pub(super) fn calls(p: &Planned<'_>, create: &str, modify: &str, delete: &str) -> Vec<Call> {
    if p.step.op != StepOp::Update {
        return p.one(create, delete);
    }
    let changed = modified(p.step).into_iter().map(str::to_owned).collect();
    [p.carrying(modify, changed), p.tagging()]
        .into_iter()
        .flatten()
        .collect()
}

/// The rows of `step` the modify call carries; none when only the tags change.
pub(super) fn modified(step: &Step) -> Vec<&'static str> {
    MODIFIED
        .into_iter()
        .filter(|m| step.attributes.iter().any(|x| x == m))
        .collect()
}

/// The group with every row of its kind's table, and its VPC as a fact.
pub(super) fn observe(kind: Kind, g: &dyn Answer, cx: &Context) -> ObservedResource {
    let mut resource = Resource::new(kind, g.name());
    for spec in spec_of(kind).attrs {
        if let Some(row) = ROWS.iter().find(|r| r.attr == spec.name) {
            resource = resource.set(spec.name, (row.read)(g, cx));
        }
    }
    let mut o = observed(resource, cx.owned_arn(g.arn()), "available");
    if let Some(vpc) = nz(g.vpc_id()) {
        o.facts.insert(VPC_FACT.into(), vpc.into());
    }
    with_arn(g.arn(), o)
}

#[cfg(test)]
mod tests {
    use super::{MODIFIED, ROWS, TAGS};
    use crate::model::{Kind, spec_of};

    /// A subnet group's VPC is read as a fact: where a DB instance may move from and to.
    #[test]
    fn the_vpc_of_a_subnet_group_is_a_fact() {
        use aws_sdk_rds::types::DbSubnetGroup;

        use crate::aws::read::{Context, OwnedArns};
        use crate::model::network::VPC_FACT;

        let owned = OwnedArns::new();
        let cx = Context::for_test("shop", &owned);
        let g = DbSubnetGroup::builder()
            .db_subnet_group_name("shop-db")
            .vpc_id("vpc-1")
            .build();
        let o = super::observe(Kind::DbSubnetGroup, &g, &cx);
        assert_eq!(o.facts.get(VPC_FACT), Some(&serde_json::json!("vpc-1")));
        assert!(!o.resource.attrs.contains_key(VPC_FACT));
    }

    #[test]
    fn the_aws_rows_are_the_models_and_every_changeable_row_is_sent() {
        for kind in [Kind::DbSubnetGroup, Kind::CacheSubnetGroup] {
            let spec = spec_of(kind);
            let model: Vec<&str> = spec.attrs.iter().map(|a| a.name).collect();
            let aws: Vec<&str> = ROWS.iter().map(|r| r.attr).collect();
            assert_eq!(model, aws, "{kind}");
            for a in spec.attrs.iter().filter(|a| a.name != TAGS) {
                assert!(MODIFIED.contains(&a.name), "{kind}.{} is not sent", a.name);
            }
        }
    }
}
