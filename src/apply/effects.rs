//! The executor's one seam to the world: run a step's side effect (its call and its wait), and
//! keep the journal durable. [`Aws`] is the real one; the executor's own tests use a recording
//! double, so its ordering, undo and journal logic are tested without AWS (AWS's behaviour is
//! tested only against the emulator).

use futures::future::LocalBoxFuture;

use super::journal::Journal;
use crate::aws::write::owner::UndoOf;
use crate::aws::write::{Ids, StepContext};
use crate::aws::{AwsError, Clients};
use crate::model::Resource;
use crate::plan::{ObservedResource, Step};

/// What a step runs with: what it makes and what AWS has, the identifiers known so far.
#[derive(Clone)]
pub struct StepInput<'a> {
    pub stack: &'a str,
    pub desired: Option<&'a Resource>,
    pub observed: Option<&'a ObservedResource>,
    pub ids: &'a Ids,
    /// Take a final snapshot before deleting an instance or a replication group.
    pub final_snapshot: bool,
    /// The running apply's id: every create marks what it creates with it.
    pub apply_id: &'a str,
    /// Set when the step undoes a create: it deletes only what those applies created.
    pub undo: Option<UndoOf>,
}

pub trait Effects {
    /// Runs one step: its calls and its wait.
    fn run<'a>(
        &'a self,
        step: &'a Step,
        input: StepInput<'a>,
    ) -> LocalBoxFuture<'a, Result<(), AwsError>>;

    /// Makes the journal durable (`first`: its first write).
    fn save_journal<'a>(
        &'a self,
        journal: &'a Journal,
        first: bool,
    ) -> LocalBoxFuture<'a, Result<(), AwsError>>;
}

/// The real effects: AWS, through `aws::write` and the journal's secret.
pub struct Aws<'a> {
    pub clients: &'a Clients,
}

impl Effects for Aws<'_> {
    fn run<'a>(
        &'a self,
        step: &'a Step,
        input: StepInput<'a>,
    ) -> LocalBoxFuture<'a, Result<(), AwsError>> {
        Box::pin(async move {
            let cx = StepContext {
                clients: self.clients,
                stack: input.stack,
                desired: input.desired,
                observed: input.observed,
                ids: input.ids,
                final_snapshot: input.final_snapshot,
                apply_id: input.apply_id,
                undo: input.undo,
                sent: Default::default(),
            };
            crate::aws::write::run(step, &cx).await
        })
    }

    fn save_journal<'a>(
        &'a self,
        journal: &'a Journal,
        first: bool,
    ) -> LocalBoxFuture<'a, Result<(), AwsError>> {
        Box::pin(super::stored::save(self.clients, journal, first))
    }
}
