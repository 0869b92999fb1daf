//! Apply: walk the plan's steps in dependency order, independent branches at once. The executor
//! makes no choices of its own and never prints: it emits events that reporters render.

pub mod effects;
pub mod executor;
pub mod journal;
pub mod stored;

pub use executor::{Control, Event, Journaled, Report, UndoReport, execute, undo};

#[cfg(test)]
mod tests;
