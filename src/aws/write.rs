//! Executing one step of a plan against AWS: create, update or delete one resource, then wait
//! until AWS says it is usable (or gone). Steps make no choices: the plan decided what to change.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Mutex;

use aws_sdk_elasticache::client::Waiters as _;
use aws_sdk_rds::client::Waiters as _;
use serde_json::Value;

use super::client::Clients;
use super::error::{AwsError, SdkResultExt, found};
use super::wait::{limits, poll};
use crate::model::secret::master_secret_name;
use crate::model::{Address, Kind, Resource};
use crate::plan::{ObservedResource, Step, StepOp};

/// A secret value: its Debug and Display never show it.
pub struct Sensitive(String);

impl Sensitive {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive)")
    }
}

impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive)")
    }
}

/// AWS identifiers known so far: from the read, then from each create.
#[derive(Debug, Default)]
pub struct Ids(Mutex<BTreeMap<Address, BTreeMap<String, String>>>);

impl Ids {
    pub fn seed(&self, a: &Address, ids: &BTreeMap<String, String>) {
        if let Ok(mut m) = self.0.lock() {
            m.entry(a.clone()).or_default().extend(ids.clone());
        }
    }
    pub fn set(&self, a: &Address, key: &str, value: impl Into<String>) {
        if let Ok(mut m) = self.0.lock() {
            m.entry(a.clone())
                .or_default()
                .insert(key.to_owned(), value.into());
        }
    }
    pub fn get(&self, a: &Address, key: &str) -> Option<String> {
        self.0.lock().ok()?.get(a)?.get(key).cloned()
    }
}

/// What one step needs.
pub struct StepContext<'a> {
    pub clients: &'a Clients,
    pub stack: &'a str,
    pub desired: Option<&'a Resource>,
    pub observed: Option<&'a ObservedResource>,
    pub ids: &'a Ids,
    /// Take a final snapshot before deleting an instance or a replication group.
    pub final_snapshot: bool,
}

impl StepContext<'_> {
    fn want(&self) -> Result<&Resource, AwsError> {
        self.desired.ok_or_else(|| {
            AwsError::other(
                "plan",
                "a create or update step without its desired resource",
            )
        })
    }

    fn sg_ids(&self, r: &Resource, attr: &str) -> Result<Option<Vec<String>>, AwsError> {
        if r.get(attr).is_null() {
            return Ok(None);
        }
        r.strings(attr)
            .iter()
            .map(|n| self.sg_id(n))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn sg_id(&self, name: &str) -> Result<String, AwsError> {
        if name.starts_with("sg-") {
            return Ok(name.to_owned());
        }
        self.ids
            .get(&Address::new(Kind::SecurityGroup, name), "id")
            .ok_or_else(|| AwsError::other("ec2", format!("security group {name} has no id yet")))
    }

    fn arn(&self, a: &Address) -> Result<String, AwsError> {
        self.ids
            .get(a, "arn")
            .ok_or_else(|| AwsError::other("tags", format!("{a} has no ARN")))
    }
}

fn tags_of(r: &Resource) -> BTreeMap<String, String> {
    r.get("tags")
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn i32_of(r: &Resource, a: &str) -> Option<i32> {
    r.int(a).and_then(|v| i32::try_from(v).ok())
}

fn str_of<'r>(r: &'r Resource, a: &str) -> Option<&'r str> {
    r.str(a)
}

/// Runs one step.
pub async fn run(step: &Step, cx: &StepContext<'_>) -> Result<(), AwsError> {
    let a = &step.address;
    match (a.kind, step.op) {
        (Kind::SecurityGroup, StepOp::Create) => sg_create(cx).await,
        (Kind::SecurityGroup, StepOp::Update) => sg_update(cx, step).await,
        (Kind::SecurityGroup, StepOp::Delete) => sg_delete(cx, a).await,
        (Kind::DbSubnetGroup, op) => db_subnet_group(cx, a, op).await,
        (Kind::CacheSubnetGroup, op) => cache_subnet_group(cx, a, op).await,
        (Kind::DbParameterGroup, op) => db_parameter_group(cx, a, op).await,
        (Kind::CacheParameterGroup, op) => cache_parameter_group(cx, a, op).await,
        (Kind::Secret, op) => secret(cx, a, op).await,
        (Kind::DbInstance, StepOp::Create) => db_create(cx).await,
        (Kind::DbReplica, StepOp::Create) => replica_create(cx).await,
        (Kind::DbInstance | Kind::DbReplica, StepOp::Update) => db_update(cx, step).await,
        (Kind::DbInstance | Kind::DbReplica, StepOp::Delete) => db_delete(cx, a).await,
        (Kind::Proxy, op) => proxy(cx, a, op, step).await,
        (Kind::ProxyTargetGroup, StepOp::Delete) => Ok(()),
        (Kind::ProxyTargetGroup, _) => proxy_target_group(cx).await,
        (Kind::ProxyTarget, op) => proxy_target(cx, a, op).await,
        (Kind::ProxyEndpoint, op) => proxy_endpoint(cx, a, op).await,
        (Kind::ReplicationGroup, StepOp::Create) => rg_create(cx).await,
        (Kind::ReplicationGroup, StepOp::Update) => rg_update(cx, step).await,
        (Kind::ReplicationGroup, StepOp::Delete) => rg_delete(cx, a).await,
        (Kind::Alarm, StepOp::Delete) => alarm_delete(cx, a).await,
        (Kind::Alarm, _) => alarm_put(cx, step).await,
    }
}

// ---- tags -------------------------------------------------------------------------------

fn tag_diff(cx: &StepContext<'_>) -> Option<(BTreeMap<String, String>, Vec<String>)> {
    let want = tags_of(cx.desired?);
    let have = cx
        .observed
        .map(|o| tags_of(&o.resource))
        .unwrap_or_default();
    let add: BTreeMap<String, String> = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let remove: Vec<String> = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    Some((add, remove))
}

