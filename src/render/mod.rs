//! Rendering plans, drift and progress for people (with or without colour) and for tools.

pub mod drift;
pub mod out;
pub mod outputs;
pub mod plan;
pub mod plan_markdown;
pub mod progress;
pub mod style;
pub mod view;
