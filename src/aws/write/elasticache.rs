//! ElastiCache writes: cache subnet and parameter groups, the Redis replication group.

use super::*;

pub(crate) fn cache_tag_list(
    tags: &BTreeMap<String, String>,
) -> Vec<aws_sdk_elasticache::types::Tag> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_elasticache::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect()
}

pub(crate) async fn cache_tags(cx: &StepContext<'_>, arn: &str) -> Result<(), AwsError> {
    let c = cx.clients;
    sync_tags(
        cx,
        |add| async move {
            c.call(
                "elasticache:AddTagsToResource",
                c.elasticache
                    .add_tags_to_resource()
                    .resource_name(arn)
                    .set_tags(Some(cache_tag_list(&add)))
                    .send(),
            )
            .await
            .map(|_| ())
        },
        |keys| async move {
            c.call(
                "elasticache:RemoveTagsFromResource",
                c.elasticache
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

pub(super) async fn cache_parameter_group(
    cx: &StepContext<'_>,
    a: &Address,
    op: StepOp,
) -> Result<(), AwsError> {
    use aws_sdk_elasticache::types::ParameterNameValue;
    let c = cx.clients;
    if op == StepOp::Delete {
        let r = c
            .call(
                "elasticache:DeleteCacheParameterGroup",
                c.elasticache
                    .delete_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .send(),
            )
            .await;
        return found(r).map(|_| ());
    }
    let r = cx.want()?;
    if op == StepOp::Create {
        let out = c
            .call(
                "elasticache:CreateCacheParameterGroup",
                c.elasticache
                    .create_cache_parameter_group()
                    .cache_parameter_group_name(&a.name)
                    .cache_parameter_group_family(str_of(r, "family").unwrap_or_default())
                    .description(str_of(r, "description").unwrap_or_default())
                    .set_tags(Some(cache_tag_list(&cx.create_tags(r))))
                    .send(),
            )
            .await;
        cx.created(a, out, |o| o.cache_parameter_group()?.arn())
            .await?;
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
        c.call(
            "elasticache:ModifyCacheParameterGroup",
            c.elasticache
                .modify_cache_parameter_group()
                .cache_parameter_group_name(&a.name)
                .set_parameter_name_values(Some(params))
                .send(),
        )
        .await?;
        cx.sent("elasticache:ModifyCacheParameterGroup", &["parameters"]);
    }
    if !reset.is_empty() {
        let params: Vec<ParameterNameValue> = reset
            .iter()
            .map(|k| ParameterNameValue::builder().parameter_name(k).build())
            .collect();
        c.call(
            "elasticache:ResetCacheParameterGroup",
            c.elasticache
                .reset_cache_parameter_group()
                .cache_parameter_group_name(&a.name)
                .set_parameter_name_values(Some(params))
                .send(),
        )
        .await?;
        cx.sent("elasticache:ResetCacheParameterGroup", &["parameters"]);
    }
    Ok(())
}
