//! `stackctl rollback FILE`: undo an apply that failed with `--no-rollback` or was
//! interrupted, from its journal in AWS.

use std::path::Path;

use super::apply::rollback;
use super::common::{confirm, load_spec};
use super::locked::{How, with_lock};
use crate::apply::Journaled;
use crate::aws::write::Ids;
use crate::exit::Outcome;
use crate::render::{out, progress};

pub async fn run(
    file: &Path,
    auto_approve: bool,
    lock_timeout: std::time::Duration,
) -> anyhow::Result<Outcome> {
    let Some(stack) = load_spec(file)? else {
        return Ok(Outcome::Invalid);
    };
    let spec = &stack;
    let how = How {
        operation: "rollback",
        file,
        lock_timeout,
    };
    with_lock(spec, how, |locked| async move {
        let Some(journal) = locked.resumed.clone() else {
            out::println(&format!(
                "Nothing to roll back: the last apply of {} finished.",
                spec.name
            ));
            return Ok(Outcome::Success);
        };
        out::println(&format!(
            "Rolling back apply {} ({}): {} step(s) may have changed AWS.",
            journal.apply_id,
            journal.holder,
            journal.undo_order().len()
        ));
        if !confirm("Undo them?", auto_approve, &locked.stop).await? {
            return Ok(Outcome::Invalid);
        }
        let ids = Ids::default();
        for (addr, o) in &locked.read.observed.resources {
            ids.seed(addr, &o.ids);
        }
        let aws = crate::apply::effects::Aws {
            clients: &locked.clients,
        };
        let journaled = Journaled::new(&aws, journal, true);
        let reporter = progress::Reporter::new();
        let complete = rollback(&journaled, &locked, &ids, &reporter).await?;
        reporter.finish();
        Ok(if complete {
            Outcome::Success
        } else {
            Outcome::Invalid
        })
    })
    .await
}
