//! The apply journal: an intent log written before and after every side effect, so that an
//! apply killed at any instant can be resumed or rolled back, from any machine.
//!
//! States and the transitions allowed between them are explicit (see [`StepState::can_become`]
//! and [`ApplyState::can_become`]); the executor records through [`Journal::mark`], which
//! refuses any other move.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Address, Resource};
use crate::plan::{Plan, StepOp, Undo};

pub const JOURNAL_FORMAT: u32 = 1;

/// Where one step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// In the plan, not begun.
    Planned,
    /// Its side effect may have happened (the call was about to be made).
    Started,
    /// The side effect happened and AWS says the resource is usable (or gone).
    Done,
    /// The call or the wait failed; the side effect may have happened.
    Failed,
    /// Being undone.
    Undoing,
    /// Undone (or there was nothing to undo).
    Undone,
    /// The undo failed; `error` says why.
    UndoFailed,
    /// Cannot be undone (a deletion).
    NotUndoable,
}

impl StepState {
    /// The transition table.
    pub fn can_become(self, next: StepState) -> bool {
        use StepState::*;
        matches!(
            (self, next),
            (Planned, Started)
                | (Started, Done)
                | (Started, Failed)
                // A crash leaves `Started`: resume or rollback decides.
                | (Started | Done | Failed, Undoing)
                | (Undoing, Undone)
                | (Undoing, UndoFailed)
                | (UndoFailed | Undoing, Undoing)
                | (Done | Failed | Started, NotUndoable)
                | (Planned, Undone)
        )
    }

    /// A side effect may have happened.
    pub fn touched(self) -> bool {
        matches!(
            self,
            StepState::Started | StepState::Done | StepState::Failed
        )
    }
}

/// Where the whole apply stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyState {
    Running,
    Completed,
    Failed,
    RollingBack,
    RolledBack,
    RollbackFailed,
}

impl ApplyState {
    pub fn can_become(self, next: ApplyState) -> bool {
        use ApplyState::*;
        matches!(
            (self, next),
            (Running, Completed)
                | (Running, Failed)
                | (Running | Failed | RollbackFailed, RollingBack)
                | (RollingBack, RolledBack)
                | (RollingBack, RollbackFailed)
        )
    }

    /// Nothing is left to do for this apply.
    pub fn finished(self) -> bool {
        matches!(self, ApplyState::Completed | ApplyState::RolledBack)
    }
}

/// One step as the journal knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalStep {
    pub id: usize,
    pub address: Address,
    pub op: StepOp,
    pub state: StepState,
    /// For an update: the attributes it changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// How a rollback undoes it: the plan's (`Step::undo`), fixed when the plan was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<Undo>,
    /// The resource as the step makes it (creates and updates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Resource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Order in which steps finished, for undoing in reverse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_seq: Option<usize>,
    /// What AWS returned for a create (`arn`, or a security group's `id`): an undo deletes
    /// only the resource at that identifier.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, String>,
    /// The apply that ran this step, when it is not this journal's own: an interrupted apply
    /// whose steps a resuming one carried forward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_id: Option<String>,
}

/// The journal of one apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    pub format_version: u32,
    pub apply_id: String,
    pub stack: String,
    pub region: String,
    /// Who runs it: `user@host pid N`.
    pub holder: String,
    /// Unix seconds.
    pub started_at: u64,
    pub updated_at: u64,
    pub state: ApplyState,
    pub steps: Vec<JournalStep>,
    /// Writes so far (each one durable before the side effect it announces).
    pub writes: usize,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("journal: step {step} cannot go from {from:?} to {to:?}")]
