//! Each step's undo, fixed when the plan is made: a rollback runs what the plan says, from the
//! state AWS was in when it was planned. A create is undone by deleting what it made; an
//! update by an update back to the resource AWS had; a delete cannot be undone, but for a
//! proxy target's, which registering it again as AWS had it undoes
//! (`Kind::deletion_undone_by_creating_again`).

use super::format::{Step, StepOp, Undo};
use super::observed::Observed;

/// Gives each step its undo.
pub(crate) fn fix(steps: &mut [Step], observed: &Observed) {
    for s in steps {
        s.undo = of(s, observed);
    }
}

fn of(step: &Step, observed: &Observed) -> Option<Undo> {
    let before = || observed.get(&step.address).map(|o| o.resource.clone());
    match step.op {
        StepOp::Create => Some(Undo {
            op: StepOp::Delete,
            restores: None,
            wait: None,
        }),
        StepOp::Update => before().map(|r| Undo {
            op: StepOp::Update,
            restores: Some(r),
            wait: None,
        }),
        StepOp::Delete if step.address.kind.deletion_undone_by_creating_again() => {
            before().map(|r| Undo {
                op: StepOp::Create,
                restores: Some(r),
                wait: None,
            })
        }
        StepOp::Delete => None,
    }
}
