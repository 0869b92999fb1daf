//! CloudWatch alarms. PutMetricAlarm replaces an alarm's whole definition, so every change is
//! online.

use super::types::{AttrSpec, Compare, Kind, KindSpec};

pub static ALARM: KindSpec = KindSpec {
    kind: Kind::Alarm,
    name: "alarm",
    label: "CloudWatch alarm",
    stateful: false,
    loses_data: false,
    attrs: &[
        AttrSpec::online("description"),
        AttrSpec::online("namespace"),
        AttrSpec::online("metric"),
        AttrSpec::online("dimensions"),
        AttrSpec::online("statistic"),
        AttrSpec::online("period_seconds"),
        AttrSpec::online("evaluation_periods"),
        AttrSpec::online("datapoints_to_alarm"),
        AttrSpec::online("threshold").compare(Compare::Number),
        AttrSpec::online("comparison"),
        AttrSpec::online("treat_missing_data"),
        AttrSpec::online("actions").compare(Compare::Unordered),
        AttrSpec::online("ok_actions").compare(Compare::Unordered),
        AttrSpec::online("tags"),
    ],
};
