//! RDS writes: DB subnet and parameter groups, the primary and its replicas, RDS Proxy with
//! its target group, target and endpoints.

use super::*;
use crate::model::db_instance::gp3_provisioned;

pub(super) async fn rds_tags(cx: &StepContext<'_>, arn: &str) -> Result<(), AwsError> {
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

pub(super) fn rds_tag_list(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_rds::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build())
        .collect()
}

pub(super) async fn db_subnet_group(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
) -> Result<(), AwsError> {
    let c = cx.clients;
    match op {
        StepOp::Create => {
            let r = cx.want()?;
            let out = c
                .call(
                    "rds:CreateDBSubnetGroup",
                    c.rds
                        .create_db_subnet_group()
                        .db_subnet_group_name(&a.name)
                        .db_subnet_group_description(str_of(r, "description").unwrap_or_default())
                        .set_subnet_ids(Some(r.strings("subnet_ids")))
                        .set_tags(Some(rds_tag_list(&cx.create_tags(r))))
                        .send(),
                )
                .await;
            cx.created(a, out, |o| o.db_subnet_group()?.db_subnet_group_arn())
                .await
        }
        StepOp::Update => {
            let r = cx.want()?;
            c.call(
                "rds:ModifyDBSubnetGroup",
                c.rds
                    .modify_db_subnet_group()
                    .db_subnet_group_name(&a.name)
                    .db_subnet_group_description(str_of(r, "description").unwrap_or_default())
                    .set_subnet_ids(Some(r.strings("subnet_ids")))
                    .send(),
            )
            .await?;
            cx.sent("rds:ModifyDBSubnetGroup", &["description", "subnet_ids"]);
            rds_tags(cx, &cx.arn(a)?).await
        }
        StepOp::Delete => {
            let r = c
                .call(
                    "rds:DeleteDBSubnetGroup",
                    c.rds
                        .delete_db_subnet_group()
                        .db_subnet_group_name(&a.name)
                        .send(),
                )
                .await;
            found(r).map(|_| ())
        }
    }
}

pub(super) async fn db_parameter_group(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
) -> Result<(), AwsError> {
    use aws_sdk_rds::types::{ApplyMethod, Parameter};
    let c = cx.clients;
    if op == StepOp::Delete {
        let r = c
            .call(
                "rds:DeleteDBParameterGroup",
                c.rds
                    .delete_db_parameter_group()
                    .db_parameter_group_name(&a.name)
                    .send(),
            )
            .await;
        return found(r).map(|_| ());
    }
    let r = cx.want()?;
    if op == StepOp::Create {
        let out = c
            .call(
                "rds:CreateDBParameterGroup",
                c.rds
                    .create_db_parameter_group()
                    .db_parameter_group_name(&a.name)
                    .db_parameter_group_family(str_of(r, "family").unwrap_or_default())
                    .description(str_of(r, "description").unwrap_or_default())
                    .set_tags(Some(rds_tag_list(&cx.create_tags(r))))
                    .send(),
            )
            .await;
        cx.created(a, out, |o| o.db_parameter_group()?.db_parameter_group_arn())
            .await?;
    } else {
        rds_tags(cx, &cx.arn(a)?).await?;
    }
    let (set, reset) = param_diff(cx)?;
    let set: Vec<(String, String)> = set.into_iter().collect();
    for chunk in set.chunks(20) {
        // Static parameters take effect at the next reboot; AWS applies dynamic ones at once.
        let params: Vec<Parameter> = chunk
            .iter()
            .map(|(k, v)| {
                Parameter::builder()
                    .parameter_name(k)
                    .parameter_value(v)
                    .apply_method(ApplyMethod::PendingReboot)
                    .build()
            })
            .collect();
        c.call(
            "rds:ModifyDBParameterGroup",
            c.rds
                .modify_db_parameter_group()
                .db_parameter_group_name(&a.name)
                .set_parameters(Some(params))
                .send(),
        )
        .await?;
        cx.sent("rds:ModifyDBParameterGroup", &["parameters"]);
    }
    for chunk in reset.chunks(20) {
        let params: Vec<Parameter> = chunk
            .iter()
            .map(|k| {
                Parameter::builder()
                    .parameter_name(k)
                    .apply_method(ApplyMethod::PendingReboot)
                    .build()
            })
            .collect();
        c.call(
            "rds:ResetDBParameterGroup",
            c.rds
                .reset_db_parameter_group()
                .db_parameter_group_name(&a.name)
                .set_parameters(Some(params))
                .send(),
        )
        .await?;
        cx.sent("rds:ResetDBParameterGroup", &["parameters"]);
    }
    Ok(())
}

