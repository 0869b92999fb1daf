//! What the DB and the DB cluster parameter groups share on RDS's side: the parameters a step
//! sets and resets, 20 a call, each with its apply method. Dynamic parameters apply at once
//! ("You can use the immediate value with dynamic parameters only"); static ones, and any whose
//! type AWS did not give, at the reboot the plan makes a step of each instance using the group.

use std::future::Future;

use aws_sdk_rds::types::{ApplyMethod, Parameter};

use super::parameter_group::{Ops, PER_CALL, RESET, ROWS, SET, param_diff};
use super::row::carried;
use crate::aws::error::AwsError;
use crate::aws::write::StepContext;
use crate::model::parameter_group::{APPLY_TYPES, applied_at_reboot};
use crate::plan::Step;

/// Sends the parameters that differ from AWS's: `set` (ModifyDB[Cluster]ParameterGroup) and
/// `reset` (ResetDB[Cluster]ParameterGroup) make one call each for the parameters given.
pub(super) async fn send<S, SF, SO, R, RF, RO>(
    cx: &StepContext<'_>,
    step: Option<&Step>,
    ops: &Ops,
    set: S,
    reset: R,
) -> Result<(), AwsError>
where
    S: Fn(Vec<Parameter>) -> SF,
    SF: Future<Output = Result<SO, AwsError>>,
    R: Fn(Vec<Parameter>) -> RF,
    RF: Future<Output = Result<RO, AwsError>>,
{
    let (to_set, to_reset) = param_diff(cx)?;
    let types = cx
        .observed
        .and_then(|o| o.facts.get(APPLY_TYPES))
        .cloned()
        .unwrap_or_default();
    let method = |k: &str| {
        if applied_at_reboot([k], &types).is_empty() {
            ApplyMethod::Immediate
        } else {
            ApplyMethod::PendingReboot
        }
    };
    let carried_by = |op| step.map(|s| carried(ROWS, s, op)).unwrap_or_default();
    for chunk in to_set.chunks(PER_CALL) {
        let params = chunk.iter().map(|(k, v)| {
            Parameter::builder()
                .parameter_name(k)
                .parameter_value(v)
                .apply_method(method(k))
                .build()
        });
        set(params.collect()).await?;
        cx.sent(ops.set, &carried_by(SET));
    }
    for chunk in to_reset.chunks(ops.reset_per_call) {
        let params = chunk.iter().map(|k| {
            Parameter::builder()
                .parameter_name(k)
                .apply_method(method(k))
                .build()
        });
        reset(params.collect()).await?;
        cx.sent(ops.reset, &carried_by(RESET));
    }
    Ok(())
}
