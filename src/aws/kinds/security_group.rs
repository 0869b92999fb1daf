//! The AWS side of the security groups the stack owns or names: described by name in one call
//! (and those the stack owns that left the spec, by id), observed row by row with their rules
//! by group name, created with their rules, their rules authorized and revoked, retagged,
//! deleted. EC2 changes neither a group's description nor its VPC: the model refuses both.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, ResourceType, SecurityGroup, Tag, TagSpecification,
    UserIdGroupPair,
};
use serde_json::{Value, json};

use super::AwsKind;
use super::calls::Planned;
use super::row::{Row, TAGGING, carried, resource};
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{Context, OwnedArns, observed, owned_by, tag_map};
use crate::aws::write::{StepContext, sync_tags};
use crate::model::desired::OWNER_TAG;
use crate::model::network::attr::*;
use crate::model::network::security_group_name;
use crate::model::{Address, Kind};
use crate::plan::{Call, ObservedResource, Step, StepOp};
use crate::spec::StackSpec;
use crate::spec::stack::SecurityGroup as SpecGroup;

const CREATE: &str = "ec2:CreateSecurityGroup";
const AUTHORIZE: &str = "ec2:AuthorizeSecurityGroupIngress";
const REVOKE: &str = "ec2:RevokeSecurityGroupIngress";
const DELETE: &str = "ec2:DeleteSecurityGroup";

static ROWS: &[Row<SecurityGroup>] = &[
    Row {
        attr: DESCRIPTION,
        read: |g, _| json!(g.description().unwrap_or_default()),
        sent_by: &[],
    },
    Row {
        attr: VPC_ID,
        read: |g, _| json!(g.vpc_id().unwrap_or_default()),
        sent_by: &[],
    },
    Row {
        attr: INGRESS,
        read: |g, cx| json!(rules(g, cx)),
        sent_by: &[AUTHORIZE, REVOKE],
    },
    Row {
        attr: TAGS,
        read: |g, _| json!(tags(g)),
        sent_by: &[TAGGING],
    },
];

fn tags(g: &SecurityGroup) -> BTreeMap<String, String> {
    tag_map(g.tags().iter().map(|t| (t.key(), t.value())))
}

/// The group's rules as the model writes them (`tcp/PORT from GROUP-OR-CIDR`), a group by
/// its name, sorted.
fn rules(g: &SecurityGroup, cx: &Context) -> Vec<String> {
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
    rules.sort();
    rules.dedup();
    rules
}

/// The rules of an `ingress` value.
fn rule_set(v: &Value) -> BTreeSet<String> {
    let rules = v.as_array().into_iter().flatten();
    rules
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect()
}

/// The rules to revoke (AWS has them, the spec does not) and to authorize (the spec has them,
/// AWS does not), from the wanted and AWS's values of the `ingress` row.
fn rule_diff(want: &Value, have: &Value) -> (Vec<String>, Vec<String>) {
    let (want, have) = (rule_set(want), rule_set(have));
    let revoke = have.difference(&want).cloned().collect();
    let add = want.difference(&have).cloned().collect();
    (revoke, add)
}

/// The names of the groups the spec creates (those it does not give by `id`).
pub(in crate::aws) fn spec_names(stack: &str, spec: &StackSpec) -> Vec<String> {
    spec.network
        .security_groups
        .iter()
        .filter(|(_, g)| matches!(g, SpecGroup::Owned { .. }))
        .map(|(k, _)| security_group_name(stack, k))
        .collect()
}

/// The stack's security groups.
pub(crate) struct SecurityGroups;

impl AwsKind for SecurityGroups {
    type Answer = SecurityGroup;