/// Waits until the instance is available; records its ids.
pub(super) async fn db_wait_available(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let seen = c
        .watch
        .until(
            c,
            Watched::DbInstance,
            &a.name,
            Until::Available,
            limits::DB_INSTANCE,
        )
        .await?
        .unwrap_or_default();
    if let Some(arn) = &seen.arn {
        cx.ids.set(a, "arn", arn);
    }
    if let Some(arn) = &seen.secret_arn {
        cx.ids.set(a, "master_user_secret_arn", arn);
    }
    Ok(())
}

/// Polls until the instance is available with nothing pending that was applied immediately.
pub(super) async fn db_wait_settled(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    crate::aws::wait::until_settled(cx.clients, a).await
}

pub(super) async fn db_create(cx: &StepContext<'_>) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let allocated = i32_of(r, "allocated_gib").unwrap_or(20);
    let provisioned = gp3_provisioned(u32::try_from(allocated).unwrap_or(0));
    let managed = str_of(r, "master_password") == Some("rds_managed");
    let password = if managed {
        None
    } else {
        Some(secret_value(cx, &master_secret_name(cx.stack, &a.name), "password").await?)
    };
    let req = c
        .rds
        .create_db_instance()
        .db_instance_identifier(&a.name)
        .engine(str_of(r, "engine").unwrap_or_default())
        .engine_version(str_of(r, "engine_version").unwrap_or_default())
        .db_instance_class(str_of(r, "instance_class").unwrap_or_default())
        .allocated_storage(allocated)
        .set_max_allocated_storage(i32_of(r, "max_allocated_gib").filter(|m| *m > 0))
        .storage_type("gp3")
        .set_iops(i32_of(r, "iops").filter(|_| provisioned))
        .set_storage_throughput(i32_of(r, "throughput_mibps").filter(|_| provisioned))
        .storage_encrypted(r.bool("storage_encrypted"))
        .set_kms_key_id(str_of(r, "kms_key_id").map(str::to_owned))
        .multi_az(r.bool("multi_az"))
        .set_port(i32_of(r, "port"))
        .set_db_name(str_of(r, "database_name").map(str::to_owned))
        .master_username(str_of(r, "master_username").unwrap_or_default())
        .set_manage_master_user_password(managed.then_some(true))
        .set_master_user_password(password.as_ref().map(|p| p.expose().to_owned()))
        .backup_retention_period(i32_of(r, "backup_retention_days").unwrap_or(7))
        .set_preferred_backup_window(str_of(r, "backup_window").map(str::to_owned))
        .set_preferred_maintenance_window(str_of(r, "maintenance_window").map(str::to_owned))
        .enable_performance_insights(r.bool("performance_insights"))
        .set_performance_insights_retention_period(i32_of(r, "performance_insights_retention_days"))
        .set_performance_insights_kms_key_id(
            str_of(r, "performance_insights_kms_key_id").map(str::to_owned),
        )
        .monitoring_interval(i32_of(r, "monitoring_interval_seconds").unwrap_or(0))
        .set_monitoring_role_arn(str_of(r, "monitoring_role_arn").map(str::to_owned))
        .deletion_protection(r.bool("deletion_protection"))
        .publicly_accessible(r.bool("publicly_accessible"))
        .auto_minor_version_upgrade(r.bool("auto_minor_version_upgrade"))
        .copy_tags_to_snapshot(r.bool("copy_tags_to_snapshot"))
        .set_db_parameter_group_name(str_of(r, "parameter_group").map(str::to_owned))
        .set_db_subnet_group_name(str_of(r, "subnet_group").map(str::to_owned))
        .set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?)
        .set_tags(Some(rds_tag_list(&cx.create_tags(r))));
    let out = c.call("rds:CreateDBInstance", req.send()).await;
    cx.created(a, out, |o| o.db_instance()?.db_instance_arn())
        .await?;
    db_wait_available(cx, a).await
}

