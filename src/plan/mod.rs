//! The planner: a pure function of the desired stack and the observed one. Everything apply will
//! do (every step, its order, what it costs) is decided here.

pub mod change;
pub mod diff;
pub mod format;
mod group_in_use;
mod members;
pub mod observed;
pub mod order;
mod reboots;
pub mod rename;
mod subnet_move;
pub(crate) mod undo;
pub mod waits;

pub use change::{Action, AttrChange, Change, Note};
pub use diff::{PlanError, plan};
pub use format::{Call, FORMAT_VERSION, Plan, Step, StepOp, Undo, Until, Wait};
pub use observed::{Observed, ObservedResource};
