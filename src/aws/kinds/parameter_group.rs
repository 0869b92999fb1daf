//! What the DB and the cache parameter group share on AWS's side: their rows (the family and
//! description set at create, the parameters the user set, the tags), read from either
//! service's answer through [`Answer`], and the parameters a step sets and resets.

use std::collections::BTreeMap;

use serde_json::json;

use super::row::{Row, TAGGING, resource};
use crate::aws::error::AwsError;
use crate::aws::read::{Context, observed, with_arn};
use crate::aws::write::StepContext;
use crate::model::parameter_group::attr::*;
use crate::model::{Kind, Resource};
use crate::plan::ObservedResource;

/// The calls that set parameters (`ModifyDBParameterGroup`, `ModifyCacheParameterGroup`) and
/// reset them to the family's defaults (`ResetDBParameterGroup`, `ResetCacheParameterGroup`).
pub(super) const SET: &str = "set parameters";
pub(super) const RESET: &str = "reset parameters";

/// AWS takes at most 20 parameters a call.
pub(super) const PER_CALL: usize = 20;

/// A parameter group as either service describes it, with the parameters the user set.
pub(super) trait Answer {
    fn name(&self) -> &str;
    fn family(&self) -> &str;
    fn description(&self) -> &str;
    fn arn(&self) -> Option<&str>;
    /// The parameters whose source is the user, by name.
    fn values(&self) -> &BTreeMap<String, String>;
}

pub(super) static ROWS: &[Row<dyn Answer>] = &[
    Row {
        attr: FAMILY,
        read: |g, _| json!(g.family()),
        sent_by: &[],
    },
    Row {
        attr: DESCRIPTION,
        read: |g, _| json!(g.description()),
        sent_by: &[],
    },
    Row {
        attr: PARAMETERS,
        read: |g, _| json!(g.values()),
        sent_by: &[SET, RESET],
    },
    Row {
        attr: TAGS,
        read: |g, cx| cx.arn_tags(g.arn()),
        sent_by: &[TAGGING],
    },
];

/// The group with every row of its kind's table.
pub(super) fn observe(kind: Kind, g: &(dyn Answer + 'static), cx: &Context) -> ObservedResource {
    let resource = resource(kind, g.name(), ROWS, g, cx);
    with_arn(
        g.arn(),
        observed(resource, cx.owned_arn(g.arn()), "available"),
    )
}

fn params_of(r: &Resource) -> BTreeMap<String, String> {
    r.get(PARAMETERS)
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The parameters to set, with their values, and the names of those to reset.
pub(super) type ParamDiff = (Vec<(String, String)>, Vec<String>);

/// The parameters to set and to reset, from the desired and observed groups.
pub(super) fn param_diff(cx: &StepContext<'_>) -> Result<ParamDiff, AwsError> {
    let want = params_of(cx.want()?);
    let have = cx
        .observed
        .map(|o| params_of(&o.resource))
        .unwrap_or_default();
    let set = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let reset = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    Ok((set, reset))
}

#[cfg(test)]
mod tests {
    use super::ROWS;
    use crate::aws::kinds::row::assert_agrees;
    use crate::model::Kind;

    #[test]
    fn the_aws_rows_are_the_models_and_every_changeable_row_is_sent() {
        assert_agrees(Kind::DbParameterGroup, ROWS);
        assert_agrees(Kind::CacheParameterGroup, ROWS);
    }
}
