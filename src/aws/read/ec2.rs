//! EC2: the VPC and subnets the spec's lookups name, and the security groups the stack owns or
//! names, observed with their rules by group name.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, SecurityGroup, Subnet};
use serde_json::json;

use super::tagging::OwnedArns;
use super::{Context, observed, owned_by, sorted, tag_map};
use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::model::desired::OWNER_TAG;
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;
use crate::spec::raw::Stack;

/// The groups named like one the spec creates, of any owner (another team's group of that name
/// stops the plan rather than failing the create). The stack's own groups are among them while
/// the spec names them; `owned_left_spec` finds the rest.
pub(super) async fn named_security_groups(
    c: &Clients,
    stack: &str,
    spec: &Stack,
) -> Result<Vec<SecurityGroup>, AwsError> {
    let names: Vec<String> = spec
        .network
        .security_groups
        .iter()
        .filter(|(_, g)| g.id.is_none())
        .map(|(k, _)| crate::model::network::security_group_name(stack, k))
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let filter = Filter::builder()
        .name("group-name")
        .set_values(Some(names))
        .build();
    let r = c
        .call(
            "ec2:DescribeSecurityGroups",
            c.ec2.describe_security_groups().filters(filter).send(),
        )
        .await?;
    Ok(r.security_groups().to_vec())
}

/// The ids of the groups the tagging API says the stack owns that `named` does not hold (they
/// left the spec, or were renamed).
pub(super) fn owned_left_spec(owned: &OwnedArns, named: &[SecurityGroup]) -> Vec<String> {
    owned
        .keys()
        .filter(|a| a.starts_with("arn:") && a.contains(":ec2:"))
        .filter_map(|a| a.split_once(":security-group/").map(|(_, id)| id))
        .filter(|id| !named.iter().any(|g| g.group_id() == Some(*id)))
        .map(str::to_owned)
        .collect()
}

/// Groups by id (none: no call). A filter rather than `GroupIds`, so that a group deleted since
/// the tagging API answered is absent rather than an error; the answer is kept to those ids
/// (some emulators ignore the filter).
pub(super) async fn security_groups_by_id(
    c: &Clients,
    ids: Vec<String>,
) -> Result<Vec<SecurityGroup>, AwsError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let r = c
        .call(
            "ec2:DescribeSecurityGroups",
            c.ec2
                .describe_security_groups()
                .filters(
                    Filter::builder()
                        .name("group-id")
                        .set_values(Some(ids.clone()))
                        .build(),
                )
                .send(),
        )
        .await?;
    Ok(r.security_groups()
        .iter()
        .filter(|g| g.group_id().is_some_and(|id| ids.iter().any(|i| i == id)))
        .cloned()
        .collect())
}

/// The stack's groups, owned ones first (in AWS's order), then the others of a spec's name: the
/// order in which they are observed, where a later one of a name stands.
pub(super) fn owned_first(
    stack: &str,
    named: Vec<SecurityGroup>,
    left_spec: Vec<SecurityGroup>,
) -> Vec<SecurityGroup> {
    let owns = |g: &SecurityGroup| {
        g.tags()
            .iter()
            .any(|t| t.key() == Some(OWNER_TAG) && t.value() == Some(stack))
    };
    let mut all: Vec<SecurityGroup> = Vec::new();
    for g in named.into_iter().chain(left_spec) {
        if !all.iter().any(|o| o.group_id() == g.group_id()) {
            all.push(g);
        }
    }
    let (mut owned, others): (Vec<_>, Vec<_>) = all.into_iter().partition(|g| owns(g));
    owned.extend(others);
    owned
}

fn tag_filters(tags: &BTreeMap<String, String>) -> Vec<Filter> {
    tags.iter()
        .map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build())
        .collect()
}