    /// The groups of these names, of any owner (another team's group of that name stops the
    /// plan rather than failing the create), in one call. The stack's own groups are among
    /// them while the spec names them; `owned_left_spec` finds the rest.
    async fn describe(c: &Clients, names: Vec<String>) -> Result<Vec<SecurityGroup>, AwsError> {
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

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let c = cx.clients;
        let tags: Vec<Tag> = cx
            .create_tags(r)
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        let spec = TagSpecification::builder()
            .resource_type(ResourceType::SecurityGroup)
            .set_tags(Some(tags))
            .build();
        let b = c
            .ec2
            .create_security_group()
            .group_name(&r.address.name)
            .description(r.str(DESCRIPTION).unwrap_or_default())
            .vpc_id(r.str(VPC_ID).unwrap_or_default())
            .tag_specifications(spec);
        let out = c.call(CREATE, b.send()).await;
        cx.created(&r.address, out, |o| o.group_id()).await?;
        let id = cx.sg_id(&r.address.name)?;
        authorize(cx, &id, &r.strings(INGRESS)).await
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let c = cx.clients;
        let id = cx.sg_id(&r.address.name)?;
        if step.attributes.iter().any(|a| a == INGRESS) {
            let have = cx
                .observed
                .map_or(&Value::Null, |o| o.resource.get(INGRESS));
            let (revoke, add) = rule_diff(r.get(INGRESS), have);
            if !revoke.is_empty() {
                let b = c
                    .ec2
                    .revoke_security_group_ingress()
                    .group_id(&id)
                    .set_ip_permissions(Some(permissions(cx, &revoke)?));
                c.call(REVOKE, b.send()).await?;
                cx.sent(REVOKE, &carried(ROWS, step, REVOKE));
            }
            if !add.is_empty() {
                authorize(cx, &id, &add).await?;
                cx.sent(AUTHORIZE, &carried(ROWS, step, AUTHORIZE));
            }
        }
        if step.attributes.iter().any(|a| a == TAGS) {
            retag(cx, &id).await?;
        }
        Ok(())
    }

    /// The create, then its rules authorized (when it has any); on an update the rules AWS
    /// has that the spec dropped revoked and the new ones authorized, each call carrying the
    /// ingress row, then the tagging calls; the delete.
    fn calls(p: &Planned<'_>) -> Vec<Call> {
        match p.step.op {
            StepOp::Create => {
                let rules = !rule_set(p.wanted(INGRESS)).is_empty();
                let authorize = rules.then(|| Call::new(AUTHORIZE, &[]));
                [Some(Call::new(CREATE, &[])), authorize]
                    .into_iter()
                    .flatten()
                    .collect()
            }
            StepOp::Update => {
                let (revoke, add) = rule_diff(p.wanted(INGRESS), p.old(INGRESS));
                let call = |op: &str, any: bool| {
                    let carries = carried(ROWS, p.step, op).into_iter().map(str::to_owned);
                    any.then(|| Call {
                        op: op.to_owned(),
                        carries: carries.collect(),
                    })
                };
                [
                    call(REVOKE, !revoke.is_empty()),
                    call(AUTHORIZE, !add.is_empty()),
                    p.tagging(),
                ]
                .into_iter()
                .flatten()
                .collect()
            }
            StepOp::Delete => vec![Call::new(DELETE, &[])],
        }
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let id = match cx.sg_id(&a.name) {
            Ok(id) => id,
            // Undoing a create that may never have happened: find the group by name and owner.
            Err(_) => match owned_group_id(cx, &a.name).await? {
                Some(id) => id,
                None => return Ok(()),
            },
        };
        let r = c
            .call(DELETE, c.ec2.delete_security_group().group_id(&id).send())
            .await;
        found(r).map(|_| ())
    }
}

/// A rule as EC2 takes it: a port from a group (by id) or from a CIDR block.
fn permission(rule: &str, cx: &StepContext<'_>) -> Result<IpPermission, AwsError> {
    let (port, from) = rule
        .strip_prefix("tcp/")
        .and_then(|r| r.split_once(" from "))
        .ok_or_else(|| AwsError::other("ec2", format!("malformed rule {rule}")))?;
    let port: i32 = port
        .parse()
        .map_err(|_| AwsError::other("ec2", format!("bad port in {rule}")))?;
    let p = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    Ok(if from.contains('/') {
        p.ip_ranges(IpRange::builder().cidr_ip(from).build())
            .build()
    } else {
        p.user_id_group_pairs(UserIdGroupPair::builder().group_id(cx.sg_id(from)?).build())
            .build()
    })
}

fn permissions(cx: &StepContext<'_>, rules: &[String]) -> Result<Vec<IpPermission>, AwsError> {
    rules.iter().map(|r| permission(r, cx)).collect()
}

async fn authorize(cx: &StepContext<'_>, id: &str, rules: &[String]) -> Result<(), AwsError> {
    if rules.is_empty() {
        return Ok(());
    }
    let c = cx.clients;
    let b = c
        .ec2
        .authorize_security_group_ingress()
        .group_id(id)
        .set_ip_permissions(Some(permissions(cx, rules)?));
    c.call(AUTHORIZE, b.send()).await?;
    Ok(())
}

