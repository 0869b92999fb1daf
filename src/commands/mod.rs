//! One module per subcommand. Only commands and `main` print.

pub mod apply;
pub mod common;
pub mod destroy;
pub mod drift;
pub mod plan;
pub mod schema;
pub mod validate;
