//! The tagging API: every ARN the stack owns with its tags, and what of those the other reads
//! did not describe (it left the spec), observed just enough to delete it.

use std::collections::BTreeMap;

use aws_sdk_resourcegroupstagging::types::TagFilter;

use super::{arn_name, observed, tag_map};
use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::model::desired::OWNER_TAG;
use crate::model::{Address, Kind, Resource};
use crate::plan::Observed;

/// ARN → tags.
pub(in crate::aws) type OwnedArns = BTreeMap<String, BTreeMap<String, String>>;

/// Everything the stack owns according to the tagging API: ARN → tags.
pub(super) async fn owned_arns(c: &Clients, stack: &str) -> Result<OwnedArns, AwsError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let resp = c
            .call(
                "tagging:GetResources",
                c.tagging
                    .get_resources()
                    .tag_filters(TagFilter::builder().key(OWNER_TAG).values(stack).build())
                    .set_pagination_token(token.clone())
                    .send(),
            )
            .await?;
        for m in resp.resource_tag_mapping_list() {
            if let Some(arn) = m.resource_arn() {
                let tags = tag_map(m.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
                out.insert(arn.to_owned(), tags);
            }
        }
        token = resp
            .pagination_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// The kind an owned ARN names, for the kinds found by name in the tagging API. DB instances
/// are described by the reads; proxies and their endpoints are tagged by a generated id, not
/// their name, and are found by name while in the spec.
fn kind_of(arn: &str) -> Option<Kind> {
    Some(if arn.contains(":cloudwatch:") && arn.contains(":alarm:") {
        Kind::Alarm
    } else if arn.contains(":elasticache:") && arn.contains(":replicationgroup:") {
        Kind::ReplicationGroup
    } else if arn.contains(":elasticache:") && arn.contains(":parametergroup:") {
        Kind::CacheParameterGroup
    } else if arn.contains(":elasticache:") && arn.contains(":subnetgroup:") {
        Kind::CacheSubnetGroup
    } else if arn.contains(":rds:") && arn.contains(":cluster-pg:") {
        Kind::DbClusterParameterGroup
    } else if arn.contains(":rds:") && arn.contains(":pg:") {
        Kind::DbParameterGroup
    } else if arn.contains(":rds:") && arn.contains(":subgrp:") {
        Kind::DbSubnetGroup
    } else {
        return None;
    })
}

/// Owned resources that left the spec and were not described by the other reads: enough to
/// delete them.
pub(super) fn insert_left_spec(obs: &mut Observed, owned: &OwnedArns) {
    for arn in owned.keys() {
        let name = arn_name(arn).to_owned();
        let Some(kind) = kind_of(arn) else {
            continue;
        };
        let addr = Address::new(kind, name);
        if obs.get(&addr).is_none() {
            obs.insert(observed(
                Resource::new(addr.kind, &addr.name),
                true,
                "available",
            ));
        }
    }
}
