//! CloudWatch alarms. PutMetricAlarm replaces an alarm's whole definition, so every change is
//! online.

use serde_json::{Value, json};

use super::aws_docs::{ALARM_PUT, CW_PUT_METRIC_ALARM};
use super::desired::Inputs;
use super::types::{Address, AttrSpec, Compare, Kind, KindSpec, Resource, Source};
use crate::spec::stack::{Alarm, Comparison, MissingData, StackSpec};
use attr::*;

/// The alarm's attributes, each name written once (the rows here, the desired value below
/// and the AWS side in `aws::kinds::alarm` name them through these).
pub mod attr {
    pub const DESCRIPTION: &str = "description";
    pub const NAMESPACE: &str = "namespace";
    pub const METRIC: &str = "metric";
    pub const DIMENSIONS: &str = "dimensions";
    pub const STATISTIC: &str = "statistic";
    pub const PERIOD_SECONDS: &str = "period_seconds";
    pub const EVALUATION_PERIODS: &str = "evaluation_periods";
    pub const DATAPOINTS_TO_ALARM: &str = "datapoints_to_alarm";
    pub const THRESHOLD: &str = "threshold";
    pub const COMPARISON: &str = "comparison";
    pub const TREAT_MISSING_DATA: &str = "treat_missing_data";
    pub const ACTIONS: &str = "actions";
    pub const OK_ACTIONS: &str = "ok_actions";
    pub const TAGS: &str = "tags";
}

pub static ALARM: KindSpec = KindSpec {
    kind: Kind::Alarm,
    name: "alarm",
    label: "CloudWatch alarm",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online(DESCRIPTION).sources(&[ALARM_PUT]),
        AttrSpec::online(NAMESPACE).sources(&[ALARM_PUT]),
        AttrSpec::online(METRIC).sources(&[ALARM_PUT]),
        AttrSpec::online(DIMENSIONS).sources(&[ALARM_PUT]),
        AttrSpec::online(STATISTIC).sources(&[ALARM_PUT]),
        AttrSpec::online(PERIOD_SECONDS).sources(&[ALARM_PUT]),
        AttrSpec::online(EVALUATION_PERIODS).sources(&[ALARM_PUT]),
        AttrSpec::online(DATAPOINTS_TO_ALARM).sources(&[ALARM_PUT]),
        AttrSpec::online(THRESHOLD).compare(Compare::Number).sources(&[ALARM_PUT]),
        AttrSpec::online(COMPARISON).sources(&[ALARM_PUT]),
        AttrSpec::online(TREAT_MISSING_DATA).sources(&[ALARM_PUT]),
        AttrSpec::online(ACTIONS).compare(Compare::Unordered).sources(&[ALARM_PUT]),
        AttrSpec::online(OK_ACTIONS).compare(Compare::Unordered).sources(&[ALARM_PUT]),
        AttrSpec::online(TAGS).sources(&[Source::doc(
            CW_PUT_METRIC_ALARM,
            "If you are using this operation to update an existing alarm, any tags you specify in this parameter are ignored. To change the tags of an existing alarm, use TagResource or UntagResource.",
        )]),
    ],
};

/// An alarm, after the resource it watches.
pub(super) fn desired_alarm(cx: &Inputs<'_>, a: &Alarm) -> Resource {
    let (namespace, dimensions, target) = alarm_target(cx.stack, &a.resource, a.node);
    let r = Resource::new(Kind::Alarm, &a.name)
        .set(DESCRIPTION, json!(a.description))
        .set(NAMESPACE, namespace)
        .set(METRIC, a.metric.clone())
        .set(DIMENSIONS, dimensions)
        .set(STATISTIC, a.statistic.clone())
        .set(PERIOD_SECONDS, a.period_seconds)
        .set(EVALUATION_PERIODS, a.evaluation_periods)
        .set(
            DATAPOINTS_TO_ALARM,
            a.datapoints_to_alarm.unwrap_or(a.evaluation_periods),
        )
        .set(THRESHOLD, a.threshold)
        .set(COMPARISON, comparison_name(a.comparison))
        .set(TREAT_MISSING_DATA, missing_data_name(a.treat_missing_data))
        .set(ACTIONS, json!(a.actions))
        .set(OK_ACTIONS, json!(a.ok_actions))
        .set(TAGS, cx.tags.clone());
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
    stack: &StackSpec,
    resource: &str,
    node: Option<u32>,
) -> (&'static str, Value, Option<Address>) {
    let db = &stack.database;
    if db.engine.is_aurora() && db.identifier == resource {
        return (
            "AWS/RDS",
            json!({"DBClusterIdentifier": resource}),
            Some(Address::new(Kind::DbCluster, resource)),
        );
    }
    if db
        .cluster_instances()
        .iter()
        .any(|i| i.identifier == resource)
    {
        return (
            "AWS/RDS",
            json!({"DBInstanceIdentifier": resource}),
            Some(Address::new(Kind::DbClusterInstance, resource)),
        );
    }
    if db.identifier == resource {
        return (
            "AWS/RDS",
            json!({"DBInstanceIdentifier": resource}),
            Some(Address::new(Kind::DbInstance, resource)),
        );
    }
    if db.replicas().iter().any(|r| r.identifier == resource) {
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
    let member = match stack.redis.as_ref().and_then(|r| r.cluster_mode()) {
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
