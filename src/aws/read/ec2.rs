//! EC2: the VPC and subnets the spec's lookups name (the security groups' AWS side is
//! `aws::kinds::security_group`).

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, Subnet};

use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::spec::StackSpec;
use crate::spec::stack::{Subnets, Vpc};

fn tag_filters(tags: &BTreeMap<String, String>) -> Vec<Filter> {
    tags.iter()
        .map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build())
        .collect()
}

/// The VPC id: given, or looked up by tags (exactly one must match).
pub(super) async fn lookup_vpc(c: &Clients, stack: &StackSpec) -> Result<String, AwsError> {
    let tags = match &stack.network.vpc {
        Vpc::Id(id) => return Ok(id.clone()),
        Vpc::Tags(tags) => tags,
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
        [one] => Ok((*one).to_owned()),
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
/// when the spec gives ids (no call).
pub(super) async fn tagged_subnets(
    c: &Clients,
    stack: &StackSpec,
) -> Result<Option<Vec<Subnet>>, AwsError> {
    let Subnets::Tags(tags) = &stack.network.subnets else {
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
    stack: &StackSpec,
    vpc: &str,
    tagged: Option<Vec<Subnet>>,
) -> Result<Vec<String>, AwsError> {
    let tags = match &stack.network.subnets {
        Subnets::Ids(ids) => return Ok(ids.clone()),
        Subnets::Tags(tags) => tags,
    };
    let tagged = tagged.unwrap_or_default();
    let mut ids: Vec<String> = tagged
        .iter()
        .filter(|s| s.vpc_id() == Some(vpc))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn staging() -> StackSpec {
        crate::spec::load_str("staging.yaml", include_str!("../../../stacks/staging.yaml"))
            .stack
            .expect("the staging example is valid")
    }

    fn subnet(id: &str, vpc: &str) -> Subnet {
        Subnet::builder().subnet_id(id).vpc_id(vpc).build()
    }

    #[test]
    fn tagged_subnets_are_kept_only_in_the_vpc() {
        let tagged = vec![
            subnet("subnet-c", "vpc-1"),
            subnet("subnet-x", "vpc-2"),
            subnet("subnet-a", "vpc-1"),
        ];
        let ids = select_subnets(&staging(), "vpc-1", Some(tagged)).expect("subnets");
        assert_eq!(ids, ["subnet-a", "subnet-c"]);
    }

    #[test]
    fn fewer_than_two_tagged_subnets_in_the_vpc_is_an_error() {
        let tagged = vec![subnet("subnet-a", "vpc-1"), subnet("subnet-x", "vpc-2")];
        let e = select_subnets(&staging(), "vpc-1", Some(tagged)).unwrap_err();
        assert!(
            e.to_string().contains("select 1 subnet(s) in the VPC"),
            "{e}"
        );
        let e = select_subnets(&staging(), "vpc-1", Some(Vec::new())).unwrap_err();
        assert!(
            e.to_string().contains("select 0 subnet(s) in the VPC"),
            "{e}"
        );
    }

    #[test]
    fn subnet_ids_given_are_used_as_given() {
        let mut stack = staging();
        stack.network.subnets = Subnets::Ids(vec!["subnet-b".into(), "subnet-a".into()]);
        let ids = select_subnets(&stack, "vpc-1", None).expect("subnets");
        assert_eq!(ids, ["subnet-b", "subnet-a"]);
    }
}