/// Brings the group's tags to the desired set (`CreateTags`, `DeleteTags`).
async fn retag(cx: &StepContext<'_>, id: &str) -> Result<(), AwsError> {
    let c = cx.clients;
    sync_tags(
        cx,
        |add| async move {
            let tags: Vec<Tag> = add
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            let b = c.ec2.create_tags().resources(id).set_tags(Some(tags));
            c.call("ec2:CreateTags", b.send()).await.map(|_| ())
        },
        |keys| async move {
            let tags: Vec<Tag> = keys.iter().map(|k| Tag::builder().key(k).build()).collect();
            let b = c.ec2.delete_tags().resources(id).set_tags(Some(tags));
            c.call("ec2:DeleteTags", b.send()).await.map(|_| ())
        },
    )
    .await
}

/// The id of this stack's security group of that name, if it exists.
async fn owned_group_id(cx: &StepContext<'_>, name: &str) -> Result<Option<String>, AwsError> {
    let c = cx.clients;
    let out = c
        .call(
            "ec2:DescribeSecurityGroups",
            c.ec2
                .describe_security_groups()
                .filters(Filter::builder().name("group-name").values(name).build())
                .filters(
                    Filter::builder()
                        .name(format!("tag:{OWNER_TAG}"))
                        .values(cx.stack)
                        .build(),
                )
                .send(),
        )
        .await?;
    Ok(out
        .security_groups()
        .first()
        .and_then(|g| g.group_id())
        .map(str::to_owned))
}

/// The ids of the groups the tagging API says the stack owns that `named` does not hold (they
/// left the spec, or were renamed).
pub(in crate::aws) fn owned_left_spec(owned: &OwnedArns, named: &[SecurityGroup]) -> Vec<String> {
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
pub(in crate::aws) async fn by_id(
    c: &Clients,
    ids: Vec<String>,
) -> Result<Vec<SecurityGroup>, AwsError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = Filter::builder()
        .name("group-id")
        .set_values(Some(ids.clone()))
        .build();
    let r = c
        .call(
            "ec2:DescribeSecurityGroups",
            c.ec2.describe_security_groups().filters(filter).send(),
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
pub(in crate::aws) fn owned_first(
    stack: &str,
    named: Vec<SecurityGroup>,
    left_spec: Vec<SecurityGroup>,
) -> Vec<SecurityGroup> {
    let owns = |g: &SecurityGroup| owned_by(&tags(g), stack);
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

/// Security group names by id, so references compare by name.
pub(in crate::aws) fn group_names(sgs: &[SecurityGroup]) -> BTreeMap<String, String> {
    let mut sg_names: BTreeMap<String, String> = BTreeMap::new();
    for g in sgs {
        if let (Some(id), Some(name)) = (g.group_id(), g.group_name()) {
            sg_names.insert(id.to_owned(), name.to_owned());
        }
    }
    sg_names
}

/// A security group with every row of its table, or `None` for another VPC's group the stack
/// does not own (group names are unique per VPC: no conflict).
pub(in crate::aws) fn observe(
    cx: &Context,
    g: &SecurityGroup,
    vpc_id: &str,
) -> Option<ObservedResource> {
    let owned = owned_by(&tags(g), cx.stack);
    if !owned && g.vpc_id() != Some(vpc_id) {
        return None;
    }
    let name = g.group_name().unwrap_or_default();
    let resource = resource(Kind::SecurityGroup, name, ROWS, g, cx);
    let mut o = observed(resource, owned, "available");
    if let Some(id) = g.group_id() {
        o.ids.insert("id".into(), id.to_owned());
    }
    Some(o)
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::Tag;

    use super::*;
    use crate::aws::kinds::row::assert_agrees;

    fn group(id: &str, owner: Option<&str>) -> SecurityGroup {
        let g = SecurityGroup::builder().group_id(id);
        match owner {
            Some(o) => g.tags(Tag::builder().key(OWNER_TAG).value(o).build()),
            None => g,
        }
        .build()
    }

    #[test]
    fn the_aws_rows_are_the_models_and_every_changeable_row_is_sent() {
        assert_agrees(Kind::SecurityGroup, ROWS);
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
