//! `stackctl destroy FILE`: delete everything the stack owns, dependents first, with final
//! snapshots of databases unless told otherwise; then its lock and journal.

use std::path::Path;

use super::apply::{Options, apply_plan};
use super::common::{destroy_plan, load_spec};
use super::locked::{How, with_lock};
use crate::exit::Outcome;

pub async fn run(file: &Path, opts: Options) -> anyhow::Result<Outcome> {
    let Some(stack) = load_spec(file)? else {
        return Ok(Outcome::Invalid);
    };
    let spec = &stack;
    let how = How {
        operation: "destroy",
        file,
        lock_timeout: opts.lock_timeout,
    };
    with_lock(spec, how, |locked| async move {
        let plan = destroy_plan(spec, &locked.read)?;
        apply_plan(&plan, &locked, opts).await
    })
    .await
}
