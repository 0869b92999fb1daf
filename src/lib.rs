//! stackctl: provision one AWS database stack (RDS, RDS Proxy, ElastiCache Redis, CloudWatch
//! alarms) declaratively. The binary is a thin shell over this library.

pub mod cli;
pub mod commands;
pub mod exit;
pub mod spec;
