//! What the DB and the cache parameter group share on AWS's side: their rows (the family and
//! description set at create, the parameters the user set, the tags), read from either
//! service's answer through [`Answer`], and the parameters a step sets and resets.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::calls::Planned;
use super::row::{Row, TAGGING, carried, resource};
use crate::aws::error::AwsError;
use crate::aws::read::{Context, observed, with_arn};
use crate::aws::write::StepContext;
use crate::model::Kind;
use crate::model::parameter_group::attr::*;
use crate::plan::{Call, ObservedResource, StepOp};

/// The calls that set parameters (`ModifyDBParameterGroup`, `ModifyCacheParameterGroup`) and
/// reset them to the family's defaults (`ResetDBParameterGroup`, `ResetCacheParameterGroup`).
pub(super) const SET: &str = "set parameters";
pub(super) const RESET: &str = "reset parameters";

/// AWS takes at most 20 parameters a call.
pub(super) const PER_CALL: usize = 20;

/// How a service names a parameter group's calls, and how many parameters its reset takes in
/// one call.
pub(crate) struct Ops {
    pub create: &'static str,
    pub set: &'static str,
    pub reset: &'static str,
    pub delete: &'static str,
    pub reset_per_call: usize,
}

/// A parameter group as either service's describe of its parameters shows it: one call a
/// group, which says whether it exists. The group's own describe is not made (one call fewer
/// per group): its family and description are set at create and never compared (the name
/// carries the family, stackctl writes the description), and its ARN is the one the tagging
/// API lists among the stack's (none: not the stack's).
pub(super) trait Answer {
    fn name(&self) -> &str;
    /// What the ARN of a group of this service holds before the name: `:pg:`,
    /// `:parametergroup:`.
    fn arn_part(&self) -> &'static str;
    /// The parameters whose source is the user, by name.
    fn values(&self) -> &BTreeMap<String, String>;
}

/// One parameter as a group's describe gives it: its name, its value, and when AWS applies a
/// change to it, in the model's words (`static`: at a reboot; `dynamic`: at once).
pub(super) type Described = (String, Option<String>, Option<String>);

/// A group's parameters as read: the values the user set, and the apply types known (those
/// parameters' and, looked up, those of the parameters the spec sets that the group lacks).
#[derive(Default)]
pub(super) struct Parameters {
    pub values: BTreeMap<String, String>,
    pub apply_types: BTreeMap<String, String>,
}

impl Parameters {
    pub(super) fn add(&mut self, described: Vec<Described>) {
        for (name, value, apply_type) in described {
            if let Some(t) = apply_type {
                self.apply_types.insert(name.clone(), t);
            }
            if let Some(v) = value {
                self.values.insert(name, v);
            }
        }
    }

    /// The apply types of the parameters among `wanted` the user has not set yet, from every
    /// parameter of the group (`all`, a second round of reads made only when one is missing).
    pub(super) async fn look_up_types<F, Fut>(
        &mut self,
        wanted: &[String],
        all: F,
    ) -> Result<(), AwsError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Described>, AwsError>>,
    {
        if wanted.iter().all(|w| self.apply_types.contains_key(w)) {
            return Ok(());
        }
        for (name, _value, apply_type) in all().await? {
            if let Some(t) = apply_type.filter(|_| wanted.contains(&name)) {
                self.apply_types.entry(name).or_insert(t);
            }
        }
        Ok(())
    }
}

/// The group's ARN among the stack's.
fn arn<'c>(g: &(dyn Answer + 'static), cx: &'c Context) -> Option<&'c str> {
    cx.owned_arn_ending(&format!("{}{}", g.arn_part(), g.name()))
}

pub(super) static ROWS: &[Row<dyn Answer>] = &[
    // Set at create, never compared, not read.
    Row {
        attr: FAMILY,
        read: |_, _| Value::Null,
        sent_by: &[],
    },
    Row {
        attr: DESCRIPTION,
        read: |_, _| Value::Null,
        sent_by: &[],
    },
    Row {
        attr: PARAMETERS,
        read: |g, _| json!(g.values()),
        sent_by: &[SET, RESET],
    },
    Row {
        attr: TAGS,
        read: |g, cx| cx.arn_tags(arn(g, cx)),
        sent_by: &[TAGGING],
    },
];

/// The group with every row of its kind's table.
pub(super) fn observe(kind: Kind, g: &(dyn Answer + 'static), cx: &Context) -> ObservedResource {
    let resource = resource(kind, g.name(), ROWS, g, cx);
    let arn = arn(g, cx);
    with_arn(arn, observed(resource, arn.is_some(), "available"))
}

/// The parameters of a `parameters` value, by name.
fn params_of(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The parameters to set, with their values, and the names of those to reset.
pub(super) type ParamDiff = (Vec<(String, String)>, Vec<String>);

/// The parameters to set (wanted at a value AWS does not have) and to reset (AWS has them, the
/// spec dropped them), from the wanted and AWS's values of the `parameters` row.
fn diff(want: &Value, have: &Value) -> ParamDiff {
    let want = params_of(want);
    let have = params_of(have);
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
    (set, reset)
}

/// The parameters to set and to reset, from the desired and observed groups.
pub(super) fn param_diff(cx: &StepContext<'_>) -> Result<ParamDiff, AwsError> {
    let have = cx
        .observed
        .map_or(&Value::Null, |o| o.resource.get(PARAMETERS));
    Ok(diff(cx.want()?.get(PARAMETERS), have))
}

/// The calls of a step on a parameter group, as its create, modify and delete make them: the
/// create, then the parameters that differ from AWS's (all of them on a create) set 20 a call,
/// and on an update the tagging calls first and the parameters the spec dropped reset after,
/// each call that sets or resets carrying the parameters row; the delete. The parameters come
/// from the plan's values: the desired ones and AWS's before the step.
pub(super) fn calls(p: &Planned<'_>, ops: &Ops) -> Vec<Call> {
    let mut out = match p.step.op {
        StepOp::Delete => return vec![Call::new(ops.delete, &[])],
        StepOp::Create => vec![Call::new(ops.create, &[])],
        StepOp::Update => p.tagging().into_iter().collect(),
    };
    let (set, reset) = diff(p.wanted(PARAMETERS), p.old(PARAMETERS));
    let carrying = |op: &str, by: &str, n: usize| {
        let carries = carried(ROWS, p.step, by)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let call = Call {
            op: op.to_owned(),
            carries,
        };
        std::iter::repeat_n(call, n)
    };
    out.extend(carrying(ops.set, SET, set.len().div_ceil(PER_CALL)));
    out.extend(carrying(
        ops.reset,
        RESET,
        reset.len().div_ceil(ops.reset_per_call),
    ));
    out
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