/// The VPC id: given, or looked up by tags (exactly one must match).
pub(super) async fn lookup_vpc(c: &Clients, stack: &Stack) -> Result<Option<String>, AwsError> {
    let vpc = &stack.network.vpc;
    if let Some(id) = &vpc.id {
        return Ok(Some(id.clone()));
    }
    let Some(tags) = &vpc.tags else {
        return Ok(None);
    };
    let resp = c
        .call(
            "ec2:DescribeVpcs",
            c.ec2
                .describe_vpcs()
                .set_filters(Some(tag_filters(tags)))
                .send(),
        )
        .await?;
    let ids: Vec<&str> = resp.vpcs().iter().filter_map(|v| v.vpc_id()).collect();
    match ids.as_slice() {
        [one] => Ok(Some((*one).to_owned())),
        [] => Err(AwsError::other(
            "ec2:DescribeVpcs",
            format!("no VPC has the tags {tags:?} given in network.vpc.tags"),
        )),
        many => Err(AwsError::other(
            "ec2:DescribeVpcs",
            format!(
                "{} VPCs have the tags {tags:?}: {}; make network.vpc.tags select one, or give its id",
                many.len(),
                many.join(", ")
            ),
        )),
    }
}

/// The subnets the spec's tags select, in any VPC (`select_subnets` keeps the VPC's), or `None`
/// when the spec gives ids or no tags (no call).
pub(super) async fn tagged_subnets(
    c: &Clients,
    stack: &Stack,
) -> Result<Option<Vec<Subnet>>, AwsError> {
    let subnets = &stack.network.subnets;
    let (None, Some(tags)) = (&subnets.ids, &subnets.tags) else {
        return Ok(None);
    };
    let resp = c
        .call(
            "ec2:DescribeSubnets",
            c.ec2
                .describe_subnets()
                .set_filters(Some(tag_filters(tags)))
                .send(),
        )
        .await?;
    Ok(Some(resp.subnets().to_vec()))
}

/// The subnet ids: given, or those of `tagged` inside the VPC (at least 2).
pub(super) fn select_subnets(
    stack: &Stack,
    vpc: Option<&str>,
    tagged: Option<Vec<Subnet>>,
) -> Result<Vec<String>, AwsError> {
    let subnets = &stack.network.subnets;
    if let Some(ids) = &subnets.ids {
        return Ok(ids.clone());
    }
    let (Some(tags), Some(tagged)) = (&subnets.tags, tagged) else {
        return Ok(Vec::new());
    };
    let mut ids: Vec<String> = tagged
        .iter()
        .filter(|s| vpc.is_none_or(|v| s.vpc_id() == Some(v)))
        .filter_map(|s| s.subnet_id().map(str::to_owned))
        .collect();
    ids.sort();
    if ids.len() < 2 {
        return Err(AwsError::other(
            "ec2:DescribeSubnets",
            format!(
                "network.subnets.tags {tags:?} select {} subnet(s) in the VPC; a DB subnet group needs at least 2",
                ids.len()
            ),
        ));
    }
    Ok(ids)
}

/// Security group names by id, so references compare by name.
pub(super) fn group_names(sgs: &[SecurityGroup]) -> BTreeMap<String, String> {
    let mut sg_names: BTreeMap<String, String> = BTreeMap::new();
    for g in sgs {
        if let (Some(id), Some(name)) = (g.group_id(), g.group_name()) {
            sg_names.insert(id.to_owned(), name.to_owned());
        }
    }
    sg_names
}

