//! CloudWatch alarms. PutMetricAlarm replaces an alarm's whole definition, so every change is
//! online.

use serde_json::{Value, json};

use super::aws_docs::{ALARM_PUT, CW_PUT_METRIC_ALARM};
use super::desired::Inputs;
use super::types::{Address, AttrSpec, Compare, Kind, KindSpec, Resource, Source};
use crate::spec::raw::{Alarm, Comparison, MissingData, Stack};

pub static ALARM: KindSpec = KindSpec {
    kind: Kind::Alarm,
    name: "alarm",
    label: "CloudWatch alarm",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("description").sources(&[ALARM_PUT]),
        AttrSpec::online("namespace").sources(&[ALARM_PUT]),
        AttrSpec::online("metric").sources(&[ALARM_PUT]),
        AttrSpec::online("dimensions").sources(&[ALARM_PUT]),
        AttrSpec::online("statistic").sources(&[ALARM_PUT]),
        AttrSpec::online("period_seconds").sources(&[ALARM_PUT]),
        AttrSpec::online("evaluation_periods").sources(&[ALARM_PUT]),
        AttrSpec::online("datapoints_to_alarm").sources(&[ALARM_PUT]),
        AttrSpec::online("threshold").compare(Compare::Number).sources(&[ALARM_PUT]),
        AttrSpec::online("comparison").sources(&[ALARM_PUT]),
        AttrSpec::online("treat_missing_data").sources(&[ALARM_PUT]),
        AttrSpec::online("actions").compare(Compare::Unordered).sources(&[ALARM_PUT]),
        AttrSpec::online("ok_actions").compare(Compare::Unordered).sources(&[ALARM_PUT]),
        AttrSpec::online("tags").sources(&[Source::doc(
            CW_PUT_METRIC_ALARM,
            "If you are using this operation to update an existing alarm, any tags you specify in this parameter are ignored. To change the tags of an existing alarm, use TagResource or UntagResource.",
        )]),
    ],
};

/// An alarm, after the resource it watches.
pub(super) fn desired_alarm(cx: &Inputs<'_>, a: &Alarm) -> Resource {
    let (namespace, dimensions, target) = alarm_target(cx.stack, &a.resource, a.node);
    let r = Resource::new(Kind::Alarm, &a.name)
        .set("description", json!(a.description))
        .set("namespace", namespace)
        .set("metric", a.metric.clone())
        .set("dimensions", dimensions)
        .set("statistic", a.statistic.clone())
        .set("period_seconds", a.period_seconds)
        .set("evaluation_periods", a.evaluation_periods)
        .set(
            "datapoints_to_alarm",
            a.datapoints_to_alarm.unwrap_or(a.evaluation_periods),
        )
        .set("threshold", a.threshold)
        .set("comparison", comparison_name(a.comparison))
        .set(
            "treat_missing_data",
            missing_data_name(a.treat_missing_data),
        )
        .set("actions", json!(a.actions))
        .set("ok_actions", json!(a.ok_actions))
        .set("tags", cx.tags.clone());
    match target {
        Some(t) => r.after(t),
        None => r,
    }
}

fn comparison_name(c: Comparison) -> &'static str {
    match c {
        Comparison::GreaterThan => "greater_than",
        Comparison::GreaterThanOrEqual => "greater_than_or_equal",
        Comparison::LessThan => "less_than",
        Comparison::LessThanOrEqual => "less_than_or_equal",
    }
}

fn missing_data_name(m: MissingData) -> &'static str {
    match m {
        MissingData::Missing => "missing",
        MissingData::NotBreaching => "not_breaching",
        MissingData::Breaching => "breaching",
        MissingData::Ignore => "ignore",
    }
}
/// An alarm's namespace, dimensions and the resource it watches.
fn alarm_target(
    stack: &Stack,
    resource: &str,
    node: Option<u32>,
) -> (&'static str, Value, Option<Address>) {
    let db = &stack.database;
    if db.identifier == resource {
        return (
            "AWS/RDS",
            json!({"DBInstanceIdentifier": resource}),
            Some(Address::new(Kind::DbInstance, resource)),
        );
    }
    if db.replicas.iter().any(|r| r.identifier == resource) {
        return (
            "AWS/RDS",
            json!({"DBInstanceIdentifier": resource}),
            Some(Address::new(Kind::DbReplica, resource)),
        );
    }
    if stack.proxy.as_ref().is_some_and(|p| p.name == resource) {
        return (
            "AWS/RDS",
            json!({"ProxyName": resource}),
            Some(Address::new(Kind::Proxy, resource)),
        );
    }
    let n = node.unwrap_or(1).max(1);
    let member = match stack.redis.as_ref().and_then(|r| r.cluster_mode.as_ref()) {
        Some(cm) => {
            let per = cm.replicas_per_shard + 1;
            format!(
                "{resource}-{:04}-{:03}",
                (n - 1) / per + 1,
                (n - 1) % per + 1
            )
        }
        None => format!("{resource}-{n:03}"),
    };
    (
        "AWS/ElastiCache",
        json!({"CacheClusterId": member}),
        Some(Address::new(Kind::ReplicationGroup, resource)),
    )
}
