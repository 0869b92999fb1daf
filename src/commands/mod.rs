//! One module per subcommand. Only commands and `main` print.

pub mod apply;
pub mod common;
pub mod destroy;
pub mod drift;
pub mod locked;
pub mod output;
pub mod plan;
pub mod rollback;
pub mod saved_plan;
pub mod schema;
pub mod unlock;
pub mod validate;
