//! EC2: the VPC and subnets the spec's lookups name, and the security groups the stack owns or
//! names, observed with their rules by group name.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, SecurityGroup};
use serde_json::json;

use super::{Context, observed, owned_by, sorted, tag_map};
use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::model::desired::OWNER_TAG;
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;
use crate::spec::raw::Stack;

/// The security groups the stack owns, and any group named like one the spec creates (another
/// team's group of that name stops the plan rather than failing the create): two calls at
/// once, as EC2 filters of different names must all match.
pub(super) async fn security_groups(
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
    let by = |filter: Filter| {
        c.call(
            "ec2:DescribeSecurityGroups",
            c.ec2.describe_security_groups().filters(filter).send(),
        )
    };
    let owner = by(Filter::builder()
        .name(format!("tag:{OWNER_TAG}"))
        .values(stack)
        .build());
    let named = async {
        if names.is_empty() {
            return Ok(None);
        }
        by(Filter::builder()
            .name("group-name")
            .set_values(Some(names.clone()))
            .build())
        .await
        .map(Some)
    };
    let (owner, named) = tokio::try_join!(owner, named)?;
    let mut groups = owner.security_groups().to_vec();
    for g in named.iter().flat_map(|n| n.security_groups()) {
        if !groups.iter().any(|o| o.group_id() == g.group_id()) {
            groups.push(g.clone());
        }
    }
    Ok(groups)
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

/// The subnet ids: given, or looked up by tags inside the VPC.
pub(super) async fn lookup_subnets(
    c: &Clients,
    stack: &Stack,
    vpc: Option<String>,
) -> Result<Vec<String>, AwsError> {
    let subnets = &stack.network.subnets;
    if let Some(ids) = &subnets.ids {
        return Ok(ids.clone());
    }
    let Some(tags) = &subnets.tags else {
        return Ok(Vec::new());
    };
    let mut filters = tag_filters(tags);
    if let Some(v) = vpc {
        filters.push(Filter::builder().name("vpc-id").values(v).build());
    }
    let resp = c
        .call(
            "ec2:DescribeSubnets",
            c.ec2.describe_subnets().set_filters(Some(filters)).send(),
        )
        .await?;
    let mut ids: Vec<String> = resp
        .subnets()
        .iter()
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
