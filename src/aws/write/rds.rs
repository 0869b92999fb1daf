//! RDS writes: RDS Proxy with its target group, target and endpoints, and the tagging calls
//! the RDS kinds share.

use super::*;

pub(crate) async fn rds_tags(cx: &StepContext<'_>, arn: &str) -> Result<(), AwsError> {
    let c = cx.clients;
    sync_tags(
        cx,
        |add| async move {
            c.call(
                "rds:AddTagsToResource",
                c.rds
                    .add_tags_to_resource()
                    .resource_name(arn)
                    .set_tags(Some(rds_tag_list(&add)))
                    .send(),
            )
            .await
            .map(|_| ())
        },
        |keys| async move {
            c.call(
                "rds:RemoveTagsFromResource",
                c.rds
                    .remove_tags_from_resource()
                    .resource_name(arn)
                    .set_tag_keys(Some(keys))
                    .send(),
            )
            .await
            .map(|_| ())
        },
    )
    .await
}

pub(crate) fn rds_tag_list(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_rds::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build())
        .collect()
}

pub(super) fn proxy_secret_arn(cx: &StepContext<'_>, r: &Resource) -> Result<String, AwsError> {
    let auth = str_of(r, "auth_secret").unwrap_or_default();
    let Some((db, managed)) = parse_master_auth_secret(auth) else {
        return Ok(auth.to_owned());
    };
    let known = if managed {
        cx.ids.get(
            &Address::new(Kind::DbInstance, db),
            "master_user_secret_arn",
        )
    } else {
        cx.ids.get(
            &Address::new(Kind::Secret, master_secret_name(cx.stack, db)),
            "arn",
        )
    };
    known.ok_or_else(|| {
        AwsError::other(
            "proxy",
            format!("the master user secret of {db} is not known yet"),
        )
    })
}

pub(super) fn proxy_auth(
    cx: &StepContext<'_>,
    r: &Resource,
) -> Result<aws_sdk_rds::types::UserAuthConfig, AwsError> {
    use aws_sdk_rds::types::{AuthScheme, IamAuthMode, UserAuthConfig};
    Ok(UserAuthConfig::builder()
        .auth_scheme(AuthScheme::Secrets)
        .secret_arn(proxy_secret_arn(cx, r)?)
        .iam_auth(if str_of(r, "iam_auth") == Some("required") {
            IamAuthMode::Required
        } else {
            IamAuthMode::Disabled
        })
        .build())
}

/// Waits until a proxy or proxy endpoint is available, or gone when `gone`; records its ARN
/// for later steps.
async fn wait_status(
    cx: &StepContext<'_>,
    a: &Address,
    what: Watched,
    gone: bool,
) -> Result<(), AwsError> {
    let c = cx.clients;
    let until = if gone { Until::Gone } else { Until::Available };
    let seen = c
        .watch
        .until(c, what, &a.name, until, limits::PROXY)
        .await?;
    if let Some(arn) = seen.and_then(|s| s.arn) {
        cx.ids.set(a, "arn", arn);
    }
    Ok(())
}

pub(super) async fn proxy_wait(
    cx: &StepContext<'_>,
    a: &Address,
    gone: bool,
) -> Result<(), AwsError> {
    wait_status(cx, a, Watched::Proxy, gone).await
}

