//! EC2 writes: the security groups the stack owns and their ingress rules.

use super::*;

pub(super) fn permission(
    rule: &str,
    cx: &StepContext<'_>,
) -> Result<aws_sdk_ec2::types::IpPermission, AwsError> {
    use aws_sdk_ec2::types::{IpPermission, IpRange, UserIdGroupPair};
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

pub(super) async fn authorize(
    cx: &StepContext<'_>,
    id: &str,
    rules: &[String],
) -> Result<(), AwsError> {
    if rules.is_empty() {
        return Ok(());
    }
    let perms = rules
        .iter()
        .map(|r| permission(r, cx))
        .collect::<Result<Vec<_>, _>>()?;
    let c = cx.clients;
    c.call(
        "ec2:AuthorizeSecurityGroupIngress",
        c.ec2
            .authorize_security_group_ingress()
            .group_id(id)
            .set_ip_permissions(Some(perms))
            .send(),
    )
    .await?;
    Ok(())
}

pub(super) async fn sg_create(cx: &StepContext<'_>) -> Result<(), AwsError> {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    let r = cx.want()?;
    let c = cx.clients;
    let tags: Vec<Tag> = cx
        .create_tags(r)
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let out = c
        .call(
            "ec2:CreateSecurityGroup",
            c.ec2
                .create_security_group()
                .group_name(&r.address.name)
                .description(str_of(r, "description").unwrap_or_default())
                .vpc_id(str_of(r, "vpc_id").unwrap_or_default())
                .tag_specifications(
                    TagSpecification::builder()
                        .resource_type(ResourceType::SecurityGroup)
                        .set_tags(Some(tags))
                        .build(),
                )
                .send(),
        )
        .await;
    cx.created(&r.address, out, |o| o.group_id()).await?;
    let id = cx.sg_id(&r.address.name)?;
    authorize(cx, &id, &r.strings("ingress")).await
}

pub(super) async fn sg_update(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
    let r = cx.want()?;
    let c = cx.clients;
    let id = cx.sg_id(&r.address.name)?;
    if step.attributes.iter().any(|a| a == "ingress") {
        let want: BTreeSet<String> = r.strings("ingress").into_iter().collect();
        let have: BTreeSet<String> = cx
            .observed
            .map(|o| o.resource.strings("ingress").into_iter().collect())
            .unwrap_or_default();
        let revoke: Vec<String> = have.difference(&want).cloned().collect();
        let add: Vec<String> = want.difference(&have).cloned().collect();
        if !revoke.is_empty() {
            let perms = revoke
                .iter()
                .map(|r| permission(r, cx))
                .collect::<Result<Vec<_>, _>>()?;
            c.call(
                "ec2:RevokeSecurityGroupIngress",
                c.ec2
                    .revoke_security_group_ingress()
                    .group_id(&id)
                    .set_ip_permissions(Some(perms))
                    .send(),
            )
            .await?;
            cx.sent("ec2:RevokeSecurityGroupIngress", &["ingress"]);
        }
        if !add.is_empty() {
            authorize(cx, &id, &add).await?;
            cx.sent("ec2:AuthorizeSecurityGroupIngress", &["ingress"]);
        }
    }
    if step.attributes.iter().any(|a| a == "tags") {
        use aws_sdk_ec2::types::Tag;
        let id = id.as_str();
        sync_tags(
            cx,
            |add| async move {
                let tags: Vec<Tag> = add
                    .iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect();
                c.call(
                    "ec2:CreateTags",
                    c.ec2
                        .create_tags()
                        .resources(id)
                        .set_tags(Some(tags))
                        .send(),
                )
                .await
                .map(|_| ())
            },
            |keys| async move {
                let tags: Vec<Tag> = keys.iter().map(|k| Tag::builder().key(k).build()).collect();
                c.call(
                    "ec2:DeleteTags",
                    c.ec2
                        .delete_tags()
                        .resources(id)
                        .set_tags(Some(tags))
                        .send(),
                )
                .await
                .map(|_| ())
            },
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn sg_delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
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
        .call(
            "ec2:DeleteSecurityGroup",
            c.ec2.delete_security_group().group_id(&id).send(),
        )
        .await;
    found(r).map(|_| ())
}

/// The id of this stack's security group of that name, if it exists.
async fn owned_group_id(cx: &StepContext<'_>, name: &str) -> Result<Option<String>, AwsError> {
    use aws_sdk_ec2::types::Filter;
    let c = cx.clients;
    let out = c
        .call(
            "ec2:DescribeSecurityGroups",
            c.ec2
                .describe_security_groups()
                .filters(Filter::builder().name("group-name").values(name).build())
                .filters(
                    Filter::builder()
                        .name(format!("tag:{}", crate::model::desired::OWNER_TAG))
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
