//! CloudWatch: the spec's alarms by name, 100 to a call, observed in the model's words for
//! their comparison and missing-data treatment.

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::MetricAlarm;
use futures::future::try_join_all;
use serde_json::json;

use super::{Context, nz, observed, sorted, with_arn};
use crate::aws::client::Clients;
use crate::aws::error::AwsError;
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;

/// Which of these alarm names AWS has now.
pub async fn existing_alarms(c: &Clients, names: Vec<String>) -> Result<Vec<String>, AwsError> {
    Ok(describe_alarms(c, names)
        .await?
        .iter()
        .filter_map(|a| a.alarm_name().map(str::to_owned))
        .collect())
}

/// Alarms by name, 100 to a call, all calls at once.
pub(super) async fn describe_alarms(
    c: &Clients,
    names: Vec<String>,
) -> Result<Vec<MetricAlarm>, AwsError> {
    let calls = names.chunks(100).map(|chunk| async move {
        let resp = c
            .call(
                "cloudwatch:DescribeAlarms",
                c.cloudwatch
                    .describe_alarms()
                    .set_alarm_names(Some(chunk.to_vec()))
                    .max_records(100)
                    .send(),
            )
            .await?;
        Ok::<_, AwsError>(resp.metric_alarms().to_vec())
    });
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}

pub(super) fn observe_alarm(cx: &Context, a: &MetricAlarm) -> ObservedResource {
    let arn = a.alarm_arn();
    let dims: BTreeMap<String, String> = a
        .dimensions()
        .iter()
        .filter_map(|d| Some((d.name()?.to_owned(), d.value()?.to_owned())))
        .collect();
    let statistic = a
        .extended_statistic()
        .map(str::to_owned)
        .or_else(|| a.statistic().map(|s| s.as_str().to_owned()))
        .unwrap_or_default();
    let comparison = a
        .comparison_operator()
        .map(|c| comparison_from_aws(c.as_str()))
        .unwrap_or_default();
    let missing = a
        .treat_missing_data()
        .map(missing_from_aws)
        .unwrap_or("missing");
    with_arn(
        arn,
        observed(
            Resource::new(Kind::Alarm, a.alarm_name().unwrap_or_default())
                .set("description", json!(nz(a.alarm_description())))
                .set("namespace", a.namespace().unwrap_or_default())
                .set("metric", a.metric_name().unwrap_or_default())
                .set("dimensions", json!(dims))
                .set("statistic", statistic)
                .set("period_seconds", a.period().unwrap_or(0))
                .set("evaluation_periods", a.evaluation_periods().unwrap_or(0))
                .set(
                    "datapoints_to_alarm",
                    a.datapoints_to_alarm()
                        .or(a.evaluation_periods())
                        .unwrap_or(0),
                )
                .set("threshold", a.threshold().unwrap_or(0.0))
                .set("comparison", comparison)
                .set("treat_missing_data", missing)
                .set("actions", sorted(a.alarm_actions().to_vec()))
                .set("ok_actions", sorted(a.ok_actions().to_vec()))
                .set("tags", cx.arn_tags(arn)),
            cx.owned_arn(arn),
            a.state_value()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        ),
    )
}

fn comparison_from_aws(c: &str) -> &'static str {
    match c {
        "GreaterThanThreshold" => "greater_than",
        "GreaterThanOrEqualToThreshold" => "greater_than_or_equal",
        "LessThanThreshold" => "less_than",
        "LessThanOrEqualToThreshold" => "less_than_or_equal",
        _ => "other",
    }
}

fn missing_from_aws(m: &str) -> &'static str {
    match m {
        "notBreaching" => "not_breaching",
        "breaching" => "breaching",
        "ignore" => "ignore",
        _ => "missing",
    }
}
