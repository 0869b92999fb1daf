//! The stack spec: load (YAML with source positions), the serde types, validate, and the
//! validated [`StackSpec`] the rest of stackctl reads (the serde types stay in here).

mod convert;
pub mod diag;
pub mod load;
mod raw;
pub mod rules;
pub mod schema;
pub mod stack;
pub mod structure;
pub mod tree;
mod values;

pub use diag::{Diagnostic, Severity};
pub use load::{Loaded, MAX_DIAGNOSTICS, load_file, load_str};
pub use stack::StackSpec;
