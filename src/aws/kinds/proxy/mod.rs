//! The AWS side of RDS Proxy and its parts, one kind a file: the default target group (its
//! connection pool) and the targets (the databases it sends connections to).

pub mod target;
pub mod target_group;

#[cfg(test)]
mod tests;
