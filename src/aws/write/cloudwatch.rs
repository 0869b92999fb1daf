//! CloudWatch writes: alarms.

use super::*;

pub(super) fn comparison_to_aws(c: &str) -> aws_sdk_cloudwatch::types::ComparisonOperator {
    use aws_sdk_cloudwatch::types::ComparisonOperator as C;
    match c {
        "greater_than_or_equal" => C::GreaterThanOrEqualToThreshold,
        "less_than" => C::LessThanThreshold,
        "less_than_or_equal" => C::LessThanOrEqualToThreshold,
        _ => C::GreaterThanThreshold,
    }
}

pub(super) fn missing_to_aws(m: &str) -> &'static str {
    match m {
        "not_breaching" => "notBreaching",
        "breaching" => "breaching",
        "ignore" => "ignore",
        _ => "missing",
    }
}

pub(super) async fn alarm_put(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
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
    let tags: Vec<Tag> = cx
        .create_tags(r)
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    c.call(
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
    .await?;
    let whole: Vec<&'static str> = crate::model::alarm::ALARM
        .attrs
        .iter()
        .map(|a| a.name)
        .filter(|n| *n != "tags")
        .collect();
    cx.sent_among("cloudwatch:PutMetricAlarm", Some(step), &whole);
    if step.op == StepOp::Update && step.attributes.iter().any(|x| x == "tags") {
        let arn = cx.arn(a)?;
        let arn = arn.as_str();
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
        .await?;
    }
    Ok(())
}

pub(super) async fn alarm_delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
    let c = cx.clients;
    let r = c
        .call(
            "cloudwatch:DeleteAlarms",
            c.cloudwatch.delete_alarms().alarm_names(&a.name).send(),
        )
        .await;
    found(r).map(|_| ())
}