async fn rds_tags(cx: &StepContext<'_>, arn: &str) -> Result<(), AwsError> {
    let Some((add, remove)) = tag_diff(cx) else {
        return Ok(());
    };
    let c = cx.clients;
    if !add.is_empty() {
        c.recorder
            .track(
                "rds:AddTagsToResource",
                c.rds
                    .add_tags_to_resource()
                    .resource_name(arn)
                    .set_tags(Some(rds_tag_list(&add)))
                    .send(),
            )
            .await
            .aws("rds:AddTagsToResource")?;
    }
    if !remove.is_empty() {
        c.recorder
            .track(
                "rds:RemoveTagsFromResource",
                c.rds
                    .remove_tags_from_resource()
                    .resource_name(arn)
                    .set_tag_keys(Some(remove))
                    .send(),
            )
            .await
            .aws("rds:RemoveTagsFromResource")?;
    }
    Ok(())
}

fn rds_tag_list(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_rds::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build())
        .collect()
}

fn cache_tag_list(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_elasticache::types::Tag> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_elasticache::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect()
}

async fn cache_tags(cx: &StepContext<'_>, arn: &str) -> Result<(), AwsError> {
    let Some((add, remove)) = tag_diff(cx) else {
        return Ok(());
    };
    let c = cx.clients;
    if !add.is_empty() {
        c.recorder
            .track(
                "elasticache:AddTagsToResource",
                c.elasticache
                    .add_tags_to_resource()
                    .resource_name(arn)
                    .set_tags(Some(cache_tag_list(&add)))
                    .send(),
            )
            .await
            .aws("elasticache:AddTagsToResource")?;
    }
    if !remove.is_empty() {
        c.recorder
            .track(
                "elasticache:RemoveTagsFromResource",
                c.elasticache
                    .remove_tags_from_resource()
                    .resource_name(arn)
                    .set_tag_keys(Some(remove))
                    .send(),
            )
            .await
            .aws("elasticache:RemoveTagsFromResource")?;
    }
    Ok(())
}

// ---- security groups --------------------------------------------------------------------

fn permission(
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

async fn authorize(cx: &StepContext<'_>, id: &str, rules: &[String]) -> Result<(), AwsError> {
    if rules.is_empty() {
        return Ok(());
    }
    let perms = rules
        .iter()
        .map(|r| permission(r, cx))
        .collect::<Result<Vec<_>, _>>()?;
    let c = cx.clients;
    c.recorder
        .track(
            "ec2:AuthorizeSecurityGroupIngress",
            c.ec2
                .authorize_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(perms))
                .send(),
        )
        .await
        .aws("ec2:AuthorizeSecurityGroupIngress")?;
    Ok(())
}

async fn sg_create(cx: &StepContext<'_>) -> Result<(), AwsError> {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    let r = cx.want()?;
    let c = cx.clients;
    let tags: Vec<Tag> = tags_of(r)
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let out = c
        .recorder
        .track(
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
        .await
        .aws("ec2:CreateSecurityGroup")?;
    let id = out.group_id().unwrap_or_default().to_owned();
    cx.ids.set(&r.address, "id", &id);
    authorize(cx, &id, &r.strings("ingress")).await
}

async fn sg_update(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
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
            c.recorder
                .track(
                    "ec2:RevokeSecurityGroupIngress",
                    c.ec2
                        .revoke_security_group_ingress()
                        .group_id(&id)
                        .set_ip_permissions(Some(perms))
                        .send(),
                )
                .await
                .aws("ec2:RevokeSecurityGroupIngress")?;
        }
        authorize(cx, &id, &add).await?;
    }
    if step.attributes.iter().any(|a| a == "tags")
        && let Some((add, remove)) = tag_diff(cx)
    {
        use aws_sdk_ec2::types::Tag;
        if !add.is_empty() {
            let tags: Vec<Tag> = add
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            c.recorder
                .track(
                    "ec2:CreateTags",
                    c.ec2
                        .create_tags()
                        .resources(&id)
                        .set_tags(Some(tags))
                        .send(),
                )
                .await
                .aws("ec2:CreateTags")?;
        }
        let remove: Vec<Tag> = remove
            .iter()
            .map(|k| Tag::builder().key(k).build())
            .collect();
        if !remove.is_empty() {
            c.recorder
                .track(
                    "ec2:DeleteTags",
                    c.ec2
                        .delete_tags()
                        .resources(&id)
                        .set_tags(Some(remove))
                        .send(),
                )
                .await
                .aws("ec2:DeleteTags")?;
        }
    }
    Ok(())
}

async fn sg_delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let id = cx.sg_id(&a.name)?;
    let r = c
        .recorder
        .track(
            "ec2:DeleteSecurityGroup",
            c.ec2.delete_security_group().group_id(&id).send(),
        )
        .await
        .aws("ec2:DeleteSecurityGroup");
    found(r).map(|_| ())
}

// ---- subnet and parameter groups --------------------------------------------------------

async fn db_subnet_group(cx: &StepContext<'_>, a: &Address, op: StepOp) -> Result<(), AwsError> {
    let c = cx.clients;
    match op {
        StepOp::Create => {
            let r = cx.want()?;
            let out = c
                .recorder
                .track(
                    "rds:CreateDBSubnetGroup",
                    c.rds
                        .create_db_subnet_group()
                        .db_subnet_group_name(&a.name)
                        .db_subnet_group_description(str_of(r, "description").unwrap_or_default())
                        .set_subnet_ids(Some(r.strings("subnet_ids")))
                        .set_tags(Some(rds_tag_list(&tags_of(r))))
                        .send(),
                )
                .await
                .aws("rds:CreateDBSubnetGroup")?;
            if let Some(arn) = out.db_subnet_group().and_then(|g| g.db_subnet_group_arn()) {
                cx.ids.set(a, "arn", arn);
            }
            Ok(())
        }
        StepOp::Update => {
            let r = cx.want()?;
            c.recorder
                .track(
                    "rds:ModifyDBSubnetGroup",
                    c.rds
                        .modify_db_subnet_group()
                        .db_subnet_group_name(&a.name)
                        .db_subnet_group_description(str_of(r, "description").unwrap_or_default())
                        .set_subnet_ids(Some(r.strings("subnet_ids")))
                        .send(),
                )
                .await
                .aws("rds:ModifyDBSubnetGroup")?;
            rds_tags(cx, &cx.arn(a)?).await
        }
        StepOp::Delete => {
            let r = c
                .recorder
                .track(
                    "rds:DeleteDBSubnetGroup",
                    c.rds
                        .delete_db_subnet_group()
                        .db_subnet_group_name(&a.name)
                        .send(),
                )
                .await
                .aws("rds:DeleteDBSubnetGroup");
            found(r).map(|_| ())
        }
    }
}

