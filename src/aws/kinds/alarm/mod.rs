//! The AWS side of CloudWatch alarms: described by name in batches and observed row by row,
//! put whole (PutMetricAlarm replaces the definition) on create and on modify, retagged,
//! deleted.

mod rows;

use aws_sdk_cloudwatch::types::{MetricAlarm, Tag};
use futures::future::try_join_all;

use super::AwsKind;
use super::calls::Planned;
use crate::aws::client::Clients;
use crate::aws::error::{AwsError, found};
use crate::aws::read::{Context, observed};
use crate::aws::write::{StepContext, cloudwatch_tags};
use crate::model::alarm::attr::TAGS;
use crate::model::{Address, Kind, Resource, spec_of};
use crate::plan::{Call, ObservedResource, Step, StepOp};
use rows::{Req, Seen, row_of};

/// The stack's CloudWatch alarms.
pub(crate) struct Alarms;

impl AwsKind for Alarms {
    type Answer = MetricAlarm;

    /// 100 names a call, all calls at once.
    async fn describe(c: &Clients, names: Vec<String>) -> Result<Vec<MetricAlarm>, AwsError> {
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

    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError> {
        let r = cx.want()?;
        let tags: Vec<Tag> = cx
            .create_tags(r)
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        let b = put(cx, r).set_tags(Some(tags));
        cx.clients
            .call("cloudwatch:PutMetricAlarm", b.send())
            .await?;
        Ok(())
    }

    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError> {
        let r = cx.want()?;
        let changed: Vec<&str> = step
            .attributes
            .iter()
            .filter_map(|n| row_of(n))
            .filter(|row| row.put.is_some())
            .map(|row| row.attr)
            .collect();
        if !changed.is_empty() {
            let b = put(cx, r);
            cx.clients
                .call("cloudwatch:PutMetricAlarm", b.send())
                .await?;
            cx.sent("cloudwatch:PutMetricAlarm", &changed);
        }
        if step.op == StepOp::Update && step.attributes.iter().any(|x| x == TAGS) {
            cloudwatch_tags(cx, &cx.arn(&r.address)?).await?;
        }
        Ok(())
    }

    fn calls(p: &Planned<'_>) -> Vec<Call> {
        if p.step.op != StepOp::Update {
            return p.one("cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms");
        }
        let put: Vec<String> = p
            .step
            .attributes
            .iter()
            .filter_map(|n| row_of(n))
            .filter(|row| row.put.is_some())
            .map(|row| row.attr.to_owned())
            .collect();
        [p.carrying("cloudwatch:PutMetricAlarm", put), p.tagging()]
            .into_iter()
            .flatten()
            .collect()
    }

    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError> {
        let c = cx.clients;
        let r = c
            .call(
                "cloudwatch:DeleteAlarms",
                c.cloudwatch.delete_alarms().alarm_names(&a.name).send(),
            )
            .await;
        found(r).map(|_| ())
    }
}

/// PutMetricAlarm with every row of the alarm: it replaces the whole definition.
fn put(
    cx: &StepContext<'_>,
    r: &Resource,
) -> aws_sdk_cloudwatch::operation::put_metric_alarm::builders::PutMetricAlarmFluentBuilder {
    let q = Req { r };
    let mut b = cx
        .clients
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(&r.address.name);
    for set in spec_of(Kind::Alarm)
        .attrs
        .iter()
        .filter_map(|s| row_of(s.name)?.put)
    {
        b = set(b, &q);
    }
    b
}

/// Which of these alarm names AWS has now.
pub async fn existing(c: &Clients, names: Vec<String>) -> Result<Vec<String>, AwsError> {
    Ok(Alarms::describe(c, names)
        .await?
        .iter()
        .filter_map(|a| a.alarm_name().map(str::to_owned))
        .collect())
}

/// An alarm with every row of its table.
pub(in crate::aws) fn observe(cx: &Context, alarm: &MetricAlarm) -> ObservedResource {
    let arn = alarm.alarm_arn();
    let seen = Seen { alarm, cx };
    let mut resource = Resource::new(Kind::Alarm, alarm.alarm_name().unwrap_or_default());
    for spec in spec_of(Kind::Alarm).attrs {
        if let Some(row) = row_of(spec.name) {
            resource = resource.set(spec.name, (row.read)(&seen));
        }
    }
    let state = alarm.state_value().map(|s| s.as_str().to_owned());
    let mut o = observed(resource, cx.owned_arn(arn), state.unwrap_or_default());
    if let Some(a) = arn {
        o.ids.insert("arn".into(), a.to_owned());
    }
    o
}

#[cfg(test)]
mod tests {
    use super::rows::{ROWS, row_of};
    use crate::model::{Kind, spec_of};

    #[test]
    fn every_model_row_has_an_aws_row_put_whole_and_every_aws_row_a_model_row() {
        let spec = spec_of(Kind::Alarm);
        for a in spec.attrs {
            let row = row_of(a.name).unwrap_or_else(|| panic!("{} has no AWS row", a.name));
            assert_eq!(
                row.put.is_none(),
                a.name == crate::model::alarm::attr::TAGS,
                "{}: put",
                a.name
            );
        }
        for row in ROWS {
            assert!(
                spec.attr(row.attr).is_some(),
                "AWS row {} has no model row",
                row.attr
            );
        }
    }
}
