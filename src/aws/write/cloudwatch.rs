//! CloudWatch writes: an alarm's tags (the alarm itself is `aws::kinds::alarm`).

use super::*;

/// Brings an alarm's tags to the desired set with TagResource and UntagResource.
pub(crate) async fn cloudwatch_tags(cx: &StepContext<'_>, arn: &str) -> Result<(), AwsError> {
    use aws_sdk_cloudwatch::types::Tag;
    let c = cx.clients;
    sync_tags(
        cx,
        |add| async move {
            let tags: Vec<Tag> = add
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            c.call(
                "cloudwatch:TagResource",
                c.cloudwatch
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(tags))
                    .send(),
            )
            .await
            .map(|_| ())
        },
        |keys| async move {
            c.call(
                "cloudwatch:UntagResource",
                c.cloudwatch
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(keys))
                    .send(),
            )
            .await
            .map(|_| ())
        },
    )
    .await
}