async fn cache_subnet_group(cx: &StepContext<'_>, a: &Address, op: StepOp) -> Result<(), AwsError> {
    let c = cx.clients;
    match op {
        StepOp::Create => {
            let r = cx.want()?;
            let out = c
                .recorder
                .track(
                    "elasticache:CreateCacheSubnetGroup",
                    c.elasticache
                        .create_cache_subnet_group()
                        .cache_subnet_group_name(&a.name)
                        .cache_subnet_group_description(
                            str_of(r, "description").unwrap_or_default(),
                        )
                        .set_subnet_ids(Some(r.strings("subnet_ids")))
                        .set_tags(Some(cache_tag_list(&tags_of(r))))
                        .send(),
                )
                .await
                .aws("elasticache:CreateCacheSubnetGroup")?;
            if let Some(arn) = out.cache_subnet_group().and_then(|g| g.arn()) {
                cx.ids.set(a, "arn", arn);
            }
            Ok(())
        }
        StepOp::Update => {
            let r = cx.want()?;
            c.recorder
                .track(
                    "elasticache:ModifyCacheSubnetGroup",
                    c.elasticache
                        .modify_cache_subnet_group()
                        .cache_subnet_group_name(&a.name)
                        .cache_subnet_group_description(
                            str_of(r, "description").unwrap_or_default(),
                        )
                        .set_subnet_ids(Some(r.strings("subnet_ids")))
                        .send(),
                )
                .await
                .aws("elasticache:ModifyCacheSubnetGroup")?;
            cache_tags(cx, &cx.arn(a)?).await
        }
        StepOp::Delete => {
            let r = c
                .recorder
                .track(
                    "elasticache:DeleteCacheSubnetGroup",
                    c.elasticache
                        .delete_cache_subnet_group()
                        .cache_subnet_group_name(&a.name)
                        .send(),
                )
                .await
                .aws("elasticache:DeleteCacheSubnetGroup");
            found(r).map(|_| ())
        }
    }
}