/// A security group with its ingress rules by group name, or `None` for another VPC's group
/// the stack does not own (group names are unique per VPC: no conflict).
pub(super) fn observe_security_group(
    cx: &Context,
    g: &SecurityGroup,
    vpc_id: &str,
) -> Option<ObservedResource> {
    let s = cx.stack;
    let tags = tag_map(g.tags().iter().map(|t| (t.key(), t.value())));
    if !owned_by(&tags, s) && g.vpc_id() != Some(vpc_id) {
        return None;
    }
    let mut rules = Vec::new();
    for p in g.ip_permissions() {
        let port = p.from_port().unwrap_or(0);
        for pair in p.user_id_group_pairs() {
            if let Some(gid) = pair.group_id() {
                rules.push(format!("tcp/{port} from {}", cx.sg_ref(gid)));
            }
        }
        for r in p.ip_ranges() {
            if let Some(cidr) = r.cidr_ip() {
                rules.push(format!("tcp/{port} from {cidr}"));
            }
        }
    }
    rules.dedup();
    let name = g.group_name().unwrap_or_default();
    let mut o = observed(
        Resource::new(Kind::SecurityGroup, name)
            .set("description", g.description().unwrap_or_default())
            .set("vpc_id", g.vpc_id().unwrap_or_default())
            .set("ingress", sorted(rules))
            .set("tags", json!(tags)),
        owned_by(&tags, s),
        "available",
    );
    if let Some(id) = g.group_id() {
        o.ids.insert("id".into(), id.to_owned());
    }
    Some(o)
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::Tag;

    use super::*;

    fn staging() -> Stack {
        crate::spec::load_str("staging.yaml", include_str!("../../../stacks/staging.yaml"))
            .stack
            .expect("the staging example is valid")
    }

    fn subnet(id: &str, vpc: &str) -> Subnet {
        Subnet::builder().subnet_id(id).vpc_id(vpc).build()
    }

    fn group(id: &str, owner: Option<&str>) -> SecurityGroup {
        let g = SecurityGroup::builder().group_id(id);
        match owner {
            Some(o) => g.tags(Tag::builder().key(OWNER_TAG).value(o).build()),
            None => g,
        }
        .build()
    }

    #[test]
    fn tagged_subnets_are_kept_only_in_the_vpc() {
        let tagged = vec![
            subnet("subnet-c", "vpc-1"),
            subnet("subnet-x", "vpc-2"),
            subnet("subnet-a", "vpc-1"),
        ];
        let ids = select_subnets(&staging(), Some("vpc-1"), Some(tagged)).expect("subnets");
        assert_eq!(ids, ["subnet-a", "subnet-c"]);
    }

    #[test]
    fn fewer_than_two_tagged_subnets_in_the_vpc_is_an_error() {
        let tagged = vec![subnet("subnet-a", "vpc-1"), subnet("subnet-x", "vpc-2")];
        let e = select_subnets(&staging(), Some("vpc-1"), Some(tagged)).unwrap_err();
        assert!(
            e.to_string().contains("select 1 subnet(s) in the VPC"),
            "{e}"
        );
        let e = select_subnets(&staging(), Some("vpc-1"), Some(Vec::new())).unwrap_err();
        assert!(
            e.to_string().contains("select 0 subnet(s) in the VPC"),
            "{e}"
        );
    }

    #[test]
    fn subnet_ids_given_are_used_as_given() {
        let mut stack = staging();
        stack.network.subnets.ids = Some(vec!["subnet-b".into(), "subnet-a".into()]);
        stack.network.subnets.tags = None;
        let ids = select_subnets(&stack, Some("vpc-1"), None).expect("subnets");
        assert_eq!(ids, ["subnet-b", "subnet-a"]);
    }

    #[test]
    fn owned_groups_not_described_by_name_left_the_spec() {
        let mut owned = OwnedArns::new();
        for id in ["sg-1", "sg-2"] {
            owned.insert(
                format!("arn:aws:ec2:us-east-1:000000000000:security-group/{id}"),
                BTreeMap::new(),
            );
        }
        owned.insert(
            "arn:aws:rds:us-east-1:000000000000:db:x".into(),
            BTreeMap::new(),
        );
        let named = vec![group("sg-1", Some("s")), group("sg-3", None)];
        assert_eq!(owned_left_spec(&owned, &named), ["sg-2"]);
    }

    #[test]
    fn owned_groups_are_observed_before_others_of_their_name() {
        let named = vec![group("sg-3", None), group("sg-1", Some("s"))];
        let all = owned_first("s", named, vec![group("sg-2", Some("s"))]);
        let ids: Vec<_> = all.iter().filter_map(|g| g.group_id()).collect();
        assert_eq!(ids, ["sg-1", "sg-2", "sg-3"]);
    }
}
