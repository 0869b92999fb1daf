//! `stackctl destroy FILE`: delete everything the stack owns, dependents first, with final
//! snapshots of databases unless told otherwise.

use std::path::Path;

use super::apply::apply_plan;
use super::common::{destroy_plan, load_spec, observe};
use crate::exit::Outcome;

pub async fn run(
    file: &Path,
    auto_approve: bool,
    skip_final_snapshot: bool,
) -> anyhow::Result<Outcome> {
    let Some(stack) = load_spec(file)? else {
        return Ok(Outcome::Invalid);
    };
    let (clients, read) = observe(&stack).await?;
    let plan = destroy_plan(&stack, &read)?;
    apply_plan(&plan, &clients, &read, auto_approve, !skip_final_snapshot).await
}