fn params_of(r: &Resource) -> BTreeMap<String, String> {
    r.get("parameters")
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Parameters to set and to reset, from the desired and observed groups.
fn param_diff(cx: &StepContext<'_>) -> Result<(BTreeMap<String, String>, Vec<String>), AwsError> {
    let want = params_of(cx.want()?);
    let have = cx
        .observed
        .map(|o| params_of(&o.resource))
        .unwrap_or_default();
    let set = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let reset = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    Ok((set, reset))
}

async fn db_parameter_group(cx: &StepContext<'_>, a: &Address, op: StepOp) -> Result<(), AwsError> {
    use aws_sdk_rds::types::{ApplyMethod, Parameter};
    let c = cx.clients;
    if op == StepOp::Delete {
        let r = c
            .recorder
            .track(
                "rds:DeleteDBParameterGroup",
                c.rds
                    .delete_db_parameter_group()
                    .db_parameter_group_name(&a.name)
                    .send(),
            )
            .await
            .aws("rds:DeleteDBParameterGroup");
        return found(r).map(|_| ());
    }
    let r = cx.want()?;
    if op == StepOp::Create {
        let out = c
            .recorder
            .track(
                "rds:CreateDBParameterGroup",
                c.rds
                    .create_db_parameter_group()
                    .db_parameter_group_name(&a.name)
                    .db_parameter_group_family(str_of(r, "family").unwrap_or_default())
                    .description(str_of(r, "description").unwrap_or_default())
                    .set_tags(Some(rds_tag_list(&tags_of(r))))
                    .send(),
            )
            .await
            .aws("rds:CreateDBParameterGroup")?;
        if let Some(arn) = out
            .db_parameter_group()
            .and_then(|g| g.db_parameter_group_arn())
        {
            cx.ids.set(a, "arn", arn);
        }
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
        c.recorder
            .track(
                "rds:ModifyDBParameterGroup",
                c.rds
                    .modify_db_parameter_group()
                    .db_parameter_group_name(&a.name)
                    .set_parameters(Some(params))
                    .send(),
            )
            .await
            .aws("rds:ModifyDBParameterGroup")?;
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
        c.recorder
            .track(
                "rds:ResetDBParameterGroup",
                c.rds
                    .reset_db_parameter_group()
                    .db_parameter_group_name(&a.name)
                    .set_parameters(Some(params))
                    .send(),
            )
            .await
            .aws("rds:ResetDBParameterGroup")?;
    }
    Ok(())
}

async fn cache_parameter_group(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
) -> Result<(), AwsError> {
    use aws_sdk_elasticache::types::ParameterNameValue;
    let c = cx.clients;
    if op == StepOp::Delete {
        let r = c
            .recorder
            .track(
                "elasticache:DeleteCacheParameterGroup",
                c.elasticache
                    .delete_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .send(),
            )
            .await
            .aws("elasticache:DeleteCacheParameterGroup");
        return found(r).map(|_| ());
    }
    let r = cx.want()?;
    if op == StepOp::Create {
        let out = c
            .recorder
            .track(
                "elasticache:CreateCacheParameterGroup",
                c.elasticache
                    .create_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .cache_parameter_group_family(str_of(r, "family").unwrap_or_default())
                    .description(str_of(r, "description").unwrap_or_default())
                    .set_tags(Some(cache_tag_list(&tags_of(r))))
                    .send(),
            )
            .await
            .aws("elasticache:CreateCacheParameterGroup")?;
        if let Some(arn) = out.cache_parameter_group().and_then(|g| g.arn()) {
            cx.ids.set(a, "arn", arn);
        }
    } else {
        cache_tags(cx, &cx.arn(a)?).await?;
    }
    let (set, reset) = param_diff(cx)?;
    let set: Vec<(String, String)> = set.into_iter().collect();
    for chunk in set.chunks(20) {
        let params: Vec<ParameterNameValue> = chunk
            .iter()
            .map(|(k, v)| {
                ParameterNameValue::builder()
                    .parameter_name(k)
                    .parameter_value(v)
                    .build()
            })
            .collect();
        c.recorder
            .track(
                "elasticache:ModifyCacheParameterGroup",
                c.elasticache
                    .modify_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .set_parameter_name_values(Some(params))
                    .send(),
            )
            .await
            .aws("elasticache:ModifyCacheParameterGroup")?;
    }
    if !reset.is_empty() {
        let params: Vec<ParameterNameValue> = reset
            .iter()
            .map(|k| ParameterNameValue::builder().parameter_name(k).build())
            .collect();
        c.recorder
            .track(
                "elasticache:ResetCacheParameterGroup",
                c.elasticache
                    .reset_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .set_parameter_name_values(Some(params))
                    .send(),
            )
            .await
            .aws("elasticache:ResetCacheParameterGroup")?;
    }
    Ok(())
}

// ---- secrets ----------------------------------------------------------------------------

/// A new random value from Secrets Manager's own generator, without characters RDS and Redis
/// refuse in passwords and tokens.
async fn random_value(cx: &StepContext<'_>) -> Result<Sensitive, AwsError> {
    let c = cx.clients;
    let out = c
        .recorder
        .track(
            "secretsmanager:GetRandomPassword",
            c.secrets
                .get_random_password()
                .password_length(40)
                .exclude_punctuation(true)
                .send(),
        )
        .await
        .aws("secretsmanager:GetRandomPassword")?;
    Ok(Sensitive(
        out.random_password().unwrap_or_default().to_owned(),
    ))
}

/// Reads a generated secret's value (a password or a token), for the resource that uses it.
async fn secret_value(
    cx: &StepContext<'_>,
    name: &str,
    field: &str,
) -> Result<Sensitive, AwsError> {
    let c = cx.clients;
    let out = c
        .recorder
        .track(
            "secretsmanager:GetSecretValue",
            c.secrets.get_secret_value().secret_id(name).send(),
        )
        .await
        .aws("secretsmanager:GetSecretValue")?;
    let doc: Value = serde_json::from_str(out.secret_string().unwrap_or("{}"))
        .map_err(|_| AwsError::other("secretsmanager", format!("secret {name} is not JSON")))?;
    doc.get(field)
        .and_then(Value::as_str)
        .map(|v| Sensitive(v.to_owned()))
        .ok_or_else(|| AwsError::other("secretsmanager", format!("secret {name} has no `{field}`")))
}

async fn secret(cx: &StepContext<'_>, a: &Address, op: StepOp) -> Result<(), AwsError> {
    use aws_sdk_secretsmanager::types::Tag;
    let c = cx.clients;
    match op {
        StepOp::Create => {
            let r = cx.want()?;
            let value = random_value(cx).await?;
            let doc = if str_of(r, "purpose") == Some("redis_auth_token") {
                serde_json::json!({ "token": value.expose() })
            } else {
                let username = cx
                    .desired
                    .and_then(|_| cx.ids.get(a, "username"))
                    .unwrap_or_default();
                serde_json::json!({ "username": username, "password": value.expose() })
            };
            let tags: Vec<Tag> = tags_of(r)
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            let out = c
                .recorder
                .track(
                    "secretsmanager:CreateSecret",
                    c.secrets
                        .create_secret()
                        .name(&a.name)
                        .description(str_of(r, "description").unwrap_or_default())
                        .set_kms_key_id(str_of(r, "kms_key_id").map(str::to_owned))
                        .secret_string(doc.to_string())
                        .set_tags(Some(tags))
                        .send(),
                )
                .await
                .aws("secretsmanager:CreateSecret")?;
            if let Some(arn) = out.arn() {
                cx.ids.set(a, "arn", arn);
            }
            Ok(())
        }
        StepOp::Update => {
            let r = cx.want()?;
            c.recorder
                .track(
                    "secretsmanager:UpdateSecret",
                    c.secrets
                        .update_secret()
                        .secret_id(&a.name)
                        .description(str_of(r, "description").unwrap_or_default())
                        .set_kms_key_id(str_of(r, "kms_key_id").map(str::to_owned))
                        .send(),
                )
                .await
                .aws("secretsmanager:UpdateSecret")?;
            if let Some((add, remove)) = tag_diff(cx) {
                if !add.is_empty() {
                    let tags: Vec<Tag> = add
                        .iter()
                        .map(|(k, v)| Tag::builder().key(k).value(v).build())
                        .collect();
                    c.recorder
                        .track(
                            "secretsmanager:TagResource",
                            c.secrets
                                .tag_resource()
                                .secret_id(&a.name)
                                .set_tags(Some(tags))
                                .send(),
                        )
                        .await
                        .aws("secretsmanager:TagResource")?;
                }
                if !remove.is_empty() {
                    c.recorder
                        .track(
                            "secretsmanager:UntagResource",
                            c.secrets
                                .untag_resource()
                                .secret_id(&a.name)
                                .set_tag_keys(Some(remove))
                                .send(),
                        )
                        .await
                        .aws("secretsmanager:UntagResource")?;
                }
            }
            Ok(())
        }
        StepOp::Delete => {
            // The value is useless without the resource it protected, and a secret kept for
            // recovery would block a new stack of the same name.
            let r = c
                .recorder
                .track(
                    "secretsmanager:DeleteSecret",
                    c.secrets
                        .delete_secret()
                        .secret_id(&a.name)
                        .force_delete_without_recovery(true)
                        .send(),
                )
                .await
                .aws("secretsmanager:DeleteSecret");
            found(r).map(|_| ())
        }
    }
}

// ---- DB instances -----------------------------------------------------------------------

/// Waits with the SDK's waiter until the instance is available; records its ids.
async fn db_wait_available(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let out = c
        .recorder
        .track(
            "rds:wait(DBInstanceAvailable)",
            c.rds
                .wait_until_db_instance_available()
                .db_instance_identifier(&a.name)
                .wait(limits::DB_INSTANCE),
        )
        .await
        .map_err(|e| AwsError::other("rds:wait", format!("{a} did not become available: {e}")))?;
    if let Ok(o) = out.as_result()
        && let Some(inst) = o.db_instances().first()
    {
        if let Some(arn) = inst.db_instance_arn() {
            cx.ids.set(a, "arn", arn);
        }
        if let Some(arn) = inst.master_user_secret().and_then(|m| m.secret_arn()) {
            cx.ids.set(a, "master_user_secret_arn", arn);
        }
    }
    Ok(())
}

/// Polls until the instance is available with nothing pending that was applied immediately.
async fn db_wait_settled(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    poll(&a.to_string(), limits::DB_INSTANCE, || async {
        let out = c
            .recorder
            .track(
                "rds:DescribeDBInstances",
                c.rds
                    .describe_db_instances()
                    .db_instance_identifier(&a.name)
                    .send(),
            )
            .await
            .aws("rds:DescribeDBInstances")?;
        let Some(i) = out.db_instances().first() else {
            return Err(AwsError::other("rds", format!("{a} disappeared")));
        };
        Ok((i.db_instance_status() == Some("available")).then_some(()))
    })
    .await
}

async fn db_create(cx: &StepContext<'_>) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let allocated = i32_of(r, "allocated_gib").unwrap_or(20);
    let provisioned = allocated >= 400;
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
        .set_tags(Some(rds_tag_list(&tags_of(r))));
    c.recorder
        .track("rds:CreateDBInstance", req.send())
        .await
        .aws("rds:CreateDBInstance")?;
    db_wait_available(cx, a).await
}

async fn replica_create(cx: &StepContext<'_>) -> Result<(), AwsError> {
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
        .set_tags(Some(rds_tag_list(&tags_of(r))));
    c.recorder
        .track("rds:CreateDBInstanceReadReplica", req.send())
        .await
        .aws("rds:CreateDBInstanceReadReplica")?;
    db_wait_available(cx, a).await
}

async fn db_update(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let changed = |n: &str| step.attributes.iter().any(|x| x == n);
    let immediately = str_of(r, "apply_changes") != Some("in_maintenance_window");
    let mut req = c
        .rds
        .modify_db_instance()
        .db_instance_identifier(&a.name)
        .apply_immediately(immediately);
    let mut any = false;
    let mut set = |cond: bool| {
        any |= cond;
        cond
    };
    if set(changed("engine_version")) {
        req = req
            .engine_version(str_of(r, "engine_version").unwrap_or_default())
            .allow_major_version_upgrade(true);
    }
    if set(changed("instance_class")) {
        req = req.db_instance_class(str_of(r, "instance_class").unwrap_or_default());
    }
    if set(changed("allocated_gib") || changed("iops") || changed("throughput_mibps")) {
        let allocated = i32_of(r, "allocated_gib").unwrap_or(20);
        let provisioned = allocated >= 400;
        req = req
            .allocated_storage(allocated)
            .storage_type("gp3")
            .set_iops(i32_of(r, "iops").filter(|_| provisioned))
            .set_storage_throughput(i32_of(r, "throughput_mibps").filter(|_| provisioned));
    }
    if set(changed("max_allocated_gib")) {
        let max = i32_of(r, "max_allocated_gib").unwrap_or(0);
        // AWS turns autoscaling off when the ceiling equals the allocated storage.
        req = req.max_allocated_storage(if max > 0 {
            max
        } else {
            i32_of(r, "allocated_gib").unwrap_or(20)
        });
    }
    if set(changed("multi_az")) {
        req = req.multi_az(r.bool("multi_az"));
    }
    if set(changed("port")) {
        req = req.set_db_port_number(i32_of(r, "port"));
    }
    if set(changed("master_password") && str_of(r, "master_password") == Some("rds_managed")) {
        req = req.manage_master_user_password(true);
    }
    if set(changed("backup_retention_days")) {
        req = req.backup_retention_period(i32_of(r, "backup_retention_days").unwrap_or(0));
    }
    if set(changed("backup_window")) {
        req = req.set_preferred_backup_window(str_of(r, "backup_window").map(str::to_owned));
    }
    if set(changed("maintenance_window")) {
        req = req
            .set_preferred_maintenance_window(str_of(r, "maintenance_window").map(str::to_owned));
    }
    if set(changed("performance_insights")
        || changed("performance_insights_retention_days")
        || changed("performance_insights_kms_key_id"))
    {
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
    if set(changed("monitoring_interval_seconds") || changed("monitoring_role_arn")) {
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
        if set(changed(attr)) {
            let v = r.bool(attr);
            req = match f {
                0 => req.deletion_protection(v),
                1 => req.publicly_accessible(v),
                2 => req.auto_minor_version_upgrade(v),
                _ => req.copy_tags_to_snapshot(v),
            };
        }
    }
    if set(changed("parameter_group")) {
        req = req.set_db_parameter_group_name(str_of(r, "parameter_group").map(str::to_owned));
    }
    if set(changed("security_groups")) {
        req = req.set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?);
    }
    if any {
        c.recorder
            .track("rds:ModifyDBInstance", req.send())
            .await
            .aws("rds:ModifyDBInstance")?;
    }
    if changed("tags") {
        rds_tags(cx, &cx.arn(a)?).await?;
    }
    db_wait_settled(cx, a).await?;
    if step.reboot && immediately {
        c.recorder
            .track(
                "rds:RebootDBInstance",
                c.rds
                    .reboot_db_instance()
                    .db_instance_identifier(&a.name)
                    .send(),
            )
            .await
            .aws("rds:RebootDBInstance")?;
        db_wait_available(cx, a).await?;
    }
    Ok(())
}

async fn db_delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let protected = cx
        .observed
        .is_some_and(|o| o.resource.bool("deletion_protection"));
    if protected {
        c.recorder
            .track(
                "rds:ModifyDBInstance",
                c.rds
                    .modify_db_instance()
                    .db_instance_identifier(&a.name)
                    .deletion_protection(false)
                    .apply_immediately(true)
                    .send(),
            )
            .await
            .aws("rds:ModifyDBInstance")?;
    }
    let snapshot = cx.final_snapshot && a.kind == Kind::DbInstance;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let r = c
        .recorder
        .track(
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
        .await
        .aws("rds:DeleteDBInstance");
    if found(r)?.is_none() {
        return Ok(());
    }
    c.recorder
        .track(
            "rds:wait(DBInstanceDeleted)",
            c.rds
                .wait_until_db_instance_deleted()
                .db_instance_identifier(&a.name)
                .wait(limits::DB_INSTANCE),
        )
        .await
        .map_err(|e| AwsError::other("rds:wait", format!("{a} was not deleted: {e}")))?;
    Ok(())
}

// ---- RDS Proxy ----------------------------------------------------------------------------

fn proxy_secret_arn(cx: &StepContext<'_>, r: &Resource) -> Result<String, AwsError> {
    let auth = str_of(r, "auth_secret").unwrap_or_default();
    let Some(db) = auth.strip_prefix("master:") else {
        return Ok(auth.to_owned());
    };
    let inst = Address::new(Kind::DbInstance, db);
    cx.ids
        .get(&inst, "master_user_secret_arn")
        .or_else(|| {
            cx.ids.get(
                &Address::new(Kind::Secret, master_secret_name(cx.stack, db)),
                "arn",
            )
        })
        .ok_or_else(|| {
            AwsError::other(
                "proxy",
                format!("the master user secret of {db} is not known yet"),
            )
        })
}

fn proxy_auth(
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

async fn proxy_wait(cx: &StepContext<'_>, a: &Address, gone: bool) -> Result<(), AwsError> {
    let c = cx.clients;
    poll(&a.to_string(), limits::PROXY, || async {
        let r = c
            .recorder
            .track(
                "rds:DescribeDBProxies",
                c.rds.describe_db_proxies().db_proxy_name(&a.name).send(),
            )
            .await
            .aws("rds:DescribeDBProxies");
        let Some(out) = found(r)? else {
            return Ok(gone.then_some(()));
        };
        let p = out.db_proxies().first();
        if let Some(arn) = p.and_then(|p| p.db_proxy_arn()) {
            cx.ids.set(a, "arn", arn);
        }
        let status = p
            .and_then(|p| p.status())
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        Ok((!gone && status == "available").then_some(()))
    })
    .await
}

async fn proxy(cx: &StepContext<'_>, a: &Address, op: StepOp, step: &Step) -> Result<(), AwsError> {
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
            c.recorder
                .track(
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
                        .set_tags(Some(rds_tag_list(&tags_of(r))))
                        .send(),
                )
                .await
                .aws("rds:CreateDBProxy")?;
            proxy_wait(cx, a, false).await
        }
        StepOp::Update => {
            let r = cx.want()?;
            let only_tags = step.attributes.iter().all(|x| x == "tags");
            if !only_tags {
                c.recorder
                    .track(
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
                    .await
                    .aws("rds:ModifyDBProxy")?;
            }
            if step.attributes.iter().any(|x| x == "tags") {
                rds_tags(cx, &cx.arn(a)?).await?;
            }
            proxy_wait(cx, a, false).await
        }
        StepOp::Delete => {
            let r = c
                .recorder
                .track(
                    "rds:DeleteDBProxy",
                    c.rds.delete_db_proxy().db_proxy_name(&a.name).send(),
                )
                .await
                .aws("rds:DeleteDBProxy");
            if found(r)?.is_none() {
                return Ok(());
            }
            proxy_wait(cx, a, true).await
        }
    }
}

async fn proxy_target_group(cx: &StepContext<'_>) -> Result<(), AwsError> {
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
    c.recorder
        .track(
            "rds:ModifyDBProxyTargetGroup",
            c.rds
                .modify_db_proxy_target_group()
                .db_proxy_name(&r.address.name)
                .target_group_name("default")
                .connection_pool_config(pool)
                .send(),
        )
        .await
        .aws("rds:ModifyDBProxyTargetGroup")?;
    Ok(())
}

async fn proxy_target(cx: &StepContext<'_>, a: &Address, op: StepOp) -> Result<(), AwsError> {
    let c = cx.clients;
    let (proxy, db) = a.name.split_once('/').unwrap_or((&a.name, ""));
    match op {
        StepOp::Create | StepOp::Update => {
            c.recorder
                .track(
                    "rds:RegisterDBProxyTargets",
                    c.rds
                        .register_db_proxy_targets()
                        .db_proxy_name(proxy)
                        .target_group_name("default")
                        .db_instance_identifiers(db)
                        .send(),
                )
                .await
                .aws("rds:RegisterDBProxyTargets")?;
            Ok(())
        }
        StepOp::Delete => {
            let r = c
                .recorder
                .track(
                    "rds:DeregisterDBProxyTargets",
                    c.rds
                        .deregister_db_proxy_targets()
                        .db_proxy_name(proxy)
                        .target_group_name("default")
                        .db_instance_identifiers(db)
                        .send(),
                )
                .await
                .aws("rds:DeregisterDBProxyTargets");
            found(r).map(|_| ())
        }
    }
}

async fn proxy_endpoint_wait(
    cx: &StepContext<'_>,
    a: &Address,
    gone: bool,
) -> Result<(), AwsError> {
    let c = cx.clients;
    poll(&a.to_string(), limits::PROXY, || async {
        let r = c
            .recorder
            .track(
                "rds:DescribeDBProxyEndpoints",
                c.rds
                    .describe_db_proxy_endpoints()
                    .db_proxy_endpoint_name(&a.name)
                    .send(),
            )
            .await
            .aws("rds:DescribeDBProxyEndpoints");
        let Some(out) = found(r)? else {
            return Ok(gone.then_some(()));
        };
        let e = out.db_proxy_endpoints().first();
        if e.is_none() {
            return Ok(gone.then_some(()));
        }
        if let Some(arn) = e.and_then(|e| e.db_proxy_endpoint_arn()) {
            cx.ids.set(a, "arn", arn);
        }
        let status = e
            .and_then(|e| e.status())
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        Ok((!gone && status == "available").then_some(()))
    })
    .await
}

async fn proxy_endpoint(cx: &StepContext<'_>, a: &Address, op: StepOp) -> Result<(), AwsError> {
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
            c.recorder
                .track(
                    "rds:CreateDBProxyEndpoint",
                    c.rds
                        .create_db_proxy_endpoint()
                        .db_proxy_name(str_of(r, "proxy").unwrap_or_default())
                        .db_proxy_endpoint_name(&a.name)
                        .set_vpc_subnet_ids(Some(r.strings("subnet_ids")))
                        .set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?)
                        .target_role(role)
                        .set_tags(Some(rds_tag_list(&tags_of(r))))
                        .send(),
                )
                .await
                .aws("rds:CreateDBProxyEndpoint")?;
            proxy_endpoint_wait(cx, a, false).await
        }
        StepOp::Update => {
            let r = cx.want()?;
            c.recorder
                .track(
                    "rds:ModifyDBProxyEndpoint",
                    c.rds
                        .modify_db_proxy_endpoint()
                        .db_proxy_endpoint_name(&a.name)
                        .set_vpc_security_group_ids(cx.sg_ids(r, "security_groups")?)
                        .send(),
                )
                .await
                .aws("rds:ModifyDBProxyEndpoint")?;
            rds_tags(cx, &cx.arn(a)?).await?;
            proxy_endpoint_wait(cx, a, false).await
        }
        StepOp::Delete => {
            let r = c
                .recorder
                .track(
                    "rds:DeleteDBProxyEndpoint",
                    c.rds
                        .delete_db_proxy_endpoint()
                        .db_proxy_endpoint_name(&a.name)
                        .send(),
                )
                .await
                .aws("rds:DeleteDBProxyEndpoint");
            if found(r)?.is_none() {
                return Ok(());
            }
            proxy_endpoint_wait(cx, a, true).await
        }
    }
}