pub(super) async fn proxy(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
    step: &Step,
) -> Result<(), AwsError> {
    use aws_sdk_rds::types::EngineFamily;
    let c = cx.clients;
    match op {
        StepOp::Create => {
            let r = cx.want()?;
            let family = if str_of(r, "engine_family") == Some("mysql") {
                EngineFamily::Mysql
            } else {
                EngineFamily::Postgresql
            };
            let out = c
                .call(
                    "rds:CreateDBProxy",
                    c.rds
                        .create_db_proxy()
                        .db_proxy_name(&a.name)
                        .engine_family(family)
                        .auth(proxy_auth(cx, r)?)
                        .role_arn(str_of(r, "role_arn").unwrap_or_default())
                        .set_vpc_subnet_ids(Some(r.strings("subnet_ids")))
                        .set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?)
                        .require_tls(r.bool("require_tls"))
                        .set_idle_client_timeout(i32_of(r, "idle_client_timeout_seconds"))
                        .debug_logging(r.bool("debug_logging"))
                        .set_tags(Some(rds_tag_list(&cx.create_tags(r))))
                        .send(),
                )
                .await;
            cx.created(a, out, |o| o.db_proxy()?.db_proxy_arn()).await?;
            proxy_wait(cx, a, false).await
        }
        StepOp::Update => {
            let r = cx.want()?;
            let only_tags = step.attributes.iter().all(|x| x == "tags");
            if !only_tags {
                c.call(
                    "rds:ModifyDBProxy",
                    c.rds
                        .modify_db_proxy()
                        .db_proxy_name(&a.name)
                        .auth(proxy_auth(cx, r)?)
                        .role_arn(str_of(r, "role_arn").unwrap_or_default())
                        .set_security_groups(cx.sg_ids(r, "security_groups")?)
                        .require_tls(r.bool("require_tls"))
                        .set_idle_client_timeout(i32_of(r, "idle_client_timeout_seconds"))
                        .debug_logging(r.bool("debug_logging"))
                        .send(),
                )
                .await?;
                cx.sent_among(
                    "rds:ModifyDBProxy",
                    Some(step),
                    &[
                        "auth_secret",
                        "iam_auth",
                        "role_arn",
                        "security_groups",
                        "require_tls",
                        "idle_client_timeout_seconds",
                        "debug_logging",
                    ],
                );
            }
            if step.attributes.iter().any(|x| x == "tags") {
                rds_tags(cx, &cx.arn(a)?).await?;
            }
            proxy_wait(cx, a, false).await
        }
        StepOp::Delete => {
            let r = c
                .call(
                    "rds:DeleteDBProxy",
                    c.rds.delete_db_proxy().db_proxy_name(&a.name).send(),
                )
                .await;
            if found(r)?.is_none() {
                return Ok(());
            }
            proxy_wait(cx, a, true).await
        }
    }
}

pub(super) async fn proxy_endpoint_wait(
    cx: &StepContext<'_>,
    a: &Address,
    gone: bool,
) -> Result<(), AwsError> {
    wait_status(cx, a, Watched::ProxyEndpoint, gone).await
}

pub(super) async fn proxy_endpoint(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
) -> Result<(), AwsError> {
    use aws_sdk_rds::types::DbProxyEndpointTargetRole;
    let c = cx.clients;
    match op {
        StepOp::Create => {
            let r = cx.want()?;
            let role = if str_of(r, "target_role") == Some("read_only") {
                DbProxyEndpointTargetRole::ReadOnly
            } else {
                DbProxyEndpointTargetRole::ReadWrite
            };
            let out = c
                .call(
                    "rds:CreateDBProxyEndpoint",
                    c.rds
                        .create_db_proxy_endpoint()
                        .db_proxy_name(str_of(r, "proxy").unwrap_or_default())
                        .db_proxy_endpoint_name(&a.name)
                        .set_vpc_subnet_ids(Some(r.strings("subnet_ids")))
                        .set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?)
                        .target_role(role)
                        .set_tags(Some(rds_tag_list(&cx.create_tags(r))))
                        .send(),
                )
                .await;
            cx.created(a, out, |o| o.db_proxy_endpoint()?.db_proxy_endpoint_arn())
                .await?;
            proxy_endpoint_wait(cx, a, false).await
        }
        StepOp::Update => {
            let r = cx.want()?;
            c.call(
                "rds:ModifyDBProxyEndpoint",
                c.rds
                    .modify_db_proxy_endpoint()
                    .db_proxy_endpoint_name(&a.name)
                    .set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?)
                    .send(),
            )
            .await?;
            cx.sent("rds:ModifyDBProxyEndpoint", &["security_groups"]);
            rds_tags(cx, &cx.arn(a)?).await?;
            proxy_endpoint_wait(cx, a, false).await
        }
        StepOp::Delete => {
            let r = c
                .call(
                    "rds:DeleteDBProxyEndpoint",
                    c.rds
                        .delete_db_proxy_endpoint()
                        .db_proxy_endpoint_name(&a.name)
                        .send(),
                )
                .await;
            if found(r)?.is_none() {
                return Ok(());
            }
            proxy_endpoint_wait(cx, a, true).await
        }
    }
}
