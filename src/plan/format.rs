//! The plan: what stackctl will do, in a documented, versioned JSON format that `plan --out`
//! saves and `apply` executes.
//!
//! The format (version 4):
//! - `format_version`: 4; `stackctl_version`: the version that wrote it.
//! - `stack`, `region`: what it is for.
//! - `observed_fingerprint`: a digest of the AWS state it was planned from. Apply refuses the
//!   plan when the stack's state in AWS has changed since.
//! - `changes[]`: per resource, `address` (`kind.name`), `action` (`create`, `update`,
//!   `replace`, `delete`), `impact` (the costliest of its attribute changes), and `attributes[]`
//!   with `name`, `old`, `new` (`"(sensitive)"` for secrets), `impact`, `forces_replacement`,
//!   `note`, `outstanding` (left undone by apply), `in_window` (for a change AWS holds for the
//!   maintenance window: its cost there). Resources without changes are not listed.
//! - `steps[]`: the execution graph: `id`, `address`, `op` (`create`, `update`, `delete`),
//!   `attributes` (for updates), `reboot`, `depends_on` (step ids), `impact`, and `resource`
//!   where a step sets something other than the desired resource (version 2: deletion
//!   protection switched off, as its own update step, right before a protected delete), and
//!   (version 3) `calls[]`: each call the step makes, `op` (`rds:ModifyDBInstance`) and
//!   `carries` (the attributes an update's call sets); apply fails an update step whose calls
//!   carried something else; (version 4) `undo`: how a rollback undoes the step, fixed now:
//!   `op` and `restores` (a create is undone by a delete; an update by an update back to the
//!   resource AWS had, `restores`; a proxy target's delete by registering it again as AWS had
//!   it); absent where nothing undoes it (any other delete); (version 4) `wait`: what apply
//!   waits for once the step's calls are made, `until` (`available`, or `gone` for a delete)
//!   within `limit_seconds`, for the kinds AWS takes time over (absent for the others); an
//!   undo carries its own.
//! - `notes[]` (absent when empty): what AWS has that differs from the spec without being a
//!   change (storage autoscaling grew it, an automatic minor upgrade, or a spec lowered where AWS
//!   never follows): `address`, `attribute`, `aws`, `spec`, `text`.
//! - `desired[]`: the resources the steps create or update, with every attribute.
//! - `spec`: (version 4) the text of the stack file it was planned from, as written, which
//!   `apply PLANFILE` validates and plans again (never a secret: passwords and tokens are
//!   generated into Secrets Manager at apply time). The planner's own types stay out of the
//!   format.

use serde::{Deserialize, Serialize};

use super::change::{Change, Note};
use crate::model::{Address, Impact, Resource};

pub const FORMAT_VERSION: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOp {
    Create,
    Update,
    Delete,
}

/// One call a step makes to AWS, fixed when the plan is made: the operation, and for a call
/// that changes a resource that exists, the attributes it carries (their values are the
/// desired resource's; a secret's is read from Secrets Manager right before the call and never
/// written here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// `service:Operation`, e.g. `rds:ModifyDBInstance`; `tagging` is the service's
    /// add-tags and remove-tags calls, each made when it has something to do.
    pub op: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carries: Vec<String>,
}

impl Call {
    pub fn new(op: &str, carries: &[&str]) -> Self {
        Call {
            op: op.to_owned(),
            carries: carries.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
}

/// How a rollback undoes a step, fixed when the plan is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undo {
    pub op: StepOp,
    /// What the undo makes: the resource as AWS had it before the step (an update's, a proxy
    /// target's delete); none for a create's undo, which deletes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restores: Option<Resource>,
    /// What the undo waits for, as a step does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Wait>,
}

/// What a step waits for once its calls are made, fixed when the plan is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    pub until: Until,
    /// How long AWS may take before apply gives up waiting (and the step fails).
    pub limit_seconds: u64,
}

/// The state a step waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Until {
    /// `available` (and no change still being applied).
    Available,
    /// Gone from AWS's answers.
    Gone,
}

/// One node of the execution graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: usize,
    pub address: Address,
    pub op: StepOp,
    /// The attributes an update changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// Reboot after the update so that a change needing one takes effect now.
    #[serde(default)]
    pub reboot: bool,
    pub depends_on: Vec<usize>,
    pub impact: Impact,
    /// The resource this step makes when it is not the desired one: switching deletion
    /// protection off right before a delete sets the observed resource with it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
    /// The calls it makes (format 3), in order; apply fails an update whose calls carried
    /// anything else.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<Call>,
    /// How a rollback undoes it (format 4); none where nothing can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<Undo>,
    /// What apply waits for once its calls are made (format 4); none for kinds AWS makes at
    /// once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Wait>,
}

/// A plan: the changes, the steps that make them, and the desired resources they need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: u32,
    pub stackctl_version: String,
    pub stack: String,
    pub region: String,
    pub observed_fingerprint: String,
    pub changes: Vec<Change>,
    /// Differences that are not changes, said so that the plan is not silent about them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    pub steps: Vec<Step>,
    pub desired: Vec<Resource>,
    /// The text of the stack file the plan was made from, so that `apply PLANFILE` can
    /// validate it and check AWS again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether AWS holds changes for the maintenance window: work AWS does by itself, not a
    /// change for apply, but never "matches its spec" either.
    pub fn holds_for_the_window(&self) -> bool {
        self.notes.iter().any(|n| n.held.is_some())
    }

    /// The longest chain of steps that wait on one another.
    pub fn depth(&self) -> usize {
        let deps: Vec<Vec<usize>> = self.steps.iter().map(|s| s.depends_on.clone()).collect();
        super::order::levels(&deps).map(|l| l.len()).unwrap_or(0)
    }

    pub fn desired(&self, a: &Address) -> Option<&Resource> {
        self.desired.iter().find(|r| &r.address == a)
    }

    /// What step `s` makes: its own resource, else the desired one of its address.
    pub fn makes<'a>(&'a self, s: &'a Step) -> Option<&'a Resource> {
        s.resource.as_ref().or_else(|| self.desired(&s.address))
    }
}