// ---- ElastiCache ----------------------------------------------------------------------------

async fn rg_wait_available(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let out = c
        .recorder
        .track(
            "elasticache:wait(ReplicationGroupAvailable)",
            c.elasticache
                .wait_until_replication_group_available()
                .replication_group_id(&a.name)
                .wait(limits::REPLICATION_GROUP),
        )
        .await
        .map_err(|e| {
            AwsError::other(
                "elasticache:wait",
                format!("{a} did not become available: {e}"),
            )
        })?;
    if let Ok(o) = out.as_result()
        && let Some(arn) = o.replication_groups().first().and_then(|g| g.arn())
    {
        cx.ids.set(a, "arn", arn);
    }
    Ok(())
}

async fn rg_create(cx: &StepContext<'_>) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let token = if str_of(r, "auth_token") == Some("generated") {
        let name = crate::model::secret::auth_token_secret_name(cx.stack, &a.name);
        Some(secret_value(cx, &name, "token").await?)
    } else {
        None
    };
    let req = c
        .elasticache
        .create_replication_group()
        .replication_group_id(&a.name)
        .replication_group_description(str_of(r, "description").unwrap_or_default())
        .engine("redis")
        .engine_version(str_of(r, "engine_version").unwrap_or_default())
        .cache_node_type(str_of(r, "node_type").unwrap_or_default())
        .set_port(i32_of(r, "port"))
        .set_num_cache_clusters(i32_of(r, "num_cache_clusters"))
        .set_num_node_groups(i32_of(r, "shards"))
        .set_replicas_per_node_group(i32_of(r, "replicas_per_shard"))
        .automatic_failover_enabled(r.bool("automatic_failover"))
        .multi_az_enabled(r.bool("multi_az"))
        .at_rest_encryption_enabled(r.bool("at_rest_encryption"))
        .set_kms_key_id(str_of(r, "kms_key_id").map(str::to_owned))
        .transit_encryption_enabled(r.bool("transit_encryption"))
        .set_auth_token(token.as_ref().map(|t| t.expose().to_owned()))
        .set_snapshot_retention_limit(i32_of(r, "snapshot_retention_days"))
        .set_snapshot_window(str_of(r, "snapshot_window").map(str::to_owned))
        .set_preferred_maintenance_window(str_of(r, "maintenance_window").map(str::to_owned))
        .set_cache_parameter_group_name(str_of(r, "parameter_group").map(str::to_owned))
        .set_cache_subnet_group_name(str_of(r, "subnet_group").map(str::to_owned))
        .set_security_group_ids(cx.sg_ids(r, "security_groups")?)
        .set_tags(Some(cache_tag_list(&tags_of(r))));
    c.recorder
        .track("elasticache:CreateReplicationGroup", req.send())
        .await
        .aws("elasticache:CreateReplicationGroup")?;
    rg_wait_available(cx, a).await
}

