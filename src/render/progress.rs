//! Progress of an apply on stderr: one timestamped line per event (UTC, so CI logs from
//! different machines line up).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::apply::Event;
use crate::plan::StepOp;

fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let day = secs % 86400;
    format!("{:02}:{:02}:{:02}", day / 3600, (day / 60) % 60, day % 60)
}

fn verb(op: StepOp, done: bool) -> &'static str {
    match (op, done) {
        (StepOp::Create, false) => "creating",
        (StepOp::Update, false) => "updating",
        (StepOp::Delete, false) => "deleting",
        (StepOp::Create, true) => "created",
        (StepOp::Update, true) => "updated",
        (StepOp::Delete, true) => "deleted",
    }
}

/// The line for one event.
pub fn line(e: &Event) -> String {
    match e {
        Event::Started { address, op, .. } => {
            format!("[{}] {} {address} ...", clock(), verb(*op, false))
        }
        Event::Finished {
            address,
            op,
            elapsed,
            ..
        } => format!(
            "[{}] {} {address} ({:.1} s)",
            clock(),
            verb(*op, true),
            elapsed.as_secs_f64()
        ),
        Event::Failed {
            address, op, error, ..
        } => {
            format!(
                "[{}] FAILED {} {address}: {error}",
                clock(),
                verb(*op, false)
            )
        }
    }
}