pub(super) async fn replica_create(cx: &StepContext<'_>) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let req = c
        .rds
        .create_db_instance_read_replica()
        .db_instance_identifier(&a.name)
        .source_db_instance_identifier(str_of(r, "source").unwrap_or_default())
        .set_db_instance_class(str_of(r, "instance_class").map(str::to_owned))
        .set_availability_zone(str_of(r, "availability_zone").map(str::to_owned))
        .enable_performance_insights(r.bool("performance_insights"))
        .monitoring_interval(i32_of(r, "monitoring_interval_seconds").unwrap_or(0))
        .set_monitoring_role_arn(str_of(r, "monitoring_role_arn").map(str::to_owned))
        .deletion_protection(r.bool("deletion_protection"))
        .publicly_accessible(r.bool("publicly_accessible"))
        .auto_minor_version_upgrade(r.bool("auto_minor_version_upgrade"))
        .copy_tags_to_snapshot(r.bool("copy_tags_to_snapshot"))
        .set_db_parameter_group_name(str_of(r, "parameter_group").map(str::to_owned))
        .set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?)
        .set_tags(Some(rds_tag_list(&cx.create_tags(r))));
    let out = c.call("rds:CreateDBInstanceReadReplica", req.send()).await;
    cx.created(a, out, |o| o.db_instance()?.db_instance_arn())
        .await?;
    db_wait_available(cx, a).await
}

/// The master password's source in a ModifyDBInstance: RDS manages it, or (leaving RDS's
/// management) it is set to the generated secret's value, which the plan created before.
async fn master_password(
    cx: &StepContext<'_>,
    r: &Resource,
    req: aws_sdk_rds::operation::modify_db_instance::builders::ModifyDBInstanceFluentBuilder,
) -> Result<
    aws_sdk_rds::operation::modify_db_instance::builders::ModifyDBInstanceFluentBuilder,
    AwsError,
> {
    if str_of(r, "master_password") == Some("rds_managed") {
        return Ok(req.manage_master_user_password(true));
    }
    let name = master_secret_name(cx.stack, &r.address.name);
    let password = secret_value(cx, &name, "password").await?;
    Ok(req
        .manage_master_user_password(false)
        .master_user_password(password.expose()))
}