async fn rg_update(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let changed = |n: &str| step.attributes.iter().any(|x| x == n);
    if changed("num_cache_clusters") {
        let want = r.int("num_cache_clusters").unwrap_or(1);
        let have = cx
            .observed
            .and_then(|o| o.resource.int("num_cache_clusters"))
            .unwrap_or(want);
        let replicas = i32::try_from(want - 1).unwrap_or(0);
        if want > have {
            c.recorder
                .track(
                    "elasticache:IncreaseReplicaCount",
                    c.elasticache
                        .increase_replica_count()
                        .replication_group_id(&a.name)
                        .new_replica_count(replicas)
                        .apply_immediately(true)
                        .send(),
                )
                .await
                .aws("elasticache:IncreaseReplicaCount")?;
        } else {
            c.recorder
                .track(
                    "elasticache:DecreaseReplicaCount",
                    c.elasticache
                        .decrease_replica_count()
                        .replication_group_id(&a.name)
                        .new_replica_count(replicas)
                        .apply_immediately(true)
                        .send(),
                )
                .await
                .aws("elasticache:DecreaseReplicaCount")?;
        }
        rg_wait_available(cx, a).await?;
    }
    let mut req = c
        .elasticache
        .modify_replication_group()
        .replication_group_id(&a.name)
        .apply_immediately(true);
    let mut any = false;
    if changed("description") {
        any = true;
        req = req.replication_group_description(str_of(r, "description").unwrap_or_default());
    }
    if changed("engine_version") {
        any = true;
        req = req.engine_version(str_of(r, "engine_version").unwrap_or_default());
    }
    if changed("node_type") {
        any = true;
        req = req.cache_node_type(str_of(r, "node_type").unwrap_or_default());
    }
    if changed("automatic_failover") {
        any = true;
        req = req.automatic_failover_enabled(r.bool("automatic_failover"));
    }
    if changed("multi_az") {
        any = true;
        req = req.multi_az_enabled(r.bool("multi_az"));
    }
    if changed("snapshot_retention_days") {
        any = true;
        req = req.set_snapshot_retention_limit(i32_of(r, "snapshot_retention_days"));
    }
    if changed("snapshot_window") {
        any = true;
        req = req.set_snapshot_window(str_of(r, "snapshot_window").map(str::to_owned));
    }
    if changed("maintenance_window") {
        any = true;
        req = req
            .set_preferred_maintenance_window(str_of(r, "maintenance_window").map(str::to_owned));
    }
    if changed("parameter_group") {
        any = true;
        req = req.set_cache_parameter_group_name(str_of(r, "parameter_group").map(str::to_owned));
    }
    if changed("security_groups") {
        any = true;
        req = req.set_security_group_ids(cx.sg_ids(r, "security_groups")?);
    }
    if changed("auth_token") && str_of(r, "auth_token") == Some("generated") {
        use aws_sdk_elasticache::types::AuthTokenUpdateStrategyType;
        let name = crate::model::secret::auth_token_secret_name(cx.stack, &a.name);
        let token = secret_value(cx, &name, "token").await?;
        any = true;
        req = req
            .auth_token(token.expose())
            .auth_token_update_strategy(AuthTokenUpdateStrategyType::Rotate);
    }
    if any {
        c.recorder
            .track("elasticache:ModifyReplicationGroup", req.send())
            .await
            .aws("elasticache:ModifyReplicationGroup")?;
        rg_wait_available(cx, a).await?;
    }
    if changed("tags") {
        cache_tags(cx, &cx.arn(a)?).await?;
    }
    Ok(())
}

