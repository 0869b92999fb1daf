//! One module per subcommand. Only commands and `main` print.

pub mod schema;
pub mod validate;