pub(super) async fn db_update(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let mut carry = Carry::new(step);
    let immediately = str_of(r, "apply_changes") != Some("in_maintenance_window");
    let mut req = c
        .rds
        .modify_db_instance()
        .db_instance_identifier(&a.name)
        .apply_immediately(immediately);
    if carry.take(&["engine_version"]) {
        req = req
            .engine_version(str_of(r, "engine_version").unwrap_or_default())
            .allow_major_version_upgrade(true);
    }
    if carry.take(&["instance_class"]) {
        req = req.db_instance_class(str_of(r, "instance_class").unwrap_or_default());
    }
    if carry.take(&["allocated_gib", "iops", "throughput_mibps"]) {
        let allocated = i32_of(r, "allocated_gib").unwrap_or(20);
        let provisioned = gp3_provisioned(u32::try_from(allocated).unwrap_or(0));
        req = req
            .allocated_storage(allocated)
            .storage_type("gp3")
            .set_iops(i32_of(r, "iops").filter(|_| provisioned))
            .set_storage_throughput(i32_of(r, "throughput_mibps").filter(|_| provisioned));
    }
    if carry.take(&["max_allocated_gib"]) {
        let max = i32_of(r, "max_allocated_gib").unwrap_or(0);
        // AWS turns autoscaling off when the ceiling equals the allocated storage.
        req = req.max_allocated_storage(if max > 0 {
            max
        } else {
            i32_of(r, "allocated_gib").unwrap_or(20)
        });
    }
    if carry.take(&["multi_az"]) {
        req = req.multi_az(r.bool("multi_az"));
    }
    if carry.take(&["port"]) {
        req = req.set_db_port_number(i32_of(r, "port"));
    }
    if carry.take(&["master_password"]) {
        req = master_password(cx, r, req).await?;
    }
    if carry.take(&["backup_retention_days"]) {
        req = req.backup_retention_period(i32_of(r, "backup_retention_days").unwrap_or(0));
    }
    if carry.take(&["backup_window"]) {
        req = req.set_preferred_backup_window(str_of(r, "backup_window").map(str::to_owned));
    }
    if carry.take(&["maintenance_window"]) {
        req = req
            .set_preferred_maintenance_window(str_of(r, "maintenance_window").map(str::to_owned));
    }
    if carry.take(&[
        "performance_insights",
        "performance_insights_retention_days",
        "performance_insights_kms_key_id",
    ]) {
        req = req
            .enable_performance_insights(r.bool("performance_insights"))
            .set_performance_insights_retention_period(i32_of(
                r,
                "performance_insights_retention_days",
            ))
            .set_performance_insights_kms_key_id(
                str_of(r, "performance_insights_kms_key_id").map(str::to_owned),
            );
    }
    if carry.take(&["monitoring_interval_seconds", "monitoring_role_arn"]) {
        req = req
            .monitoring_interval(i32_of(r, "monitoring_interval_seconds").unwrap_or(0))
            .set_monitoring_role_arn(str_of(r, "monitoring_role_arn").map(str::to_owned));
    }
    for (attr, f) in [
        ("deletion_protection", 0),
        ("publicly_accessible", 1),
        ("auto_minor_version_upgrade", 2),
        ("copy_tags_to_snapshot", 3),
    ] {
        if carry.take(&[attr]) {
            let v = r.bool(attr);
            req = match f {
                0 => req.deletion_protection(v),
                1 => req.publicly_accessible(v),
                2 => req.auto_minor_version_upgrade(v),
                _ => req.copy_tags_to_snapshot(v),
            };
        }
    }
    if carry.take(&["parameter_group"]) {
        req = req.set_db_parameter_group_name(str_of(r, "parameter_group").map(str::to_owned));
    }
    if carry.take(&["subnet_group"]) {
        req = req.set_db_subnet_group_name(str_of(r, "subnet_group").map(str::to_owned));
    }
    if carry.take(&["security_groups"]) {
        req = req.set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?);
    }
    if !carry.carried.is_empty() {
        let out = c.call("rds:ModifyDBInstance", req.send()).await?;
        cx.sent("rds:ModifyDBInstance", &carry.carried);
        // A proxy on the master secret is repointed after this step: to the secret RDS
        // manages now, or (leaving RDS's management) to the generated one.
        match out.db_instance().and_then(|i| i.master_user_secret()) {
            Some(m) => {
                if let Some(arn) = m.secret_arn() {
                    cx.ids.set(a, "master_user_secret_arn", arn);
                }
            }
            None if carry.carried.contains(&"master_password") => {
                cx.ids.forget(a, &["master_user_secret_arn"]);
            }
            None => {}
        }
    }
    if carry.changed("tags") {
        rds_tags(cx, &cx.arn(a)?).await?;
    }
    db_wait_settled(cx, a).await?;
    if step.reboot && immediately {
        c.call(
            "rds:RebootDBInstance",
            c.rds
                .reboot_db_instance()
                .db_instance_identifier(&a.name)
                .send(),
        )
        .await?;
        db_wait_available(cx, a).await?;
    }
    Ok(())
}

