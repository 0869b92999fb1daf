//! The stack spec: load (YAML with source positions), the serde types, validate.

pub mod diag;
pub mod load;
pub mod raw;
pub mod rules;
pub mod schema;
pub mod structure;
pub mod tree;

pub use diag::{Diagnostic, Severity};
pub use load::{Loaded, MAX_DIAGNOSTICS, load_file, load_str};
