//! What each step waits for, fixed in the plan: the kinds AWS takes time over are waited for
//! until `available` (a delete: until gone), each within its time limit. The one table of those
//! limits; apply waits as the plan says.

use std::time::Duration;

use super::format::{Step, StepOp, Until, Wait};
use crate::model::Kind;

/// How long AWS may take over a kind before stackctl gives up waiting; `None` for the kinds
/// AWS makes at once.
pub fn limit(kind: Kind) -> Option<Duration> {
    let minutes = match kind {
        Kind::DbInstance | Kind::DbReplica | Kind::DbCluster | Kind::DbClusterInstance => 90,
        Kind::ReplicationGroup => 60,
        Kind::Proxy | Kind::ProxyEndpoint => 30,
        _ => return None,
    };
    Some(Duration::from_secs(minutes * 60))
}

/// What a step of `op` on `kind` waits for.
pub fn of(kind: Kind, op: StepOp) -> Option<Wait> {
    let until = match op {
        StepOp::Delete => Until::Gone,
        StepOp::Create | StepOp::Update => Until::Available,
    };
    limit(kind).map(|l| Wait {
        until,
        limit_seconds: l.as_secs(),
    })
}

/// Gives each step, and its undo, its wait.
pub(crate) fn fix(steps: &mut [Step]) {
    for s in steps {
        s.wait = of(s.address.kind, s.op);
        if let Some(u) = s.undo.as_mut() {
            u.wait = of(s.address.kind, u.op);
        }
    }
}