async fn rg_delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let r = c
        .recorder
        .track(
            "elasticache:DeleteReplicationGroup",
            c.elasticache
                .delete_replication_group()
                .replication_group_id(&a.name)
                .set_final_snapshot_identifier(
                    cx.final_snapshot
                        .then(|| format!("{}-final-{stamp}", a.name)),
                )
                .send(),
        )
        .await
        .aws("elasticache:DeleteReplicationGroup");
    if found(r)?.is_none() {
        return Ok(());
    }
    c.recorder
        .track(
            "elasticache:wait(ReplicationGroupDeleted)",
            c.elasticache
                .wait_until_replication_group_deleted()
                .replication_group_id(&a.name)
                .wait(limits::REPLICATION_GROUP),
        )
        .await
        .map_err(|e| AwsError::other("elasticache:wait", format!("{a} was not deleted: {e}")))?;
    Ok(())
}

// ---- CloudWatch -----------------------------------------------------------------------------

fn comparison_to_aws(c: &str) -> aws_sdk_cloudwatch::types::ComparisonOperator {
    use aws_sdk_cloudwatch::types::ComparisonOperator as C;
    match c {
        "greater_than_or_equal" => C::GreaterThanOrEqualToThreshold,
        "less_than" => C::LessThanThreshold,
        "less_than_or_equal" => C::LessThanOrEqualToThreshold,
        _ => C::GreaterThanThreshold,
    }
}

