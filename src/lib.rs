//! stackctl: provision one AWS database stack (RDS, RDS Proxy, ElastiCache Redis, CloudWatch
//! alarms) declaratively. The binary is a thin shell over this library.
//! Nothing prints with `print!` or `eprint!`, which panic on a closed pipe: see [`render::out`].

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod apply;
pub mod aws;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod lock;
pub mod model;
pub mod plan;
pub mod render;
pub mod spec;
pub mod stop;
