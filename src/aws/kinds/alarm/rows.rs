//! The alarm's attribute rows on AWS's side: for each row of `model::alarm`, how it is read
//! from `DescribeAlarms` and which field of `PutMetricAlarm` it sets. PutMetricAlarm replaces
//! the whole definition, so a create and a modify set the same fields; tags change by
//! `TagResource` and `UntagResource` once the alarm exists.

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::operation::put_metric_alarm::builders::PutMetricAlarmFluentBuilder as Put;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, MetricAlarm, Statistic};
use serde_json::{Value, json};

use crate::aws::read::{Context, nz};
use crate::model::Resource;
use crate::model::alarm::attr::*;

/// What a row is read from: one alarm in AWS's answer, and the rest of the read.
pub(super) struct Seen<'a> {
    pub alarm: &'a MetricAlarm,
    pub cx: &'a Context<'a>,
}

/// What a request's fields are set from: the desired resource.
pub(super) struct Req<'a> {
    pub r: &'a Resource,
}

impl Req<'_> {
    fn s(&self, a: &str) -> String {
        self.r.str(a).unwrap_or_default().to_owned()
    }
    fn i(&self, a: &str) -> Option<i32> {
        self.r.int(a).and_then(|v| i32::try_from(v).ok())
    }
}

/// One attribute row on AWS's side; `put` is `None` for tags (set on create by the kind,
/// changed by the tagging calls).
#[derive(Clone, Copy)]
pub(super) struct Row {
    pub attr: &'static str,
    pub read: fn(&Seen<'_>) -> Value,
    pub put: Option<fn(Put, &Req<'_>) -> Put>,
}

const fn row(
    attr: &'static str,
    read: fn(&Seen<'_>) -> Value,
    put: fn(Put, &Req<'_>) -> Put,
) -> Row {
    Row {
        attr,
        read,
        put: Some(put),
    }
}

/// The model's comparisons and AWS's operators, both ways.
const COMPARISONS: [(&str, &str); 4] = [
    ("greater_than", "GreaterThanThreshold"),
    ("greater_than_or_equal", "GreaterThanOrEqualToThreshold"),
    ("less_than", "LessThanThreshold"),
    ("less_than_or_equal", "LessThanOrEqualToThreshold"),
];

/// The model's missing-data treatments and AWS's, both ways (`missing` is AWS's default).
const MISSING: [(&str, &str); 4] = [
    ("not_breaching", "notBreaching"),
    ("breaching", "breaching"),
    ("ignore", "ignore"),
    ("missing", "missing"),
];

fn ours(pairs: &[(&'static str, &str)], aws: &str, other: &'static str) -> &'static str {
    pairs
        .iter()
        .find(|(_, a)| *a == aws)
        .map_or(other, |(o, _)| o)
}

fn theirs<'p>(pairs: &[(&str, &'p str)], model: &str, default: &'p str) -> &'p str {
    pairs
        .iter()
        .find(|(o, _)| *o == model)
        .map_or(default, |(_, a)| a)
}

/// Every row of the alarm's table.
pub(super) static ROWS: &[Row] = &[
    row(
        DESCRIPTION,
        |s| json!(nz(s.alarm.alarm_description())),
        |b, q| b.set_alarm_description(q.r.str(DESCRIPTION).map(str::to_owned)),
    ),
    row(
        NAMESPACE,
        |s| json!(s.alarm.namespace().unwrap_or_default()),
        |b, q| b.namespace(q.s(NAMESPACE)),
    ),
    row(
        METRIC,
        |s| json!(s.alarm.metric_name().unwrap_or_default()),
        |b, q| b.metric_name(q.s(METRIC)),
    ),
    row(
        DIMENSIONS,
        |s| {
            let dims = s.alarm.dimensions().iter();
            let dims = dims.filter_map(|d| Some((d.name()?.to_owned(), d.value()?.to_owned())));
            json!(dims.collect::<BTreeMap<String, String>>())
        },
        |b, q| {
            let dims = q.r.get(DIMENSIONS).as_object().cloned().unwrap_or_default();
            let dims = dims.iter().map(|(k, v)| {
                Dimension::builder()
                    .name(k)
                    .value(v.as_str().unwrap_or_default())
                    .build()
            });
            b.set_dimensions(Some(dims.collect()))
        },
    ),
    // A percentile (`p99`) is an extended statistic.
    row(
        STATISTIC,
        |s| {
            let a = s.alarm;
            let extended = a.extended_statistic().map(str::to_owned);
            let standard = || a.statistic().map(|x| x.as_str().to_owned());
            json!(extended.or_else(standard).unwrap_or_default())
        },
        |b, q| {
            let stat = q.r.str(STATISTIC).unwrap_or("Average");
            if stat.starts_with('p') {
                b.extended_statistic(stat)
            } else {
                b.statistic(Statistic::from(stat))
            }
        },
    ),
    row(
        PERIOD_SECONDS,
        |s| json!(s.alarm.period().unwrap_or(0)),
        |b, q| b.set_period(q.i(PERIOD_SECONDS)),
    ),
    row(
        EVALUATION_PERIODS,
        |s| json!(s.alarm.evaluation_periods().unwrap_or(0)),
        |b, q| b.set_evaluation_periods(q.i(EVALUATION_PERIODS)),
    ),
    // AWS leaves it out when it equals the evaluation periods.
    row(
        DATAPOINTS_TO_ALARM,
        |s| {
            let a = s.alarm;
            json!(
                a.datapoints_to_alarm()
                    .or(a.evaluation_periods())
                    .unwrap_or(0)
            )
        },
        |b, q| b.set_datapoints_to_alarm(q.i(DATAPOINTS_TO_ALARM)),
    ),
    row(
        THRESHOLD,
        |s| json!(s.alarm.threshold().unwrap_or(0.0)),
        |b, q| b.set_threshold(q.r.get(THRESHOLD).as_f64()),
    ),
    row(
        COMPARISON,
        |s| {
            let op = s.alarm.comparison_operator().map(|c| c.as_str());
            json!(ours(&COMPARISONS, op.unwrap_or_default(), "other"))
        },
        |b, q| {
            let op = theirs(
                &COMPARISONS,
                q.r.str(COMPARISON).unwrap_or_default(),
                "GreaterThanThreshold",
            );
            b.comparison_operator(ComparisonOperator::from(op))
        },
    ),
    row(
        TREAT_MISSING_DATA,
        |s| {
            let m = s.alarm.treat_missing_data().unwrap_or("missing");
            json!(ours(&MISSING, m, "missing"))
        },
        |b, q| {
            let m = q.r.str(TREAT_MISSING_DATA).unwrap_or_default();
            b.treat_missing_data(theirs(&MISSING, m, "missing"))
        },
    ),
    row(
        ACTIONS,
        |s| sorted(s.alarm.alarm_actions()),
        |b, q| b.set_alarm_actions(Some(q.r.strings(ACTIONS))),
    ),
    row(
        OK_ACTIONS,
        |s| sorted(s.alarm.ok_actions()),
        |b, q| b.set_ok_actions(Some(q.r.strings(OK_ACTIONS))),
    ),
    Row {
        attr: TAGS,
        read: |s| s.cx.arn_tags(s.alarm.alarm_arn()),
        put: None,
    },
];

fn sorted(v: &[String]) -> Value {
    let mut v = v.to_vec();
    v.sort();
    json!(v)
}

/// The row of an attribute.
pub(super) fn row_of(attr: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.attr == attr)
}