fn missing_to_aws(m: &str) -> &'static str {
    match m {
        "not_breaching" => "notBreaching",
        "breaching" => "breaching",
        "ignore" => "ignore",
        _ => "missing",
    }
}

async fn alarm_put(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
    use aws_sdk_cloudwatch::types::{Dimension, Statistic, Tag};
    let r = cx.want()?;
    let a = &r.address;
    let c = cx.clients;
    let dims: Vec<Dimension> = r
        .get("dimensions")
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    Dimension::builder()
                        .name(k)
                        .value(v.as_str().unwrap_or_default())
                        .build()
                })
                .collect()
        })
        .unwrap_or_default();
    let stat = str_of(r, "statistic").unwrap_or("Average");
    let (statistic, extended) = if stat.starts_with('p') {
        (None, Some(stat.to_owned()))
    } else {
        (Some(Statistic::from(stat)), None)
    };
    let tags: Vec<Tag> = tags_of(r)
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    c.recorder
        .track(
            "cloudwatch:PutMetricAlarm",
            c.cloudwatch
                .put_metric_alarm()
                .alarm_name(&a.name)
                .set_alarm_description(str_of(r, "description").map(str::to_owned))
                .namespace(str_of(r, "namespace").unwrap_or_default())
                .metric_name(str_of(r, "metric").unwrap_or_default())
                .set_dimensions(Some(dims))
                .set_statistic(statistic)
                .set_extended_statistic(extended)
                .set_period(i32_of(r, "period_seconds"))
                .set_evaluation_periods(i32_of(r, "evaluation_periods"))
                .set_datapoints_to_alarm(i32_of(r, "datapoints_to_alarm"))
                .set_threshold(r.get("threshold").as_f64())
                .comparison_operator(comparison_to_aws(
                    str_of(r, "comparison").unwrap_or_default(),
                ))
                .treat_missing_data(missing_to_aws(
                    str_of(r, "treat_missing_data").unwrap_or_default(),
                ))
                .set_alarm_actions(Some(r.strings("actions")))
                .set_ok_actions(Some(r.strings("ok_actions")))
                .set_tags((step.op == StepOp::Create).then_some(tags))
                .send(),
        )
        .await
        .aws("cloudwatch:PutMetricAlarm")?;
    if step.op == StepOp::Update
        && step.attributes.iter().any(|x| x == "tags")
        && let Some((add, remove)) = tag_diff(cx)
    {
        let arn = cx.arn(a)?;
        if !add.is_empty() {
            let tags: Vec<Tag> = add
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            c.recorder
                .track(
                    "cloudwatch:TagResource",
                    c.cloudwatch
                        .tag_resource()
                        .resource_arn(&arn)
                        .set_tags(Some(tags))
                        .send(),
                )
                .await
                .aws("cloudwatch:TagResource")?;
        }
        if !remove.is_empty() {
            c.recorder
                .track(
                    "cloudwatch:UntagResource",
                    c.cloudwatch
                        .untag_resource()
                        .resource_arn(&arn)
                        .set_tag_keys(Some(remove))
                        .send(),
                )
                .await
                .aws("cloudwatch:UntagResource")?;
        }
    }
    Ok(())
}

async fn alarm_delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    c.recorder
        .track(
            "cloudwatch:DeleteAlarms",
            c.cloudwatch.delete_alarms().alarm_names(&a.name).send(),
        )
        .await
        .aws("cloudwatch:DeleteAlarms")?;
    Ok(())
}