pub struct TransitionError {
    pub step: usize,
    pub from: StepState,
    pub to: StepState,
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Journal {
    /// A new journal for `plan`, every step planned with the undo the plan fixed for it.
    /// Secrets never enter it: the plan holds none.
    pub fn new(plan: &Plan, apply_id: String, holder: String) -> Self {
        let steps = plan
            .steps
            .iter()
            .map(|s| JournalStep {
                id: s.id,
                address: s.address.clone(),
                op: s.op,
                state: StepState::Planned,
                attributes: s.attributes.clone(),
                undo: s.undo.clone(),
                after: match s.op {
                    StepOp::Delete => None,
                    _ => plan.makes(s).cloned(),
                },
                error: None,
                finished_seq: None,
                outputs: BTreeMap::new(),
                apply_id: None,
            })
            .collect();
        let t = now();
        Journal {
            format_version: JOURNAL_FORMAT,
            apply_id,
            stack: plan.stack.clone(),
            region: plan.region.clone(),
            holder,
            started_at: t,
            updated_at: t,
            state: ApplyState::Running,
            steps,
            writes: 0,
        }
    }

    /// Moves a step to `next`, by the transition table.
    pub fn mark(
        &mut self,
        step: usize,
        next: StepState,
        error: Option<String>,
    ) -> Result<(), TransitionError> {
        let finished = self
            .steps
            .iter()
            .filter(|s| s.finished_seq.is_some())
            .count();
        let s = self
            .steps
            .iter_mut()
            .find(|s| s.id == step)
            .ok_or(TransitionError {
                step,
                from: StepState::Planned,
                to: next,
            })?;
        if !s.state.can_become(next) {
            return Err(TransitionError {
                step,
                from: s.state,
                to: next,
            });
        }
        s.state = next;
        if error.is_some() {
            s.error = error;
        }
        if matches!(next, StepState::Done | StepState::Failed) {
            s.finished_seq = Some(finished);
        }
        self.updated_at = now();
        Ok(())
    }

    /// Records what AWS returned for a step's create.
    pub fn set_outputs(&mut self, step: usize, outputs: BTreeMap<String, String>) {
        if let Some(s) = self.steps.iter_mut().find(|s| s.id == step) {
            s.outputs = outputs;
        }
    }

    /// The apply that ran step `s`.
    pub fn apply_of<'a>(&'a self, s: &'a JournalStep) -> &'a str {
        s.apply_id.as_deref().unwrap_or(&self.apply_id)
    }

    /// Carries forward what an interrupted apply may have done and not undone, so that this
    /// journal's rollback undoes it too (after this apply's own steps: they are older).
    pub fn carry(&mut self, earlier: &Journal) {
        let mut old: Vec<&JournalStep> = earlier
            .steps
            .iter()
            .filter(|s| {
                s.state.touched() || matches!(s.state, StepState::Undoing | StepState::UndoFailed)
            })
            .collect();
        old.sort_by_key(|s| s.finished_seq.unwrap_or(usize::MAX));
        let first_id = self.steps.iter().map(|s| s.id + 1).max().unwrap_or(0);
        let carried: Vec<JournalStep> = old
            .into_iter()
            .enumerate()
            .map(|(k, s)| JournalStep {
                id: first_id + k,
                finished_seq: Some(k),
                apply_id: Some(earlier.apply_of(s).to_owned()),
                ..s.clone()
            })
            .collect();
        let n = carried.len();
        for s in &mut self.steps {
            s.finished_seq = s.finished_seq.map(|q| q + n);
        }
        self.steps.extend(carried);
    }

    /// Moves the apply to `next`; an impossible move is ignored and reported as false.
    pub fn set_state(&mut self, next: ApplyState) -> bool {
        if self.state.can_become(next) {
            self.state = next;
            self.updated_at = now();
            true
        } else {
            false
        }
    }

    /// What an undo must consider, most recent first: every step whose side effect may have
    /// happened. Steps that finished come in reverse order of finishing; steps caught in
    /// flight (a crash) come first.
    pub fn undo_order(&self) -> Vec<usize> {
        let mut touched: Vec<&JournalStep> = self
            .steps
            .iter()
            .filter(|s| {
                s.state.touched() || matches!(s.state, StepState::Undoing | StepState::UndoFailed)
            })
            .collect();
        touched.sort_by_key(|s| std::cmp::Reverse(s.finished_seq.unwrap_or(usize::MAX)));
        touched.into_iter().map(|s| s.id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_allows_only_forward_moves() {
        use StepState::*;
        assert!(Planned.can_become(Started));
        assert!(Started.can_become(Done));
        assert!(
            !Planned.can_become(Done),
            "a side effect is announced before it happens"
        );
        assert!(!Done.can_become(Started));
        assert!(Done.can_become(Undoing));
        assert!(Undoing.can_become(Undone));
        assert!(!Undone.can_become(Undoing));
        assert!(UndoFailed.can_become(Undoing), "an undo can be retried");
        assert!(ApplyState::Running.can_become(ApplyState::Failed));
        assert!(!ApplyState::Completed.can_become(ApplyState::RollingBack));
    }
}
