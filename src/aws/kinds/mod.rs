//! The AWS side of a kind, one file each: how AWS's answer becomes the kind's attribute rows,
//! which request field each row sets on create and on modify, and the kind's calls (read in
//! batches, create, modify the changed rows, delete, wait until AWS is done). The rows
//! themselves (their impact, comparison, deferral) are the pure half, in `model::<kind>`.
//!
//! The DB instance with its read replicas, the Aurora cluster with its instances (`db_cluster/`)
//! and its cluster parameter group, the Redis replication group, the CloudWatch alarm,
//! the DB and cache subnet and parameter groups, the security group, the secret, and RDS Proxy
//! with its target group, targets and endpoints (`proxy/`, one file a kind) are written this
//! way (the simpler ones with the row type of `row`).

pub mod alarm;
pub mod cache_parameter_group;
pub mod cache_subnet_group;
pub mod calls;
pub mod db_cluster;
pub mod db_cluster_parameter_group;
pub mod db_instance;
pub mod db_parameter_group;
pub mod db_subnet_group;
mod parameter_group;
pub mod proxy;
pub(crate) mod rds_parameter_group;
mod rds_parameters;
pub mod replication_group;
mod row;
pub mod secret;
pub mod security_group;
mod subnet_group;

use std::collections::BTreeMap;

use crate::aws::error::AwsError;
use crate::aws::write::{Sensitive, StepContext};
use crate::model::{Address, Resource};
use crate::plan::Step;

/// What a request's fields are set from: the desired resource, with its security groups' ids,
/// the tags a create sets, and the secret the request carries (a master password, an AUTH
/// token), read right before the call; and what AWS has, for a field that says the change
/// (what to add and what to remove) rather than the new value.
pub(crate) struct Req<'a> {
    pub r: &'a Resource,
    /// The resource as AWS had it when the step was planned; `None` on a create.
    pub have: Option<&'a Resource>,
    pub sg_ids: Option<Vec<String>>,
    pub create_tags: BTreeMap<String, String>,
    pub secret: Option<Sensitive>,
}

impl<'a> Req<'a> {
    /// The request of `r` in a step, its security groups named by `sg_attr`.
    pub(crate) fn of(
        cx: &StepContext<'a>,
        r: &'a Resource,
        sg_attr: &str,
        secret: Option<Sensitive>,
    ) -> Result<Self, AwsError> {
        Ok(Req {
            r,
            have: cx.observed.map(|o| &o.resource),
            sg_ids: cx.sg_ids(r, sg_attr)?,
            create_tags: cx.create_tags(r),
            secret,
        })
    }
    fn s(&self, a: &str) -> String {
        self.r.str(a).unwrap_or_default().to_owned()
    }
    fn opt(&self, a: &str) -> Option<String> {
        self.r.str(a).map(str::to_owned)
    }
    fn i(&self, a: &str) -> Option<i32> {
        self.r.int(a).and_then(|v| i32::try_from(v).ok())
    }
    fn b(&self, a: &str) -> bool {
        self.r.bool(a)
    }
    fn secret(&self) -> Option<String> {
        self.secret.as_ref().map(|p| p.expose().to_owned())
    }
}

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

    /// The calls a step of this kind makes, as `create`, `modify` and `delete` make them: fixed
    /// when the plan is made, checked when apply runs it.
    fn calls(p: &calls::Planned<'_>) -> Vec<crate::plan::Call>;
}
