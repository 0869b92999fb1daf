//! ElastiCache's tagging calls, shared by its kinds.

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
