//! The AWS side of a kind, one file each: how AWS's answer becomes the kind's attribute rows,
//! which request field each row sets on create and on modify, and the kind's calls (read in
//! batches, create, modify the changed rows, delete, wait until AWS is done). The rows
//! themselves (their impact, comparison, deferral) are the pure half, in `model::<kind>`.
//!
//! The DB instance with its read replicas, the Redis replication group and the CloudWatch alarm
//! are written this way; the other kinds still read in `aws::read` and write in `aws::write`.

pub mod alarm;
pub mod db_instance;
pub mod replication_group;

use crate::aws::error::AwsError;
use crate::aws::write::StepContext;
use crate::model::Address;
use crate::plan::Step;

/// The calls of one kind. `Answer` is AWS's description of one resource of it.
pub(crate) trait AwsKind {
    type Answer;

    /// The resources of these names, as few calls as AWS allows, all at once.
    async fn describe(
        c: &crate::aws::Clients,
        names: Vec<String>,
    ) -> Result<Vec<Self::Answer>, AwsError>;

    /// Creates the step's resource from every row that sets a field on create, then waits
    /// until AWS says it is usable.
    async fn create(cx: &StepContext<'_>) -> Result<(), AwsError>;

    /// Sends the rows the step changes, and records each as carried; waits until AWS has
    /// applied what it applies at once.
    async fn modify(cx: &StepContext<'_>, step: &Step) -> Result<(), AwsError>;

    /// Deletes the resource and waits until it is gone.
    async fn delete(cx: &StepContext<'_>, a: &Address) -> Result<(), AwsError>;
}
