//! Resource kinds as tables: per attribute, how it compares, what a change costs, whether it is
//! sensitive; per kind, what it depends on. Diff, impact, ordering and the executor all read the
//! same tables. Adding an attribute is one row; adding a kind is one file.

pub mod alarm;
pub mod aws_docs;
pub mod db_cluster;
pub mod db_instance;
pub mod defaults;
pub mod desired;
pub mod durations;
pub mod impacts_doc;
pub mod network;
pub mod parameter_group;
pub mod proxy;
pub mod redis;
pub mod secret;
pub mod types;
pub mod version;

pub use desired::{NetworkIds, desired};
pub use types::{
    Address, AttrSpec, ChangeRule, Compare, Cost, Impact, Kind, KindSpec, Resource, Source,
    attribute_rows, spec_of,
};
