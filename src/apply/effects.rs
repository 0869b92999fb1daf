//! The executor's one seam to the world: run a step's side effect (its call and its wait), and
//! keep the journal durable. [`Aws`] is the real one; the executor's own tests use a recording
//! double, so its ordering, undo and journal logic are tested without AWS (AWS's behaviour is
//! tested only against the emulator).

use futures::future::LocalBoxFuture;

use super::journal::Journal;
use crate::aws::write::StepContext;
pub use crate::aws::write::StepInput;
use crate::aws::{AwsError, Clients};
use crate::plan::Step;

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
                input,
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