pub(super) async fn db_delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    // The plan switches deletion protection off by a step of its own before a delete. Only
    // an undo, which deletes what its own apply just created, switches it off here.
    let mut protected = false;
    let snapshot = cx.final_snapshot && a.kind == Kind::DbInstance;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let deleted = loop {
        if protected {
            c.call(
                "rds:ModifyDBInstance",
                c.rds
                    .modify_db_instance()
                    .db_instance_identifier(&a.name)
                    .deletion_protection(false)
                    .apply_immediately(true)
                    .send(),
            )
            .await?;
        }
        let r = c
            .call(
                "rds:DeleteDBInstance",
                c.rds
                    .delete_db_instance()
                    .db_instance_identifier(&a.name)
                    .skip_final_snapshot(!snapshot)
                    .set_final_db_snapshot_identifier(
                        snapshot.then(|| format!("{}-final-{stamp}", a.name)),
                    )
                    .delete_automated_backups(!snapshot)
                    .send(),
            )
            .await;
        match r {
            Err(e)
                if cx.undo.is_some() && !protected && e.message.contains("DeletionProtection") =>
            {
                protected = true
            }
            other => break found(other)?,
        }
    };
    if deleted.is_none() {
        return Ok(());
    }
    c.watch
        .until(
            c,
            Watched::DbInstance,
            &a.name,
            Until::Gone,
            limits::DB_INSTANCE,
        )
        .await?;
    Ok(())
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

pub(super) async fn proxy_target_group(
    cx: &StepContext<'_>,
    step: Option<&Step>,
) -> Result<(), AwsError> {
    use aws_sdk_rds::types::ConnectionPoolConfiguration;
    let r = cx.want()?;
    let c = cx.clients;
    let filters: Vec<String> = r
        .strings("session_pinning_filters")
        .iter()
        .map(|f| f.to_ascii_uppercase())
        .collect();
    let pool = ConnectionPoolConfiguration::builder()
        .set_max_connections_percent(i32_of(r, "max_connections_percent"))
        .set_max_idle_connections_percent(i32_of(r, "max_idle_connections_percent"))
        .set_connection_borrow_timeout(i32_of(r, "connection_borrow_timeout_seconds"))
        .set_session_pinning_filters(Some(filters))
        .init_query(str_of(r, "init_query").unwrap_or_default())
        .build();
    c.call(
        "rds:ModifyDBProxyTargetGroup",
        c.rds
            .modify_db_proxy_target_group()
            .db_proxy_name(&r.address.name)
            .target_group_name("default")
            .connection_pool_config(pool)
            .send(),
    )
    .await?;
    cx.sent_among(
        "rds:ModifyDBProxyTargetGroup",
        step,
        crate::model::proxy::PROXY_TARGET_GROUP
            .attrs
            .iter()
            .map(|a| a.name)
            .collect::<Vec<_>>()
            .as_slice(),
    );
    Ok(())
}

pub(super) async fn proxy_target(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
) -> Result<(), AwsError> {
    let c = cx.clients;
    let (proxy, db) = a.name.split_once('/').unwrap_or((&a.name, ""));
    match op {
        StepOp::Create | StepOp::Update => {
            c.call(
                "rds:RegisterDBProxyTargets",
                c.rds
                    .register_db_proxy_targets()
                    .db_proxy_name(proxy)
                    .target_group_name("default")
                    .db_instance_identifiers(db)
                    .send(),
            )
            .await?;
            Ok(())
        }
        StepOp::Delete => {
            let r = c
                .call(
                    "rds:DeregisterDBProxyTargets",
                    c.rds
                        .deregister_db_proxy_targets()
                        .db_proxy_name(proxy)
                        .target_group_name("default")
                        .db_instance_identifiers(db)
                        .send(),
                )
                .await;
            found(r).map(|_| ())
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
